import { z } from "zod";
import { HttpError, json, parseWith, type FieldErrors, type Reply } from "../http.ts";
import type { Id } from "../store.ts";
import { idSchema } from "./context.ts";

const MAX_SYNC_ITEMS = 1000;

export interface SyncAdapter<R> {
  findById(id: Id): R | undefined;
  findByOrigin(originId: string): R | undefined;
  /** Both parse the raw item themselves and throw HttpError with `{errors}` on a bad one. */
  create(item: unknown): R;
  update(record: R, item: unknown): R;
  view(record: R): unknown;
}

/** The batch itself must be well formed (≤ 1000 items); a bad item only lands in `errors`. */
export function syncUpdates(body: unknown): unknown[] {
  return parseWith(z.object({ updates: z.array(z.unknown()).max(MAX_SYNC_ITEMS) }), body, 422).updates;
}

const matchKeys = z.object({
  id: idSchema.nullable().optional(),
  origin_id: z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .nullable()
    .optional(),
});

function errorsOf(error: HttpError): FieldErrors {
  const body = JSON.parse(error.reply.body ?? "{}") as { errors?: FieldErrors; message?: string };
  return body.errors ?? { base: [body.message ?? "is invalid"] };
}

/**
 * Procore's sync action: always 200 with `{entities, errors}`. An item with an id updates that record (unknown id is
 * an error); with only an origin_id it updates the record carrying it or creates one; with neither it creates.
 */
export function runSync<R>(updates: unknown[], adapter: SyncAdapter<R>): Reply {
  const entities: unknown[] = [];
  const errors: unknown[] = [];
  for (const item of updates) {
    const input = item && typeof item === "object" ? (item as Record<string, unknown>) : { value: item };
    try {
      const keys = parseWith(matchKeys, input);
      let record: R;
      if (keys.id != null) {
        const existing = adapter.findById(keys.id);
        if (!existing) {
          errors.push({ ...input, errors: { id: ["Entity with this ID not found"] } });
          continue;
        }
        record = adapter.update(existing, input);
      } else if (keys.origin_id != null) {
        const existing = adapter.findByOrigin(keys.origin_id);
        record = existing ? adapter.update(existing, input) : adapter.create(input);
      } else {
        record = adapter.create(input);
      }
      entities.push(adapter.view(record));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      errors.push({ ...input, errors: errorsOf(error) });
    }
  }
  return json(200, { entities, errors });
}
