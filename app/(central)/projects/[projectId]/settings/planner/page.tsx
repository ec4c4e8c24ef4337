import { notFound } from "next/navigation";
import { ModuleSettings } from "@/components/project/module-settings";
import { projectPage } from "@/lib/project-data/access";

export const dynamic = "force-dynamic";

export default async function PlannerSettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { project } = await projectPage((await params).projectId);
  const licence = project.licences.find((l) => l.module === "PLANNER");
  if (!licence) notFound();
  return <ModuleSettings projectId={project.id} licence={licence} />;
}
