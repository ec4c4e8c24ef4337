import { ProcoreSettingsForm } from "@/components/sync/procore-settings-form";
import { canManageSettings, projectPage } from "@/lib/project-data/access";
import { getProcoreSettings } from "@/lib/sync/settings";

export const dynamic = "force-dynamic";

export default async function ProcoreSettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { project, role } = await projectPage((await params).projectId);
  return (
    <section aria-labelledby="procore-settings" className="space-y-4">
      <h2 id="procore-settings" className="text-xl font-semibold">
        Procore
      </h2>
      <p className="text-sm text-slate-600">
        Keep this project&apos;s locations, companies, roles and users in step with Procore: on the schedule you choose,
        whenever someone presses Sync, and as soon as Procore reports a change.
      </p>
      <ProcoreSettingsForm projectId={project.id} initial={await getProcoreSettings(project.id)} canEdit={canManageSettings(role)} />
    </section>
  );
}
