import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db";
import { registerSyncJobs, SYNC_QUEUES } from "@/lib/jobs/sync-jobs";
import type { ProcoreEvent } from "@/lib/sync/webhooks";
import { createAccount, createProject } from "../support/factories";

/*
 * A burst of Procore webhook events drained by a real worker: pg-boss on the real database, registered as
 * lib/jobs/worker.ts registers it, polling every 2 s as in production. The worker has a pg-boss schema of its own, so
 * it takes no job another test file queued, and no cron (its scheduler would queue syncs for every project).
 */

const SCHEMA = "pgboss_event_burst";
const EVENTS = 200;

let boss: PgBoss;

interface EventJob {
  id: string;
  state: string;
  retry_count: number;
  output: { message?: string } | null;
}
const eventJobs = () =>
  db().$queryRawUnsafe<EventJob[]>(`SELECT id::text, state::text, retry_count, output FROM ${SCHEMA}.job WHERE name = $1`, SYNC_QUEUES.procoreEvent);
const syncJobs = () =>
  db().$queryRawUnsafe<{ singleton_key: string; start_after: Date }[]>(`SELECT singleton_key, start_after FROM ${SCHEMA}.job WHERE name = $1`, SYNC_QUEUES.sync);

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await db().$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  boss = new PgBoss({ connectionString: inject("databaseUrl"), schema: SCHEMA, schedule: false, max: 4 });
  await boss.start();
  await registerSyncJobs(boss, { pollingIntervalSeconds: 2 });
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await db().$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

describe("a burst of Procore events", () => {
  it("fans out 200 events in seconds, not one per polling interval; a failing event is retried alone", { timeout: 90_000 }, async () => {
    const account = await createAccount("Burst Builders");
    const project = await createProject(account.id);
    await db().procoreSyncConfig.create({ data: { projectId: project.id, enabled: true } });
    // A Locations sync is under way, so each event's fan-out marks it for a follow-up and leaves one delayed resume
    // check behind it (the "short" policy keeps one per key): the sync workers have nothing to run while events drain.
    const live = await db().syncRun.create({ data: { projectId: project.id, entity: "LOCATIONS", trigger: "SCHEDULE", status: "RUNNING", startedAt: new Date() } });

    const event = (n: number, companyId: string): ProcoreEvent => ({
      id: String(8_000_000_000 + n),
      eventType: "update",
      resourceName: "Locations",
      resourceId: String(5_200_000_000 + n),
      companyId,
      projectId: String(project.procoreProjectId),
      sourceApplicationId: null,
    });
    const company = String(account.procoreCompanyId);
    // An event queued before the webhook checked ids: its company id is beyond bigint, so its fan-out fails.
    const bad = event(0, "99999999999999999999");
    const jobs = [bad, ...Array.from({ length: EVENTS }, (_, n) => event(n + 1, company))].map((data) => ({ name: SYNC_QUEUES.procoreEvent, data }));

    await boss.insert(jobs);
    // Within 30 s: one event per 2 s polling interval would take 400 s.
    await until("the burst to drain", async () => (await eventJobs()).filter((j) => j.state === "completed").length === EVENTS, 30_000);

    expect(await syncJobs()).toEqual([{ singleton_key: `${project.id}:LOCATIONS:resume:${live.id}`, start_after: expect.any(Date) }]);
    expect(await db().syncRun.findMany({ where: { projectId: project.id }, select: { status: true, followUp: true } })).toEqual([
      { status: "RUNNING", followUp: "WEBHOOK" },
    ]);
    const failed = await until("the bad event to fail", async () => (await eventJobs()).find((j) => j.state === "retry"), 10_000);
    expect(failed).toMatchObject({ retry_count: 0, output: { message: expect.stringContaining("project.findMany") } });

    // Its retry is due now: it runs again, and fails again, on its own.
    await db().$executeRawUnsafe(`UPDATE ${SCHEMA}.job SET start_after = now() WHERE id = $1::uuid`, failed.id);
    await until("the retry", async () => (await eventJobs()).find((j) => j.id === failed.id && j.state === "retry" && j.retry_count === 1), 15_000);
    const states = (await eventJobs()).map((j) => j.state);
    expect(states.filter((s) => s === "completed")).toHaveLength(EVENTS);
    expect(states).toHaveLength(EVENTS + 1);
  });
});
