import Link from "next/link";
import { PlanBoard } from "@/components/planner/plan-board";
import { featurePage, hasFeature, upgradeUrl } from "@/lib/planner/features";
import { procoreProjectUrl } from "@/lib/planner/procore";

export const dynamic = "force-dynamic";

/** The plan board (Planner), with "Publish to Procore" when the project has the Planner Board add-on. */
export default async function PlannerPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { project, account } = await featurePage((await params).projectId, "planBoard");
  const publish = hasFeature(project.licences, "publish")
    ? {
        projectName: project.name,
        companyName: account.name,
        procoreProjectId: project.procoreProjectId.toString(),
        procoreUrl: procoreProjectUrl(project.procoreProjectId),
      }
    : null;
  return (
    <div className="space-y-6">
      <Link href={`/projects/${project.id}`} className="text-sm text-slate-500 hover:text-ink">
        ← {project.name}
      </Link>
      <h1 className="text-2xl font-semibold">Plan Board</h1>
      <PlanBoard projectId={project.id} publish={publish} upgradeUrl={upgradeUrl(project.id)} />
    </div>
  );
}
