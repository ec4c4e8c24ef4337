import { deleteTask, taskUpdateSchema, updateTask } from "@/lib/planner/board";
import { withFeature } from "@/lib/planner/features";

/** Edits or moves a task: only the fields sent change. */
export const PATCH = withFeature("planBoard", { body: taskUpdateSchema }, ({ project, params, body }) => updateTask(project.id, params.taskId ?? "", body));

/** Takes the task off the board; the next publish removes it from the Procore schedule. */
export const DELETE = withFeature("planBoard", {}, ({ project, params }) => deleteTask(project.id, params.taskId ?? ""));
