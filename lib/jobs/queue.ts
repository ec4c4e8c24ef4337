import PgBoss from "pg-boss";
import { log } from "@/lib/log";

export const QUEUES = {
  heartbeat: "heartbeat",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export function createBoss(connectionString: string): PgBoss {
  const boss = new PgBoss({ connectionString, schema: "pgboss", max: 4, application_name: "smartapp" });
  boss.on("error", (err) => log.error({ err: err.message }, "pg-boss error"));
  return boss;
}

/** pg-boss 10 needs each queue created before send/work. Idempotent. */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  for (const name of Object.values(QUEUES)) {
    // "stately": per singletonKey at most one job queued and one active, so the same work (a heartbeat,
    // a project's entity sync) never runs twice at once and never piles up.
    await boss.createQueue(name, { name, policy: "stately" });
  }
}

let senderPromise: Promise<PgBoss> | undefined;

/** A started pg-boss used by web processes to enqueue work (no handlers). */
export function jobSender(): Promise<PgBoss> {
  senderPromise ??= (async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const boss = createBoss(url);
    await boss.start();
    await ensureQueues(boss);
    return boss;
  })();
  return senderPromise;
}
