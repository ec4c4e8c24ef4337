import { z } from "zod";
import { formList, parseParams } from "../form";
import type { EventRecord, JsonObject } from "../store";
import type { ApiRoute } from "./context";
import { pageParams, paginate } from "./list";

const listParams = z.strictObject({
  type: z.string().optional(),
  types: formList(z.string()).optional(),
  ...pageParams,
});

/** Stripe's type filter: an exact type, or a prefix wildcard such as `invoice.*`. */
function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith(".*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

// Events are stored in their final JSON shape; a shallow copy keeps expansion from mutating them.
const renderEvent = (event: EventRecord): JsonObject => ({ ...event, data: { ...event.data } });

export const eventRoutes: ApiRoute[] = [
  {
    method: "GET",
    path: "/v1/events/:id",
    handler: ({ sandbox, path }) => renderEvent(sandbox.store.need("events", path.id)),
  },
  {
    method: "GET",
    path: "/v1/events",
    handler: ({ sandbox, params }) => {
      const { type, types, ...page } = parseParams(listParams, params);
      const events = [...sandbox.store.events.values()].filter(
        (e) =>
          (type === undefined || typeMatches(type, e.type)) &&
          (types === undefined || types.some((t) => typeMatches(t, e.type))),
      );
      return paginate(events, page, "/v1/events", renderEvent);
    },
  },
];
