// `npm start` / `npm run dev`: the whole product from one command.
// Database (configured PostgreSQL, or embedded PGlite), migrations, demo seed, build when needed,
// the local Procore and Stripe sandboxes when no real credentials are configured, the web app and
// one worker. Ctrl-C stops every child.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync, readdirSync, type WriteStream } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded";
import { migrateDeploy } from "@/lib/db/migrate";
import { env, EnvError } from "@/lib/env";

const dev = process.argv.includes("--dev");
const root = process.cwd();
const children: { name: string; child: ChildProcess }[] = [];
let embedded: EmbeddedPostgres | undefined;
let shuttingDown = false;
/** SMARTAPP_LOG_FILE: every child's output is also appended to this file (the e2e log-secret test reads it). */
let logFile: WriteStream | undefined;

const childStdio = (): StdioOptions => (logFile ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"]);

function teeOutput(child: ChildProcess): ChildProcess {
  const file = logFile;
  if (!file) return child;
  child.stdout?.on("data", (chunk: Buffer) => (process.stdout.write(chunk), file.write(chunk)));
  child.stderr?.on("data", (chunk: Buffer) => (process.stderr.write(chunk), file.write(chunk)));
  return child;
}

function say(msg: string) {
  console.log(`[start] ${msg}`);
}

function run(name: string, command: string, args: string[], extraEnv: Record<string, string>): ChildProcess {
  const child = teeOutput(spawn(command, args, { cwd: root, env: { ...process.env, ...extraEnv }, stdio: childStdio() }));
  children.push({ name, child });
  child.on("exit", (code, signal) => {
    if (shuttingDown) return;
    console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
    void shutdown(1);
  });
  return child;
}

function runToEnd(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = teeOutput(spawn(command, args, { cwd: root, env: { ...process.env, ...extraEnv }, stdio: childStdio() }));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`))));
  });
}

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 8000).unref();
        }),
    ),
  );
  await embedded?.stop().catch(() => undefined);
  process.exit(code);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "public"].filter((d) => existsSync(d)).map((d) => newestMtime(path.join(root, d)));
  const files = ["next.config.ts", "package-lock.json", "postcss.config.mjs"].filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs);
  return Math.max(...sources, ...files) > built;
}

/** With SMARTAPP_FRESH_DATABASE=1 (e2e), the configured server gets a new, empty database beside the named one. */
async function freshDatabase(url: string): Promise<string> {
  const u = new URL(url);
  const name = `${u.pathname.slice(1) || "postgres"}_e2e`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  u.pathname = `/${name}`;
  return u.toString();
}

async function main() {
  // Like Next.js, read .env.local then .env; variables already set win.
  for (const file of [".env.local", ".env"]) if (existsSync(path.join(root, file))) process.loadEnvFile(path.join(root, file));
  let config;
  try {
    config = env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(0));

  const dataDir = path.resolve(root, process.env.SMARTAPP_DATA_DIR ?? ".data");
  if (process.env.SMARTAPP_RESET_DATA === "1") rmSync(dataDir, { recursive: true, force: true });
  // The sandboxes keep their state files here, with or without the embedded database.
  mkdirSync(dataDir, { recursive: true });
  if (process.env.SMARTAPP_LOG_FILE) {
    const file = path.resolve(root, process.env.SMARTAPP_LOG_FILE);
    mkdirSync(path.dirname(file), { recursive: true });
    logFile = createWriteStream(file, { flags: "a" });
  }

  let databaseUrl = config.databaseUrl;
  if (databaseUrl) {
    if (process.env.SMARTAPP_FRESH_DATABASE === "1") databaseUrl = await freshDatabase(databaseUrl);
    say(`database: PostgreSQL at ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}`);
  } else {
    const port = Number(process.env.EMBEDDED_DB_PORT ?? 55432);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite"), port });
    databaseUrl = embedded.url;
    say(`database: embedded PGlite in ${path.relative(root, dataDir)}/pglite, served on 127.0.0.1:${port}`);
  }

  const t0 = Date.now();
  await migrateDeploy(databaseUrl, root);
  say(`migrations applied (${Date.now() - t0} ms)`);
  await runToEnd(process.execPath, ["--import", "tsx", "prisma/seed.ts"], { DATABASE_URL: databaseUrl });

  if (!dev && buildIsStale()) {
    say("building the web app (next build)…");
    await runToEnd(path.join(root, "node_modules/.bin/next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1" });
  }

  const common = { DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1", SMARTAPP_EMBEDDED_DB: embedded ? "1" : "0" };
  if (config.procore.mode === "sandbox") {
    run("procore sandbox", process.execPath, ["--import", "tsx", "emulators/procore/main.ts"], {
      PORT: String(config.procore.sandboxPort),
      PROCORE_CLIENT_ID: config.procore.clientId,
      PROCORE_CLIENT_SECRET: config.procore.clientSecret,
      PROCORE_REDIRECT_URIS: `${config.appUrl}/api/auth/callback/procore`,
      PROCORE_SETUP_URL: `${config.appUrl}/procore/setup`,
      PROCORE_EMBEDDED_URL: `${config.appUrl}/procore/embedded?company_id={{procore.company.id}}&project_id={{procore.project.id}}`,
      PROCORE_SANDBOX_STATE_FILE: path.join(dataDir, "procore-sandbox.json"),
    });
  }
  if (config.stripe.mode === "sandbox") {
    run("stripe sandbox", process.execPath, ["--import", "tsx", "emulators/stripe/main.ts"], {
      PORT: String(config.stripe.sandboxPort),
      STRIPE_SECRET_KEY: config.stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: config.stripe.webhookSecret,
      STRIPE_SANDBOX_WEBHOOK_URL: `${config.appUrl}/api/stripe/webhook`,
      STRIPE_SANDBOX_STATE_FILE: path.join(dataDir, "stripe-sandbox.json"),
    });
  }
  run("web", path.join(root, "node_modules/.bin/next"), [dev ? "dev" : "start", "-p", String(config.port)], {
    ...common,
    NEXTAUTH_URL: config.appUrl,
    SMARTAPP_PROCESS: "web",
  });
  run("worker", process.execPath, ["--import", "tsx", "scripts/worker.ts"], { ...common, SMARTAPP_PROCESS: "worker" });

  // Ready when the app answers its health check.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !shuttingDown) {
    try {
      const res = await fetch(`http://localhost:${config.port}/api/health`);
      if (res.status < 500) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  say(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s — open ${config.appUrl}`);
  if (config.procore.mode === "sandbox") {
    say(`Procore sandbox: ${config.procore.apiUrl}/marketplace (sign in as admin@demo.test / demo)`);
  }
}

const startedAt = Date.now();
main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
