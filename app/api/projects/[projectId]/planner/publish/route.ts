import { after } from "next/server";
import { procoreForProject } from "@/lib/auth/procore";
import { withFeature } from "@/lib/planner/features";
import { publishHistory, runPublish, startPublish } from "@/lib/planner/publish";

/** The publish history, newest first (polled by the page while a publish runs). */
export const GET = withFeature("publish", {}, ({ project }) => publishHistory(project.id));

/**
 * "Publish now": answers the run at once and publishes after the response; a second click answers the same run. It
 * acts through an owner's or admin's Procore connection, like the sync; members may press it too: what it writes is
 * the board they already edit, and the connector settings say where it goes.
 */
export const POST = withFeature("publish", {}, async ({ project }) => {
  const { run, started } = await startPublish(project.id);
  if (started) after(() => runPublish(run.id, procoreForProject(project.id)));
  return run;
});
