import Link from "next/link";
import { redirect } from "next/navigation";
import { ProjectTile } from "@/components/central/project-tile";
import { accountsOf } from "@/lib/auth/accounts";
import { currentUser } from "@/lib/auth/guard";
import { refreshMemberProjects } from "@/lib/auth/member-projects";
import { projectsOfMembership } from "@/lib/licensing/projects-of-account";

export const dynamic = "force-dynamic";

export default async function ProjectCentralPage() {
  const user = await currentUser();
  if (!user) redirect("/procore/setup");
  const memberships = await accountsOf(user.id);
  const accounts = await Promise.all(
    memberships.map(async (m) => {
      await refreshMemberProjects(m);
      return { account: m.account, role: m.role, projects: await projectsOfMembership(m) };
    }),
  );
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Project Central</h1>
      {accounts.length === 0 && (
        <p className="text-slate-600">
          No projects yet. <Link className="font-medium text-brand" href="/procore/setup">Map your Procore projects</Link> to get started.
        </p>
      )}
      {accounts.map(({ account, role, projects }) => (
        <section key={account.id} aria-labelledby={`account-${account.id}`} className="space-y-3">
          <div className="flex items-center justify-between">
            <h2 id={`account-${account.id}`} className="text-lg font-medium text-slate-700">
              {account.name}
            </h2>
            {role !== "MEMBER" && (
              <div className="flex items-center gap-4">
                <Link href={`/accounts/${account.id}/people`} className="text-sm font-medium text-brand hover:underline">
                  People
                </Link>
                <Link href={`/setup/projects?account=${account.id}`} className="text-sm font-medium text-brand hover:underline">
                  Add Procore projects
                </Link>
              </div>
            )}
          </div>
          {projects.length === 0 ? (
            <p className="text-sm text-slate-500">
              {role === "MEMBER"
                ? "None of this company's licensed projects lists you in Procore yet. Ask your Procore admin to add you to the project's directory."
                : "No licensed projects in this company yet."}
            </p>
          ) : (
            <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label={`${account.name} projects`}>
              {projects.map((p) => (
                <ProjectTile key={p.id} project={p} />
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
