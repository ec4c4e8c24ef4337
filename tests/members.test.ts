import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { accountFor } from "@/lib/auth/guard";
import { changeMemberRole, listMembers } from "@/lib/auth/members";
import { db } from "@/lib/db";
import { createAccount, createUser } from "./support/factories";

// The routes run for real against the database; only the session is faked (as next-auth would read it from the cookie).
const session = vi.hoisted(() => ({ user: null as { id: string; email: string; name: string } | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.user ? { user: session.user } : null),
}));

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
let patch: Handler;
beforeAll(async () => {
  patch = (await import("@/app/api/accounts/[accountId]/members/[userId]/route")).PATCH;
});

/** The PATCH route as the browser calls it, as `as`. */
async function changeRole(as: { id: string; email: string }, accountId: string, userId: string, body: string) {
  session.user = { id: as.id, email: as.email, name: "x" };
  const req = new NextRequest(`http://localhost:3000/api/accounts/${accountId}/members/${userId}`, {
    method: "PATCH",
    headers: { origin: "http://localhost:3000", "content-type": "application/json" },
    body,
  });
  const res = await patch(req, { params: Promise.resolve({ accountId, userId }) });
  return { status: res.status, body: (await res.json()) as { error?: string; fields?: Record<string, string[]> } };
}

/** An account with an owner, an admin and a member (emails sort the other way round, to see the order is by role). */
async function team() {
  const account = await createAccount("People Co.");
  const [owner, admin, member] = [await createUser(`zed-${Date.now()}@test.test`), await createUser(), await createUser(`aaa-${Date.now()}@test.test`)];
  await db().membership.createMany({
    data: [
      { accountId: account.id, userId: owner.id, role: "OWNER" },
      { accountId: account.id, userId: admin.id, role: "ADMIN" },
      { accountId: account.id, userId: member.id, role: "MEMBER" },
    ],
  });
  return { account, owner, admin, member };
}

describe("the account's people", () => {
  it("lists the owner, then admins, then members", async () => {
    const { account, owner, admin, member } = await team();
    expect((await listMembers(account.id)).map((p) => [p.id, p.role])).toEqual([
      [owner.id, "OWNER"],
      [admin.id, "ADMIN"],
      [member.id, "MEMBER"],
    ]);
  });

  it("lets the owner make a member an admin and back; the owner's own role and strangers are refused", async () => {
    const { account, owner, member } = await team();
    expect((await changeMemberRole(account.id, member.id, "ADMIN")).find((p) => p.id === member.id)?.role).toBe("ADMIN");
    expect((await accountFor(member.id, account.id, "ADMIN")).membership.role).toBe("ADMIN");
    expect((await changeMemberRole(account.id, member.id, "MEMBER")).find((p) => p.id === member.id)?.role).toBe("MEMBER");
    await expect(changeMemberRole(account.id, owner.id, "MEMBER")).rejects.toMatchObject({ status: 409, fields: { role: ["the owner stays the owner"] } });
    const stranger = await createUser();
    await expect(changeMemberRole(account.id, stranger.id, "ADMIN")).rejects.toMatchObject({ status: 404 });
    // Someone of another account is a stranger here too.
    const other = await team();
    await expect(changeMemberRole(account.id, other.member.id, "ADMIN")).rejects.toMatchObject({ status: 404 });
    expect((await db().membership.findUniqueOrThrow({ where: { accountId_userId: { accountId: other.account.id, userId: other.member.id } } })).role).toBe("MEMBER");
  });

  it("changing roles needs the owner: an admin is refused with 403, another company's person with 404", async () => {
    const { account, admin } = await team();
    await expect(accountFor(admin.id, account.id, "OWNER")).rejects.toMatchObject({ status: 403 });
    const other = await team();
    await expect(accountFor(other.owner.id, account.id, "OWNER")).rejects.toMatchObject({ status: 404 });
  });

  it("through the route: only the owner changes roles, with a valid role; bad input is a 400 with field messages", async () => {
    const { account, owner, admin, member } = await team();
    expect((await changeRole(admin, account.id, member.id, JSON.stringify({ role: "ADMIN" }))).status).toBe(403);
    expect((await changeRole(member, account.id, member.id, JSON.stringify({ role: "ADMIN" }))).status).toBe(403);
    const toOwner = await changeRole(owner, account.id, member.id, JSON.stringify({ role: "OWNER" }));
    expect(toOwner.status).toBe(400);
    expect(toOwner.body.fields?.role).toBeDefined();
    expect((await changeRole(owner, account.id, member.id, "{not json")).status).toBe(400);
    const other = await team();
    expect((await changeRole(owner, account.id, other.member.id, JSON.stringify({ role: "ADMIN" }))).status).toBe(404);
    expect((await changeRole(other.owner, account.id, member.id, JSON.stringify({ role: "ADMIN" }))).status).toBe(404);
    expect((await db().membership.findUniqueOrThrow({ where: { accountId_userId: { accountId: account.id, userId: member.id } } })).role).toBe("MEMBER");

    const done = await changeRole(owner, account.id, member.id, JSON.stringify({ role: "ADMIN" }));
    expect(done.status).toBe(200);
    expect((await accountFor(member.id, account.id, "ADMIN")).membership.role).toBe("ADMIN");
  });
});
