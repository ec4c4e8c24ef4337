import Link from "next/link";
import { forbidden, redirect } from "next/navigation";
import { ProcoreSignInButton } from "@/components/auth/procore-sign-in";
import { PageCard } from "@/components/ui/page-card";
import { joinAccountForCompany, membershipFor } from "@/lib/auth/accounts";
import { isCompanyStaff } from "@/lib/auth/company-staff";
import { currentUser } from "@/lib/auth/guard";
import { ownerOf } from "@/lib/auth/members";
import { procoreFor } from "@/lib/auth/procore";
import { AppNotInstalledError, RateLimitedError, ReconnectNeededError } from "@/lib/procore/errors";

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

  const reconnect = (
    <PageCard title="Reconnect to Procore">
      <p>Smartapp can no longer reach Procore for you (the connection was revoked or expired). Your projects and mappings are kept.</p>
      <ProcoreSignInButton callbackUrl={here} label="Reconnect to Procore" />
    </PageCard>
  );
  let procore, companies;
  try {
    procore = await procoreFor(user.id);
    companies = await procore.companies.listAll();
  } catch (err) {
    if (err instanceof ReconnectNeededError) return reconnect;
    throw err;
  }

  const chosen = companyId ? companies.find((c) => c.id === companyId) : companies.length === 1 ? companies[0] : undefined;
  if (companyId && !chosen) forbidden();
  if (chosen) {
    // Owners and admins keep their role whatever the directory says: ask Procore only about newcomers and members.
    const known = await membershipFor(user.id, chosen.id);
    let staff = false;
    if (!known || known.role === "MEMBER") {
      try {
        staff = await isCompanyStaff(procore, chosen.id);
      } catch (err) {
        if (err instanceof ReconnectNeededError) return reconnect;
        if (err instanceof RateLimitedError) {
          return (
            <PageCard title="Procore is busy">
              <p>Procore asked Smartapp to slow down. Open this page again in a minute.</p>
            </PageCard>
          );
        }
        if (!(err instanceof AppNotInstalledError)) throw err;
        return (
          <PageCard title="Smartapp is not installed">
            <p>Install Smartapp in {chosen.name} from the Procore App Marketplace, then open its App Setup Instructions again.</p>
          </PageCard>
        );
      }
    }
    const { account, role } = await joinAccountForCompany(user.id, chosen, { staff });
    if (role === "MEMBER") {
      const owner = await ownerOf(account.id);
      return (
        <PageCard title={`You are a member of ${account.name}`}>
          <p>
            {account.name}&apos;s own staff manage its Smartapp licences, billing and Procore settings, and Procore&apos;s directory does not list you as
            an employee of {account.name}. You can open its licensed projects that Procore lists you on.
          </p>
          {owner ? (
            <p>Its owner, {owner.email}, can make you an admin (Project Central → People).</p>
          ) : (
            <p>
              Nobody administers it yet: a company admin can mark you as an employee of {account.name} in Procore&apos;s Directory; then open this page
              again.
            </p>
          )}
          <Link href="/projects" className="inline-block rounded-md bg-brand px-5 py-2.5 font-medium text-white hover:bg-brand-dark">
            Project Central
          </Link>
        </PageCard>
      );
    }
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
