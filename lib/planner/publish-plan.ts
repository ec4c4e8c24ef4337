import { createHash } from "node:crypto";
import type { PlanTaskStatus } from "@/lib/generated/prisma/enums";
import type { ScheduleTaskSyncItem } from "@/lib/procore";
import { TASK_STATUS_LABEL, type Day } from "./board-rules";

/*
 * What "Publish now" sends, with no I/O. Each board task becomes one Procore schedule task keyed by our id
 * (`origin_id`), so Procore's sync action creates it the first time and updates it afterwards, and a publish can be
 * repeated safely. A task whose published content hashes the same as last time is skipped: publishing an unchanged
 * board writes nothing. A published task deleted on the board is deleted from the schedule; one deleted before it was
 * ever published only needs forgetting.
 */

/** A board task as the publish sees it: its own fields, its company's and location's names, and its Procore link. */
export interface BoardTask {
  id: string;
  name: string;
  start: Day;
  finish: Day;
  status: PlanTaskStatus;
  companyName: string | null;
  locationPath: string | null;
  deleted: boolean;
  procoreTaskId: string | null;
  publishedHash: string | null;
}

/** The schedule task's fields we own. Procore's tasks have no company or location: the notes carry them. */
export interface ScheduleContent {
  name: string;
  start: string;
  finish: string;
  percentage: number;
  notes: string;
}

export type PublishState = "unpublished" | "changed" | "published";

export interface TaskToSend {
  task: BoardTask;
  item: ScheduleTaskSyncItem & { originId: string };
  hash: string;
}

export interface PublishPlan {
  send: TaskToSend[];
  unchanged: BoardTask[];
  /** Published, then deleted on the board: to delete from the Procore schedule. */
  remove: (BoardTask & { procoreTaskId: string })[];
  /** Deleted on the board before any publish reached Procore. */
  forget: BoardTask[];
}

/** Unique across the Procore company, as Procore requires of origin ids: our task ids are. */
export const originIdOf = (taskId: string): string => `smartapp-plan-task-${taskId}`;

export function scheduleContent(task: BoardTask): ScheduleContent {
  return {
    name: task.name,
    // The whole of the first and the last day.
    start: `${task.start}T00:00:00Z`,
    finish: `${task.finish}T23:59:59Z`,
    percentage: task.status === "DONE" ? 100 : 0,
    notes: [
      `Company: ${task.companyName ?? "none"}`,
      `Location: ${task.locationPath ?? "none"}`,
      `Status: ${TASK_STATUS_LABEL[task.status]}`,
      "Published from the Smartapp plan board.",
    ].join("\n"),
  };
}

export const contentHash = (content: ScheduleContent): string => createHash("sha256").update(JSON.stringify(content)).digest("hex");

function assess(task: BoardTask): { content: ScheduleContent; hash: string; state: PublishState } {
  const content = scheduleContent(task);
  const hash = contentHash(content);
  const state = task.procoreTaskId === null ? "unpublished" : hash === task.publishedHash ? "published" : "changed";
  return { content, hash, state };
}

/** What the next publish does with a task that is on the board. */
export const publishStateOf = (task: BoardTask): PublishState => assess(task).state;

export function planPublish(tasks: readonly BoardTask[]): PublishPlan {
  const plan: PublishPlan = { send: [], unchanged: [], remove: [], forget: [] };
  for (const task of tasks) {
    if (task.deleted) {
      if (task.procoreTaskId === null) plan.forget.push(task);
      else plan.remove.push({ ...task, procoreTaskId: task.procoreTaskId });
      continue;
    }
    const { content, hash, state } = assess(task);
    if (state === "published") plan.unchanged.push(task);
    else plan.send.push({ task, item: { originId: originIdOf(task.id), ...content }, hash });
  }
  return plan;
}
