import { createServer, type Server } from "node:http";
import { loadConfig } from "./config.ts";
import { Sandbox } from "./sandbox.ts";
import { createRequestHandler } from "./server.ts";

/*
 * Local Procore sandbox: `node --import tsx emulators/procore/main.ts [--seed large --projects N --users N
 * --vendors N --locations N]`. Configuration comes from the environment (see README.md).
 */

const config = loadConfig(process.env, process.argv.slice(2));
const sandbox = new Sandbox(config);
const handler = createRequestHandler(sandbox);

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => void handler(req, res));
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

const servers: Server[] = [await listen("127.0.0.1", config.port)];
const address = servers[0]!.address();
const port = typeof address === "object" && address ? address.port : config.port;
// `localhost` may resolve to ::1 first; answer there too when the machine has IPv6 loopback.
try {
  servers.push(await listen("::1", port));
} catch {
  /* no IPv6 loopback here: 127.0.0.1 alone serves localhost */
}

console.log(`procore sandbox listening on http://localhost:${port}`);

function shutdown(): void {
  sandbox.shutdown();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
