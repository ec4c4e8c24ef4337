import { z } from "zod";
import { db, isUniqueViolation, type Prisma } from "@/lib/db";
import { Prisma as Sql, type SyncLink, type SyncRun } from "@/lib/generated/prisma/client";
import type { SyncDirection, SyncEntity, SyncRunStatus } from "@/lib/generated/prisma/enums";
import { log } from "@/lib/log";
import { ProcoreError, SYNC_BATCH_LIMIT, type ProcoreId } from "@/lib/procore";
import { createAdapter } from "./adapters";
import { originIdOf } from "./adapters/shared";
import { isRecordError, recordErrorMessage } from "./errors";
import { contentHash, countAs, decide, pushesToProcore, writeOf, type ComparedFields, type Decision, type RecordState } from "./policy";
import {
  type EntityAdapter,
  type ProcoreClientHooks,
  type PushResult,
  type RecordView,
  type RunCounts,
  type RunLinks,
  type RunSyncOptions,
  type RunSyncResult,
} from "./types";

/*
 * The one sync engine. Every trigger (schedule, Sync button, webhook) calls `runSync`; the entity's adapter says how
 * to read and write each side, and this file does the rest:
 *
 *   claim   one RUNNING run per project+entity (a partial unique index); a crashed run is resumed, not duplicated
 *   plan    list Smartapp, then Procore (incremental from the last successful pull's start, or in full), pair records
 *           through their links, else by natural key, and decide each pair with policy.ts
 *   apply   in batches, in natural-key order (parents before children); after each batch its links are stored in
 *           bulk, then the counts, issues and a cursor are committed together, so a restart resumes after the last
 *           committed batch
 *   finish  SUCCEEDED / PARTIAL / FAILED; only a successful run moves the incremental pull window
 *
 * Idempotency rests on the links and natural keys, not on the checkpoint: re-applying a batch that was half done
 * finds the records it already wrote linked (unchanged) or matchable by key (linked, not created again).
 */

const ACTIVE: SyncRunStatus[] = ["RUNNING", "WAITING_RATE_LIMIT"];
const FULL_RECONCILE_EVERY_MS = 24 * 60 * 60_000;
/** Incremental pulls start a little before the last pull did: clocks differ, and re-reading a record costs nothing. */
const PULL_OVERLAP_MS = 60_000;
/** A run that has not written for this long belongs to a process that died; the next trigger resumes it. */
const HEARTBEAT_MS = 20_000;
const STALE_AFTER_MS = 2 * 60_000;
/** A run that keeps crashing (a bug, not an outage) is given up after this many starts. */
const MAX_ATTEMPTS = 5;
/** Unchanged records are cheap, but the UI should still see progress this often (bulk updates aside). */
const MAX_PAIRS_PER_BATCH = 250;
/** Stored as a link's local hash when a push half-failed: it never equals a real hash, so the next run pushes again. */
const RETRY_PUSH = "retry";

const checkpointSchema = z.object({
  phase: z.enum(["plan", "apply"]),
  attempt: z.number().int().positive(),
  /** Written by the heartbeat; how a later trigger tells a dead run from a live one. */
  beatAt: z.string(),
  /** The pull mode of the first attempt, kept so a resumed run still detects records gone from Procore. */
  full: z.boolean().nullable(),
  /** The sort key of the last committed pair. */
  cursor: z.string().nullable(),
});
type Checkpoint = z.infer<typeof checkpointSchema>;

const freshCheckpoint = (attempt = 1): Checkpoint => ({ phase: "plan", attempt, beatAt: new Date().toISOString(), full: null, cursor: null });

function readCheckpoint(run: SyncRun): Checkpoint | null {
  const parsed = checkpointSchema.safeParse(run.checkpoint);
  return parsed.success ? parsed.data : null;
}

// ---------------------------------------------------------------- claiming a run

type Claim = { run: SyncRun; checkpoint: Checkpoint } | { result: RunSyncResult };

function finishedResult(run: SyncRun): RunSyncResult {
  const status = run.status === "SUCCEEDED" || run.status === "PARTIAL" ? run.status : "FAILED";
  return { outcome: "finished", runId: run.id, status, error: run.error, ...countsOf(run) };
}

function countsOf(run: SyncRun): RunCounts {
  const { total, done, created, updated, unchanged, failed } = run;
  return { total, done, created, updated, unchanged, failed };
}

function isStale(run: SyncRun, now: number): boolean {
  const beat = readCheckpoint(run)?.beatAt;
  const lastSign = Math.max(beat ? Date.parse(beat) : (run.startedAt?.getTime() ?? 0), run.waitingUntil?.getTime() ?? 0);
  return now - lastSign > STALE_AFTER_MS;
}

/** Takes over `run` for a new attempt; null when another process changed it first (it is alive, or won the race). */
async function resume(run: SyncRun, checkpoint: Checkpoint | null): Promise<Claim | null> {
  const next: Checkpoint = { ...(checkpoint ?? freshCheckpoint(0)), attempt: (checkpoint?.attempt ?? 0) + 1, beatAt: new Date().toISOString() };
  if (next.attempt > MAX_ATTEMPTS) {
    const failed = await db().syncRun.update({
      where: { id: run.id },
      data: { status: "FAILED", finishedAt: new Date(), waitingUntil: null, error: `Gave up after ${MAX_ATTEMPTS} attempts that did not finish` },
    });
    return { result: finishedResult(failed) };
  }
  // Compare-and-set on the heartbeat: of two triggers taking over the same dead run, one wins.
  const where: Prisma.SyncRunWhereInput = checkpoint
    ? { id: run.id, status: { in: ACTIVE }, checkpoint: { path: ["beatAt"], equals: checkpoint.beatAt } }
    : { id: run.id, status: { in: ACTIVE } };
  const { count } = await db().syncRun.updateMany({
    where,
    data: { status: "RUNNING", waitingUntil: null, checkpoint: next },
  });
  if (count === 0) return null;
  log.info({ runId: run.id, attempt: next.attempt }, "sync run resumed");
  return { run: await db().syncRun.findUniqueOrThrow({ where: { id: run.id } }), checkpoint: next };
}

async function claimRun(opts: RunSyncOptions): Promise<Claim> {
  const { projectId, entity } = opts;
  if (opts.runId) {
    const run = await db().syncRun.findUniqueOrThrow({ where: { id: opts.runId } });
    if (run.projectId !== projectId || run.entity !== entity) throw new Error(`Sync run ${run.id} is not a ${entity} run of project ${projectId}`);
    if (run.status === "QUEUED") return startQueued(run);
    // A check on a live run: its own worker goes on with it.
    if (ACTIVE.includes(run.status) && opts.onlyIfStale && !isStale(run, Date.now())) return { result: skipped(run.id, run.id) };
    // A retried job: the queue hands a job to one worker at a time, so its run is ours to resume.
    if (ACTIVE.includes(run.status)) return (await resume(run, readCheckpoint(run))) ?? { result: skipped(run.id, run.id) };
    return { result: finishedResult(run) };
  }
  for (;;) {
    const checkpoint = freshCheckpoint();
    try {
      const run = await db().syncRun.create({
        data: { projectId, entity, trigger: opts.trigger, status: "RUNNING", startedAt: new Date(), checkpoint },
      });
      return { run, checkpoint };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const active = await db().syncRun.findFirst({ where: { projectId, entity, status: { in: ACTIVE } } });
    // Finished between our insert and this read: try again.
    if (!active) continue;
    if (!isStale(active, Date.now())) return { result: skipped(null, active.id) };
    const claim = await resume(active, readCheckpoint(active));
    if (claim) return claim;
  }
}

function skipped(runId: string | null, activeRunId: string): RunSyncResult {
  return { outcome: "skipped", runId, activeRunId };
}

async function startQueued(run: SyncRun): Promise<Claim> {
  const checkpoint = freshCheckpoint();
  try {
    const { count } = await db().syncRun.updateMany({
      where: { id: run.id, status: "QUEUED" },
      data: { status: "RUNNING", startedAt: new Date(), checkpoint },
    });
    if (count === 0) {
      // Another worker started it first: it is theirs.
      const now = await db().syncRun.findUniqueOrThrow({ where: { id: run.id } });
      return { result: ACTIVE.includes(now.status) ? skipped(run.id, run.id) : finishedResult(now) };
    }
    return { run: await db().syncRun.findUniqueOrThrow({ where: { id: run.id } }), checkpoint };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const active = await db().syncRun.findFirst({ where: { projectId: run.projectId, entity: run.entity, status: { in: ACTIVE } } });
    // A queued run that cannot start has nothing left to do: the active run syncs the same records.
    await db().syncRun.update({
      where: { id: run.id },
      data: { status: "FAILED", finishedAt: new Date(), error: "Skipped: another sync of this entity was already running" },
    });
    return { result: skipped(run.id, active?.id ?? run.id) };
  }
}

// ---------------------------------------------------------------- recording progress

/**
 * Every write to the run row goes through here, one at a time and in order: heartbeats, rate-limit status and
 * batch commits come from timers and client callbacks as well as the main flow.
 */
class RunRecorder {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly heartbeat: NodeJS.Timeout;
  private waitTimer: NodeJS.Timeout | undefined;
  private waitingUntil: number | null = null;
  private closed = false;

  constructor(
    readonly runId: string,
    public checkpoint: Checkpoint,
  ) {
    this.heartbeat = setInterval(() => void this.write(() => this.saveCheckpoint()).catch(logWriteError), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  readonly hooks: ProcoreClientHooks = { onRateLimitWait: (untilMs) => this.rateLimited(untilMs) };

  /** Runs `fn` after every earlier write; a failure rejects this call only, not the ones queued behind it. */
  write<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The checkpoint as of now (with a fresh heartbeat), plus any other fields of the same update. */
  async saveCheckpoint(data: Prisma.SyncRunUpdateInput = {}): Promise<void> {
    this.checkpoint = { ...this.checkpoint, beatAt: new Date().toISOString() };
    await db().syncRun.update({ where: { id: this.runId }, data: { ...data, checkpoint: this.checkpoint } });
  }

  /** The client is about to sleep until `untilMs`: the UI says so, and says RUNNING again once it is over. */
  private rateLimited(untilMs: number): void {
    if (this.closed) return;
    this.waitingUntil = untilMs;
    void this.write(() =>
      db().syncRun.updateMany({
        where: { id: this.runId, status: { in: ACTIVE } },
        data: { status: "WAITING_RATE_LIMIT", waitingUntil: new Date(untilMs) },
      }),
    ).catch(logWriteError);
    clearTimeout(this.waitTimer);
    this.waitTimer = setTimeout(() => this.waited(), Math.max(0, untilMs - Date.now()));
  }

  private waited(): void {
    if (this.closed || this.waitingUntil === null) return;
    this.waitingUntil = null;
    void this.write(() =>
      db().syncRun.updateMany({ where: { id: this.runId, status: "WAITING_RATE_LIMIT" }, data: { status: "RUNNING", waitingUntil: null } }),
    ).catch(logWriteError);
  }

  /** Stops the timers and waits for queued writes; later callbacks write nothing. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.waitTimer);
    await this.chain;
  }

  /**
   * Closes, leaving the run RUNNING with a heartbeat from long ago: this process gives the run up, so the next
   * trigger (a queue retry, which does not know the run id) resumes it at once instead of waiting for it to look dead.
   */
  async release(): Promise<void> {
    await this.close();
    this.checkpoint = { ...this.checkpoint, beatAt: new Date(0).toISOString() };
    await db()
      .syncRun.updateMany({ where: { id: this.runId, status: { in: ACTIVE } }, data: { checkpoint: this.checkpoint } })
      .catch(logWriteError);
  }
}

function logWriteError(err: unknown): void {
  log.warn({ err: err instanceof Error ? err.message : String(err) }, "sync run status write failed");
}

// ---------------------------------------------------------------- planning

interface Seen<R> {
  record: R;
  state: RecordState;
  /** Fields and activity, as a conflict records them. */
  value: ComparedFields;
}

interface Pair<L, P> {
  link: SyncLink | null;
  local: Seen<L> | null;
  procore: Seen<P> | "unseen" | null;
  /** A company-directory record found by natural key: it is put on the project before anything else. */
  attach: boolean;
  sortKey: string;
  decision: Decision;
}

function see<R>(view: RecordView<R, ComparedFields>, record: R): Seen<R> {
  const value = { ...view.fields(record), active: view.active(record) };
  return { record, value, state: { hash: contentHash(value), active: view.active(record) } };
}

interface Plan<L, P> {
  pairs: Pair<L, P>[];
  full: boolean;
}

type PullWindow = { lastPullStartedAt: Date | null; lastFullReconcileAt: Date | null; fullRequestedAt: Date | null };

/**
 * A full pull is due on the first run, once a day, and when asked for since the last full run started: its listing
 * may have come before the change that asked (the run records its start as lastFullReconcileAt).
 */
function isFullDue(setting: PullWindow | null, now: number): boolean {
  if (!setting?.lastPullStartedAt || !setting.lastFullReconcileAt) return true;
  if (setting.fullRequestedAt && setting.fullRequestedAt >= setting.lastFullReconcileAt) return true;
  return now - setting.lastFullReconcileAt.getTime() >= FULL_RECONCILE_EVERY_MS;
}

/**
 * Asks the next run of a project's entity to pull in full: an incremental pull lists what Procore changed, and a
 * record deleted in Procore is no longer there to list (its webhook event carries only its id).
 */
export async function requestFullPull(projectId: string, entity: SyncEntity): Promise<void> {
  const fullRequestedAt = new Date();
  await db().syncSetting.upsert({ where: { projectId_entity: { projectId, entity } }, create: { projectId, entity, fullRequestedAt }, update: { fullRequestedAt } });
}

/** Pairs records one to one by natural key, active ones first; what is left over stays unpaired. */
function pairByKey<L, P>(locals: Seen<L>[], remotes: Seen<P>[], keyL: (r: L) => string, keyP: (r: P) => string) {
  const byKey = new Map<string, Seen<L>[]>();
  for (const l of [...locals].sort((a, b) => Number(b.state.active) - Number(a.state.active))) {
    const list = byKey.get(keyL(l.record));
    if (list) list.push(l);
    else byKey.set(keyL(l.record), [l]);
  }
  const matched: [Seen<L>, Seen<P>][] = [];
  const leftRemote: Seen<P>[] = [];
  for (const p of [...remotes].sort((a, b) => Number(b.state.active) - Number(a.state.active))) {
    const l = byKey.get(keyP(p.record))?.shift();
    if (l) matched.push([l, p]);
    else leftRemote.push(p);
  }
  return { matched, leftLocal: [...byKey.values()].flat(), leftRemote };
}

// ---------------------------------------------------------------- links

type LinkData = Pick<SyncLink, "localId" | "procoreId" | "localHash" | "procoreHash" | "lastSyncedAt">;

/** The run's links in memory: loaded with the plan, changed as the run links and unlinks (adapters read it). */
class LinkIndex implements RunLinks {
  private readonly byLocal = new Map<string, ProcoreId>();
  private readonly byProcore = new Map<ProcoreId, string>();

  load(links: readonly Pick<SyncLink, "localId" | "procoreId">[]): void {
    this.byLocal.clear();
    this.byProcore.clear();
    for (const link of links) this.set(link);
  }

  set(link: Pick<SyncLink, "localId" | "procoreId">): void {
    this.byLocal.set(link.localId, String(link.procoreId));
    this.byProcore.set(String(link.procoreId), link.localId);
  }

  unset(link: Pick<SyncLink, "localId" | "procoreId">): void {
    const procoreId = String(link.procoreId);
    if (this.byLocal.get(link.localId) === procoreId) this.byLocal.delete(link.localId);
    if (this.byProcore.get(procoreId) === link.localId) this.byProcore.delete(procoreId);
  }

  procoreIdOf(localId: string): ProcoreId | undefined {
    return this.byLocal.get(localId);
  }

  localIdOf(procoreId: ProcoreId): string | undefined {
    return this.byProcore.get(procoreId);
  }
}

/** A pair's link as it is to be stored at the end of its batch: saved with this data, or deleted (null). */
interface LinkWrite<L, P> {
  pair: Pair<L, P>;
  data: LinkData | null;
}

// ---------------------------------------------------------------- one run

interface BatchTally {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  issues: Prisma.SyncRunIssueCreateManyInput[];
}

class SyncExecution<L, P> {
  /** This batch's link writes, stored together once its Procore and Smartapp writes are done. */
  private readonly linkWrites = new Map<Pair<L, P>, LinkWrite<L, P>>();

  constructor(
    private readonly adapter: EntityAdapter<L, P>,
    private readonly run: SyncRun,
    private readonly recorder: RunRecorder,
    private readonly direction: SyncDirection,
    private readonly links: LinkIndex,
    private readonly afterCheckpoint: RunSyncOptions["afterCheckpoint"],
  ) {}

  private get entity(): SyncEntity {
    return this.run.entity;
  }

  async plan(setting: PullWindow | null, forceFull: boolean): Promise<Plan<L, P>> {
    const { adapter, run, direction } = this;
    const [localRecords, links] = await Promise.all([
      adapter.listLocal(),
      db().syncLink.findMany({ where: { projectId: run.projectId, entity: run.entity } }),
    ]);
    this.links.load(links);
    const locals = localRecords.map((r) => see(adapter.local, r));
    const localById = new Map(locals.map((l) => [adapter.local.id(l.record), l]));
    const linkByLocal = new Map(links.map((l) => [l.localId, l]));
    const linkByProcore = new Map(links.map((l) => [String(l.procoreId), l]));

    // Pushing compares against Procore's current state: linked records changed (or deleted) in Smartapp need their
    // Procore twins seen, by a full pull or by fetching just those. An unlinked record may only be created after
    // every Procore record was seen (else an unchanged twin, absent from an incremental pull, would be duplicated).
    const pushes = pushesToProcore(direction);
    const changedLinks = pushes
      ? links.filter((link) => {
          const local = localById.get(link.localId);
          return !local || local.state.hash !== link.localHash;
        })
      : [];
    const toCreate = pushes && locals.some((l) => l.state.active && !linkByLocal.has(adapter.local.id(l.record)));
    const full =
      this.recorder.checkpoint.full === true ||
      forceFull ||
      !adapter.incremental ||
      isFullDue(setting, run.startedAt?.getTime() ?? Date.now()) ||
      toCreate ||
      (changedLinks.length > 0 && !adapter.getProcore);
    const since = full || !setting?.lastPullStartedAt ? undefined : new Date(setting.lastPullStartedAt.getTime() - PULL_OVERLAP_MS);
    const remotes = (await adapter.listProcore(since)).map((r) => see(adapter.procore, r));
    const remoteById = new Map(remotes.map((r) => [adapter.procore.id(r.record), r]));

    // An incremental pull leaves out what did not change in Procore; the twins of Smartapp's changes are fetched.
    const fetched = new Set(full ? [] : changedLinks.map((l) => String(l.procoreId)).filter((id) => !remoteById.has(id)));
    if (fetched.size > 0 && adapter.getProcore) {
      for (const record of await adapter.getProcore([...fetched])) {
        const id = adapter.procore.id(record);
        if (fetched.has(id)) remoteById.set(id, see(adapter.procore, record));
      }
    }

    const pairs: Omit<Pair<L, P>, "sortKey" | "decision">[] = links.map((link) => ({
      link,
      local: localById.get(link.localId) ?? null,
      // Missing from a full pull, or from a fetch by id: gone from the project.
      procore: remoteById.get(String(link.procoreId)) ?? (full || fetched.has(String(link.procoreId)) ? null : "unseen"),
      attach: false,
    }));
    const { matched, leftLocal, leftRemote } = pairByKey(
      locals.filter((l) => !linkByLocal.has(adapter.local.id(l.record))),
      remotes.filter((r) => !linkByProcore.has(adapter.procore.id(r.record))),
      (r) => adapter.local.key(r),
      (r) => adapter.procore.key(r),
    );
    for (const [local, procore] of matched) pairs.push({ link: null, local, procore, attach: false });
    for (const procore of leftRemote) pairs.push({ link: null, local: null, procore, attach: false });

    // Records about to be created in Procore may already be in its company directory, just not on this project.
    const creating = pushes ? leftLocal.filter((l) => l.state.active) : [];
    let unmatched = leftLocal;
    if (adapter.findProcore && creating.length > 0) {
      const found = (await adapter.findProcore([...new Set(creating.map((l) => adapter.local.key(l.record)))]))
        .filter((p) => !linkByProcore.has(adapter.procore.id(p)) && !remoteById.has(adapter.procore.id(p)))
        .map((p) => see(adapter.procore, p));
      const directory = pairByKey(creating, found, (r) => adapter.local.key(r), (r) => adapter.procore.key(r));
      for (const [local, procore] of directory.matched) pairs.push({ link: null, local, procore, attach: true });
      const attached = new Set(directory.matched.map(([l]) => l));
      unmatched = leftLocal.filter((l) => !attached.has(l));
    }
    for (const local of unmatched) pairs.push({ link: null, local, procore: null, attach: false });

    const decided = pairs.map((pair): Pair<L, P> => {
      const procore = pair.procore;
      const decision =
        pair.link === null
          ? this.resumedCreate(pair) ??
            decide({ direction, link: null, local: pair.local?.state ?? null, procore: procore === "unseen" ? null : (procore?.state ?? null) })
          : decide({
              direction,
              link: pair.link,
              local: pair.local?.state ?? null,
              procore: procore === "unseen" ? "unseen" : (procore?.state ?? null),
            });
      return { ...pair, decision, sortKey: this.sortKey(pair) };
    });
    decided.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    return { pairs: decided, full };
  }

  /**
   * A Procore record carrying this local record's origin id is one we created whose link was never stored (the
   * worker died, or the answer was lost, between the create and the link). Its first contact is not a first contact:
   * Smartapp's version is the one to finish pushing (the project membership and role that follow a create), so it
   * is decided as linked with Smartapp changed since, instead of letting Procore's half-written copy win.
   */
  private resumedCreate(pair: Omit<Pair<L, P>, "sortKey" | "decision">): Decision | null {
    const { adapter } = this;
    const { local, procore } = pair;
    if (!local || procore === null || procore === "unseen" || !adapter.procore.originId) return null;
    if (adapter.procore.originId(procore.record) !== originIdOf(adapter.local.id(local.record))) return null;
    if (local.state.hash === procore.state.hash) return null;
    return decide({ direction: this.direction, link: { localHash: RETRY_PUSH, procoreHash: procore.state.hash }, local: local.state, procore: procore.state });
  }

  /**
   * Natural-key order, so parents come before children; Procore's key when there is one, as create-local is what
   * needs parents first. Ties are broken by id, after \u0001: it sorts below every character of a key (\u0000 would
   * too, but PostgreSQL's jsonb cannot store it in the checkpoint). A resumed run skips every pair up to the cursor.
   */
  private sortKey(pair: Omit<Pair<L, P>, "sortKey" | "decision">): string {
    const { adapter } = this;
    const remote = pair.procore !== "unseen" && pair.procore !== null ? pair.procore.record : null;
    if (remote !== null) return `${adapter.procore.key(remote)}\u0001${adapter.procore.id(remote)}`;
    if (pair.local) return `${adapter.local.key(pair.local.record)}\u0001~${adapter.local.id(pair.local.record)}`;
    return `\u0001${pair.link?.id ?? ""}`;
  }

  async apply(plan: Plan<L, P>): Promise<void> {
    const cursor = this.recorder.checkpoint.cursor;
    const pending = cursor === null ? plan.pairs : plan.pairs.filter((p) => p.sortKey > cursor);
    let batch: Pair<L, P>[] = [];
    let writes = 0;
    // Updates through a /sync endpoint: one call per SYNC_BATCH_LIMIT of them (API-FACTS §5.8), so that many go at once.
    let bulk = 0;
    for (const pair of pending) {
      batch.push(pair);
      const write = writeOf(pair.decision);
      if (write === "update-procore" && this.adapter.bulkUpdates && !pair.attach) bulk += 1;
      else if (write !== null || pair.attach) writes += 1;
      if (writes >= this.adapter.batchSize || bulk >= SYNC_BATCH_LIMIT || batch.length - bulk >= MAX_PAIRS_PER_BATCH) {
        await this.commit(batch, plan.pairs.length);
        batch = [];
        writes = 0;
        bulk = 0;
      }
    }
    if (batch.length > 0) await this.commit(batch, plan.pairs.length);
  }

  /** Applies one batch and stores its links, then commits its counts, issues and cursor in one transaction. */
  private async commit(batch: Pair<L, P>[], total: number): Promise<void> {
    let tally: BatchTally;
    try {
      tally = await this.applyBatch(batch);
    } catch (err) {
      // The run stops here; what this batch did write is linked, so the next run finds it linked, not by key.
      await this.storeLinks(() => undefined).catch(logWriteError);
      throw err;
    }
    const last = batch[batch.length - 1]!;
    const run = await this.recorder.write(async () => {
      this.recorder.checkpoint = { ...this.recorder.checkpoint, phase: "apply", cursor: last.sortKey, beatAt: new Date().toISOString() };
      const [run] = await db().$transaction([
        db().syncRun.update({
          where: { id: this.run.id },
          data: {
            total,
            done: { increment: batch.length },
            created: { increment: tally.created },
            updated: { increment: tally.updated },
            unchanged: { increment: tally.unchanged },
            failed: { increment: tally.failed },
            checkpoint: this.recorder.checkpoint,
          },
        }),
        ...(tally.issues.length > 0 ? [db().syncRunIssue.createMany({ data: tally.issues })] : []),
      ]);
      return run!;
    });
    await this.afterCheckpoint?.({ done: run.done, total: run.total });
  }

  private async applyBatch(batch: Pair<L, P>[]): Promise<BatchTally> {
    const { adapter } = this;
    const tally: BatchTally = { created: 0, updated: 0, unchanged: 0, failed: 0, issues: [] };
    const failedPairs = new Set<Pair<L, P>>();
    const fail = (pair: Pair<L, P>, message: string) => {
      failedPairs.add(pair);
      tally.issues.push({ runId: this.run.id, kind: "ERROR", message, ...this.ids(pair) });
    };
    const guard = async (pair: Pair<L, P>, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        if (!isRecordError(err)) throw err;
        fail(pair, recordErrorMessage(err));
      }
    };

    // Directory records go on the project first (unless Smartapp's twin is to be deactivated); from then on they are
    // ordinary project records.
    const attaching = new Set(batch.filter((p) => p.attach && !writeOf(p.decision)?.startsWith("tombstone")));
    if (attaching.size > 0 && adapter.attachProcore) {
      const results = await adapter.attachProcore([...attaching].map((p) => (p.procore as Seen<P>).record));
      [...attaching].forEach((pair, i) => {
        const result = results[i]!;
        if (result.ok) pair.procore = see(adapter.procore, result.record);
        else fail(pair, result.error);
      });
    }

    const localCreates: Pair<L, P>[] = [];
    /** The Smartapp creates gathered so far, in one call, linked at once. */
    const createLocals = async () => {
      if (localCreates.length === 0) return;
      const pending = localCreates.splice(0);
      const results = await adapter.createLocalMany(pending.map((p) => (p.procore as Seen<P>).record));
      for (const [i, pair] of pending.entries()) {
        const result = results[i]!;
        if (result.ok) this.saveLink(pair, see(adapter.local, result.record), pair.procore as Seen<P>);
        else fail(pair, result.error);
      }
    };
    const creates: Pair<L, P>[] = [];
    const updates: Pair<L, P>[] = [];
    const tombstones: Pair<L, P>[] = [];
    for (const pair of batch) {
      if (failedPairs.has(pair)) continue;
      const { decision } = pair;
      if (decision.action === "conflict") {
        const procore = pair.procore as Seen<P>;
        tally.issues.push({
          runId: this.run.id,
          kind: "CONFLICT",
          message: `Changed in Smartapp and in Procore since the last sync; kept the ${decision.winner === "procore" ? "Procore" : "Smartapp"} one`,
          localValue: pair.local?.value,
          procoreValue: procore.value,
          ...this.ids(pair),
        });
      }
      const write = writeOf(decision);
      if (write === "create-procore") creates.push(pair);
      else if (write === "update-procore") updates.push(pair);
      else if (write === "tombstone-procore") tombstones.push(pair);
      else if (write === "create-local") localCreates.push(pair);
      else {
        // Local writes keep the batch's order: a location moved under a parent created just before needs it in place.
        await createLocals();
        await guard(pair, () => this.applyLocal(pair));
      }
    }
    await createLocals();

    if (creates.length > 0) {
      const results = await adapter.createProcore(creates.map((p) => p.local!.record));
      this.afterPush(creates, results, fail);
    }
    if (updates.length > 0) {
      const items = updates.map((p) => ({
        local: p.local!.record,
        procoreId: this.procoreIdOf(p)!,
        current: p.procore !== null && p.procore !== "unseen" ? p.procore.record : null,
      }));
      this.afterPush(updates, await adapter.updateProcore(items), fail);
    }
    if (tombstones.length > 0) await this.tombstoneProcore(tombstones, fail);
    await this.storeLinks(fail);

    for (const pair of batch) {
      if (failedPairs.has(pair)) tally.failed += 1;
      // Procore cannot deactivate this entity, so nothing was written there.
      else if (pair.decision.action === "tombstone-procore" && !adapter.deactivateProcore) tally.unchanged += 1;
      // Putting a directory record on the project is what creates it there.
      else tally[attaching.has(pair) ? "created" : countAs(pair.decision)] += 1;
    }
    return tally;
  }

  /** Writes to Smartapp (or only to the links) for one pair. */
  private async applyLocal(pair: Pair<L, P>): Promise<void> {
    const { adapter } = this;
    const local = pair.local;
    const procore = pair.procore === "unseen" ? null : pair.procore;
    switch (writeOf(pair.decision)) {
      case "update-local": {
        const updated = see(adapter.local, await adapter.updateLocal(local!.record, procore!.record));
        return this.saveLink(pair, updated, procore!);
      }
      case "tombstone-local": {
        const deactivated = see(adapter.local, await adapter.deactivateLocal(local!.record));
        // Gone from Procore: its id means nothing any more.
        return procore ? this.saveLink(pair, deactivated, procore) : this.deleteLink(pair);
      }
    }
    switch (pair.decision.action) {
      case "link-only":
        return this.saveLink(pair, local!, procore!);
      case "unlink":
        return this.deleteLink(pair);
      case "unchanged":
        // Both sides converged on their own (or a cascade renamed both): remember it, so neither looks changed.
        if (local && procore && local.state.hash === procore.state.hash && pair.link) {
          if (pair.link.localHash !== local.state.hash || pair.link.procoreHash !== procore.state.hash) this.saveLink(pair, local, procore);
        }
    }
  }

  private afterPush(pairs: Pair<L, P>[], results: PushResult<P>[], fail: (pair: Pair<L, P>, message: string) => void): void {
    for (const [i, pair] of pairs.entries()) {
      const result = results[i]!;
      const record = result.record;
      if (record !== undefined) this.saveLink(pair, pair.local!, see(this.adapter.procore, record), result.ok ? undefined : RETRY_PUSH);
      if (!result.ok) fail(pair, result.error);
    }
  }

  private async tombstoneProcore(pairs: Pair<L, P>[], fail: (pair: Pair<L, P>, message: string) => void): Promise<void> {
    const { adapter } = this;
    if (!adapter.deactivateProcore) {
      // Nothing to do in Procore; remember the local state so the tombstone is not attempted again.
      for (const pair of pairs) {
        const { local, procore, link } = pair;
        if (!local) this.deleteLink(pair);
        else if (procore !== null && procore !== "unseen") this.saveLink(pair, local, procore);
        else if (link) {
          const { localId, procoreId, procoreHash } = link;
          this.writeLink(pair, { localId, procoreId, procoreHash, localHash: local.state.hash, lastSyncedAt: new Date() });
        }
      }
      return;
    }
    const results = await adapter.deactivateProcore(pairs.map((p) => ({ local: p.local?.record ?? null, procoreId: this.procoreIdOf(p)! })));
    for (const [i, pair] of pairs.entries()) {
      const result = results[i]!;
      if (!result.ok) fail(pair, result.error);
      // Off the project: the link is dropped, and a reactivated record finds its Procore twin again by key.
      else if (result.record === null || !pair.local) this.deleteLink(pair);
      else this.saveLink(pair, pair.local, see(adapter.procore, result.record));
    }
  }

  private saveLink(pair: Pair<L, P>, local: Seen<L>, procore: Seen<P>, localHash = local.state.hash): void {
    this.writeLink(pair, {
      localId: this.adapter.local.id(local.record),
      procoreId: BigInt(this.adapter.procore.id(procore.record)),
      localHash,
      procoreHash: procore.state.hash,
      lastSyncedAt: new Date(),
    });
  }

  private deleteLink(pair: Pair<L, P>): void {
    this.writeLink(pair, null);
  }

  /** The link a pair has now: stored, or as this batch last wrote it. */
  private linkOf(pair: Pair<L, P>): Pick<SyncLink, "localId" | "procoreId"> | null {
    const written = this.linkWrites.get(pair);
    return written ? written.data : pair.link;
  }

  /** Queues the pair's link write for the end of the batch; the run's link index changes at once. */
  private writeLink(pair: Pair<L, P>, data: LinkData | null): void {
    const before = this.linkOf(pair);
    if (before) this.links.unset(before);
    if (data) this.links.set(data);
    this.linkWrites.set(pair, { pair, data });
  }

  /**
   * Stores the batch's link writes: a few statements for the whole batch. When one clashes with another link (a
   * unique key), they are stored one at a time instead, and each pair whose link cannot be stored fails alone.
   */
  private async storeLinks(fail: (pair: Pair<L, P>, message: string) => void): Promise<void> {
    const writes = [...this.linkWrites.values()];
    this.linkWrites.clear();
    if (writes.length === 0) return;
    try {
      await this.writeLinks(writes);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      for (const write of writes) {
        try {
          await this.writeLinks([write]);
        } catch (err) {
          if (!isRecordError(err)) throw err;
          // Not stored: the index goes back to the stored link.
          if (write.data) this.links.unset(write.data);
          if (write.pair.link) this.links.set(write.pair.link);
          fail(write.pair, recordErrorMessage(err));
        }
      }
    }
  }

  private async writeLinks(writes: readonly LinkWrite<L, P>[]): Promise<void> {
    const { projectId } = this.run;
    const deleted = writes.flatMap((w) => (w.data === null && w.pair.link ? [w.pair.link.id] : []));
    const updated = writes.flatMap((w) => (w.data !== null && w.pair.link ? [{ id: w.pair.link.id, ...w.data }] : []));
    const created = writes.flatMap((w) => (w.data !== null && !w.pair.link ? [{ projectId, entity: this.entity, ...w.data }] : []));
    const statements: Prisma.PrismaPromise<unknown>[] = [];
    if (deleted.length > 0) statements.push(db().syncLink.deleteMany({ where: { id: { in: deleted } } }));
    if (updated.length > 0) {
      // One UPDATE for every changed link of the batch (Prisma's updateMany sets one value for all rows).
      const rows = updated.map(
        (l) =>
          Sql.sql`(${l.id}, ${l.localId}, ${String(l.procoreId)}::bigint, ${l.localHash}, ${l.procoreHash}, ${l.lastSyncedAt.toISOString()}::timestamp)`,
      );
      statements.push(db().$executeRaw`
        UPDATE "SyncLink" AS l
        SET "localId" = v.local_id, "procoreId" = v.procore_id, "localHash" = v.local_hash, "procoreHash" = v.procore_hash, "lastSyncedAt" = v.synced_at
        FROM (VALUES ${Sql.join(rows)}) AS v(id, local_id, procore_id, local_hash, procore_hash, synced_at)
        WHERE l.id = v.id`);
    }
    if (created.length > 0) statements.push(db().syncLink.createMany({ data: created }));
    if (statements.length === 1) await statements[0];
    else await db().$transaction(statements);
  }

  private procoreIdOf(pair: Pair<L, P>): ProcoreId | null {
    const remote = pair.procore !== null && pair.procore !== "unseen" ? pair.procore.record : null;
    return remote !== null ? this.adapter.procore.id(remote) : pair.link ? String(pair.link.procoreId) : null;
  }

  private ids(pair: Pair<L, P>): { localId: string | null; procoreId: bigint | null } {
    const procoreId = this.procoreIdOf(pair);
    return {
      localId: pair.local ? this.adapter.local.id(pair.local.record) : (pair.link?.localId ?? null),
      procoreId: procoreId === null ? null : BigInt(procoreId),
    };
  }
}

// ---------------------------------------------------------------- entry point

/**
 * Syncs one entity of one project with Procore: claims the project+entity (or resumes `runId`), pulls, pushes and
 * records the run. Returns "skipped" when another live run holds the project+entity. Procore failures that stop
 * the whole run (reconnect needed, app not installed, outage) end it FAILED. Other errors (database, bugs) are
 * rethrown like a crash, leaving the run RUNNING and released: the next trigger or job retry resumes it. A process
 * that dies holds its run until the heartbeat is STALE_AFTER_MS old.
 */
export async function runSync(opts: RunSyncOptions): Promise<RunSyncResult> {
  const claim = await claimRun(opts);
  if ("result" in claim) return claim.result;
  const { run } = claim;
  const recorder = new RunRecorder(run.id, claim.checkpoint);
  log.info({ runId: run.id, projectId: opts.projectId, entity: opts.entity, trigger: opts.trigger }, "sync run started");
  let runError: string | null = null;
  try {
    const project = await db().project.findUniqueOrThrow({ where: { id: opts.projectId } });
    const setting = await db().syncSetting.findUnique({ where: { projectId_entity: { projectId: opts.projectId, entity: opts.entity } } });
    const links = new LinkIndex();
    const adapter = createAdapter(opts.entity, {
      projectId: opts.projectId,
      procoreProjectId: String(project.procoreProjectId),
      procore: await opts.procore(recorder.hooks),
      links,
    });
    const execution = new SyncExecution(adapter, run, recorder, setting?.direction ?? "BOTH", links, opts.afterCheckpoint);
    const plan = await execution.plan(setting, opts.full === true);
    recorder.checkpoint = { ...recorder.checkpoint, full: plan.full };
    await recorder.write(() => recorder.saveCheckpoint({ total: plan.pairs.length, fullReconcile: plan.full }));
    await execution.apply(plan);
  } catch (err) {
    if (!(err instanceof ProcoreError)) {
      await recorder.release();
      throw err;
    }
    runError = err.message;
  }
  return finish(recorder, run, runError);
}

async function finish(recorder: RunRecorder, run: SyncRun, runError: string | null): Promise<RunSyncResult> {
  await recorder.close();
  const counts = await db().syncRun.findUniqueOrThrow({ where: { id: run.id } });
  const allFailed = counts.failed > 0 && counts.failed === counts.done;
  const status = runError !== null || allFailed ? "FAILED" : counts.failed > 0 ? "PARTIAL" : "SUCCEEDED";
  const error = runError ?? (allFailed ? "No record could be synced; see the record errors" : null);
  const finished = await db().syncRun.update({
    where: { id: run.id },
    data: { status, error, finishedAt: new Date(), waitingUntil: null, ...(status === "SUCCEEDED" ? { done: counts.total } : {}) },
  });
  if (status === "SUCCEEDED") {
    // The next incremental pull asks for what changed since this run started, so nothing changed mid-run is missed.
    const startedAt = run.startedAt ?? run.createdAt;
    const window = { lastPullStartedAt: startedAt, ...(counts.fullReconcile ? { lastFullReconcileAt: startedAt } : {}) };
    await db().syncSetting.upsert({
      where: { projectId_entity: { projectId: run.projectId, entity: run.entity } },
      create: { projectId: run.projectId, entity: run.entity, ...window },
      update: window,
    });
  }
  log.info({ runId: run.id, status, ...countsOf(finished) }, "sync run finished");
  return finishedResult(finished);
}
