import { getBoard } from "@/lib/planner/board";
import { withFeature } from "@/lib/planner/features";

/** The plan board: its tasks and the project's companies and locations to group and filter them by. */
export const GET = withFeature("planBoard", {}, ({ project }) => getBoard(project.id));
