import { RolesManager } from "@/components/project/roles-manager";
import { ProjectDataShell } from "@/components/project/project-data-shell";
import { projectPage } from "@/lib/project-data/access";
import { isSyncOn } from "@/lib/project-data/sync-status";

export const dynamic = "force-dynamic";

export default async function RolesPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { project } = await projectPage((await params).projectId);
  return (
    <ProjectDataShell project={project} page="roles" syncEntity={(await isSyncOn(project.id)) ? "roles" : null}>
      <RolesManager projectId={project.id} />
    </ProjectDataShell>
  );
}
