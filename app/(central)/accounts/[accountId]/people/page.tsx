import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { MakeOwner } from "@/components/people/make-owner";
import { RoleSelect } from "@/components/people/role-select";
import { Table, type Column } from "@/components/ui/table";
import { accountFor, currentUser } from "@/lib/auth/guard";
import { listMembers, type AccountPersonView } from "@/lib/auth/members";
import { HttpError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const ROLE = { OWNER: "Owner", ADMIN: "Admin", MEMBER: "Member" } as const;

/** Who is in the company's Smartapp account; the owner changes roles. Owners and admins see it. */
export default async function PeoplePage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  const user = await currentUser();
  if (!user) redirect("/procore/setup");
  const { account, membership } = await accountFor(user.id, accountId, "ADMIN").catch((err) => {
    if (err instanceof HttpError) notFound();
    throw err;
  });
  const people = await listMembers(account.id);
  const isOwner = membership.role === "OWNER";
  const columns: Column<AccountPersonView>[] = [
    { header: "Name", cell: (p) => p.name ?? "—" },
    { header: "Email", cell: (p) => p.email },
    { header: "Role", cell: (p) => (isOwner && p.role !== "OWNER" ? <RoleSelect accountId={account.id} person={p} /> : ROLE[p.role]) },
    { header: "Since", cell: (p) => p.since.slice(0, 10) },
    ...(isOwner ? [{ header: "Ownership", cell: (p: AccountPersonView) => (p.role === "OWNER" ? "You" : <MakeOwner accountId={account.id} person={p} />) }] : []),
  ];
  return (
    <div className="space-y-6">
      <Link href="/projects" className="text-sm text-slate-500 hover:text-ink">
        ← Project Central
      </Link>
      <h1 className="text-2xl font-semibold">People</h1>
      <p className="text-slate-600">
        {account.name}: admins manage licences, billing and Procore settings; members use the licensed projects. People join by signing in with
        Procore — the company&apos;s own staff as admins, anyone else as members.{isOwner ? " As the owner, you can change their roles, or hand the account to one of them." : ""}
      </p>
      <section aria-labelledby="people-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 id="people-heading" className="sr-only">
          People of {account.name}
        </h2>
        <Table columns={columns} rows={people} className="w-full text-left text-sm" rowClassName={() => ""} />
      </section>
    </div>
  );
}
