import { describe, expect, it } from "vitest";
import { accountFor } from "@/lib/auth/guard";
import { changeMemberRole, listMembers } from "@/lib/auth/members";
import { db } from "@/lib/db";
import { createAccount, createUser } from "./support/factories";

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
});
