import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { SubscriptionsForm } from "@/components/billing/subscriptions-form";
import { accountFor, currentUser } from "@/lib/auth/guard";
import { cancelCheckout, quoteDraft } from "@/lib/billing/checkout";
import { HttpError } from "@/lib/errors";
import { getDraft } from "@/lib/licensing/draft";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

export default async function SubscriptionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const accountId = typeof sp.account === "string" ? sp.account : "";
  const user = await currentUser();
  if (!user) redirect("/procore/setup");
  const { account } = await accountFor(user.id, accountId, "ADMIN").catch((err) => {
    if (err instanceof HttpError) notFound();
    throw err;
  });
  if (sp.cancelled === "1" && typeof sp.checkout === "string") {
    // Stripe unreachable now: the session still expires by itself within the hour; the page must show regardless.
    await cancelCheckout(account.id, user.id, sp.checkout).catch((err: unknown) => log.warn({ err: String(err) }, "could not expire a cancelled checkout"));
  }
  const draft = await getDraft(account.id, user.id);
  const [month, year] = await Promise.all([quoteDraft(account.id, draft.selections, "MONTH"), quoteDraft(account.id, draft.selections, "YEAR")]);
  return (
    <div className="space-y-6">
      <Link href={`/setup/projects?account=${account.id}`} className="text-sm text-slate-500 hover:text-ink">
        ← Back to projects
      </Link>
      <h1 className="text-2xl font-semibold">Subscriptions</h1>
      <p className="text-slate-600">{account.name}</p>
      <SubscriptionsForm accountId={account.id} quotes={{ MONTH: month, YEAR: year }} initial={draft.interval} cancelled={sp.cancelled === "1"} />
    </div>
  );
}
