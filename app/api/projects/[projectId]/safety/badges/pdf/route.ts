import { withFeature } from "@/lib/planner/features";
import { badgesPdf } from "@/lib/safety/badge-pdf";
import { projectBadges } from "@/lib/safety/badges";

/** The badges as a PDF download, one page per active team member. */
export const GET = withFeature("badges", {}, async ({ project }) => {
  const pdf = await badgesPdf(project.name, await projectBadges(project.id));
  const filename = `safety-badges-${project.name.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "project"}.pdf`;
  // A copy: pdf-lib types its bytes over any buffer, Response wants them over an ArrayBuffer.
  return new Response(new Uint8Array(pdf), {
    headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "private, no-store" },
  });
});
