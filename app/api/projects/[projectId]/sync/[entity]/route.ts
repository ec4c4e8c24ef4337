import { requestSync } from "@/lib/jobs/sync-jobs";
import { withProject } from "@/lib/project-data/access";
import { entityOfSlug, syncStatus } from "@/lib/project-data/sync-status";

/** The entity's sync: on or off, and its latest runs (polled by the page while a run is live). */
export const GET = withProject({}, ({ project, params }) => syncStatus(project.id, entityOfSlug(params.entity ?? "")));

/** "Sync": runs it now; answers the queued run, or the one already running. */
export const POST = withProject({}, ({ project, params }) => requestSync(project.id, entityOfSlug(params.entity ?? "")));
