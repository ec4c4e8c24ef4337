import { collect, type ProcoreHttp } from "../http";
import { scheduleTaskSchema, syncResultSchema, toWire, wireId, type ProcoreId, type ScheduleTask, type SyncResult } from "../schemas";
import { optionalWireId, syncInBatches, updatedAtFilter } from "./shared";

export interface ScheduleTaskFields {
  name?: string;
  /** ISO date-time. */
  start?: string | null;
  finish?: string | null;
  percentage?: number;
  milestone?: boolean;
  parentId?: ProcoreId | null;
  rowNumber?: number | null;
  /** The id of the task in the schedule file it came from. */
  sourceUid?: string | null;
  wbs?: string | null;
  notes?: string | null;
  /** Our own id for the task, unique per company: `sync` matches on it, which makes a publish repeatable. */
  originId?: string | null;
  originData?: string | null;
}

export type ScheduleTaskCreate = ScheduleTaskFields & { name: string };
/** A sync item: matched by `id` (update), else by `originId` (update or create). */
export type ScheduleTaskSyncItem = ScheduleTaskFields & { id?: ProcoreId };

function taskWire({ id, parentId, ...fields }: ScheduleTaskSyncItem) {
  return toWire({ ...fields, id: id === undefined ? undefined : wireId(id), parentId: optionalWireId(parentId) });
}

/** A project's schedule tasks: what "Publish to Procore" writes. */
export function scheduleResource(http: ProcoreHttp) {
  const list = (projectId: ProcoreId, opts: { updatedSince?: Date } = {}): AsyncGenerator<ScheduleTask> =>
    http.pages(
      { path: "/rest/v1.0/tasks", query: { project_id: String(wireId(projectId)), ...updatedAtFilter(opts.updatedSince) } },
      scheduleTaskSchema,
    );
  const one = (taskId: ProcoreId) => `/rest/v1.0/tasks/${wireId(taskId)}`;

  return {
    list,
    listAll: (projectId: ProcoreId, opts?: { updatedSince?: Date }): Promise<ScheduleTask[]> => collect(list(projectId, opts)),
    create: (projectId: ProcoreId, input: ScheduleTaskCreate): Promise<ScheduleTask> =>
      http.request(
        { method: "POST", path: "/rest/v1.0/tasks", body: { project_id: wireId(projectId), task: taskWire(input) } },
        scheduleTaskSchema,
      ),
    update: (projectId: ProcoreId, taskId: ProcoreId, input: ScheduleTaskFields): Promise<ScheduleTask> =>
      http.request({ method: "PATCH", path: one(taskId), body: { project_id: wireId(projectId), task: taskWire(input) } }, scheduleTaskSchema),
    delete: async (projectId: ProcoreId, taskId: ProcoreId): Promise<void> => {
      await http.send({ method: "DELETE", path: one(taskId), query: { project_id: String(wireId(projectId)) } });
    },
    /** Creates or updates any number of tasks, ≤1000 per call; item failures come back in `errors`. */
    sync: (projectId: ProcoreId, items: readonly ScheduleTaskSyncItem[]): Promise<SyncResult<ScheduleTask>> =>
      syncInBatches(items, (batch) =>
        http.request(
          { method: "PATCH", path: "/rest/v1.0/tasks/sync", body: { project_id: wireId(projectId), updates: batch.map(taskWire) } },
          syncResultSchema(scheduleTaskSchema),
        ),
      ),
  };
}
