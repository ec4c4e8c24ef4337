import { hostname } from "node:os";
import type PgBoss from "pg-boss";
import { log } from "@/lib/log";
import { recordHeartbeat } from "./heartbeat";
import { createBoss, ensureQueues, QUEUES } from "./queue";
import { registerSyncJobs } from "./sync-jobs";

export interface Worker {
  id: string;
  boss: PgBoss;
  stop(): Promise<void>;
}

/**
 * A worker process's job loop. Any number of workers may run against one database: pg-boss hands
 * each job to exactly one of them (SELECT … FOR UPDATE SKIP LOCKED), so a job never runs twice at once.
 */
export async function startWorker(
  connectionString: string,
  opts: { pollingIntervalSeconds?: number; /** Tests of the queue itself leave sync jobs to others. */ syncJobs?: boolean } = {},
): Promise<Worker> {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const boss = createBoss(connectionString);
  await boss.start();
  await ensureQueues(boss);
  const pollingIntervalSeconds = opts.pollingIntervalSeconds ?? 2;
  if (opts.syncJobs ?? true) await registerSyncJobs(boss, { pollingIntervalSeconds });

  await boss.work(QUEUES.heartbeat, { pollingIntervalSeconds }, async () => {
    await recordHeartbeat(id);
  });
  // Every minute, cluster-wide: pg-boss's cron creates one job per minute however many workers run.
  await boss.schedule(QUEUES.heartbeat, "* * * * *", {}, { tz: "UTC", singletonKey: "heartbeat" });
  // And one now, so a fresh start shows a live queue without waiting for the next minute.
  await boss.send(QUEUES.heartbeat, {}, { singletonKey: "heartbeat" });

  log.info({ workerId: id }, "worker started");
  return {
    id,
    boss,
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
