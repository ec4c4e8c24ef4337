import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedLaunch } from "@/app/(embedded)/procore/embedded/launch";
import { saveConnection } from "@/lib/auth/connection-store";
import type { SessionUser } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { signIn } from "@/scripts/support/procore-sign-in";
import { createAccount, createProject, createUser, procoreId, sharedAccount } from "../support/factories";

/*
 * Procore's embedded view: /procore/embedded?company_id=…&project_id=… as Procore fills it in. The person is an
 * admin of two Smartapp accounts; Procore (the sandbox, signed in as the demo admin) lists Demo and Second for them
 * but not Third. What a member may open is tests/member-projects.test.ts.
 */

const DEMO = "4300000001";
const SECOND = "4300000002";
const THIRD = "4300000003";

let sb: Sandbox;
let user: SessionUser;
let mine: { companyId: string; licensed: string; licensedProjectId: string; unlicensed: string; cancelled: string };
let otherOfMine: { companyId: string; licensed: string };

async function licensed(accountId: string, status: "ACTIVE" | "CANCELED" = "ACTIVE") {
  const project = await createProject(accountId);
  await db().licence.create({ data: { projectId: project.id, module: "PLANNER", status } });
  return project;
}

beforeAll(async () => {
  sb = await startSandbox();
  process.env.PROCORE_SANDBOX_PORT = new URL(sb.url).port;
  await sb.admin("POST", "/__admin/install", { companyId: SECOND, app: "planner" });
  const person = await createUser();
  user = { id: person.id, email: person.email, name: null };
  await saveConnection(person.id, await signIn({ sandboxUrl: sb.url }));

  const [a, b] = [await createAccount("Mine Co."), await createAccount("Also Mine Co.")];
  await db().membership.createMany({ data: [a, b].map((account) => ({ accountId: account.id, userId: person.id, role: "ADMIN" as const })) });
  const [project, cancelled, other] = [await licensed(a.id), await licensed(a.id, "CANCELED"), await licensed(b.id)];
  mine = {
    companyId: a.procoreCompanyId.toString(),
    licensed: project.procoreProjectId.toString(),
    licensedProjectId: project.id,
    unlicensed: procoreId().toString(),
    cancelled: cancelled.procoreProjectId.toString(),
  };
  otherOfMine = { companyId: b.procoreCompanyId.toString(), licensed: other.procoreProjectId.toString() };
});
afterAll(() => sb?.stop());

const launch = (companyId: string, projectId: string, who: SessionUser | null = user) => embeddedLaunch(who, { company_id: companyId, project_id: projectId });

describe("the embedded view", () => {
  it("opens the linked Smartapp project for a signed-in admin of its account", async () => {
    expect(await launch(mine.companyId, mine.licensed)).toMatchObject({ kind: "open", project: { id: mine.licensedProjectId, licences: [{ module: "PLANNER" }] } });
  });

  it("explains how to license a project Smartapp does not license (yet), for the company's own setup page", async () => {
    expect(await launch(mine.companyId, mine.unlicensed)).toEqual({ kind: "not-licensed", companyId: mine.companyId, companyName: "Mine Co." });
    expect(await launch(mine.companyId, mine.cancelled)).toMatchObject({ kind: "not-licensed" });
    // A company Procore lists for them, with no Smartapp account of theirs yet.
    expect(await launch(SECOND, "4400000037")).toEqual({ kind: "not-licensed", companyId: SECOND, companyName: "Second Builders Inc." });
  });

  it("lets a person of the company, by Procore's word, open a licensed project of its Smartapp account as a member", async () => {
    // Second Builders' account may exist already (tests/sync-jobs use it): this person is not in it either way.
    const account = await sharedAccount(SECOND, "Second Builders Inc.");
    const project = await db().project.create({
      data: { accountId: account.id, procoreProjectId: 4_400_000_037n, name: "Second Street Duplexes", licences: { create: { module: "SAFETY" } } },
    });
    expect(await db().membership.findUnique({ where: { accountId_userId: { accountId: account.id, userId: user.id } } })).toBeNull();
    expect(await launch(SECOND, "4400000037")).toMatchObject({ kind: "open", project: { id: project.id, licences: [{ module: "SAFETY" }] } });
    expect(await db().membership.findUnique({ where: { accountId_userId: { accountId: account.id, userId: user.id } } })).toMatchObject({ role: "MEMBER" });
    // Procore does not list Third Party Contractors for them: its account's projects stay not found.
    expect(await launch(THIRD, "4400000042")).toEqual({ kind: "not-found" });
  });

  it("answers 404 for another company's project", async () => {
    expect(await launch(THIRD, "4400000042")).toEqual({ kind: "not-found" });
    expect(await launch(mine.companyId, otherOfMine.licensed)).toEqual({ kind: "not-found" });
    expect(await embeddedLaunch(user, { company_id: mine.companyId })).toEqual({ kind: "not-found" });
    expect(await launch("12abc", mine.licensed)).toEqual({ kind: "not-found" });
  });

  it("asks to sign in with Procore, or to reconnect when the connection lapsed", async () => {
    expect(await launch(mine.companyId, mine.licensed, null)).toEqual({ kind: "sign-in" });
    await db().procoreConnection.update({ where: { userId: user.id }, data: { status: "RECONNECT_NEEDED" } });
    expect(await launch(DEMO, "4400000001")).toEqual({ kind: "reconnect" });
    expect(await launch(mine.companyId, mine.licensed)).toMatchObject({ kind: "open" });
  });
});
