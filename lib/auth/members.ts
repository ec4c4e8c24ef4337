import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { HttpError, notFound } from "@/lib/errors";
import type { AccountRole } from "@/lib/generated/prisma/client";
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from "@/lib/security/text";

/** One person of an account, as the People page shows them. */
export interface AccountPersonView {
  id: string;
  email: string;
  name: string | null;
  role: AccountRole;
  since: string;
}

export const roleChangeSchema = z.object({ role: z.enum(["ADMIN", "MEMBER"]) });

export const ownerTransferSchema = z.object({
  userId: z.string({ error: "Say who becomes the owner" }).min(1, "Say who becomes the owner").max(64).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE),
});

const ROLE_ORDER: Record<AccountRole, number> = { OWNER: 0, ADMIN: 1, MEMBER: 2 };

/** The account's people: the owner first, then admins, then members, each by email. */
export async function listMembers(accountId: string): Promise<AccountPersonView[]> {
  const rows = await db().membership.findMany({ where: { accountId }, include: { user: { select: { email: true, name: true } } } });
  return rows
    .map((m) => ({ id: m.userId, email: m.user.email, name: m.user.name, role: m.role, since: m.createdAt.toISOString() }))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.email.localeCompare(b.email));
}

/** The account's owner, if it has one yet. */
export async function ownerOf(accountId: string): Promise<{ email: string } | null> {
  const owner = await db().membership.findFirst({ where: { accountId, role: "OWNER" }, include: { user: { select: { email: true } } } });
  return owner && { email: owner.user.email };
}

/**
 * The owner (`ownerId`) makes a member an admin, or an admin a member (setup makes only the company's own staff admins;
 * the owner decides for anyone else). Someone not in the account → 404; the owner's own role is not changed here: the
 * owner hands ownership over instead (below). One transaction with the caller's membership locked, so a hand-over at
 * the same time goes first or after, never in between (which could demote the new owner and leave none).
 */
export async function changeMemberRole(accountId: string, ownerId: string, userId: string, role: "ADMIN" | "MEMBER"): Promise<AccountPersonView[]> {
  await db().$transaction(async (tx) => {
    await assertStillOwner(tx, accountId, ownerId);
    const membership = await tx.membership.findUnique({ where: { accountId_userId: { accountId, userId } } });
    if (!membership) throw notFound("No such person in this account");
    if (membership.role === "OWNER") throw new HttpError(409, "The owner's role cannot be changed", { role: ["the owner stays the owner"] });
    if (membership.role === role) return;
    await tx.membership.update({ where: { id: membership.id }, data: { role, projectsReadAt: null } });
    await forgetMemberProjects(tx, [membership.id]);
  });
  return listMembers(accountId);
}

/**
 * The owner hands the account to another of its people, who becomes the owner; the old owner stays as an admin.
 * One transaction: the account has one owner before and after (the database holds at most one), and of two hand-overs
 * at once the second finds its caller no longer the owner (409). Someone not in the account → 404.
 */
export async function transferOwnership(accountId: string, ownerId: string, toUserId: string): Promise<AccountPersonView[]> {
  if (toUserId === ownerId) throw new HttpError(409, "You are the owner already", { userId: ["choose someone else"] });
  await db().$transaction(async (tx) => {
    const owner = await assertStillOwner(tx, accountId, ownerId);
    const target = await tx.membership.findUnique({ where: { accountId_userId: { accountId, userId: toUserId } } });
    if (!target) throw notFound("No such person in this account");
    await tx.membership.update({ where: { id: owner.id }, data: { role: "ADMIN" } });
    await tx.membership.update({ where: { id: target.id }, data: { role: "OWNER", projectsReadAt: null } });
    await forgetMemberProjects(tx, [target.id]);
  });
  return listMembers(accountId);
}

/** Locks the caller's membership for the transaction; 409 when they are no longer the owner (a hand-over came first). */
async function assertStillOwner(tx: Prisma.TransactionClient, accountId: string, ownerId: string): Promise<{ id: string }> {
  const [row] = await tx.$queryRaw<{ id: string; role: AccountRole }[]>`
    SELECT "id", "role" FROM "Membership" WHERE "accountId" = ${accountId} AND "userId" = ${ownerId} FOR UPDATE`;
  if (row?.role !== "OWNER") throw new HttpError(409, "Only the owner can do this, and you no longer are");
  return row;
}

/** A role change ends what a member's last read from Procore said: as a member again, they are read afresh. */
async function forgetMemberProjects(tx: Prisma.TransactionClient, membershipIds: string[]): Promise<void> {
  await tx.memberProject.deleteMany({ where: { membershipId: { in: membershipIds } } });
}
