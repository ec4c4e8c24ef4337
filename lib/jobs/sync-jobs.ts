import { createHash } from "node:crypto";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { procoreForProject } from "@/lib/auth/procore";
import { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import { SyncEntity, SyncTrigger, type SyncRunStatus } from "@/lib/generated/prisma/enums";
import { log } from "@/lib/log";
import { requestFullPull, runSync } from "@/lib/sync";
import { dueSyncs } from "@/lib/sync/settings";
import { syncsForEvent, type ProcoreEvent } from "@/lib/sync/webhooks";
import { jobSender } from "./queue";

/*
 * The sync's jobs. Three queues:
 *
 *   sync            one job = one run of the engine for a project+entity. Sent with singletonKey `${projectId}:${entity}`
 *                   under the "short" policy: at most one job waits per project+entity, so a burst of triggers
 *                   collapses into one run. Not "stately": in pg-boss 10 a stately job whose key is already active
 *                   cannot be fetched, and the failed fetch stalls the whole queue (every project) until that long
 *                   run ends. Two runs of one project+entity never overlap anyway: the engine claims a run slot
 *                   (a partial unique index) and skips, or resumes when its worker died, whatever holds it.
 *                   A trigger that arrives while a run is live is remembered on that run (`followUp`): a Procore
 *                   change made after the run pulled would otherwise wait for the next trigger, so the job that ends
 *                   the run starts one more at once. A delayed "resume" job (keyed by the run, so it never holds up
 *                   that follow-up) takes the run over should its worker have died, and sees to the follow-up of a
 *                   run whose worker died between ending it and starting it.
 *   sync-scheduler  a cron tick that enqueues the scheduled syncs that are due (lib/sync/settings.ts explains why).
 *   procore-event   one job per Procore webhook event, so the webhook answers at once and the fan-out to every
 *                   affected project happens here. Its job id is derived from the event id: pg-boss refuses a second
 *                   job with that id while it keeps the first (12 h after it finished, pg-boss's archive delay, which
 *                   is as long as Procore retries a delivery), so a redelivered event is dropped.
 *
 * Which Procore connection a sync uses: one of the account's owners or admins, as `procoreForProject` picks it.
 */

export const SYNC_QUEUES = { sync: "sync", scheduler: "sync-scheduler", procoreEvent: "procore-event" } as const;

const SCHEDULER_CRON = "*/5 * * * *";
/** Longer than the engine's stale-run limit (2 minutes), so a retried job finds its crashed run resumable. */
const RETRY_DELAY_SECONDS = 150;
/** A run that waits out Procore's hourly rate limit can take long; an expired job would only be skipped, not doubled. */
const SYNC_EXPIRE_SECONDS = 2 * 3600;
/** Each worker runs this many syncs at once: a run mostly waits on Procore. */
const SYNC_CONCURRENCY = 2;

const syncJobSchema = z.object({
  projectId: z.string(),
  entity: z.enum(SyncEntity),
  trigger: z.enum(SyncTrigger),
  full: z.boolean().optional(),
  /** The QUEUED run this job starts. */
  runId: z.string().optional(),
  /** A live run this job resumes if its worker has died by the time the job starts; nothing to do otherwise. */
  resumeOf: z.string().optional(),
});
export type SyncJob = z.infer<typeof syncJobSchema>;

export type SyncRequest = Omit<SyncJob, "runId" | "resumeOf">;

const ACTIVE: SyncRunStatus[] = ["RUNNING", "WAITING_RATE_LIMIT"];

const prepared = new WeakMap<PgBoss, Promise<void>>();

/** Creates the sync queues once per pg-boss instance (pg-boss 10 needs a queue before send or work). */
export function ensureSyncQueues(boss: PgBoss): Promise<void> {
  let ready = prepared.get(boss);
  if (!ready) {
    ready = (async () => {
      const retry = { retryLimit: 3, retryDelay: RETRY_DELAY_SECONDS };
      await boss.createQueue(SYNC_QUEUES.sync, { name: SYNC_QUEUES.sync, policy: "short", expireInSeconds: SYNC_EXPIRE_SECONDS, ...retry });
      await boss.createQueue(SYNC_QUEUES.scheduler, { name: SYNC_QUEUES.scheduler, policy: "stately" });
      await boss.createQueue(SYNC_QUEUES.procoreEvent, { name: SYNC_QUEUES.procoreEvent, policy: "standard", ...retry });
    })().catch((err: unknown) => {
      // Not cached: the next call tries again.
      prepared.delete(boss);
      throw err;
    });
    prepared.set(boss, ready);
  }
  return ready;
}

/** The web process's sender, with the sync queues in place. */
async function syncSender(): Promise<PgBoss> {
  const boss = await jobSender();
  await ensureSyncQueues(boss);
  return boss;
}

const syncSingletonKey = (projectId: string, entity: SyncEntity) => `${projectId}:${entity}`;

export interface EnqueuedSync {
  /** The run that will do the work: the live one, or the queued one (null: a resume job waits, with no run yet). */
  runId: string | null;
  status: SyncRunStatus;
}

/**
 * Asks for a sync of a project's entity. A live run is returned as it is (the engine would skip a second one), marked
 * to be followed by another run when it ends, with a delayed job behind it that resumes the run if its worker has
 * died. Otherwise a QUEUED run is recorded for the UI and its job sent; when a job already waits for this
 * project+entity, that one's run is returned instead.
 */
export async function enqueueSync(boss: PgBoss, request: SyncRequest): Promise<EnqueuedSync> {
  const { projectId, entity, trigger } = request;
  const singletonKey = syncSingletonKey(projectId, entity);
  const active = await db().syncRun.findFirst({ where: { projectId, entity, status: { in: ACTIVE } } });
  // Marked only while still live: a run that ends first finds no mark, and this trigger gets a run of its own below.
  // The run's last write and this mark take the row in turn, so the job ending the run always sees a mark made here.
  if (active && (await db().syncRun.updateMany({ where: { id: active.id, status: { in: ACTIVE } }, data: { followUp: trigger } })).count === 1) {
    const resume = { ...request, resumeOf: active.id };
    // One check per run: a check waiting for an earlier run must not stand in for this one.
    await boss.send(SYNC_QUEUES.sync, resume, { singletonKey: `${singletonKey}:resume:${active.id}`, startAfter: RETRY_DELAY_SECONDS });
    return { runId: active.id, status: active.status };
  }
  const run = await db().syncRun.create({ data: { projectId, entity, trigger, status: "QUEUED" } });
  if (await boss.send(SYNC_QUEUES.sync, { ...request, runId: run.id }, { singletonKey })) return { runId: run.id, status: "QUEUED" };
  await db().syncRun.delete({ where: { id: run.id } });
  const waiting = await db().syncRun.findFirst({ where: { projectId, entity, status: "QUEUED" }, orderBy: { createdAt: "desc" } });
  return { runId: waiting?.id ?? null, status: "QUEUED" };
}

/** The "Sync" button: a manual sync now, when the project's sync is on. */
export async function requestSync(projectId: string, entity: SyncEntity): Promise<EnqueuedSync> {
  const config = await db().procoreSyncConfig.findUnique({ where: { projectId } });
  if (!config?.enabled) throw new HttpError(409, "Procore sync is off for this project: switch it on in Project Settings");
  return enqueueSync(await syncSender(), { projectId, entity, trigger: "MANUAL" });
}

// ---------------------------------------------------------------- running a sync

/**
 * Runs one sync job. Only a run that is still QUEUED is handed to the engine by id; a run that has started is left
 * to the engine's claim, which resumes it only when it is stale, so a retried or expired job never takes over a run
 * that is still alive in another worker. A run that ends here is followed by the run its follow-up mark asks for.
 */
export async function runSyncJob(boss: PgBoss, job: SyncJob): Promise<void> {
  const { projectId, entity, trigger, full, runId, resumeOf } = syncJobSchema.parse(job);
  const queued = runId ? await db().syncRun.findFirst({ where: { id: runId, status: "QUEUED" }, select: { id: true } }) : null;
  const config = await db().procoreSyncConfig.findUnique({ where: { projectId } });
  if (!config?.enabled) {
    if (queued) await db().syncRun.update({ where: { id: queued.id }, data: { status: "FAILED", finishedAt: new Date(), error: "Skipped: Procore sync was switched off" } });
    return;
  }
  const result = await runSync({
    projectId,
    entity,
    trigger,
    full,
    // A resume check takes its run over only if that run's worker died; a run that has ended is only followed up.
    ...(resumeOf ? { runId: resumeOf, onlyIfStale: true } : { runId: queued?.id }),
    procore: procoreForProject(projectId),
  });
  log.info({ projectId, entity, trigger, ...result }, "sync job done");
  if (result.outcome === "finished") await followUp(boss, result.runId);
}

/** Starts the run that triggers arriving during `runId` asked for. The mark is cleared by one worker only. */
async function followUp(boss: PgBoss, runId: string): Promise<void> {
  const run = await db().syncRun.findUniqueOrThrow({ where: { id: runId }, select: { projectId: true, entity: true, followUp: true } });
  if (!run.followUp) return;
  const { count } = await db().syncRun.updateMany({ where: { id: runId, followUp: { not: null } }, data: { followUp: null } });
  if (count === 1) await enqueueSync(boss, { projectId: run.projectId, entity: run.entity, trigger: run.followUp });
}

// ---------------------------------------------------------------- schedule and webhooks

/** One scheduler tick: a SCHEDULE sync for every project+entity that is due. */
export async function enqueueDueSyncs(boss: PgBoss, now = new Date()): Promise<number> {
  const due = await dueSyncs(now);
  for (const { projectId, entity } of due) await enqueueSync(boss, { projectId, entity, trigger: "SCHEDULE" });
  return due.length;
}

/** A UUID named by the event id, so the same event always makes the same job id (PostgreSQL takes any 128 bits). */
function eventJobId(eventId: string): string {
  const hex = createHash("sha256").update(`procore-event:${eventId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Queues a webhook event for fan-out; false when this event was queued before (a redelivery). */
export async function enqueueProcoreEvent(event: ProcoreEvent): Promise<boolean> {
  const boss = await syncSender();
  return (await boss.send(SYNC_QUEUES.procoreEvent, event, { id: eventJobId(event.id) })) !== null;
}

/** An event's syncs (trigger WEBHOOK), one per affected project: incremental, or in full after a deletion. */
export async function fanOutProcoreEvent(boss: PgBoss, event: ProcoreEvent): Promise<void> {
  for (const { projectId, entity } of await syncsForEvent(event)) {
    // Asked for before the run is: however this trigger merges with a waiting or live run, the request stays recorded.
    if (event.eventType === "delete") await requestFullPull(projectId, entity);
    await enqueueSync(boss, { projectId, entity, trigger: "WEBHOOK" });
  }
}

// ---------------------------------------------------------------- worker registration

/**
 * One job at a time, like `boss.work`, but without its pause between jobs. pg-boss sleeps the polling interval after
 * every fetch, even one that found a job, so a queue drains at one job per interval per worker (0.5/s at 2 s).
 * Waking the worker when a job ends makes it fetch the next at once; it sleeps only when the queue is empty. Each job
 * still completes, or fails and is retried, on its own.
 */
async function workWithoutPause<T extends object>(boss: PgBoss, queue: string, pollingIntervalSeconds: number, handler: (data: T) => Promise<void>) {
  const workerId: Promise<string> = boss.work<T>(queue, { pollingIntervalSeconds }, async ([job]) => {
    try {
      await handler(job!.data);
    } finally {
      boss.notifyWorker(await workerId);
    }
  });
  await workerId;
}

/** Called once by each worker (lib/jobs/worker.ts): the sync queues, their handlers and the scheduler's cron. */
export async function registerSyncJobs(boss: PgBoss, opts: { pollingIntervalSeconds: number }): Promise<void> {
  const { pollingIntervalSeconds } = opts;
  await ensureSyncQueues(boss);
  for (let i = 0; i < SYNC_CONCURRENCY; i++) await workWithoutPause<SyncJob>(boss, SYNC_QUEUES.sync, pollingIntervalSeconds, (job) => runSyncJob(boss, job));
  await boss.work(SYNC_QUEUES.scheduler, { pollingIntervalSeconds }, async () => {
    await enqueueDueSyncs(boss);
  });
  await workWithoutPause<ProcoreEvent>(boss, SYNC_QUEUES.procoreEvent, pollingIntervalSeconds, (event) => fanOutProcoreEvent(boss, event));
  // Cluster-wide: pg-boss's cron makes one job per tick however many workers run.
  await boss.schedule(SYNC_QUEUES.scheduler, SCHEDULER_CRON, {}, { tz: "UTC", singletonKey: SYNC_QUEUES.scheduler });
}
