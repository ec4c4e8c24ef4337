import PgBoss from "pg-boss";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { saveConnection } from "@/lib/auth/connection-store";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { Project, SyncEntity } from "@/lib/generated/prisma/client";
import { jobSender } from "@/lib/jobs/queue";
import { enqueueDueSyncs, ensureSyncQueues, fanOutProcoreEvent, registerSyncJobs, requestSync, runSyncJob, SYNC_QUEUES, type SyncJob } from "@/lib/jobs/sync-jobs";
import { entityOfSlug, syncStatus } from "@/lib/project-data/sync-status";
import { dueSyncs, getProcoreSettings, saveProcoreSettings, type ProcoreSettings } from "@/lib/sync/settings";
import type { ProcoreEvent } from "@/lib/sync/webhooks";
import { startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { signIn } from "@/scripts/support/procore-sign-in";
import { createUser, sharedAccount } from "../support/factories";

/*
 * Worker registration, settings, schedules, the Sync button, the sync job handler and the Procore webhook, against the
 * real database, pg-boss and the Procore sandbox over HTTP. Tests run in order and share one account ("Second Builders
 * Inc." of the demo seed, which no other test file uses) with its own projects. No worker polls while they run (the
 * embedded test database can mix up the statements of concurrent connections): the handler is called as the worker
 * would call it.
 */

const SECOND_COMPANY = "4300000002";
const ENTITIES: SyncEntity[] = ["LOCATIONS", "COMPANIES", "ROLES", "USERS"];

let sb: Sandbox;
let boss: PgBoss;
let ownerId: string;
let synced: Project;
let accountId: string;

async function project(procoreProjectId: string): Promise<Project> {
  return db().project.upsert({
    where: { accountId_procoreProjectId: { accountId, procoreProjectId: BigInt(procoreProjectId) } },
    create: { accountId, procoreProjectId: BigInt(procoreProjectId), name: `Project ${procoreProjectId}` },
    update: {},
  });
}

interface JobRow {
  id: string;
  singleton_key: string | null;
  data: Record<string, unknown>;
  state: string;
}

const jobs = (queue: string) => db().$queryRaw<JobRow[]>`SELECT id::text, singleton_key, data, state FROM pgboss.job WHERE name = ${queue}`;
const syncJobsOf = async (projectId: string) => (await jobs(SYNC_QUEUES.sync)).filter((j) => j.data.projectId === projectId);

interface SandboxHook {
  id: string | number;
  company_id: string | number;
  project_id: string | number | null;
  namespace: string;
  destination_url: string;
  destination_headers: Record<string, string>;
}
const hooksOf = async () =>
  (await sb.admin<SandboxHook[]>("GET", `/__admin/records/hooks?company_id=${SECOND_COMPANY}`)).filter((h) => h.namespace === "smartapp");
const triggersOf = async (hookId: string | number) =>
  (await sb.admin<{ hook_id: string | number; resource_name: string; event_type: string }[]>("GET", "/__admin/records/triggers"))
    .filter((t) => String(t.hook_id) === String(hookId))
    .map((t) => `${t.resource_name}:${t.event_type}`)
    .sort();

const SETTINGS: ProcoreSettings = {
  enabled: true,
  entities: {
    LOCATIONS: { direction: "PROCORE_TO_SMARTAPP", frequency: "HOURLY" },
    COMPANIES: { direction: "BOTH", frequency: "DAILY" },
    ROLES: { direction: "BOTH", frequency: "WEEKLY" },
    USERS: { direction: "SMARTAPP_TO_PROCORE", frequency: "DAILY" },
  },
};

beforeAll(async () => {
  sb = await startSandbox();
  // Before anything reads the environment: the app's Procore is this sandbox; webhook deliveries would go nowhere.
  process.env.PROCORE_SANDBOX_PORT = new URL(sb.url).port;
  process.env.APP_URL = "http://127.0.0.1:9";
  await sb.admin("POST", "/__admin/reset", { seed: "demo" });
  await sb.admin("POST", "/__admin/install", { companyId: SECOND_COMPANY, app: "planner" });

  const account = await sharedAccount(SECOND_COMPANY, "Second Builders Inc.");
  accountId = account.id;
  const owner = await createUser();
  ownerId = owner.id;
  // An admin: the account is shared with other test files, and it has one owner at most.
  await db().membership.create({ data: { accountId, userId: ownerId, role: "ADMIN" } });
  await saveConnection(ownerId, await signIn({ sandboxUrl: sb.url }));
  synced = await project("4400000039");
  boss = await jobSender();
  await ensureSyncQueues(boss);
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await sb?.stop();
});

describe("worker registration", () => {
  it("creates the sync queues and the scheduler's cron", async () => {
    // A pg-boss of its own without cron monitoring, stopped at once: nothing is queued yet for its handlers to take.
    const worker = new PgBoss({ connectionString: inject("databaseUrl"), schema: "pgboss", schedule: false, supervise: false, max: 2 });
    await worker.start();
    try {
      await registerSyncJobs(worker, { pollingIntervalSeconds: 30 });
      expect(await worker.getSchedules()).toContainEqual(expect.objectContaining({ name: SYNC_QUEUES.scheduler, cron: "*/5 * * * *", timezone: "UTC" }));
      expect(await worker.getQueue(SYNC_QUEUES.sync)).toMatchObject({ policy: "short" });
    } finally {
      await worker.stop({ graceful: false, wait: true });
    }
  });
});

describe("Procore settings", () => {
  it("saving ON registers the project's and the company's webhooks, once", async () => {
    expect(await saveProcoreSettings(synced.id, ownerId, SETTINGS)).toEqual(SETTINGS);
    const config = await db().procoreSyncConfig.findUniqueOrThrow({ where: { projectId: synced.id } });
    expect(config).toMatchObject({ enabled: true, procoreHookId: expect.any(BigInt) });

    const hooks = await hooksOf();
    expect(hooks).toHaveLength(2);
    const projectHook = hooks.find((h) => String(h.id) === String(config.procoreHookId))!;
    const companyHook = hooks.find((h) => h.project_id === null)!;
    for (const hook of [projectHook, companyHook]) {
      expect(hook).toMatchObject({
        destination_url: "http://127.0.0.1:9/api/procore/webhook",
        destination_headers: { Authorization: env().procore.webhookSecret },
      });
    }
    expect(String(projectHook.project_id)).toBe("4400000039");
    expect(await triggersOf(projectHook.id)).toEqual(
      ["Locations", "Project Users", "Project Vendors"].flatMap((r) => [`${r}:create`, `${r}:delete`, `${r}:update`]),
    );
    expect(await triggersOf(companyHook.id)).toEqual(["Company Users:create", "Company Users:update", "Company Vendors:create", "Company Vendors:update"]);

    const changed = { ...SETTINGS, entities: { ...SETTINGS.entities, COMPANIES: { direction: "PROCORE_TO_SMARTAPP", frequency: "WEEKLY" } } } as const;
    expect(await saveProcoreSettings(synced.id, ownerId, changed)).toEqual(changed);
    expect(await hooksOf()).toHaveLength(2);
    await saveProcoreSettings(synced.id, ownerId, SETTINGS);
  });

  it("a scheduler tick enqueues every due sync once, keyed by project and entity", async () => {
    expect((await dueSyncs(new Date())).filter((d) => d.projectId === synced.id).map((d) => d.entity).sort()).toEqual([...ENTITIES].sort());
    await enqueueDueSyncs(boss);
    const queued = await syncJobsOf(synced.id);
    expect(queued.map((j) => j.singleton_key).sort()).toEqual(ENTITIES.map((e) => `${synced.id}:${e}`).sort());
    expect(queued.every((j) => j.data.trigger === "SCHEDULE" && typeof j.data.runId === "string")).toBe(true);
    expect(await db().syncRun.count({ where: { projectId: synced.id, trigger: "SCHEDULE" } })).toBe(4);

    // Nothing is due again until the next slot.
    await enqueueDueSyncs(boss);
    expect(await syncJobsOf(synced.id)).toHaveLength(4);
    expect((await dueSyncs(new Date())).filter((d) => d.projectId === synced.id)).toEqual([]);
  });

  it("saving OFF removes the webhooks and stops the schedule, keeping the choices", async () => {
    const off = { ...SETTINGS, enabled: false };
    expect(await saveProcoreSettings(synced.id, ownerId, off)).toEqual(off);
    expect(await getProcoreSettings(synced.id)).toEqual(off);
    expect(await hooksOf()).toEqual([]);
    expect(await db().procoreSyncConfig.findUniqueOrThrow({ where: { projectId: synced.id } })).toMatchObject({ enabled: false, procoreHookId: null });
    expect((await dueSyncs(new Date(Date.now() + 8 * 86_400_000))).filter((d) => d.projectId === synced.id)).toEqual([]);
  });
});

describe("the Sync button and the sync job", () => {
  it("refuses while sync is off; then answers the waiting run, however often it is pressed", async () => {
    await expect(requestSync(synced.id, "ROLES")).rejects.toMatchObject({ status: 409 });
    await saveProcoreSettings(synced.id, ownerId, SETTINGS);
    const first = await requestSync(synced.id, "ROLES");
    expect(first).toMatchObject({ runId: expect.any(String), status: "QUEUED" });
    expect(await requestSync(synced.id, "ROLES")).toEqual(first);
    expect((await syncJobsOf(synced.id)).filter((j) => j.singleton_key === `${synced.id}:ROLES` && j.state === "created")).toHaveLength(1);
  });

  it("the worker's handler runs a queued sync through the account owner's Procore connection", async () => {
    const { runId } = await requestSync(synced.id, "ROLES");
    const job = (await syncJobsOf(synced.id)).find((j) => j.data.runId === runId);
    await runSyncJob(boss, job!.data as unknown as SyncJob);
    const run = await db().syncRun.findUniqueOrThrow({ where: { id: runId! } });
    // The tick's waiting run did the button's work.
    expect(run).toMatchObject({ status: "SUCCEEDED", trigger: "SCHEDULE", error: null });
    expect(run.created).toBeGreaterThan(0);
    expect(await db().role.count({ where: { projectId: synced.id } })).toBe(run.created);
  });

  it("the entity page's status lists the runs, newest first, with their issues as JSON", async () => {
    const [latest] = await db().syncRun.findMany({ where: { projectId: synced.id, entity: "ROLES" }, orderBy: { createdAt: "desc" }, take: 1 });
    await db().syncRunIssue.create({
      data: { runId: latest!.id, kind: "CONFLICT", message: "Changed on both sides", procoreId: 5300000001n, localValue: { name: "A" }, procoreValue: { name: "B" } },
    });
    const { runs } = await syncStatus(synced.id, entityOfSlug("roles"));
    expect(runs[0]).toMatchObject({ id: latest!.id, status: "SUCCEEDED", trigger: "SCHEDULE", finishedAt: expect.any(String), issueCount: 1 });
    expect(runs[0]!.issues).toEqual([
      expect.objectContaining({ kind: "CONFLICT", procoreId: "5300000001", localValue: { name: "A" }, procoreValue: { name: "B" } }),
    ]);
    expect(() => entityOfSlug("schedule")).toThrow(expect.objectContaining({ status: 404 }));
  });

  it("a trigger that arrives during a live run starts one more run the moment it ends, not when a delay runs out", async () => {
    // The jobs earlier tests ran by hand, taken off the queue as a worker would have.
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = ${SYNC_QUEUES.sync} AND singleton_key = ${`${synced.id}:ROLES`}`;
    const { runId } = await requestSync(synced.id, "ROLES");
    const job = (await syncJobsOf(synced.id)).find((j) => j.data.runId === runId);
    // Fetched, as a worker fetches it: the queue may now take another job with its key.
    await db().$executeRaw`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE id = ${job!.id}::uuid`;
    // A slow Procore keeps the run live long enough for a change to arrive while it works.
    await sb.admin("POST", "/__admin/faults", { latencyMs: 200 });
    try {
      const running = runSyncJob(boss, job!.data as unknown as SyncJob);
      await expect.poll(async () => (await db().syncRun.findUniqueOrThrow({ where: { id: runId! } })).status, { timeout: 10_000 }).toBe("RUNNING");
      expect(await requestSync(synced.id, "ROLES")).toEqual({ runId, status: "RUNNING" });
      expect(await db().syncRun.findUniqueOrThrow({ where: { id: runId! } })).toMatchObject({ followUp: "MANUAL" });
      await running;
    } finally {
      await sb.admin("DELETE", "/__admin/faults");
    }

    expect(await db().syncRun.findUniqueOrThrow({ where: { id: runId! } })).toMatchObject({ status: "SUCCEEDED", followUp: null });
    const next = await db().syncRun.findFirstOrThrow({ where: { projectId: synced.id, entity: "ROLES", status: "QUEUED" } });
    expect(next.trigger).toBe("MANUAL");
    const [followUp] = await db().$queryRaw<{ singleton_key: string; due_in: number }[]>`
      SELECT singleton_key, extract(epoch FROM start_after - now())::float8 AS due_in
      FROM pgboss.job WHERE name = ${SYNC_QUEUES.sync} AND state = 'created' AND data->>'runId' = ${next.id}`;
    expect(followUp).toMatchObject({ singleton_key: `${synced.id}:ROLES` });
    expect(followUp!.due_in).toBeLessThanOrEqual(1);
    // Behind the live run, a check that would resume it had its worker died; it finds the run over and does nothing.
    const resume = (await syncJobsOf(synced.id)).find((j) => j.data.resumeOf === runId);
    expect(resume).toMatchObject({ singleton_key: `${synced.id}:ROLES:resume:${runId}`, state: "created" });
    await runSyncJob(boss, resume!.data as unknown as SyncJob);
    expect(await db().syncRun.count({ where: { projectId: synced.id, entity: "ROLES", status: { in: ["QUEUED", "RUNNING"] } } })).toBe(1);

    const nextJob = (await syncJobsOf(synced.id)).find((j) => j.data.runId === next.id);
    await runSyncJob(boss, nextJob!.data as unknown as SyncJob);
    expect(await db().syncRun.findUniqueOrThrow({ where: { id: next.id } })).toMatchObject({ status: "SUCCEEDED", trigger: "MANUAL", created: 0 });
  });
});

describe("the resume check behind a live run", () => {
  it("takes the run over only once its worker has gone quiet, and never starts a run of its own", async () => {
    const live = await db().syncRun.create({ data: { projectId: synced.id, entity: "ROLES", trigger: "SCHEDULE", status: "RUNNING", startedAt: new Date() } });
    const check: SyncJob = { projectId: synced.id, entity: "ROLES", trigger: "MANUAL", resumeOf: live.id };
    const runsOf = () => db().syncRun.findMany({ where: { projectId: synced.id, entity: "ROLES", createdAt: { gte: live.createdAt } }, select: { id: true, status: true } });

    await runSyncJob(boss, check);
    expect(await runsOf()).toEqual([{ id: live.id, status: "RUNNING" }]);

    // No heartbeat for ten minutes: its worker died, and the check finishes the run.
    await db().syncRun.update({ where: { id: live.id }, data: { startedAt: new Date(Date.now() - 10 * 60_000) } });
    await runSyncJob(boss, check);
    expect(await runsOf()).toEqual([{ id: live.id, status: "SUCCEEDED" }]);

    // Run again once the run has ended: nothing new.
    await runSyncJob(boss, check);
    expect(await runsOf()).toEqual([{ id: live.id, status: "SUCCEEDED" }]);
  });
});

describe("POST /api/procore/webhook", () => {
  let deliver: (body: unknown, authorization?: string | null) => Promise<Response>;
  let eventIds = 7_000_000_000;

  const event = (fields: Record<string, unknown> = {}) => ({
    id: ++eventIds,
    ulid: "01EDPD2J6SBY1163N77H95GW09",
    timestamp: new Date().toISOString(),
    user_id: 5000000001,
    company_id: Number(SECOND_COMPANY),
    project_id: 4400000040,
    api_version: "v2",
    event_type: "update",
    resource_name: "Locations",
    resource_id: 5200000001,
    metadata: { source_user_id: 5000000001, source_application_id: null },
    ...fields,
  });
  const eventJobs = async (id: number) => (await jobs(SYNC_QUEUES.procoreEvent)).filter((j) => j.data.id === String(id));

  beforeAll(async () => {
    const { POST } = await import("@/app/api/procore/webhook/route");
    deliver = (body, authorization = env().procore.webhookSecret) =>
      POST(
        new NextRequest("http://localhost:3000/api/procore/webhook", {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization === null ? {} : { authorization }) },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      );
  });

  it("answers 401 without our secret and 400 for a malformed event", async () => {
    expect((await deliver(event(), "Bearer not-the-secret")).status).toBe(401);
    expect((await deliver(event(), null)).status).toBe(401);
    expect((await deliver("{not json")).status).toBe(400);
    const invalid = await deliver({ ...event(), resource_name: undefined, id: "abc" });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).fields).toMatchObject({ id: [expect.any(String)], resource_name: [expect.any(String)] });
  });

  it("answers 400 with the field's message, and queues nothing, for an id that is not a positive 64-bit integer", async () => {
    const queuedBefore = (await jobs(SYNC_QUEUES.procoreEvent)).length;
    const beyondBigint = await deliver(event({ resource_id: "9223372036854775808" }));
    expect(beyondBigint.status).toBe(400);
    expect(await beyondBigint.json()).toEqual({ error: "Invalid request", fields: { resource_id: ["must be a positive 64-bit integer (1 to 9223372036854775807)"] } });
    const malformed: Record<string, unknown>[] = [
      { resource_id: "123456789012345678901" },
      { resource_id: 2 ** 53 + 2 },
      { company_id: 0 },
      { company_id: "0" },
      { project_id: -4400000040 },
      { project_id: "-4400000040" },
      { project_id: 4400000040.5 },
      { project_id: "0044" },
      { id: "99999999999999999999" },
    ];
    for (const fields of malformed) {
      const res = await deliver(event(fields));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect((await res.json()).fields, JSON.stringify(fields)).toEqual({ [Object.keys(fields)[0]!]: [expect.any(String)] });
    }
    expect(await jobs(SYNC_QUEUES.procoreEvent)).toHaveLength(queuedBefore);

    const largest = event({ resource_id: "9223372036854775807", project_id: "9223372036854775807" });
    expect(await (await deliver(largest)).json()).toEqual({ received: true, queued: true });
  });

  it("ignores our own writes coming back and resources we do not sync", async () => {
    const echo = event({ metadata: { source_application_id: env().procore.clientId } });
    expect(await (await deliver(echo)).json()).toEqual({ received: true, queued: false });
    expect(await eventJobs(echo.id)).toEqual([]);
    const task = event({ resource_name: "Tasks" });
    expect(await (await deliver(task)).json()).toEqual({ received: true, queued: false });
  });

  it("queues an event once, even when Procore delivers it again after it was handled", async () => {
    const e = event();
    expect(await (await deliver(e)).json()).toEqual({ received: true, queued: true });
    expect(await (await deliver(e)).json()).toEqual({ received: true, queued: false });
    // As if a worker had handled it already; pg-boss keeps finished jobs for 12 hours.
    await db().$executeRaw`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE name = ${SYNC_QUEUES.procoreEvent} AND data->>'id' = ${String(e.id)}`;
    expect(await (await deliver(e)).json()).toEqual({ received: true, queued: false });
    expect(await eventJobs(e.id)).toHaveLength(1);
  });

  it("an event enqueues one incremental WEBHOOK sync per synced project, keyed by project and entity", async () => {
    const [target, off, pushOnly] = await Promise.all([project("4400000040"), project("4400000041"), project("4400000038")]);
    await db().procoreSyncConfig.createMany({
      data: [
        { projectId: target.id, enabled: true },
        { projectId: off.id, enabled: false },
        { projectId: pushOnly.id, enabled: true },
      ],
    });
    await db().syncSetting.create({ data: { projectId: pushOnly.id, entity: "USERS", direction: "SMARTAPP_TO_PROCORE" } });

    const locations = event({ project_id: 4400000040 });
    expect(await (await deliver(locations)).json()).toMatchObject({ queued: true });
    const [job] = await eventJobs(locations.id);
    await fanOutProcoreEvent(boss, job!.data as unknown as ProcoreEvent);
    const targetJobs = await syncJobsOf(target.id);
    expect(targetJobs).toEqual([
      expect.objectContaining({ singleton_key: `${target.id}:LOCATIONS`, data: expect.objectContaining({ entity: "LOCATIONS", trigger: "WEBHOOK" }) }),
    ]);
    expect(await db().syncRun.findMany({ where: { projectId: target.id }, select: { entity: true, trigger: true } })).toEqual([
      { entity: "LOCATIONS", trigger: "WEBHOOK" },
    ]);

    // A company event has no project: every synced project of the company that pulls the entity.
    const companyUser = event({ project_id: null, resource_name: "Company Users" });
    await fanOutProcoreEvent(boss, { ...(job!.data as unknown as ProcoreEvent), id: String(companyUser.id), resourceName: "Company Users", projectId: null });
    const userJobs = (await jobs(SYNC_QUEUES.sync)).filter((j) => j.data.entity === "USERS" && j.data.trigger === "WEBHOOK");
    expect(userJobs.map((j) => j.singleton_key)).toEqual([`${target.id}:USERS`]);
    expect(await syncJobsOf(off.id)).toEqual([]);
  });

  it("a deletion asks the next run of the entity to pull in full, which an incremental pull could not see; an edit does not", async () => {
    const target = await project("4400000040");
    const fanOut = (eventType: string) =>
      fanOutProcoreEvent(boss, {
        id: String(++eventIds),
        eventType,
        resourceName: "Locations",
        resourceId: "5200000009",
        companyId: SECOND_COMPANY,
        projectId: "4400000040",
        sourceApplicationId: null,
      });
    const requested = async () =>
      (await db().syncSetting.findUnique({ where: { projectId_entity: { projectId: target.id, entity: "LOCATIONS" } } }))?.fullRequestedAt ?? null;
    await fanOut("update");
    expect(await requested()).toBeNull();
    const before = new Date();
    await fanOut("delete");
    expect((await requested())!.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });
});
