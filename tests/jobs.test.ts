import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { db } from "@/lib/db";
import { QUEUES } from "@/lib/jobs/queue";
import { startWorker, type Worker } from "@/lib/jobs/worker";

const workers: Worker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("job queue and workers", () => {
  it("a worker runs the heartbeat job, which writes to the database", async () => {
    const worker = await startWorker(inject("databaseUrl"), { pollingIntervalSeconds: 0.5, syncJobs: false });
    workers.push(worker);
    const beat = await until(() => db().workerHeartbeat.findUnique({ where: { workerId: worker.id } }));
    expect(beat.beats).toBeGreaterThanOrEqual(1);
  });

  it("two workers share the queue and never run the same job twice", async () => {
    const [a, b] = await Promise.all([
      startWorker(inject("databaseUrl"), { pollingIntervalSeconds: 0.5, syncJobs: false }),
      startWorker(inject("databaseUrl"), { pollingIntervalSeconds: 0.5, syncJobs: false }),
    ]);
    workers.push(a, b);
    const queue = "test-exactly-once";
    await a.boss.createQueue(queue);
    const seen: { job: string; worker: string }[] = [];
    for (const w of [a, b]) {
      await w.boss.work<{ n: number }>(queue, { pollingIntervalSeconds: 0.5, batchSize: 2 }, async (jobs) => {
        for (const job of jobs) {
          seen.push({ job: job.id, worker: w.id });
          await new Promise((r) => setTimeout(r, 20));
        }
      });
    }
    const ids = await Promise.all(Array.from({ length: 30 }, (_, n) => a.boss.send(queue, { n })));
    await until(async () => seen.length >= 30);
    await new Promise((r) => setTimeout(r, 1500)); // anything run twice would show up now
    expect(new Set(seen.map((s) => s.job)).size).toBe(30);
    expect(seen).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(new Set(seen.map((s) => s.worker)).size).toBe(2);
  });

  it("the heartbeat queue holds at most one queued heartbeat at a time", async () => {
    const [w] = workers;
    const first = await w.boss.send(QUEUES.heartbeat, {}, { singletonKey: "heartbeat", startAfter: 60 });
    const second = await w.boss.send(QUEUES.heartbeat, {}, { singletonKey: "heartbeat", startAfter: 60 });
    expect(first).toBeTruthy();
    expect(second).toBeNull();
  });
});
