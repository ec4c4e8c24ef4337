import { db, isUniqueViolation } from "@/lib/db";
import type { Account, AccountRole } from "@/lib/generated/prisma/client";

/**
 * The Smartapp account of a Procore company that Procore lists for this person (the caller has checked
 * that with the person's own token). The first person to complete setup owns the account; later ones
 * join as admins — in Procore only company admins reach the App Setup Instructions.
 */
export async function joinAccountForCompany(userId: string, company: { id: string; name: string }): Promise<{ account: Account; role: AccountRole }> {
  const procoreCompanyId = BigInt(company.id);
  let account = await db().account.findUnique({ where: { procoreCompanyId } });
  if (!account) {
    try {
      account = await db().account.create({ data: { procoreCompanyId, name: company.name } });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      account = await db().account.findUniqueOrThrow({ where: { procoreCompanyId } });
    }
  } else if (account.name !== company.name) {
    account = await db().account.update({ where: { id: account.id }, data: { name: company.name } });
  }
  const existing = await db().membership.findUnique({ where: { accountId_userId: { accountId: account.id, userId } } });
  if (existing && existing.role !== "MEMBER") return { account, role: existing.role };
  const hasOwner = (await db().membership.count({ where: { accountId: account.id, role: "OWNER" } })) > 0;
  const role: AccountRole = hasOwner ? "ADMIN" : "OWNER";
  // A member (who first came through Procore's embedded view) completing setup is a company admin.
  if (existing) {
    await db().membership.update({ where: { id: existing.id }, data: { role } });
    return { account, role };
  }
  try {
    await db().membership.create({ data: { accountId: account.id, userId, role } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  return { account, role };
}

/** Adds a person to an account as a member (uses its projects), unless they belong to it already. */
export async function joinAsMember(userId: string, accountId: string): Promise<void> {
  await db().membership.createMany({ data: [{ accountId, userId, role: "MEMBER" }], skipDuplicates: true });
}

/** The accounts this person belongs to, for the account switcher and Project Central. */
export function accountsOf(userId: string) {
  return db().membership.findMany({ where: { userId }, include: { account: true }, orderBy: { createdAt: "asc" } });
}
