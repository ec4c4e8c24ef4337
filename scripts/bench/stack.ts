// Starts the whole product (the real start command) on its own ports and a fresh data folder, for benchmarks.
import { spawn, type ChildProcess } from "node:child_process";

export interface Stack {
  appUrl: string;
  procoreUrl: string;
  stripeUrl: string;
  databaseUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startStack(appPort: number, extraEnv: Record<string, string> = {}): Promise<Stack> {
  const appUrl = `http://localhost:${appPort}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: {
      ...process.env,
      PORT: String(appPort),
      APP_URL: appUrl,
      PROCORE_SANDBOX_PORT: String(appPort + 1001),
      STRIPE_SANDBOX_PORT: String(appPort + 1002),
      EMBEDDED_DB_PORT: String(appPort + 52000),
      SMARTAPP_DATA_DIR: `.data/bench-${appPort}`,
      SMARTAPP_RESET_DATA: "1",
      SMARTAPP_FRESH_DATABASE: "1",
      LOG_LEVEL: "warn",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  const deadline = Date.now() + 300_000;
  while (!out.includes("[start] ready")) {
    if (child.exitCode !== null) throw new Error(`the stack exited:\n${out}`);
    if (Date.now() > deadline) throw new Error(`the stack did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const dbUrl = process.env.DATABASE_URL
    ? (() => {
        const u = new URL(process.env.DATABASE_URL);
        u.pathname = `${u.pathname}_e2e`;
        return u.toString();
      })()
    : `postgresql://postgres:postgres@127.0.0.1:${appPort + 52000}/postgres`;
  return {
    appUrl,
    procoreUrl: `http://localhost:${appPort + 1001}`,
    stripeUrl: `http://localhost:${appPort + 1002}`,
    databaseUrl: dbUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
