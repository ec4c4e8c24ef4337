import Link from "next/link";
import type { ProjectWithLicences } from "@/lib/licensing/projects-of-account";
import { modulesLabel } from "@/lib/licensing/projects-of-account";

const ADD_ON_NAME = { PLANNER: "Planner Board", SAFETY: "Safety Badge" } as const;

/** A Project Central tile. Its text ends with the modules footer, as SPEC §9 asks. */
export function ProjectTile({ project }: { project: ProjectWithLicences }) {
  const titleId = `project-${project.id}`;
  const pending = project.licences.some((l) => l.status === "PAYMENT_PENDING");
  return (
    <li aria-labelledby={titleId} className="relative flex flex-col rounded-xl bg-white shadow-sm ring-1 ring-slate-200 hover:ring-brand">
      <div className="h-20 rounded-t-xl bg-gradient-to-br from-orange-100 to-slate-100" aria-hidden />
      <div className="flex flex-1 flex-col gap-2 p-4">
        <Link id={titleId} href={`/projects/${project.id}`} className="font-semibold text-ink after:absolute after:inset-0">
          {project.name}
        </Link>
        {pending && <span className="w-fit rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800">Payment pending</span>}
        <div className="flex flex-wrap gap-1">
          {project.licences
            .filter((l) => l.addOn)
            .map((l) => (
              <span key={l.id} className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                {ADD_ON_NAME[l.module]}
              </span>
            ))}
        </div>
        <p className="mt-auto border-t border-slate-100 pt-2 text-sm font-medium text-brand-dark">{modulesLabel(project.licences.map((l) => l.module))}</p>
      </div>
    </li>
  );
}
