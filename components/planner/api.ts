import { projectApi, request } from "@/components/project/api";
import type { BoardView, PlanTaskView } from "@/lib/planner/board";
import type { PublishRunView } from "@/lib/planner/publish";

/** The task fields the board's form and moves send; blank ids clear the company or location. */
export interface TaskInput {
  name?: string;
  companyId?: string | null;
  locationId?: string | null;
  start?: string;
  finish?: string;
  status?: PlanTaskView["status"];
}

export const boardKey = (projectId: string) => ["planner", projectId, "board"] as const;
export const publishKey = (projectId: string) => ["planner", projectId, "publish"] as const;

const planner = (projectId: string) => `${projectApi(projectId)}/planner`;

export const fetchBoard = (projectId: string) => request<BoardView>(`${planner(projectId)}/board`);

export const createTask = (projectId: string, input: TaskInput) =>
  request<PlanTaskView>(`${planner(projectId)}/tasks`, { method: "POST", body: JSON.stringify(input) });

export const updateTask = (projectId: string, taskId: string, input: TaskInput) =>
  request<PlanTaskView>(`${planner(projectId)}/tasks/${encodeURIComponent(taskId)}`, { method: "PATCH", body: JSON.stringify(input) });

export const deleteTask = (projectId: string, taskId: string) =>
  request<{ ok: true }>(`${planner(projectId)}/tasks/${encodeURIComponent(taskId)}`, { method: "DELETE" });

export const fetchPublishHistory = (projectId: string) => request<PublishRunView[]>(`${planner(projectId)}/publish`);

export const publishNow = (projectId: string) => request<PublishRunView>(`${planner(projectId)}/publish`, { method: "POST" });
