import { db, isUniqueViolation } from "@/lib/db";
import type { Account, AccountRole } from "@/lib/generated/prisma/client";

/**
 * The Smartapp account of a Procore company that Procore lists for this person (the caller has checked that with the
 * person's own token), joined through setup. The company's own staff (`staff`, lib/auth/company-staff.ts) administer
 * it: the first of them owns it, later ones join as admins. Anyone else Procore lists in the company joins as a member,
 * and an existing member stays one (the owner promotes on the People page) unless the account has no owner yet.
 */
export async function joinAccountForCompany(
  userId: string,
  company: { id: string; name: string },
  { staff }: { staff: boolean },
): Promise<{ account: Account; role: AccountRole }> {
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
  if (existing && (existing.role !== "MEMBER" || !staff)) return { account, role: existing.role };
  if (!staff) {
    await joinAsMember(userId, account.id);
    return { account, role: "MEMBER" };
  }
  const hasOwner = (await db().membership.count({ where: { accountId: account.id, role: "OWNER" } })) > 0;
  // The database keeps one owner per account ("Membership_one_owner_per_account"): of two people becoming its owner
  // at once, one does; the other is refused and ends as what they would be with an owner there.
  if (existing) {
    // A member stays one once the account has an owner: the owner decides (People page), and may have demoted them.
    // An account with members only (they came through Procore's embedded view) gets its first staff member as owner.
    if (hasOwner) return { account, role: "MEMBER" };
    try {
      await db().membership.update({ where: { id: existing.id }, data: { role: "OWNER" } });
      return { account, role: "OWNER" };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return { account, role: "MEMBER" };
    }
  }
  for (const role of hasOwner ? (["ADMIN"] as const) : (["OWNER", "ADMIN"] as const)) {
    try {
      await db().membership.create({ data: { accountId: account.id, userId, role } });
      return { account, role };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // The same person joining twice at once: the other request made the membership.
      const made = await db().membership.findUnique({ where: { accountId_userId: { accountId: account.id, userId } } });
      if (made) return { account, role: made.role };
    }
  }
  throw new Error(`could not join account ${account.id}`);
}

/** The person's membership of the account of a Procore company, if both exist. */
export async function membershipFor(userId: string, procoreCompanyId: string) {
  return db().membership.findFirst({ where: { userId, account: { procoreCompanyId: BigInt(procoreCompanyId) } }, include: { account: true } });
}

/** Adds a person to an account as a member (uses its projects), unless they belong to it already. */
export async function joinAsMember(userId: string, accountId: string): Promise<void> {
  await db().membership.createMany({ data: [{ accountId, userId, role: "MEMBER" }], skipDuplicates: true });
}

/** The accounts this person belongs to, for the account switcher and Project Central. */
export function accountsOf(userId: string) {
  return db().membership.findMany({ where: { userId }, include: { account: true }, orderBy: { createdAt: "asc" } });
}
