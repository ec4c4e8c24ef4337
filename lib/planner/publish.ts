import { db, isUniqueViolation } from "@/lib/db";
import type { PublishRun } from "@/lib/generated/prisma/client";
import type { PublishRunStatus } from "@/lib/generated/prisma/enums";
import { log } from "@/lib/log";
import { AppNotInstalledError, ConflictError, ForbiddenError, NotFoundError, ValidationError, type ProcoreClient } from "@/lib/procore";
import { HISTORY_RUNS, ISSUES_PER_RUN, isoOrNull, type RunView } from "@/lib/project-data/run-history";
import type { ProcoreClientFactory } from "@/lib/sync";
import { boardTasks } from "./board";
import { planPublish, type PublishPlan, type TaskToSend } from "./publish-plan";

/*
 * "Publish now": one run at a time per project (a partial unique index), recorded with its counts, its progress and
 * the tasks Procore refused. The run writes its progress after every batch, so the page can show how far a large
 * board has got, and beats a heartbeat while it is alive: a run whose process died is recognised by its old heartbeat
 * and closed as interrupted when the next publish starts. Publishing is idempotent (origin ids and content hashes), so
 * publishing again after an interruption finishes the job without duplicates.
 */

const LIVE: PublishRunStatus[] = ["RUNNING", "WAITING_RATE_LIMIT"];
const HEARTBEAT_MS = 20_000;
const STALE_AFTER_MS = 2 * 60_000;
/** Below Procore's 1000 per sync call so a large board shows progress; every call counts against the rate limit. */
const BATCH_SIZE = 200;

export interface PublishIssueView {
  id: string;
  taskName: string;
  message: string;
}

export interface PublishRunView extends RunView<PublishRunStatus, PublishIssueView> {
  startedAt: string;
  deleted: number;
}

function runView(run: PublishRun & { issues: PublishIssueView[]; _count: { issues: number } }): PublishRunView {
  const { id, status, total, done, created, updated, deleted, unchanged, failed, error, issues } = run;
  return {
    id,
    status,
    total,
    done,
    created,
    updated,
    deleted,
    unchanged,
    failed,
    error,
    issues,
    startedAt: run.startedAt.toISOString(),
    finishedAt: isoOrNull(run.finishedAt),
    waitingUntil: isoOrNull(run.waitingUntil),
    issueCount: run._count.issues,
  };
}

const withIssues = {
  issues: { orderBy: { createdAt: "asc" }, take: ISSUES_PER_RUN, select: { id: true, taskName: true, message: true } },
  _count: { select: { issues: true } },
} as const;

/** The latest runs, newest first (the page polls it while one is live). */
export async function publishHistory(projectId: string): Promise<PublishRunView[]> {
  const runs = await db().publishRun.findMany({ where: { projectId }, orderBy: { startedAt: "desc" }, take: HISTORY_RUNS, include: withIssues });
  return runs.map(runView);
}

/**
 * Starts a publish of the project's board, or answers the one already running (a second click is harmless). The work
 * itself is `runPublish(run.id, …)`, which the caller starts when `started` is true.
 */
export async function startPublish(projectId: string): Promise<{ run: PublishRunView; started: boolean }> {
  await db().publishRun.updateMany({
    where: { projectId, status: { in: LIVE }, heartbeatAt: { lt: new Date(Date.now() - STALE_AFTER_MS) } },
    data: { status: "FAILED", finishedAt: new Date(), error: "Interrupted: the server stopped during this publish. Publish again to finish it." },
  });
  try {
    const run = await db().publishRun.create({ data: { projectId }, include: withIssues });
    return { run: runView(run), started: true };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  const live = await db().publishRun.findFirst({ where: { projectId, status: { in: LIVE } }, include: withIssues });
  if (!live) return startPublish(projectId);
  return { run: runView(live), started: false };
}

interface Counts {
  done: number;
  created: number;
  updated: number;
  deleted: number;
  failed: number;
}

/** Procore refused this one task; anything else (auth, install, rate limit, outage) stops the run. */
const isTaskError = (err: unknown) =>
  (err instanceof ValidationError || err instanceof ConflictError || err instanceof ForbiddenError) && !(err instanceof AppNotInstalledError);

const describeFields = (fields: Record<string, string[]>) =>
  Object.entries(fields)
    .map(([field, messages]) => (field === "base" ? messages.join(", ") : `${field} ${messages.join(", ")}`))
    .join("; ");

class Publisher {
  private readonly counts: Counts = { done: 0, created: 0, updated: 0, deleted: 0, failed: 0 };

  constructor(
    private readonly runId: string,
    private readonly procore: ProcoreClient,
    private readonly procoreProjectId: string,
  ) {}

  /** One sync call for a batch; Procore answers per item, so some may fail while the rest are written. */
  async send(batch: TaskToSend[]): Promise<void> {
    const result = await this.procore.schedule.sync(this.procoreProjectId, batch.map((b) => b.item));
    const byOrigin = new Map(batch.map((b) => [b.item.originId, b]));
    const links = result.entities.flatMap((entity) => {
      const sent = entity.originId ? byOrigin.get(entity.originId) : undefined;
      if (!sent) return [];
      if (sent.task.procoreTaskId === entity.id) this.counts.updated++;
      else this.counts.created++;
      return [db().planTask.update({ where: { id: sent.task.id }, data: { procoreTaskId: BigInt(entity.id), publishedHash: sent.hash, publishedAt: new Date() } })];
    });
    const issues = result.errors.flatMap((error) => {
      const sent = error.originId ? byOrigin.get(error.originId) : undefined;
      return sent ? [{ runId: this.runId, planTaskId: sent.task.id, taskName: sent.task.name, message: describeFields(error.errors) }] : [];
    });
    this.counts.failed += batch.length - links.length;
    this.counts.done += batch.length;
    await db().$transaction([...links, db().publishIssue.createMany({ data: issues }), this.progress()]);
  }

  /** Deletes a published task from the schedule (one already gone counts as deleted), then forgets its tombstone. */
  async remove(task: PublishPlan["remove"][number]): Promise<void> {
    const refusal = await this.procore.schedule.delete(this.procoreProjectId, task.procoreTaskId).then(
      () => null,
      (err: unknown) => {
        if (err instanceof NotFoundError) return null;
        if (!isTaskError(err)) throw err;
        return err instanceof ValidationError ? describeFields(err.fields) : (err as Error).message;
      },
    );
    this.counts.done++;
    if (refusal === null) {
      this.counts.deleted++;
      await db().$transaction([db().planTask.delete({ where: { id: task.id } }), this.progress()]);
    } else {
      this.counts.failed++;
      await db().$transaction([db().publishIssue.create({ data: { runId: this.runId, planTaskId: task.id, taskName: task.name, message: refusal } }), this.progress()]);
    }
  }

  private progress() {
    return db().publishRun.update({ where: { id: this.runId }, data: { ...this.counts, status: "RUNNING", waitingUntil: null, heartbeatAt: new Date() } });
  }

  get failed(): number {
    return this.counts.failed;
  }
}

function finish(runId: string, status: PublishRunStatus, error: string | null = null) {
  return db().publishRun.update({ where: { id: runId }, data: { status, error, finishedAt: new Date(), waitingUntil: null } });
}

/** Does the publish of a started run. Never throws: a failure ends the run as FAILED with its reason. */
export async function runPublish(runId: string, procore: ProcoreClientFactory): Promise<void> {
  const beat = () => db().publishRun.updateMany({ where: { id: runId, status: { in: LIVE } }, data: { heartbeatAt: new Date() } });
  const heartbeat = setInterval(() => void beat().catch((err: unknown) => log.warn({ err, runId }, "publish heartbeat failed")), HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const { projectId } = await db().publishRun.findUniqueOrThrow({ where: { id: runId } });
    const { procoreProjectId } = await db().project.findUniqueOrThrow({ where: { id: projectId } });
    const plan = planPublish(await boardTasks(projectId));
    await db().planTask.deleteMany({ where: { id: { in: plan.forget.map((t) => t.id) }, procoreTaskId: null, deletedAt: { not: null } } });
    const total = plan.send.length + plan.remove.length;
    await db().publishRun.update({ where: { id: runId }, data: { total, unchanged: plan.unchanged.length } });
    if (total === 0) {
      await finish(runId, "SUCCEEDED");
      return;
    }
    const client = await procore({
      onRateLimitWait: (untilMs) =>
        void db()
          .publishRun.updateMany({ where: { id: runId, status: { in: LIVE } }, data: { status: "WAITING_RATE_LIMIT", waitingUntil: new Date(untilMs) } })
          .catch((err: unknown) => log.warn({ err, runId }, "publish rate-limit status not saved")),
    });
    const publisher = new Publisher(runId, client, procoreProjectId.toString());
    for (let i = 0; i < plan.send.length; i += BATCH_SIZE) await publisher.send(plan.send.slice(i, i + BATCH_SIZE));
    for (const task of plan.remove) await publisher.remove(task);
    await finish(runId, publisher.failed === 0 ? "SUCCEEDED" : publisher.failed < total ? "PARTIAL" : "FAILED");
  } catch (err) {
    log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), runId }, "publish failed");
    await finish(runId, "FAILED", err instanceof Error ? err.message : String(err)).catch((e: unknown) => log.error({ err: e, runId }, "publish failure not saved"));
  } finally {
    clearInterval(heartbeat);
  }
}
