import { CompaniesManager } from "@/components/project/companies-manager";
import { ProjectDataShell } from "@/components/project/project-data-shell";
import { projectPage } from "@/lib/project-data/access";
import { isSyncOn } from "@/lib/project-data/sync-status";

export const dynamic = "force-dynamic";

export default async function CompaniesPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { project } = await projectPage((await params).projectId);
  return (
    <ProjectDataShell project={project} page="companies" syncEntity={(await isSyncOn(project.id)) ? "companies" : null}>
      <CompaniesManager projectId={project.id} />
    </ProjectDataShell>
  );
}
