import type { SyncEntity, SyncRunStatus, SyncTrigger } from "@/lib/generated/prisma/enums";
import type { ProcoreClient, ProcoreId } from "@/lib/procore";
import type { ComparedFields } from "./policy";

/**
 * The run's links between Smartapp and Procore ids, as the engine holds them: what was stored when the run began
 * plus what the run has linked or unlinked since (the engine stores its link writes once per batch).
 */
export interface RunLinks {
  procoreIdOf(localId: string): ProcoreId | undefined;
  localIdOf(procoreId: ProcoreId): string | undefined;
}

/** What every adapter works with during one run. */
export interface SyncContext {
  /** The Smartapp project. */
  readonly projectId: string;
  readonly procoreProjectId: ProcoreId;
  /** Scoped to the project's Procore company. */
  readonly procore: ProcoreClient;
  /** This entity's links; read them here rather than from the database, which lags by up to a batch. */
  readonly links: RunLinks;
}

/** How the engine reads one side's records: identity, natural key, compared fields and activity. */
export interface RecordView<R, F extends ComparedFields> {
  id(record: R): string;
  /** The natural key (policy.ts key functions), used to link records that have never been synced. */
  key(record: R): string;
  /** The fields that count as content, in a shape both sides share, so equal content hashes equal. The engine adds `active`. */
  fields(record: R): F;
  active(record: R): boolean;
  /** The origin id Smartapp gave the record when it created it in Procore (`originIdOf`), when the entity keeps one. */
  originId?(record: R): string | null;
}

/**
 * The outcome of one Procore write. A failure may still carry the record when Procore created it but a follow-up
 * step failed (e.g. a project role): it is linked, so nothing is duplicated, and pushed again next run.
 */
export type PushResult<P> = { ok: true; record: P } | { ok: false; error: string; record?: P };

/** A Procore tombstone's outcome: `null` when the record is no longer listed for the project (removed from it). */
export type TombstoneResult<P> = { ok: true; record: P | null } | { ok: false; error: string };

export interface ProcoreUpdate<L, P> {
  local: L;
  procoreId: ProcoreId;
  /** The record as this run pulled it. */
  current: P | null;
}

/**
 * One entity's sync: how to list, create, update and deactivate on each side. Everything else (links, hashes,
 * decisions, conflicts, batching, checkpoints, rate limits) is the engine's. Adding an entity is one more adapter.
 *
 * Methods (not function properties) on purpose: their parameters are bivariant, so every concrete adapter fits
 * the engine's `EntityAdapter<unknown, unknown>`.
 */
export interface EntityAdapter<L, P, F extends ComparedFields = ComparedFields> {
  readonly entity: SyncEntity;
  /** Whether `listProcore(since)` can filter by updated_at; when not, every pull is a full one. */
  readonly incremental: boolean;
  /** How many writes the engine hands over at once (and checkpoints after), bulk updates aside. */
  readonly batchSize: number;
  /**
   * Whether `updateProcore` is one `/sync` call per SYNC_BATCH_LIMIT items (Procore's cap), with no call per record
   * as a rule. Such updates are handed over up to that many at once, beside `batchSize` other writes.
   */
  readonly bulkUpdates?: boolean;
  readonly local: RecordView<L, F>;
  readonly procore: RecordView<P, F>;

  /** Every Smartapp record of the project, inactive ones included. */
  listLocal(): Promise<L[]>;
  /** The project's Procore records, or only those changed at or after `since`. */
  listProcore(since: Date | undefined): Promise<P[]>;
  /**
   * The project's Procore records with these ids, as `listProcore` would show them (called after it); a record
   * not returned is not on the project. With it, a run whose only Smartapp changes are to linked records pulls
   * incrementally and fetches just the changed records' Procore twins, instead of pulling in full.
   */
  getProcore?(ids: readonly ProcoreId[]): Promise<P[]>;
  /**
   * Procore records outside the project's list that have these natural keys (company directory entries not yet on
   * the project). They are linked instead of creating duplicates, then attached to the project.
   */
  findProcore?(keys: readonly string[]): Promise<P[]>;
  attachProcore?(records: readonly P[]): Promise<PushResult<P>[]>;

  /**
   * Creates Smartapp records from a batch's worth of Procore's, in as few inserts as it can (a location needs its
   * parent first: one per depth); results in the order of the input.
   */
  createLocalMany(from: readonly P[]): Promise<PushResult<L>[]>;
  updateLocal(record: L, from: P): Promise<L>;
  deactivateLocal(record: L): Promise<L>;

  /** Results are in the order of the input. */
  createProcore(records: readonly L[]): Promise<PushResult<P>[]>;
  updateProcore(items: readonly ProcoreUpdate<L, P>[]): Promise<PushResult<P>[]>;
  /** Absent when Procore cannot deactivate this entity without a hard delete: the tombstone stays local. */
  deactivateProcore?(items: readonly { local: L | null; procoreId: ProcoreId }[]): Promise<TombstoneResult<P>[]>;
}

export type AnyEntityAdapter = EntityAdapter<unknown, unknown>;

/** The client hook the engine needs: it shows "waiting for Procore rate limit" on the run. */
export interface ProcoreClientHooks {
  onRateLimitWait: (untilMs: number) => void;
}

/** Builds the company-scoped client for the run (the worker knows which connection to use). */
export type ProcoreClientFactory = (hooks: ProcoreClientHooks) => ProcoreClient | Promise<ProcoreClient>;

export interface RunSyncOptions {
  projectId: string;
  entity: SyncEntity;
  trigger: SyncTrigger;
  /** Resume this run (a retried job) or start this QUEUED one. */
  runId?: string;
  /** With `runId`: resume it only if its worker has died (no heartbeat for a while); never start a run. */
  onlyIfStale?: boolean;
  /** Full reconciliation now, whatever the schedule says. */
  full?: boolean;
  procore: ProcoreClientFactory;
  /** Called after each checkpoint. Tests throw from it to simulate a crash mid-run. */
  afterCheckpoint?: (progress: { done: number; total: number }) => void | Promise<void>;
}

export interface RunCounts {
  total: number;
  done: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export type RunSyncResult =
  | ({ outcome: "finished"; runId: string; status: Extract<SyncRunStatus, "SUCCEEDED" | "PARTIAL" | "FAILED">; error: string | null } & RunCounts)
  /** Another run of this project and entity holds the slot; nothing was done. */
  | { outcome: "skipped"; runId: string | null; activeRunId: string };

