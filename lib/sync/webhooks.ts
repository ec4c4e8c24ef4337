import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { HttpError } from "@/lib/errors";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { storableProcoreId } from "@/lib/procore/schemas";
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from "@/lib/security/text";

/*
 * Procore webhook deliveries (v2 payload). Procore signs nothing: the proof a delivery is Procore's is the
 * Authorization value we registered with the hook (lib/sync/settings.ts). A delivery is only read here; what it
 * triggers (an incremental sync of the affected entity, once per event id) is lib/jobs/sync-jobs.ts.
 */

// The event becomes a job's JSON and its ids bigint query values: text jsonb cannot hold, or an id bigint cannot, is a
// bad request here rather than a job that fails on every retry.
const text = z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

const eventSchema = z
  .object({
    id: storableProcoreId,
    api_version: text,
    event_type: text,
    resource_name: text,
    resource_id: storableProcoreId,
    company_id: storableProcoreId.nullish(),
    project_id: storableProcoreId.nullish(),
    metadata: z.object({ source_application_id: text.nullish() }).nullish(),
  })
  .transform((e) => ({
    id: e.id,
    eventType: e.event_type,
    resourceName: e.resource_name,
    resourceId: e.resource_id,
    companyId: e.company_id ?? null,
    projectId: e.project_id ?? null,
    sourceApplicationId: e.metadata?.source_application_id ?? null,
  }));

export type ProcoreEvent = z.output<typeof eventSchema>;

/** What each resource's changes mean for us. Company Users/Vendors events carry no project: every synced project of the company is affected. */
const ENTITY_OF_RESOURCE: Partial<Record<string, SyncEntity>> = {
  Locations: "LOCATIONS",
  "Project Users": "USERS",
  "Company Users": "USERS",
  "Project Vendors": "COMPANIES",
  "Company Vendors": "COMPANIES",
};

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Authenticates and parses one delivery: 401 without our secret, 400 with field messages when the body is not a v2
 * event. Returns null for events with nothing to do: our own writes coming back (no echo) and resources we do not
 * sync; those are answered 2xx, because Procore pauses every delivery to the endpoint after a non-2xx answer and
 * retries it for 12 hours. A 400 is kept for bodies Procore does not send, where its delivery log is what shows it.
 */
export function readProcoreEvent(authorization: string | null, body: string): ProcoreEvent | null {
  if (authorization === null || !sameSecret(authorization, env().procore.webhookSecret)) {
    throw new HttpError(401, "Unknown webhook sender");
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(400, "The webhook body is not JSON", { _: ["malformed JSON"] });
  }
  const event = eventSchema.parse(json);
  if (event.sourceApplicationId === env().procore.clientId) return null;
  return ENTITY_OF_RESOURCE[event.resourceName] ? event : null;
}

/** The Smartapp projects and entity an event asks to sync: projects with sync on that pull the entity from Procore. */
export async function syncsForEvent(event: ProcoreEvent): Promise<{ projectId: string; entity: SyncEntity }[]> {
  const entity = ENTITY_OF_RESOURCE[event.resourceName];
  if (!entity || (event.companyId === null && event.projectId === null)) return [];
  const where: Prisma.ProjectWhereInput = {
    syncConfig: { is: { enabled: true } },
    syncSettings: { none: { entity, direction: "SMARTAPP_TO_PROCORE" } },
    ...(event.companyId !== null && { account: { procoreCompanyId: BigInt(event.companyId) } }),
    ...(event.projectId !== null && { procoreProjectId: BigInt(event.projectId) }),
  };
  const projects = await db().project.findMany({ where, select: { id: true } });
  return projects.map((p) => ({ projectId: p.id, entity }));
}
