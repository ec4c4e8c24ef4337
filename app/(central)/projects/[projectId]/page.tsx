import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/guard";
import { HttpError } from "@/lib/errors";
import { modulesLabel, projectForUser } from "@/lib/licensing/projects-of-account";
import { hasFeature } from "@/lib/planner/features";

export const dynamic = "force-dynamic";

export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const user = await currentUser();
  if (!user) redirect("/procore/setup");
  const { projectId } = await params;
  const found = await projectForUser(user.id, projectId).catch((err) => {
    if (err instanceof HttpError && err.status === 404) notFound();
    throw err;
  });
  const { project } = found;
  const pending = project.licences.some((l) => l.status === "PAYMENT_PENDING");
  return (
    <div className="space-y-6">
      <Link href="/projects" className="text-sm text-slate-500 hover:text-ink">
        ← Project Central
      </Link>
      <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h1 className="text-2xl font-semibold">{project.name}</h1>
        <p className="mt-1 text-slate-600">
          {modulesLabel(project.licences.map((l) => l.module))}
          {pending && <span className="ml-3 rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800">Payment pending</span>}
        </p>
        <nav className="mt-6 flex gap-3" aria-label="Project">
          <Link href={`/projects/${project.id}/subscription`} className="rounded-md px-4 py-2 font-medium ring-1 ring-slate-300 hover:bg-slate-100">
            Manage Subscriptions
          </Link>
          <Link href={`/projects/${project.id}/settings/procore`} className="rounded-md px-4 py-2 font-medium ring-1 ring-slate-300 hover:bg-slate-100">
            Project Settings
          </Link>
          {hasFeature(project.licences, "planBoard") && (
            <Link href={`/projects/${project.id}/planner`} className="rounded-md bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark">
              Plan Board
            </Link>
          )}
          {hasFeature(project.licences, "badges") && (
            <Link href={`/projects/${project.id}/safety/badges`} className="rounded-md bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark">
              Safety Badges
            </Link>
          )}
        </nav>
        <nav className="mt-4 flex flex-wrap gap-4 text-sm" aria-label="Project data">
          {[
            ["team", "Project Team"],
            ["locations", "Locations"],
            ["companies", "Companies"],
            ["roles", "Roles"],
            ["users", "Users"],
          ].map(([path, label]) => (
            <Link key={path} href={`/projects/${project.id}/${path}`} className="font-medium text-brand hover:underline">
              {label}
            </Link>
          ))}
        </nav>
      </div>
    </div>
  );
}
