import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { ManageSubscription } from "@/components/billing/manage-subscription";
import { currentUser } from "@/lib/auth/guard";
import { projectSubscription } from "@/lib/billing/manage";
import { HttpError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export default async function ManageSubscriptionPage({ params }: { params: Promise<{ projectId: string }> }) {
  const user = await currentUser();
  if (!user) redirect("/procore/setup");
  const { projectId } = await params;
  // Resolved through projectForUser: another company's project is not found, not forbidden.
  const view = await projectSubscription(user.id, projectId).catch((err) => {
    if (err instanceof HttpError && err.status === 404) notFound();
    throw err;
  });
  return (
    <div className="space-y-6">
      <Link href={`/projects/${view.project.id}`} className="text-sm text-slate-500 hover:text-ink">
        {`← ${view.project.name}`}
      </Link>
      <div>
        <h1 className="text-2xl font-semibold">Manage Subscriptions</h1>
        <p className="mt-1 text-slate-600">{view.project.name}</p>
      </div>
      <ManageSubscription initial={view} />
    </div>
  );
}
