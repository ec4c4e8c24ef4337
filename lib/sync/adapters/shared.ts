import { randomUUID } from "node:crypto";
import { db, isUniqueViolation } from "@/lib/db";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { NotFoundError, type ProcoreId, type SyncItemError, type SyncResult } from "@/lib/procore";
import { isRecordError, recordErrorMessage } from "../errors";
import type { PushResult, TombstoneResult } from "../types";

/**
 * One Procore write per item, in order. A failure that concerns the item becomes its result; a failure that
 * concerns the run (reconnect needed, outage) is thrown and ends the run.
 */
export async function pushEach<I, P>(items: readonly I[], write: (item: I) => Promise<P>): Promise<PushResult<P>[]> {
  const results: PushResult<P>[] = [];
  for (const item of items) {
    try {
      results.push({ ok: true, record: await write(item) });
    } catch (err) {
      if (!isRecordError(err)) throw err;
      results.push({ ok: false, error: recordErrorMessage(err) });
    }
  }
  return results;
}

/**
 * The step after a Procore write (project membership, role) for each written record. When it fails the record
 * (as `partial` describes it) is still returned, so the engine links it (nothing is duplicated) and pushes it again
 * next run.
 */
export async function followUpEach<P, Q = P>(
  results: readonly PushResult<P>[],
  step: (record: P, index: number) => Promise<Q>,
  partial: (record: P) => Q,
): Promise<PushResult<Q>[]> {
  const out: PushResult<Q>[] = [];
  for (const [i, result] of results.entries()) {
    if (!result.ok) {
      out.push({ ok: false, error: result.error, ...(result.record === undefined ? {} : { record: partial(result.record) }) });
      continue;
    }
    try {
      out.push({ ok: true, record: await step(result.record, i) });
    } catch (err) {
      if (!isRecordError(err)) throw err;
      out.push({ ok: false, error: recordErrorMessage(err), record: partial(result.record) });
    }
  }
  return out;
}

/** Takes records off the project (Procore's tombstone for directory entries); one already off counts as done. */
export async function removeEach(ids: readonly ProcoreId[], remove: (id: ProcoreId) => Promise<void>): Promise<TombstoneResult<never>[]> {
  const results = await pushEach(ids, async (id) => {
    try {
      await remove(id);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    return null;
  });
  return results.map((r) => (r.ok ? { ok: true, record: null } : { ok: false, error: r.error }));
}

/**
 * Origin id for records Smartapp creates in Procore. A `/sync` create that is sent again (its answer was lost in a
 * crash) finds the record by it and updates instead of creating a second one; it also maps answers to inputs.
 */
export const originIdOf = (localId: string) => `smartapp:${localId}`;

function errorText(error: SyncItemError): string {
  const fields = Object.entries(error.errors).map(([field, messages]) => `${field} ${messages.join(", ")}`);
  return `Procore refused it: ${fields.join("; ") || "no reason given"}`;
}

/**
 * A `/sync` answer lists entities and errors, not results per item: match them back by the id or origin id each
 * item was sent with.
 */
export function syncResultsByItem<P extends { id: ProcoreId; originId: string | null }>(
  sent: readonly { id?: ProcoreId; originId?: string | null }[],
  answer: SyncResult<P>,
): PushResult<P>[] {
  const byId = new Map(answer.entities.map((e) => [e.id, e]));
  const byOrigin = new Map(answer.entities.flatMap((e) => (e.originId ? [[e.originId, e] as const] : [])));
  const errorById = new Map(answer.errors.flatMap((e) => (e.id ? [[e.id, e] as const] : [])));
  const errorByOrigin = new Map(answer.errors.flatMap((e) => (e.originId ? [[e.originId, e] as const] : [])));
  return sent.map((item): PushResult<P> => {
    const entity = item.id ? byId.get(item.id) : item.originId ? byOrigin.get(item.originId) : undefined;
    if (entity) return { ok: true, record: entity };
    const error = item.id ? errorById.get(item.id) : item.originId ? errorByOrigin.get(item.originId) : undefined;
    return { ok: false, error: error ? errorText(error) : "Procore returned no result for it" };
  });
}

/**
 * Inserts Smartapp records for a batch, each prepared by `prepare` (which may refuse one with a record error):
 * one statement for all of them (`insertMany`, with the ids given here, so each answer maps back to its input); when
 * one clashes with a unique key, one statement each instead, so only that record fails.
 */
export async function insertEach<F, D extends object, T extends { id: string }>(
  from: readonly F[],
  prepare: (item: F) => Promise<D>,
  insertMany: (rows: (D & { id: string })[]) => Promise<T[]>,
): Promise<PushResult<T>[]> {
  const prepared: ({ row: D & { id: string } } | { error: string })[] = [];
  for (const item of from) {
    try {
      prepared.push({ row: { ...(await prepare(item)), id: randomUUID() } });
    } catch (err) {
      if (!isRecordError(err)) throw err;
      prepared.push({ error: recordErrorMessage(err) });
    }
  }
  const rows = prepared.flatMap((p) => ("row" in p ? [p.row] : []));
  let inserted: Map<string, PushResult<T>>;
  try {
    inserted = new Map(rows.length === 0 ? [] : (await insertMany(rows)).map((t) => [t.id, { ok: true, record: t }]));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const results = await pushEach(rows, async (row) => (await insertMany([row]))[0]!);
    inserted = new Map(rows.map((row, i) => [row.id, results[i]!]));
  }
  return prepared.map((p) => ("error" in p ? { ok: false, error: p.error } : (inserted.get(p.row.id) ?? { ok: false, error: "Smartapp did not store it" })));
}

/** Ids asked for per request (`filters[id][]`): one page of the list, and a URL of a few kilobytes. */
const IDS_PER_REQUEST = 100;

/** Records fetched by id, a page's worth of ids per request. */
export async function byPage<P>(ids: readonly ProcoreId[], fetch: (page: ProcoreId[]) => Promise<P[]>): Promise<P[]> {
  const out: P[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) out.push(...(await fetch(ids.slice(i, i + IDS_PER_REQUEST))));
  return out;
}

// Above this many names to look up, one listing of the whole directory is cheaper than a search per name.
const MAX_SEARCHES = 20;

/** Company-directory records whose natural key is one of `keys`: by search when few, by one listing when many. */
export async function findByKeys<P>(
  keys: readonly string[],
  opts: { search: (key: string) => Promise<P[]>; listAll: () => Promise<P[]>; keyOf: (record: P) => string; idOf: (record: P) => string },
): Promise<P[]> {
  const wanted = new Set(keys);
  const candidates = keys.length > MAX_SEARCHES ? await opts.listAll() : (await Promise.all(keys.map((k) => opts.search(k)))).flat();
  const found = new Map<string, P>();
  for (const record of candidates) if (wanted.has(opts.keyOf(record))) found.set(opts.idOf(record), record);
  return [...found.values()];
}

/** Procore id ↔ Smartapp id of another entity's links (a user's company), read once per run. */
export async function linkMaps(projectId: string, entity: SyncEntity) {
  const links = await db().syncLink.findMany({ where: { projectId, entity }, select: { localId: true, procoreId: true } });
  return {
    procoreIdOf: new Map(links.map((l) => [l.localId, String(l.procoreId)])),
    localIdOf: new Map(links.map((l) => [String(l.procoreId), l.localId])),
  };
}
