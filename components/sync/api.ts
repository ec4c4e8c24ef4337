import { projectApi, request } from "@/components/project/api";
import type { EntitySlug, SyncStatusView } from "@/lib/project-data/sync-status";
import type { EnqueuedSync } from "@/lib/jobs/sync-jobs";
import type { ProcoreSettings } from "@/lib/sync/settings";

export const syncStatusKey = (projectId: string, entity: EntitySlug) => ["sync", projectId, entity] as const;

export const fetchSyncStatus = (projectId: string, entity: EntitySlug) => request<SyncStatusView>(`${projectApi(projectId)}/sync/${entity}`);

export const startSync = (projectId: string, entity: EntitySlug) => request<EnqueuedSync>(`${projectApi(projectId)}/sync/${entity}`, { method: "POST" });

export const saveProcoreSettings = (projectId: string, settings: ProcoreSettings) =>
  request<ProcoreSettings>(`${projectApi(projectId)}/settings/procore`, { method: "PUT", body: JSON.stringify(settings) });
