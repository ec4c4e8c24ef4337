import Link from "next/link";
import { SettingsMenu } from "@/components/project/settings-menu";
import { projectPage } from "@/lib/project-data/access";

export const dynamic = "force-dynamic";

const MODULE_ENTRIES = { PLANNER: { path: "planner", label: "Planner" }, SAFETY: { path: "safety", label: "Safety" } } as const;

/** Project Settings: a menu that follows the project's live licences (Planner and/or Safety), then Procore. */
export default async function SettingsLayout({ params, children }: { params: Promise<{ projectId: string }>; children: React.ReactNode }) {
  const { project } = await projectPage((await params).projectId);
  const entries = [...project.licences.map((l) => MODULE_ENTRIES[l.module]), { path: "procore", label: "Procore" }];
  return (
    <div className="space-y-6">
      <Link href={`/projects/${project.id}`} className="text-sm text-slate-500 hover:text-ink">
        ← {project.name}
      </Link>
      <h1 className="text-2xl font-semibold">Project Settings</h1>
      <div className="grid gap-6 md:grid-cols-[12rem_1fr]">
        <SettingsMenu projectId={project.id} entries={entries} />
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">{children}</div>
      </div>
    </div>
  );
}
