import { LocationsManager } from "@/components/project/locations-manager";
import { ProjectDataShell } from "@/components/project/project-data-shell";
import { projectPage } from "@/lib/project-data/access";
import { isSyncOn } from "@/lib/project-data/sync-status";

export const dynamic = "force-dynamic";

export default async function LocationsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { project } = await projectPage((await params).projectId);
  return (
    <ProjectDataShell project={project} page="locations" syncEntity={(await isSyncOn(project.id)) ? "locations" : null}>
      <LocationsManager projectId={project.id} />
    </ProjectDataShell>
  );
}
