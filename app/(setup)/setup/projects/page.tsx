import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { ProjectMapper } from "@/components/mapping/project-mapper";
import { accountFor, currentUser } from "@/lib/auth/guard";
import { HttpError } from "@/lib/errors";

export const metadata: Metadata = { title: "Map Procore projects · Smartapp for Procore" };

async function membershipOrNotFound(userId: string, accountId: string) {
  try {
    return await accountFor(userId, accountId);
  } catch (err) {
    // Another company's account answers the same 404 as one that does not exist.
    if (err instanceof HttpError && err.status === 404) notFound();
    throw err;
  }
}

/** /setup/projects?account=<accountId>: map the company's Procore projects to Planner and Safety. */
export default async function MapProjectsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await currentUser();
  if (!user) redirect("/procore/setup");
  const { account: accountId } = await searchParams;
  if (typeof accountId !== "string" || accountId === "") notFound();
  const { account, membership } = await membershipOrNotFound(user.id, accountId);

  if (membership.role === "MEMBER") {
    return (
      <section className="mx-auto max-w-lg rounded-xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
        <h1 className="text-xl font-semibold">Map Procore projects</h1>
        <p className="mt-4 text-slate-600">Only an owner or admin of {account.name} can choose which Procore projects get Smartapp.</p>
      </section>
    );
  }
  return <ProjectMapper accountId={account.id} accountName={account.name} />;
}
