import { createTask, taskCreateSchema } from "@/lib/planner/board";
import { withFeature } from "@/lib/planner/features";

export const POST = withFeature("planBoard", { body: taskCreateSchema }, ({ project, body }) => createTask(project.id, body));
