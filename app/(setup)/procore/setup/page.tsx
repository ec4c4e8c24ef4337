import Link from "next/link";
import { forbidden, redirect } from "next/navigation";
import { ProcoreSignInButton } from "@/components/auth/procore-sign-in";
import { PageCard } from "@/components/ui/page-card";
import { joinAccountForCompany } from "@/lib/auth/accounts";
import { currentUser } from "@/lib/auth/guard";
import { procoreFor } from "@/lib/auth/procore";
import { ReconnectNeededError } from "@/lib/procore/errors";

export const dynamic = "force-dynamic";

/** The App Setup Instructions URL: /procore/setup?company_id=… (company_id optional). */
export default async function ProcoreSetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const companyId = typeof sp.company_id === "string" ? sp.company_id : undefined;
  const here = `/procore/setup${companyId ? `?company_id=${encodeURIComponent(companyId)}` : ""}`;

  const user = await currentUser();
  if (!user) {
    return (
      <PageCard title="Set up Smartapp for Procore">
        <p>Sign in with your Procore account to choose which Procore projects get Smartapp Planner and Safety.</p>
        <ProcoreSignInButton callbackUrl={here} label="Continue with Procore" />
      </PageCard>
    );
  }
  if (companyId !== undefined && !/^\d{1,19}$/.test(companyId)) forbidden();

  let companies;
  try {
    companies = await (await procoreFor(user.id)).companies.listAll();
  } catch (err) {
    if (!(err instanceof ReconnectNeededError)) throw err;
    return (
      <PageCard title="Reconnect to Procore">
        <p>Smartapp can no longer reach Procore for you (the connection was revoked or expired). Your projects and mappings are kept.</p>
        <ProcoreSignInButton callbackUrl={here} label="Reconnect to Procore" />
      </PageCard>
    );
  }

  const chosen = companyId ? companies.find((c) => c.id === companyId) : companies.length === 1 ? companies[0] : undefined;
  if (companyId && !chosen) forbidden();
  if (chosen) {
    const { account } = await joinAccountForCompany(user.id, chosen);
    redirect(`/setup/projects?account=${account.id}`);
  }
  return (
    <PageCard title="Choose a Procore company">
      {companies.length === 0 ? (
        <p>Procore lists no company for {user.email}.</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Procore companies">
          {companies.map((c) => (
            <li key={c.id}>
              <Link className="block py-3 font-medium text-ink hover:text-brand" href={`/procore/setup?company_id=${c.id}`}>
                {c.name}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </PageCard>
  );
}
