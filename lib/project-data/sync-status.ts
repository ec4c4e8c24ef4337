import { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import type { SyncEntity, SyncIssueKind, SyncRunStatus, SyncTrigger } from "@/lib/generated/prisma/enums";
import { HISTORY_RUNS, ISSUES_PER_RUN, isoOrNull, type RunView } from "./run-history";

/*
 * What an entity page shows about its sync: the latest runs with their counts, progress and per-record issues. JSON-ready (dates as ISO strings, Procore ids as strings): the page polls it while a run is live.
 */

/** The entity in a sync URL (/api/projects/{id}/sync/{slug}): the Project Team and Users pages both sync "users". */
export const ENTITY_SLUGS = { locations: "LOCATIONS", companies: "COMPANIES", roles: "ROLES", users: "USERS" } as const satisfies Record<string, SyncEntity>;
export type EntitySlug = keyof typeof ENTITY_SLUGS;

export function entityOfSlug(slug: string): SyncEntity {
  if (!Object.hasOwn(ENTITY_SLUGS, slug)) throw new HttpError(404, "No such synced entity");
  return ENTITY_SLUGS[slug as EntitySlug];
}

export interface SyncIssueView {
  id: string;
  kind: SyncIssueKind;
  message: string;
  localId: string | null;
  procoreId: string | null;
  /** Conflicts: each side's compared fields. */
  localValue: unknown;
  procoreValue: unknown;
}

export interface SyncRunView extends RunView<SyncRunStatus, SyncIssueView> {
  trigger: SyncTrigger;
  fullReconcile: boolean;
  createdAt: string;
  startedAt: string | null;
}

export interface SyncStatusView {
  /** Newest first. */
  runs: SyncRunView[];
}

export async function syncStatus(projectId: string, entity: SyncEntity): Promise<SyncStatusView> {
  const runs = await db().syncRun.findMany({
    where: { projectId, entity },
    orderBy: { createdAt: "desc" },
    take: HISTORY_RUNS,
    select: {
      id: true,
      trigger: true,
      status: true,
      fullReconcile: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      waitingUntil: true,
      total: true,
      done: true,
      created: true,
      updated: true,
      unchanged: true,
      failed: true,
      error: true,
      issues: { orderBy: { createdAt: "asc" }, take: ISSUES_PER_RUN },
      _count: { select: { issues: true } },
    },
  });
  return {
    runs: runs.map(({ issues, _count, ...run }) => ({
      ...run,
      createdAt: run.createdAt.toISOString(),
      startedAt: isoOrNull(run.startedAt),
      finishedAt: isoOrNull(run.finishedAt),
      waitingUntil: isoOrNull(run.waitingUntil),
      issueCount: _count.issues,
      issues: issues.map((i) => ({
        id: i.id,
        kind: i.kind,
        message: i.message,
        localId: i.localId,
        procoreId: i.procoreId?.toString() ?? null,
        localValue: i.localValue,
        procoreValue: i.procoreValue,
      })),
    })),
  };
}

/** Whether the project's "Procore sync" switch is on. */
export async function isSyncOn(projectId: string): Promise<boolean> {
  return (await db().procoreSyncConfig.findUnique({ where: { projectId }, select: { enabled: true } }))?.enabled ?? false;
}
