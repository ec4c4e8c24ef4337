import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedLaunch } from "@/app/(embedded)/procore/embedded/launch";
import { saveConnection } from "@/lib/auth/connection-store";
import { MEMBER_PROJECTS_MAX_AGE_MS, readMemberProjects, refreshMemberProjects } from "@/lib/auth/member-projects";
import { changeMemberRole } from "@/lib/auth/members";
import { db } from "@/lib/db";
import type { Project } from "@/lib/generated/prisma/client";
import { projectForUser, projectsOfMembership } from "@/lib/licensing/projects-of-account";
import { startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { signIn } from "@/scripts/support/procore-sign-in";
import { createUser, sharedAccount } from "./support/factories";

/*
 * A member uses the account's projects Procore lists for them. James Carter is a subcontractor's user in Demo's
 * directory (the sandbox seed), on some of Demo's projects and not others; he signs in to the sandbox with his own
 * token. Demo's account is shared with other test files: these tests look only at the two projects they license.
 */

const DEMO = "4300000001";
const JAMES = "james.carter@demo.test";

let sb: Sandbox;
let accountId: string;
let james: { id: string; email: string; name: null };
let jamesProcoreId: string;
let on: Project;
let off: Project;

const membership = () => db().membership.findUniqueOrThrow({ where: { accountId_userId: { accountId, userId: james.id } } });
const ids = (projects: { id: string }[]) => projects.map((p) => p.id).filter((id) => id === on.id || id === off.id);
/** Runs `fn` with these sandbox faults on. */
async function withFaults<T>(faults: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  await sb.admin("POST", "/__admin/faults", faults);
  try {
    return await fn();
  } finally {
    await sb.admin("DELETE", "/__admin/faults");
  }
}
const setProjectsReadAt = (at: Date | null) => db().membership.update({ where: { accountId_userId: { accountId, userId: james.id } }, data: { projectsReadAt: at } });

async function licensedProject(procoreProjectId: string, name: string): Promise<Project> {
  const project = await db().project.upsert({
    where: { accountId_procoreProjectId: { accountId, procoreProjectId: BigInt(procoreProjectId) } },
    create: { accountId, procoreProjectId: BigInt(procoreProjectId), name },
    update: {},
  });
  await db().licence.create({ data: { projectId: project.id, module: "PLANNER" } });
  return project;
}

beforeAll(async () => {
  sb = await startSandbox();
  process.env.PROCORE_SANDBOX_PORT = new URL(sb.url).port;
  await sb.admin("POST", "/__admin/install", { companyId: DEMO, app: "planner" });
  const person = await createUser(`james-${Date.now()}@test.test`);
  james = { id: person.id, email: person.email, name: null };
  await saveConnection(person.id, await signIn({ sandboxUrl: sb.url, email: JAMES, password: "demo" }));
  accountId = (await sharedAccount(DEMO, "Demo Construction Co.")).id;
  await db().membership.create({ data: { accountId, userId: james.id, role: "MEMBER" } });

  const users = await sb.admin<{ id: string | number; email_address: string }[]>("GET", `/__admin/records/users?company_id=${DEMO}`);
  jamesProcoreId = String(users.find((u) => u.email_address === JAMES)!.id);
  const memberships = await sb.admin<{ project_id: string | number; user_id: string | number }[]>("GET", `/__admin/records/project_users?company_id=${DEMO}`);
  const projects = await sb.admin<{ id: string | number; name: string; active: boolean }[]>("GET", `/__admin/records/projects?company_id=${DEMO}`);
  const his = new Set(memberships.filter((m) => String(m.user_id) === jamesProcoreId).map((m) => String(m.project_id)));
  // From the end of the list: tests/sync make Smartapp projects of Demo's first ones in the same account and database.
  const lastFirst = [...projects].reverse();
  const onProject = lastFirst.find((p) => p.active && his.has(String(p.id)))!;
  const offProject = lastFirst.find((p) => p.active && !his.has(String(p.id)))!;
  on = await licensedProject(String(onProject.id), onProject.name);
  off = await licensedProject(String(offProject.id), offProject.name);
});
afterAll(() => sb?.stop());

describe("a member's projects", () => {
  it("are the licensed projects Procore lists for them, read on their first visit; the others answer 404", async () => {
    expect((await membership()).projectsReadAt).toBeNull();
    await refreshMemberProjects(await membership());
    const m = await membership();
    expect(m.projectsReadAt).not.toBeNull();
    expect(ids(await projectsOfMembership(m))).toEqual([on.id]);
    expect(await projectForUser(james.id, on.id)).toMatchObject({ project: { id: on.id }, role: "MEMBER" });
    await expect(projectForUser(james.id, off.id)).rejects.toMatchObject({ status: 404 });
  });

  it("are read again once the last read is old: added to a project's directory in Procore, they see it", async () => {
    await sb.admin("POST", "/__admin/records/project_users", { project_id: Number(off.procoreProjectId), user_id: Number(jamesProcoreId) });
    // Fresh: not read again.
    await refreshMemberProjects(await membership());
    expect(ids(await projectsOfMembership(await membership()))).toEqual([on.id]);
    await setProjectsReadAt(new Date(Date.now() - MEMBER_PROJECTS_MAX_AGE_MS - 1000));
    await refreshMemberProjects(await membership());
    expect(ids(await projectsOfMembership(await membership())).sort()).toEqual([on.id, off.id].sort());

    await sb.admin("DELETE", `/__admin/records/project_users/${jamesProcoreId}?project_id=${off.procoreProjectId}`);
    await readMemberProjects(james.id, accountId);
    expect(ids(await projectsOfMembership(await membership()))).toEqual([on.id]);
  });

  it("stay as last read while Procore is down, without retrying (a page waits on it)", async () => {
    await setProjectsReadAt(null);
    await sb.admin("DELETE", "/__admin/requests");
    await withFaults({ errorRate: 1 }, async () => refreshMemberProjects(await membership()));
    expect(ids(await projectsOfMembership(await membership()))).toEqual([on.id]);
    expect((await membership()).projectsReadAt).toBeNull();
    expect(await sb.requests((r) => r.path === "/rest/v1.0/projects")).toHaveLength(1);
  });

  it("open from Procore's embedded view only for a project Procore lists for them", async () => {
    const launch = (project: Project) => embeddedLaunch(james, { company_id: DEMO, project_id: String(project.procoreProjectId) });
    expect(await launch(on)).toMatchObject({ kind: "open", project: { id: on.id } });
    expect(await launch(off)).toEqual({ kind: "not-on-project", companyName: "Demo Construction Co." });
    // Procore down: a project not in the last read is not called one they are not on.
    await withFaults({ errorRate: 1 }, async () => {
      expect(await launch(off)).toEqual({ kind: "procore-unavailable" });
      expect(await launch(on)).toMatchObject({ kind: "open", project: { id: on.id } });
    });
  });

  it("are every project of the account once they are an admin; back as a member, Procore is asked again", async () => {
    const owner = await db().membership.findFirst({ where: { accountId, role: "OWNER" } });
    const ownerId = owner?.userId ?? (await db().membership.create({ data: { accountId, userId: (await createUser()).id, role: "OWNER" } })).userId;
    await changeMemberRole(accountId, ownerId, james.id, "ADMIN");
    const admin = await membership();
    expect(ids(await projectsOfMembership(admin)).sort()).toEqual([on.id, off.id].sort());
    expect(await projectForUser(james.id, off.id)).toMatchObject({ role: "ADMIN" });
    // Meanwhile Procore puts him on the other project: as a member again, his projects are Procore's word, not the old read.
    await sb.admin("POST", "/__admin/records/project_users", { project_id: Number(off.procoreProjectId), user_id: Number(jamesProcoreId) });
    await changeMemberRole(accountId, ownerId, james.id, "MEMBER");
    expect(await membership()).toMatchObject({ role: "MEMBER", projectsReadAt: null });
    expect(await db().memberProject.count({ where: { membershipId: (await membership()).id } })).toBe(0);
    expect(ids(await projectsOfMembership(await membership()))).toEqual([]);
    await refreshMemberProjects(await membership());
    expect(ids(await projectsOfMembership(await membership())).sort()).toEqual([on.id, off.id].sort());
    await sb.admin("DELETE", `/__admin/records/project_users/${jamesProcoreId}?project_id=${off.procoreProjectId}`);
    await readMemberProjects(james.id, accountId);
  });

  it("are read again by any page or route once the last read is old, not only by Project Central", async () => {
    expect(await projectForUser(james.id, on.id)).toMatchObject({ role: "MEMBER" });
    // Taken off the project in Procore: still his until the read is old; then the next request asks Procore again.
    await sb.admin("DELETE", `/__admin/records/project_users/${jamesProcoreId}?project_id=${on.procoreProjectId}`);
    expect(await projectForUser(james.id, on.id)).toMatchObject({ role: "MEMBER" });
    await setProjectsReadAt(new Date(Date.now() - MEMBER_PROJECTS_MAX_AGE_MS - 1000));
    await expect(projectForUser(james.id, on.id)).rejects.toMatchObject({ status: 404 });
    await sb.admin("POST", "/__admin/records/project_users", { project_id: Number(on.procoreProjectId), user_id: Number(jamesProcoreId) });
    await readMemberProjects(james.id, accountId);
  });

  it("two reads at once (two tabs) both succeed", async () => {
    await Promise.all([readMemberProjects(james.id, accountId), readMemberProjects(james.id, accountId), readMemberProjects(james.id, accountId)]);
    expect(ids(await projectsOfMembership(await membership()))).toEqual([on.id]);
  });

  it("open from the last read while their Procore connection has lapsed; with nothing read, Reconnect is asked for", async () => {
    await db().procoreConnection.update({ where: { userId: james.id }, data: { status: "RECONNECT_NEEDED" } });
    const launch = () => embeddedLaunch(james, { company_id: DEMO, project_id: String(on.procoreProjectId) });
    expect(await launch()).toMatchObject({ kind: "open", project: { id: on.id } });
    await db().memberProject.deleteMany({ where: { membershipId: (await membership()).id } });
    expect(await launch()).toEqual({ kind: "reconnect" });
  });

  // Last: the rate limit it meets is remembered for his connection by this process for a minute.
  it("stay as last read while Procore rate-limits their connection, which a page does not wait out", async () => {
    await db().procoreConnection.update({ where: { userId: james.id }, data: { status: "ACTIVE" } });
    await readMemberProjects(james.id, accountId);
    await setProjectsReadAt(null);
    // Waiting out the window would take a minute, past this test's 30 s.
    await withFaults({ rateLimitStorm: 1 }, async () => refreshMemberProjects(await membership()));
    expect(ids(await projectsOfMembership(await membership()))).toEqual([on.id]);
    expect((await membership()).projectsReadAt).toBeNull();
  });
});
