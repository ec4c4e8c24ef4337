/*
 * A sync worker in its own process, for the fault tests: `node --import tsx tests/sync-faults/run-sync.ts`.
 * It runs the engine for one project as a sync job does (the account owner's stored connection, the company's id)
 * and prints one JSON line per event, so the test can kill it (SIGKILL) at a known point and start another.
 *
 * Environment: DATABASE_URL, SANDBOX_URL, CONNECTION_ID, COMPANY_ID, PROJECT_ID, ENTITIES (comma list, in order),
 * and optionally HANG_AFTER_CHECKPOINT=1 (after the first checkpoint, print it and wait to be killed),
 * WAIT_FOR_GO=1 (print {"ready":true}, then start when "go" arrives on stdin), FULL=1.
 *
 * Lines: {"ready":true} · {"checkpoint":{entity,done,total}} · {"result":{entity,...RunSyncResult}} · {"error":"…"}
 */
import { DbTokenStore } from "@/lib/auth/connection-store";
import { db } from "@/lib/db";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { createProcoreClient } from "@/lib/procore";
import { runSync } from "@/lib/sync";

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const sandboxUrl = need("SANDBOX_URL");
const connectionId = need("CONNECTION_ID");
const companyId = need("COMPANY_ID");
const projectId = need("PROJECT_ID");
const entities = need("ENTITIES").split(",") as SyncEntity[];
const hang = process.env.HANG_AFTER_CHECKPOINT === "1";

const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  // Connected before "ready", so two workers told "go" together start their runs together.
  await db().$queryRaw`SELECT 1`;
  if (process.env.WAIT_FOR_GO === "1") {
    say({ ready: true });
    await new Promise<void>((resolve) => process.stdin.on("data", (d) => String(d).includes("go") && resolve()));
    process.stdin.destroy();
  }
  for (const entity of entities) {
    const result = await runSync({
      projectId,
      entity,
      trigger: "MANUAL",
      full: process.env.FULL === "1",
      procore: ({ onRateLimitWait }) =>
        createProcoreClient({
          loginUrl: sandboxUrl,
          apiUrl: sandboxUrl,
          clientId: process.env.PROCORE_CLIENT_ID ?? "smartapp-dev-client",
          clientSecret: process.env.PROCORE_CLIENT_SECRET ?? "smartapp-dev-secret",
          tokenStore: new DbTokenStore(connectionId),
          connectionId,
          companyId,
          onRateLimitWait,
        }),
      afterCheckpoint: async ({ done, total }) => {
        say({ checkpoint: { entity, done, total } });
        if (hang) {
          // Killed here by the test: the batch and its checkpoint are committed, the rest is not done.
          setInterval(() => undefined, 60_000);
          await new Promise(() => undefined);
        }
      },
    });
    say({ result: { entity, ...result } });
  }
  await db().$disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    say({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  },
);
