import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/* Child processes for the tests and the benchmarks (the sandboxes, an embedded database) on free ports. */

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts a TypeScript entry point (through tsx) as a child process and waits until `readyPath`
 * answers 2xx, or until it prints `readyLine` when one is given. Tests reach sandboxes only over
 * HTTP, as the app does.
 */
export async function startTsProcess(opts: {
  entry: string;
  env?: Record<string, string>;
  port?: number;
  readyPath?: string;
  readyLine?: RegExp;
  timeoutMs?: number;
}): Promise<RunningProcess> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let out = "";
  const child = spawn(process.execPath, ["--import", "tsx", opts.entry], {
    env: { ...process.env, ...opts.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const readyUrl = url + (opts.readyPath ?? "/health");
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${opts.entry} exited ${child.exitCode}:\n${out}`);
    if (opts.readyLine ? opts.readyLine.test(out) : await answers(readyUrl)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${opts.entry} not ready${opts.readyLine ? "" : ` at ${readyUrl}`}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false; // not listening yet
  }
}
