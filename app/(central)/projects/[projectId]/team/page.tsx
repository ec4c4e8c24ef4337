import { TeamManager } from "@/components/project/team-manager";
import { ProjectDataShell } from "@/components/project/project-data-shell";
import { projectPage } from "@/lib/project-data/access";
import { isSyncOn } from "@/lib/project-data/sync-status";

export const dynamic = "force-dynamic";

export default async function TeamPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { project } = await projectPage((await params).projectId);
  return (
    <ProjectDataShell project={project} page="team" syncEntity={(await isSyncOn(project.id)) ? "users" : null}>
      <TeamManager projectId={project.id} view="team" />
    </ProjectDataShell>
  );
}
