import { after } from "next/server";
import { withFeature } from "@/lib/planner/features";
import { publishProcore } from "@/lib/planner/procore";
import { publishHistory, runPublish, startPublish } from "@/lib/planner/publish";

/** The publish history, newest first (polled by the page while a publish runs). */
export const GET = withFeature("publish", {}, ({ project }) => publishHistory(project.id));

/** "Publish now": answers the run at once and publishes after the response; a second click answers the same run. */
export const POST = withFeature("publish", {}, async ({ project }) => {
  const { run, started } = await startPublish(project.id);
  if (started) after(() => runPublish(run.id, publishProcore(project.id)));
  return run;
});
