import { z } from "zod";
import { fail } from "./http.ts";
import { idSchema } from "./rest/context.ts";
import type { Id, Store } from "./store.ts";

/** `?company_id=&project_id=` on the admin records routes. */
export interface RecordScope {
  company_id: Id | null;
  project_id: Id | null;
}

/**
 * One record type as `/__admin/records/:type` sees it. Writes act as a person editing in Procore: they bump
 * `updated_at` and fire webhooks with `source_application_id: null`. Types without a write method are read-only.
 */
export interface RecordType {
  list(store: Store, scope: RecordScope): unknown[];
  get(store: Store, id: Id, scope: RecordScope): unknown;
  create?(store: Store, body: unknown): unknown;
  update?(store: Store, id: Id, body: unknown, scope: RecordScope): unknown;
  remove?(store: Store, id: Id, scope: RecordScope): void;
}

/** Whether a row belongs to the requested scope; company-level rows pass `projectId` undefined and ignore that filter. */
export function inScope(scope: RecordScope, companyId: Id, projectId?: Id | null): boolean {
  return (
    (scope.company_id === null || companyId === scope.company_id) &&
    (scope.project_id === null || projectId === undefined || projectId === scope.project_id)
  );
}

export function found<T>(row: T | undefined): T {
  if (row === undefined) throw fail.notFound("Record not found");
  return row;
}

/** Admin create bodies are flat attributes plus the scope field, e.g. `{"project_id": 1, "node_name": "Level 1"}`. */
export const scopeSchema = {
  company: z.object({ company_id: idSchema }),
  project: z.object({ project_id: idSchema }),
};
