import Link from "next/link";
import { SyncPanel } from "@/components/sync/sync-panel";
import type { EntitySlug } from "@/lib/project-data/sync-status";

const PAGES = [
  { path: "team", label: "Project Team" },
  { path: "locations", label: "Locations" },
  { path: "companies", label: "Companies" },
  { path: "roles", label: "Roles" },
  { path: "users", label: "Users" },
] as const;

export type ProjectDataPage = (typeof PAGES)[number]["path"];

/**
 * The frame of a project data page: the way back to the project, the pages of project data, and — when Procore sync
 * is on — the entity's Sync panel above the list.
 */
export function ProjectDataShell({
  project,
  page,
  syncEntity,
  children,
}: {
  project: { id: string; name: string };
  page: ProjectDataPage;
  /** Null when Procore sync is off for the project. */
  syncEntity: EntitySlug | null;
  children: React.ReactNode;
}) {
  const title = PAGES.find((p) => p.path === page)!.label;
  return (
    <div className="space-y-6">
      <Link href={`/projects/${project.id}`} className="text-sm text-slate-500 hover:text-ink">
        ← {project.name}
      </Link>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <nav aria-label="Project data" className="flex flex-wrap gap-2">
        {PAGES.map((p) => (
          <Link
            key={p.path}
            href={`/projects/${project.id}/${p.path}`}
            aria-current={p.path === page ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ring-1 ${p.path === page ? "bg-ink text-white ring-ink" : "ring-slate-300 hover:bg-slate-100"}`}
          >
            {p.label}
          </Link>
        ))}
        <Link href={`/projects/${project.id}/settings/procore`} className="rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100">
          Project Settings
        </Link>
      </nav>
      {syncEntity && <SyncPanel projectId={project.id} entity={syncEntity} />}
      {children}
    </div>
  );
}
