import Link from "next/link";
import { notFound } from "next/navigation";
import { ProcoreSignInButton } from "@/components/auth/procore-sign-in";
import { PageCard } from "@/components/ui/page-card";
import { currentUser } from "@/lib/auth/guard";
import { modulesLabel, type ProjectWithLicences } from "@/lib/licensing/projects-of-account";
import { hasFeature } from "@/lib/planner/features";
import { embeddedLaunch, type EmbeddedQuery } from "./launch";

export const dynamic = "force-dynamic";

const LINK = "block rounded-md px-4 py-2 font-medium ring-1 ring-slate-300 hover:bg-slate-100";

/**
 * The linked Smartapp project, rendered here rather than redirected to: only this path may be framed by Procore
 * (proxy.ts), so the rest of Smartapp opens in a new tab.
 */
function ProjectLauncher({ project }: { project: ProjectWithLicences }) {
  const pages = [
    { path: "", label: "Open in Smartapp" },
    ...(hasFeature(project.licences, "planBoard") ? [{ path: "/planner", label: "Plan Board" }] : []),
    ...(hasFeature(project.licences, "badges") ? [{ path: "/safety/badges", label: "Safety Badges" }] : []),
  ];
  return (
    <PageCard title={project.name}>
      <p>{modulesLabel(project.licences.map((l) => l.module))}</p>
      <nav aria-label="Smartapp" className="flex flex-wrap gap-3">
        {pages.map(({ path, label }) => (
          <Link key={label} href={`/projects/${project.id}${path}`} target="_blank" rel="noopener" className={LINK}>
            {label}
          </Link>
        ))}
      </nav>
      <p className="text-sm">Smartapp opens in a new tab.</p>
    </PageCard>
  );
}

/** Smartapp inside Procore: the embedded full-screen view of a Procore project. */
export default async function ProcoreEmbeddedPage({ searchParams }: { searchParams: Promise<EmbeddedQuery> }) {
  const query = await searchParams;
  const launch = await embeddedLaunch(await currentUser(), query);
  // Only used once the ids have been checked to be Procore ids.
  const here = `/procore/embedded?company_id=${query.company_id}&project_id=${query.project_id}`;
  switch (launch.kind) {
    case "not-found":
      return notFound();
    case "open":
      return <ProjectLauncher project={launch.project} />;
    case "sign-in":
      return (
        <PageCard title="Smartapp for Procore">
          <p>Sign in with your Procore account to open this project&apos;s Planner and Safety in Smartapp.</p>
          <ProcoreSignInButton callbackUrl={here} label="Continue with Procore" />
        </PageCard>
      );
    case "reconnect":
      return (
        <PageCard title="Reconnect to Procore">
          <p>Smartapp can no longer reach Procore for you (the connection was revoked or expired). Your projects are kept.</p>
          <ProcoreSignInButton callbackUrl={here} label="Reconnect to Procore" />
        </PageCard>
      );
    case "procore-unavailable":
      return (
        <PageCard title="Procore is busy">
          <p>Smartapp could not ask Procore which projects you are on just now. Open Smartapp here again in a minute.</p>
        </PageCard>
      );
    case "not-on-project":
      return (
        <PageCard title="You are not on this project in Procore">
          <p>
            Smartapp opens a project for the people Procore lists on it. Ask a Procore admin of {launch.companyName} to add you to this project&apos;s
            directory, then open Smartapp here again.
          </p>
        </PageCard>
      );
    case "not-licensed":
      return (
        <PageCard title="This project is not licensed for Smartapp">
          <p>
            Smartapp Planner and Safety are licensed per Procore project. A company admin of {launch.companyName} can license this one: in Smartapp&apos;s
            setup, map it to Planner or Safety (with the Planner Board or Safety Badge add-on if wanted) and check out. It then opens here.
          </p>
          <Link
            href={`/procore/setup?company_id=${launch.companyId}`}
            target="_blank"
            rel="noopener"
            className="inline-block rounded-md bg-brand px-5 py-2.5 font-medium text-white hover:bg-brand-dark"
          >
            License this project
          </Link>
        </PageCard>
      );
  }
}
