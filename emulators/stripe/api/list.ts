import { z } from "zod";
import { invalidRequest } from "../errors";
import { formInt } from "../form";
import { listObject } from "../render";
import type { JsonObject } from "../store";

/** Stripe's cursor pagination parameters, shared by every list endpoint. */
export const pageParams = {
  limit: formInt.pipe(z.number().int().min(1).max(100)).optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
};

interface Page {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

/** A page of `records` (given oldest first; lists are newest first) as a Stripe list object. */
export function paginate<T extends { id: string }>(
  records: Iterable<T>,
  page: Page,
  url: string,
  render: (record: T) => JsonObject,
): JsonObject {
  const newestFirst = [...records].reverse();
  const limit = page.limit ?? 10;
  const indexOf = (id: string, param: string) => {
    const index = newestFirst.findIndex((r) => r.id === id);
    if (index < 0) throw invalidRequest(`No such object: '${id}'`, { code: "resource_missing", param });
    return index;
  };
  if (page.ending_before) {
    const end = indexOf(page.ending_before, "ending_before");
    const start = Math.max(0, end - limit);
    return listObject(url, newestFirst.slice(start, end).map(render), start > 0);
  }
  const start = page.starting_after ? indexOf(page.starting_after, "starting_after") + 1 : 0;
  return listObject(url, newestFirst.slice(start, start + limit).map(render), start + limit < newestFirst.length);
}
