import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinAccountForCompany } from "@/lib/auth/accounts";
import { isCompanyStaff } from "@/lib/auth/company-staff";
import { changeMemberRole, ownerOf } from "@/lib/auth/members";
import { saveConnection } from "@/lib/auth/connection-store";
import { procoreFor } from "@/lib/auth/procore";
import { db } from "@/lib/db";
import { AppNotInstalledError } from "@/lib/procore";
import { startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { signIn } from "@/scripts/support/procore-sign-in";
import { createUser, procoreId } from "./support/factories";

/*
 * Who administers a company's Smartapp account (SPEC §2): the people Procore's directory lists as the company's own
 * employees. A subcontractor's user in the directory (james.carter@demo.test, emulators/procore/README.md) joins as a
 * member, even when they come through setup first.
 */

const DEMO = "4300000001";
const SECOND = "4300000002";

let sb: Sandbox;

async function person(email: string) {
  const user = await createUser();
  await saveConnection(user.id, await signIn({ sandboxUrl: sb.url, email }));
  return { user, procore: await procoreFor(user.id) };
}

beforeAll(async () => {
  sb = await startSandbox();
  process.env.PROCORE_SANDBOX_PORT = new URL(sb.url).port;
  await sb.admin("POST", "/__admin/install", { companyId: DEMO, app: "planner" });
});
afterAll(() => sb?.stop());

describe("setup roles", () => {
  it("tells the company's staff from a subcontractor's user by Procore's directory", async () => {
    expect(await isCompanyStaff((await person("admin@demo.test")).procore, DEMO)).toBe(true);
    expect(await isCompanyStaff((await person("james.carter@demo.test")).procore, DEMO)).toBe(false);
  });

  it("needs Smartapp installed in the company to ask", async () => {
    const admin = await person("admin@demo.test");
    await expect(isCompanyStaff(admin.procore, SECOND)).rejects.toBeInstanceOf(AppNotInstalledError);
  });

  it("makes a subcontractor's user a member, first or not; the first staff member owns the account", async () => {
    // A company of its own for this test (the demo companies' accounts are shared by other test files).
    const company = { id: procoreId().toString(), name: "Roles Test Co." };
    const sub = await createUser();
    const [owner, admin] = [await createUser(), await createUser()];
    expect(await joinAccountForCompany(sub.id, company, { staff: false })).toMatchObject({ role: "MEMBER" });
    expect(await joinAccountForCompany(owner.id, company, { staff: true })).toMatchObject({ role: "OWNER" });
    expect(await joinAccountForCompany(admin.id, company, { staff: true })).toMatchObject({ role: "ADMIN" });
    // Coming back does not promote a member who is not staff, nor demote anyone.
    expect(await joinAccountForCompany(sub.id, company, { staff: false })).toMatchObject({ role: "MEMBER" });
    expect(await joinAccountForCompany(owner.id, company, { staff: false })).toMatchObject({ role: "OWNER" });
    // A member stays one once there is an owner, staff or not: the owner decides, and may have demoted them.
    const embedded = await createUser();
    const { account } = await joinAccountForCompany(embedded.id, company, { staff: false });
    expect(await joinAccountForCompany(embedded.id, company, { staff: true })).toMatchObject({ role: "MEMBER" });
    await changeMemberRole(account.id, owner.id, admin.id, "MEMBER");
    expect(await joinAccountForCompany(admin.id, company, { staff: true })).toMatchObject({ role: "MEMBER" });
    const roles = await db().membership.findMany({ where: { accountId: account.id }, select: { userId: true, role: true } });
    expect(Object.fromEntries(roles.map((r) => [r.userId, r.role]))).toEqual({
      [sub.id]: "MEMBER",
      [owner.id]: "OWNER",
      [admin.id]: "MEMBER",
      [embedded.id]: "MEMBER",
    });
  });

  it("gives an account of members only (they came through Procore's embedded view) its first staff member as owner", async () => {
    const company = { id: procoreId().toString(), name: "Members Only Co." };
    const [sub, staffer] = [await createUser(), await createUser()];
    await joinAccountForCompany(sub.id, company, { staff: false });
    const { account } = await joinAccountForCompany(staffer.id, company, { staff: false });
    expect(await ownerOf(account.id)).toBeNull();
    expect(await joinAccountForCompany(staffer.id, company, { staff: true })).toMatchObject({ role: "OWNER" });
    expect(await ownerOf(account.id)).toEqual({ email: staffer.email });
  });

  it("makes one owner of people completing setup at once", async () => {
    const company = { id: procoreId().toString(), name: "Race Co." };
    const people = await Promise.all([1, 2, 3, 4].map(() => createUser()));
    const joined = await Promise.all(people.map((p) => joinAccountForCompany(p.id, company, { staff: true })));
    expect(joined.map((j) => j.role).sort()).toEqual(["ADMIN", "ADMIN", "ADMIN", "OWNER"]);
    expect(await db().membership.count({ where: { accountId: joined[0]!.account.id, role: "OWNER" } })).toBe(1);
  });
});
