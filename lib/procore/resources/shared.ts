import type { ProcoreHttp, Query } from "../http";
import { wireId, type ProcoreId, type SyncResult } from "../schemas";

/** Procore's cap on items per `/sync` call (API-FACTS §5.8). */
export const SYNC_BATCH_LIMIT = 1000;

/**
 * Sends any number of items through a `/sync` endpoint in batches of at most `size`, one batch at a time (so the
 * rate limiter paces them), and merges the answers. Each batch answers 200 even when items fail.
 */
export async function syncInBatches<I, T>(
  items: readonly I[],
  send: (batch: I[]) => Promise<SyncResult<T>>,
  size = SYNC_BATCH_LIMIT,
): Promise<SyncResult<T>> {
  const merged: SyncResult<T> = { entities: [], errors: [] };
  for (let i = 0; i < items.length; i += size) {
    const result = await send(items.slice(i, i + size));
    merged.entities.push(...result.entities);
    merged.errors.push(...result.errors);
  }
  return merged;
}

// Procore's range filters need both ends; this end is later than any record's updated_at.
const OPEN_END = "9999-12-31T23:59:59Z";

/** `filters[updated_at]=<since>...<until>`: records changed at or after `since` (incremental pulls). */
export function updatedAtFilter(since: Date | undefined, until?: Date): Query {
  if (!since) return {};
  return { "filters[updated_at]": `${since.toISOString()}...${until?.toISOString() ?? OPEN_END}` };
}

/** An optional id field on its way to Procore: undefined stays absent, null clears it. */
export function optionalWireId(id: ProcoreId | null | undefined): number | null | undefined {
  return id == null ? id : wireId(id);
}

/** The company a company-scoped call acts on; calling one without a company is a programming error. */
export function companyOf(http: ProcoreHttp): ProcoreId {
  if (!http.companyId) throw new Error("This Procore call needs a company: create the client with companyId or use withCompany()");
  return http.companyId;
}
