import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Applies prisma/migrations with the Prisma CLI (JS schema engine, no binaries).
 * Async spawn on purpose: a synchronous child call from the process that hosts PGlite deadlocks.
 */
export function migrateDeploy(databaseUrl: string, cwd = process.cwd()): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(cwd, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`prisma migrate deploy exited ${code}:\n${out}`))));
  });
}
