import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { requestFullPull, type RunSyncResult } from "@/lib/sync";
import { emailKey, nameKey, pathKey } from "@/lib/sync/policy";
import { countingQueries, startSyncSandbox, type SyncEnv } from "./support";

/*
 * The engine against the real database and the Procore sandbox over HTTP. Each test takes its own demo project
 * (by index) after a sandbox reset, so tests are independent.
 */

let sandbox: Awaited<ReturnType<typeof startSyncSandbox>>;
beforeAll(async () => {
  sandbox = await startSyncSandbox();
});
afterAll(async () => {
  await sandbox?.sb.stop();
});

/** Companies before Users, so members find their linked company. */
const ENTITIES: SyncEntity[] = ["COMPANIES", "ROLES", "LOCATIONS", "USERS"];

function finished(result: RunSyncResult) {
  if (result.outcome !== "finished") throw new Error(`Expected the run to finish, it was skipped for ${result.activeRunId}`);
  return result;
}

async function syncAll(env: SyncEnv) {
  const results: Record<string, ReturnType<typeof finished>> = {};
  for (const entity of ENTITIES) {
    results[entity] = finished(await env.run(entity));
    expect(results[entity], entity).toMatchObject({ status: "SUCCEEDED", failed: 0 });
  }
  return results;
}

const linkOf = (env: SyncEnv, entity: SyncEntity, localId: string) =>
  db().syncLink.findUnique({ where: { projectId_entity_localId: { projectId: env.projectId, entity, localId } } });

/** Count of keys that occur more than once. */
const duplicates = (keys: string[]) => keys.length - new Set(keys).size;

describe("first sync", () => {
  it("links existing records by natural key (case and spacing ignored) instead of creating duplicates", async () => {
    const env = await sandbox.env(0);
    const { projectId, procoreProjectId, procore } = env;
    const [vendor] = await procore.vendors.project.listAll(procoreProjectId);
    const member = (await procore.users.project.listAll(procoreProjectId)).find((u) => u.lastName !== "Admin")!;
    const company = await db().company.create({ data: { projectId, name: `  ${vendor!.name.toUpperCase()} `, phone: "000" } });
    const role = await db().role.create({ data: { projectId, name: "project   MANAGER" } });
    const building = await db().location.create({ data: { projectId, name: "building a", path: "building a" } });
    const level = await db().location.create({ data: { projectId, name: "LEVEL 1", path: "building a >level 1", parentId: building.id } });
    const teamMember = await db().teamMember.create({
      data: { projectId, firstName: "Someone", lastName: "Else", email: member.emailAddress!.toUpperCase() },
    });

    await syncAll(env);

    // Nothing was created in Procore: every local record had a twin there.
    expect(await env.writes()).toEqual([]);
    // Each twin was linked, not copied; the first contact took Procore's version (the default policy).
    const companies = await db().company.findMany({ where: { projectId } });
    expect(duplicates(companies.map((c) => nameKey(c.name)))).toBe(0);
    expect(await db().company.findUniqueOrThrow({ where: { id: company.id } })).toMatchObject({ name: vendor!.name, phone: vendor!.businessPhone });
    expect(String((await linkOf(env, "COMPANIES", company.id))?.procoreId)).toBe(vendor!.id);

    const roles = await db().role.findMany({ where: { projectId } });
    expect(duplicates(roles.map((r) => nameKey(r.name)))).toBe(0);
    expect(roles.find((r) => r.id === role.id)?.name).toBe("Project Manager");

    const locations = await db().location.findMany({ where: { projectId } });
    expect(duplicates(locations.map((l) => pathKey(l.path)))).toBe(0);
    expect(locations.length).toBe((await procore.locations.listAll(procoreProjectId)).length);
    expect(await db().location.findUniqueOrThrow({ where: { id: level.id } })).toMatchObject({ path: "Building A > Level 1", parentId: building.id });
    expect(await linkOf(env, "LOCATIONS", level.id)).not.toBeNull();

    const members = await db().teamMember.findMany({ where: { projectId } });
    expect(duplicates(members.map((m) => emailKey(m.email)))).toBe(0);
    expect(await db().teamMember.findUniqueOrThrow({ where: { id: teamMember.id } })).toMatchObject({
      firstName: member.firstName,
      lastName: member.lastName,
      email: emailKey(member.emailAddress!),
    });
    expect(String((await linkOf(env, "USERS", teamMember.id))?.procoreId)).toBe(member.id);
  });
});

describe("creating on the other side", () => {
  it("pulls Procore's records into Smartapp and pushes new Smartapp records to Procore, onto the project", async () => {
    const env = await sandbox.env(1);
    const { projectId, procoreProjectId, procore } = env;
    const zenith = await db().company.create({ data: { projectId, name: "Zenith Scaffolding Ltd", email: "office@zenith.test", phone: "555-0199" } });
    const foreman = await db().role.create({ data: { projectId, name: "Foreman" } });
    const buildingB = await db().location.create({ data: { projectId, name: "Building B", path: "Building B" } });
    await db().location.create({ data: { projectId, name: "Level 3", path: "Building B > Level 3", parentId: buildingB.id } });
    await db().teamMember.create({
      data: { projectId, firstName: "Nina", lastName: "Novak", email: "nina.novak@zenith.test", jobTitle: "Rigger", companyId: zenith.id, roleId: foreman.id },
    });
    const procoreBefore = {
      vendors: await procore.vendors.project.listAll(procoreProjectId),
      users: await procore.users.project.listAll(procoreProjectId),
      locations: await procore.locations.listAll(procoreProjectId),
      roles: await procore.roles.list(),
    };

    const results = await syncAll(env);

    // Pulled: every Procore record once in Smartapp.
    expect(results.COMPANIES).toMatchObject({ created: procoreBefore.vendors.length + 1, total: procoreBefore.vendors.length + 1 });
    expect(results.LOCATIONS).toMatchObject({ created: procoreBefore.locations.length + 2 });
    expect(results.USERS).toMatchObject({ created: procoreBefore.users.length + 1 });
    expect(results.ROLES).toMatchObject({ created: procoreBefore.roles.length - 1, unchanged: 1 });
    const localNames = (await db().company.findMany({ where: { projectId } })).map((c) => nameKey(c.name));
    for (const v of procoreBefore.vendors) expect(localNames).toContain(nameKey(v.name));
    const localEmails = (await db().teamMember.findMany({ where: { projectId } })).map((m) => m.email);
    for (const u of procoreBefore.users) expect(localEmails).toContain(emailKey(u.emailAddress!));
    const localPaths = (await db().location.findMany({ where: { projectId } })).map((l) => l.path);
    for (const l of procoreBefore.locations) expect(localPaths).toContain(l.name);

    // Pushed: the new company and person are in the company directory once, and on the project.
    const vendor = (await procore.vendors.project.listAll(procoreProjectId)).find((v) => v.name === "Zenith Scaffolding Ltd");
    expect(vendor).toMatchObject({ emailAddress: "office@zenith.test", businessPhone: "555-0199" });
    expect((await procore.vendors.listAll({ search: "Zenith" })).length).toBe(1);
    const nina = (await procore.users.project.listAll(procoreProjectId)).find((u) => u.emailAddress === "nina.novak@zenith.test");
    expect(nina).toMatchObject({ firstName: "Nina", lastName: "Novak", jobTitle: "Rigger", vendor: { id: vendor!.id } });
    const assignments = await procore.roles.project.listAll(procoreProjectId);
    expect(assignments.filter((a) => a.userId === nina!.id).map((a) => a.role)).toEqual(["Foreman"]);
    const paths = (await procore.locations.listAll(procoreProjectId)).map((l) => l.name);
    expect(paths).toEqual(expect.arrayContaining(["Building B", "Building B > Level 3"]));
  });

  it("a second run with no change writes nothing to Procore and counts everything unchanged", async () => {
    const env = await sandbox.env(2);
    await db().company.create({ data: { projectId: env.projectId, name: "Quiet Co." } });
    await db().location.create({ data: { projectId: env.projectId, name: "Annex", path: "Annex" } });
    await syncAll(env);
    await env.clearRequests();

    for (const entity of ENTITIES) {
      const again = finished(await env.run(entity));
      expect(again, entity).toMatchObject({ status: "SUCCEEDED", created: 0, updated: 0, failed: 0 });
      expect(again.unchanged, entity).toBe(again.total);
      expect(again.total, entity).toBeGreaterThan(0);
    }
    expect(await env.writes()).toEqual([]);
  });
});

describe("changes flow by direction", () => {
  it("an edit on one side reaches the other, as the direction allows", async () => {
    const env = await sandbox.env(3);
    const { projectId, procoreProjectId, procore, sb } = env;
    await syncAll(env);
    const [vendor] = await procore.vendors.project.listAll(procoreProjectId);
    const link = await db().syncLink.findFirstOrThrow({ where: { projectId, entity: "COMPANIES", procoreId: BigInt(vendor!.id) } });
    const local = () => db().company.findUniqueOrThrow({ where: { id: link.localId } });
    const remote = async () => (await procore.vendors.project.listAll(procoreProjectId)).find((v) => v.id === vendor!.id)!;
    const editInProcore = (attrs: Record<string, unknown>) => sb.admin("PATCH", `/__admin/records/vendors/${vendor!.id}`, attrs);
    const editHere = (data: { phone?: string; email?: string }) => db().company.update({ where: { id: link.localId }, data });

    // Both directions.
    await editInProcore({ business_phone: "555-1001" });
    expect(finished(await env.run("COMPANIES"))).toMatchObject({ updated: 1 });
    expect((await local()).phone).toBe("555-1001");
    await editHere({ email: "hello@changed.test" });
    await env.clearRequests();
    expect(finished(await env.run("COMPANIES"))).toMatchObject({ updated: 1 });
    expect((await remote()).emailAddress).toBe("hello@changed.test");
    expect(await env.writes()).toEqual([{ method: "PATCH", path: "/rest/v1.0/vendors/sync" }]);

    // Procore to Smartapp only: local edits stay local.
    await env.setDirection("COMPANIES", "PROCORE_TO_SMARTAPP");
    await editHere({ phone: "555-2002" });
    await env.clearRequests();
    expect(finished(await env.run("COMPANIES"))).toMatchObject({ updated: 0 });
    expect(await env.writes()).toEqual([]);
    expect((await remote()).businessPhone).toBe("555-1001");
    await editInProcore({ business_phone: "555-2003" });
    await env.run("COMPANIES");
    expect((await local()).phone).toBe("555-2003");

    // Smartapp to Procore only: Procore edits are not pulled; a later local edit wins.
    await env.setDirection("COMPANIES", "SMARTAPP_TO_PROCORE");
    await editInProcore({ business_phone: "555-3003" });
    expect(finished(await env.run("COMPANIES"))).toMatchObject({ updated: 0 });
    expect((await local()).phone).toBe("555-2003");
    await editHere({ phone: "555-3004" });
    expect(finished(await env.run("COMPANIES"))).toMatchObject({ updated: 1 });
    expect((await remote()).businessPhone).toBe("555-3004");
  });

  it("people and location renames flow both ways; a renamed parent carries its children", async () => {
    const env = await sandbox.env(4);
    const { projectId, procoreProjectId, procore, sb, companyId } = env;
    await syncAll(env);

    // A person: job title edited in Procore, last name edited in Smartapp.
    const person = (await db().teamMember.findMany({ where: { projectId } })).find((m) => m.lastName !== "Admin")!;
    const personLink = (await linkOf(env, "USERS", person.id))!;
    await sb.admin("PATCH", `/__admin/records/users/${personLink.procoreId}?company_id=${companyId}`, { job_title: "Senior Estimator" });
    await env.run("USERS");
    expect((await db().teamMember.findUniqueOrThrow({ where: { id: person.id } })).jobTitle).toBe("Senior Estimator");
    await db().teamMember.update({ where: { id: person.id }, data: { lastName: "Hyphen-Ated" } });
    await env.run("USERS");
    const remotePerson = (await procore.users.project.listAll(procoreProjectId)).find((u) => u.id === String(personLink.procoreId));
    expect(remotePerson).toMatchObject({ lastName: "Hyphen-Ated", jobTitle: "Senior Estimator" });

    // "Building A" renamed in Procore: the whole subtree's paths follow here.
    const buildingA = (await procore.locations.listAll(procoreProjectId)).find((l) => l.name === "Building A")!;
    await sb.admin("PATCH", `/__admin/records/locations/${buildingA.id}`, { node_name: "Tower A" });
    await env.run("LOCATIONS");
    const paths = (await db().location.findMany({ where: { projectId, active: true } })).map((l) => l.path);
    expect(paths).toEqual(expect.arrayContaining(["Tower A", "Tower A > Level 1", "Tower A > Level 1 > Room 101"]));
    expect(paths.filter((p) => p.startsWith("Building A"))).toEqual([]);

    // "Site" renamed in Smartapp (with its children's paths): one PATCH in Procore, the children follow there.
    const site = await db().location.findFirstOrThrow({ where: { projectId, path: "Site" } });
    await db().location.update({ where: { id: site.id }, data: { name: "Jobsite", path: "Jobsite" } });
    for (const child of await db().location.findMany({ where: { parentId: site.id } })) {
      await db().location.update({ where: { id: child.id }, data: { path: `Jobsite > ${child.name}` } });
    }
    await env.clearRequests();
    expect(finished(await env.run("LOCATIONS"))).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    expect((await env.writes()).filter((w) => w.method === "PATCH")).toHaveLength(1);
    const remotePaths = (await procore.locations.listAll(procoreProjectId)).map((l) => l.name);
    expect(remotePaths).toEqual(expect.arrayContaining(["Jobsite", "Jobsite > Laydown Yard", "Jobsite > Parking Lot"]));
    await env.clearRequests();
    expect(finished(await env.run("LOCATIONS"))).toMatchObject({ created: 0, updated: 0 });
    expect(await env.writes()).toEqual([]);
  });

  it("an edit on both sides since the last sync: Procore wins and the conflict is logged with both values", async () => {
    const env = await sandbox.env(5);
    const { projectId, procoreProjectId, procore, sb } = env;
    await syncAll(env);
    const [vendor] = await procore.vendors.project.listAll(procoreProjectId);
    const link = await db().syncLink.findFirstOrThrow({ where: { projectId, entity: "COMPANIES", procoreId: BigInt(vendor!.id) } });
    await db().company.update({ where: { id: link.localId }, data: { phone: "555-LOCAL" } });
    await sb.admin("PATCH", `/__admin/records/vendors/${vendor!.id}`, { business_phone: "555-PROCORE" });
    await env.clearRequests();

    const result = finished(await env.run("COMPANIES"));
    expect(result).toMatchObject({ status: "SUCCEEDED", updated: 1 });
    expect((await db().company.findUniqueOrThrow({ where: { id: link.localId } })).phone).toBe("555-PROCORE");
    expect((await procore.vendors.project.listAll(procoreProjectId)).find((v) => v.id === vendor!.id)?.businessPhone).toBe("555-PROCORE");
    expect(await env.writes()).toEqual([]);
    const issues = await db().syncRunIssue.findMany({ where: { runId: result.runId } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      kind: "CONFLICT",
      localId: link.localId,
      procoreId: BigInt(vendor!.id),
      localValue: expect.objectContaining({ phone: "555-LOCAL" }),
      procoreValue: expect.objectContaining({ phone: "555-PROCORE" }),
    });
  });
});

describe("tombstones", () => {
  it("a deactivation or deletion marks the record inactive on the other side, never deleting it", async () => {
    const env = await sandbox.env(6);
    const { projectId, procoreProjectId, procore, sb } = env;
    await syncAll(env);

    // A vendor taken off the Procore project: the Smartapp company becomes inactive.
    const [vendor] = await procore.vendors.project.listAll(procoreProjectId);
    await sb.admin("DELETE", `/__admin/records/project_vendors/${vendor!.id}?project_id=${procoreProjectId}`);
    expect(finished(await env.run("COMPANIES"))).toMatchObject({ updated: 1 });
    const companyLink = await db().syncLink.findFirst({ where: { projectId, entity: "COMPANIES", procoreId: BigInt(vendor!.id) } });
    expect(companyLink).toBeNull();
    const company = await db().company.findFirstOrThrow({ where: { projectId, name: vendor!.name } });
    expect(company.active).toBe(false);

    // A member deactivated in Smartapp: off the Procore project, still in the company directory.
    const member = (await db().teamMember.findMany({ where: { projectId } })).find((m) => m.lastName !== "Admin")!;
    const memberLink = (await linkOf(env, "USERS", member.id))!;
    await db().teamMember.update({ where: { id: member.id }, data: { active: false } });
    expect(finished(await env.run("USERS"))).toMatchObject({ updated: 1, failed: 0 });
    expect((await procore.users.project.listAll(procoreProjectId)).map((u) => u.id)).not.toContain(String(memberLink.procoreId));
    expect((await procore.users.listAll({ search: member.email })).map((u) => u.id)).toContain(String(memberLink.procoreId));

    // A location deleted in Procore (with its sublocations): an incremental pull cannot list it; the deletion's webhook
    // asks for a full pull, which finds it gone, and it is kept here as inactive. The run after is incremental again.
    const level1 = (await procore.locations.listAll(procoreProjectId)).find((l) => l.name === "Building A > Level 1")!;
    await sb.admin("DELETE", `/__admin/records/locations/${level1.id}`);
    const lastFull = async () =>
      (await db().syncRun.findFirstOrThrow({ where: { projectId, entity: "LOCATIONS" }, orderBy: { createdAt: "desc" }, select: { fullReconcile: true } })).fullReconcile;
    expect(finished(await env.run("LOCATIONS"))).toMatchObject({ updated: 0 });
    expect(await lastFull()).toBe(false);
    expect(await db().location.count({ where: { projectId, active: false } })).toBe(0);
    await requestFullPull(projectId, "LOCATIONS");
    expect(finished(await env.run("LOCATIONS"))).toMatchObject({ updated: 4 });
    expect(await lastFull()).toBe(true);
    const inactive = await db().location.findMany({ where: { projectId, active: false } });
    expect(inactive.map((l) => l.path).sort()).toEqual(["Building A > Level 1", "Building A > Level 1 > Lobby", "Building A > Level 1 > Room 101", "Building A > Level 1 > Room 102"]);
    expect(finished(await env.run("LOCATIONS"))).toMatchObject({ updated: 0 });
    expect(await lastFull()).toBe(false);
  });
});

describe("resilience", () => {
  it("passes through WAITING_RATE_LIMIT during a 429 storm and finishes", async () => {
    const env = await sandbox.env(7);
    await env.sb.admin("POST", "/__admin/config", { spikeWindowSeconds: 1 });
    await env.sb.admin("POST", "/__admin/faults", { rateLimitStorm: 1 });
    const seen = new Set<string>();
    let waitingUntil: Date | null = null;
    let running = true;
    const watch = (async () => {
      while (running) {
        const run = await db().syncRun.findFirst({ where: { projectId: env.projectId, entity: "LOCATIONS" } });
        if (run) seen.add(run.status);
        if (run?.status === "WAITING_RATE_LIMIT") waitingUntil ??= run.waitingUntil;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const result = finished(await env.run("LOCATIONS"));
    running = false;
    await watch;
    await env.sb.admin("DELETE", "/__admin/faults");

    expect(result).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    expect(seen).toContain("WAITING_RATE_LIMIT");
    expect(waitingUntil).toBeInstanceOf(Date);
    expect((await db().syncRun.findUniqueOrThrow({ where: { id: result.runId } })).waitingUntil).toBeNull();
  });

  it("a crashed run resumes from its checkpoint without duplicates", async () => {
    const env = await sandbox.env(8);
    const { projectId, procoreProjectId, procore } = env;
    const zones = Array.from({ length: 40 }, (_, i) => `Zone ${String(i + 1).padStart(2, "0")}`);
    await db().location.createMany({ data: zones.map((name) => ({ projectId, name, path: name })) });
    const pulled = (await procore.locations.listAll(procoreProjectId)).length;
    const crash = new Error("worker killed");
    const crashing = { afterCheckpoint: () => Promise.reject(crash) };
    const remotePaths = async () => (await procore.locations.listAll(procoreProjectId)).map((l) => pathKey(l.name));

    // Crashes after its first batch; the queue retries the job with its run id.
    await expect(env.run("LOCATIONS", crashing)).rejects.toBe(crash);
    const crashed = await db().syncRun.findFirstOrThrow({ where: { projectId, entity: "LOCATIONS" } });
    expect(crashed.status).toBe("RUNNING");
    expect(crashed.done).toBeGreaterThan(0);
    expect(crashed.done).toBeLessThan(crashed.total);
    const resumed = finished(await env.run("LOCATIONS", { runId: crashed.id }));
    expect(resumed).toMatchObject({ runId: crashed.id, status: "SUCCEEDED", created: zones.length + pulled, failed: 0, total: zones.length + pulled });
    expect(duplicates(await remotePaths())).toBe(0);
    expect((await remotePaths()).length).toBe(zones.length + pulled);
    expect(duplicates((await db().location.findMany({ where: { projectId } })).map((l) => pathKey(l.path)))).toBe(0);
    expect(await db().syncLink.count({ where: { projectId, entity: "LOCATIONS" } })).toBe(zones.length + pulled);

    // Crashes as if right after Procore created two locations, before their links and the checkpoint were stored.
    // The crashed process released the run, so the next trigger (a retry that does not know the run id) resumes it.
    const yards = await Promise.all(["Yard 1", "Yard 2"].map((name) => db().location.create({ data: { projectId, name, path: name } })));
    await expect(env.run("LOCATIONS", crashing)).rejects.toBe(crash);
    await db().syncLink.deleteMany({ where: { projectId, entity: "LOCATIONS", localId: { in: yards.map((y) => y.id) } } });
    const released = await db().syncRun.findFirstOrThrow({ where: { projectId, entity: "LOCATIONS", status: "RUNNING" } });
    await db().syncRun.update({ where: { id: released.id }, data: { checkpoint: { ...(released.checkpoint as object), cursor: null } } });
    expect(finished(await env.run("LOCATIONS"))).toMatchObject({ runId: released.id, status: "SUCCEEDED", failed: 0 });
    expect(duplicates(await remotePaths())).toBe(0);
    expect((await remotePaths()).length).toBe(zones.length + pulled + 2);
    for (const yard of yards) expect(await linkOf(env, "LOCATIONS", yard.id)).not.toBeNull();
  });

  it("a run whose process died is left alone while its heartbeat is fresh, then taken over", async () => {
    const env = await sandbox.env(13);
    const { projectId } = env;
    await db().location.create({ data: { projectId, name: "Gatehouse", path: "Gatehouse" } });
    await expect(env.run("LOCATIONS", { afterCheckpoint: () => Promise.reject(new Error("killed")) })).rejects.toThrow("killed");
    const dead = await db().syncRun.findFirstOrThrow({ where: { projectId, entity: "LOCATIONS", status: "RUNNING" } });
    const beatAt = (at: Date) =>
      db().syncRun.update({ where: { id: dead.id }, data: { checkpoint: { ...(dead.checkpoint as object), beatAt: at.toISOString() } } });

    // A process killed outright could not release the run: its last heartbeat is recent.
    await beatAt(new Date());
    expect(await env.run("LOCATIONS")).toEqual({ outcome: "skipped", runId: null, activeRunId: dead.id });
    await beatAt(new Date(Date.now() - 10 * 60_000));
    expect(finished(await env.run("LOCATIONS"))).toMatchObject({ runId: dead.id, status: "SUCCEEDED", failed: 0 });
  });

  it("a /sync answer lost after Procore committed it is retried without creating twice", async () => {
    const env = await sandbox.env(9);
    const { projectId, procore } = env;
    await db().company.createMany({ data: ["Lost Answer LLC", "Second Try Inc."].map((name) => ({ projectId, name })) });
    await env.sb.admin("POST", "/__admin/faults", { dropResponseAfterCommit: { pathContains: "/vendors/sync", count: 1 } });
    expect(finished(await env.run("COMPANIES"))).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    for (const name of ["Lost Answer LLC", "Second Try Inc."]) expect(await procore.vendors.listAll({ search: name })).toHaveLength(1);
  });

  it("two concurrent runs of one project and entity: one runs, the other is skipped", async () => {
    const env = await sandbox.env(10);
    await env.sb.admin("POST", "/__admin/faults", { latencyMs: 50 });
    const [a, b] = await Promise.all([env.run("USERS"), env.run("USERS")]);
    await env.sb.admin("DELETE", "/__admin/faults");
    expect([a.outcome, b.outcome].sort()).toEqual(["finished", "skipped"]);
    const ran = finished(a.outcome === "finished" ? a : b);
    expect(a.outcome === "skipped" ? a : b).toMatchObject({ activeRunId: ran.runId });
    expect(await db().syncRun.count({ where: { projectId: env.projectId, entity: "USERS" } })).toBe(1);
  });

  it("reports what Procore cannot take per record, links what it did take, and ends PARTIAL", async () => {
    const env = await sandbox.env(12);
    const { projectId, procoreProjectId, procore } = env;
    // Procore roles are company-defined: "Crane Operator" cannot be created through the API.
    const crane = await db().role.create({ data: { projectId, name: "Crane Operator" } });
    const omar = await db().teamMember.create({
      data: { projectId, firstName: "Omar", lastName: "Haddad", email: "omar.haddad@demo.test", roleId: crane.id },
    });

    const roles = finished(await env.run("ROLES"));
    expect(roles).toMatchObject({ status: "PARTIAL", failed: 1 });
    expect(await db().syncRunIssue.findMany({ where: { runId: roles.runId } })).toEqual([
      expect.objectContaining({ kind: "ERROR", localId: crane.id, message: expect.stringContaining("Crane Operator") }),
    ]);
    // The pull window only moves on success.
    expect(await db().syncSetting.findUnique({ where: { projectId_entity: { projectId, entity: "ROLES" } } })).toBeNull();

    // The person is created and put on the project, the role assignment is refused: linked, reported, retried next run.
    const users = finished(await env.run("USERS"));
    expect(users).toMatchObject({ status: "PARTIAL", failed: 1 });
    const link = (await linkOf(env, "USERS", omar.id))!;
    expect((await procore.users.project.listAll(procoreProjectId)).map((u) => u.id)).toContain(String(link.procoreId));
    const again = finished(await env.run("USERS"));
    expect(again).toMatchObject({ status: "PARTIAL", failed: 1, created: 0 });
    expect((await procore.users.listAll({ search: "omar.haddad" })).length).toBe(1);
  });

  it("ends FAILED when the app is not installed in the company, and keeps the pull window", async () => {
    const env = await sandbox.env(11);
    await env.sb.admin("POST", "/__admin/uninstall", { companyId: env.companyId, app: "planner" });
    const result = finished(await env.run("ROLES"));
    expect(result.status).toBe("FAILED");
    expect(result.error).toMatch(/not connected|not installed/i);
    const run = await db().syncRun.findUniqueOrThrow({ where: { id: result.runId } });
    expect(run.finishedAt).toBeInstanceOf(Date);
    expect(await db().syncSetting.findUnique({ where: { projectId_entity: { projectId: env.projectId, entity: "ROLES" } } })).toBeNull();
  });
});

describe("cost", () => {
  it("pulls 2,500 companies and pushes 2,500 edits with a few queries per batch, not per record, and 3 /sync calls", { timeout: 120_000 }, async () => {
    const env = await sandbox.env(14);
    const { projectId } = env;
    const n = 2500;
    await env.seedLarge({ vendors: n });

    // The pull: the companies, their links and the run's progress are written once per batch (was ~2 queries each).
    const pull = await countingQueries(() => env.run("COMPANIES"));
    expect(finished(pull.result)).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    expect(finished(pull.result).created).toBeGreaterThanOrEqual(n);
    expect(pull.queries).toBeLessThan(n / 10);

    // Every one edited here: Procore's sync endpoint takes 1,000 a call, and their links are stored per batch
    // (was 25 calls and one link write each).
    await db().company.updateMany({ where: { projectId, name: { startsWith: "Benchmark Vendor" } }, data: { phone: "555-0100" } });
    await env.clearRequests();
    const push = await countingQueries(() => env.run("COMPANIES"));
    expect(finished(push.result)).toMatchObject({ status: "SUCCEEDED", updated: n, failed: 0 });
    expect((await env.writes()).filter((w) => w.path === "/rest/v1.0/vendors/sync")).toHaveLength(Math.ceil(n / 1000));
    expect(push.queries).toBeLessThan(40);
    const vendors = await env.procore.vendors.project.listAll(env.procoreProjectId);
    expect(vendors.filter((v) => v.name.startsWith("Benchmark Vendor") && v.businessPhone === "555-0100")).toHaveLength(n);
  });

  it("a location moved in Procore under a parent created in the same run lands under that new parent, not an old namesake", async () => {
    const env = await sandbox.env(18);
    const { projectId, procoreProjectId, procore, sb } = env;
    expect(finished(await env.run("LOCATIONS"))).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    // In Procore: "Site" is renamed "Site Old", a new "Site" is made, and "Building A > Level 1" moves under it.
    const before = await procore.locations.listAll(procoreProjectId);
    const oldSite = before.find((l) => l.name === "Site")!;
    const level1 = before.find((l) => l.name === "Building A > Level 1")!;
    await sb.admin("PATCH", `/__admin/records/locations/${oldSite.id}`, { node_name: "Site Old" });
    const newSite = await sb.admin<{ id: string | number }>("POST", "/__admin/records/locations", { project_id: Number(procoreProjectId), node_name: "Site" });
    await sb.admin("PATCH", `/__admin/records/locations/${level1.id}`, { parent_id: Number(newSite.id) });

    expect(finished(await env.run("LOCATIONS", { full: true }))).toMatchObject({ status: "SUCCEEDED", failed: 0, created: 1 });
    const local = await db().location.findMany({ where: { projectId } });
    const at = (path: string) => local.find((l) => l.path === path)!;
    const siteLink = await db().syncLink.findFirstOrThrow({ where: { projectId, entity: "LOCATIONS", procoreId: BigInt(newSite.id) } });
    expect(at("Site").id).toBe(siteLink.localId);
    expect(at("Site > Level 1").parentId).toBe(at("Site").id);
    expect(at("Site > Level 1 > Lobby").parentId).toBe(at("Site > Level 1").id);
    expect(local.filter((l) => l.parentId === at("Site Old").id).map((l) => l.name).sort()).toEqual(["Laydown Yard", "Parking Lot"]);

    // And nothing goes back to Procore: the next run changes nothing there.
    await env.clearRequests();
    expect(finished(await env.run("LOCATIONS", { full: true }))).toMatchObject({ created: 0, updated: 0, failed: 0 });
    expect(await env.writes()).toEqual([]);
    expect((await procore.locations.listAll(procoreProjectId)).find((l) => l.id === level1.id)!.name).toBe("Site > Level 1");
  });

  it("pulls a 500-location tree with one insert per depth and batch, not one per location", { timeout: 120_000 }, async () => {
    const env = await sandbox.env(17);
    await env.seedLarge({ locations: 500 });
    const pull = await countingQueries(() => env.run("LOCATIONS"));
    expect(finished(pull.result)).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    const procoreLocations = await env.procore.locations.listAll(env.procoreProjectId);
    expect(finished(pull.result).created).toBe(procoreLocations.length);
    // Batches of 25: their inserts, links and progress (was more than one query per location).
    expect(pull.queries).toBeLessThan(procoreLocations.length / 2);
    // Every tier under the right parent, with the full path Procore shows.
    const local = await db().location.findMany({ where: { projectId: env.projectId } });
    const byId = new Map(local.map((l) => [l.id, l]));
    for (const l of local) expect(l.parentId ? `${byId.get(l.parentId)!.path} > ${l.name}` : l.name).toBe(l.path);
    expect(local.map((l) => l.path).sort()).toEqual(procoreLocations.map((l) => l.name).sort());
  });

  it("with only linked records changed here, pulls incrementally and fetches just their Procore twins, conflicts included", async () => {
    const env = await sandbox.env(15);
    const { projectId, procoreProjectId, procore, sb, companyId } = env;
    await syncAll(env);
    // As if the last pull were minutes ago: the incremental pull returns nothing the first sync already read.
    await db().syncSetting.update({
      where: { projectId_entity: { projectId, entity: "USERS" } },
      data: { lastPullStartedAt: new Date(Date.now() + 2 * 60_000) },
    });
    const [edited, both] = (await db().teamMember.findMany({ where: { projectId }, orderBy: { email: "asc" } })).filter((m) => m.lastName !== "Admin");
    await db().teamMember.update({ where: { id: edited!.id }, data: { jobTitle: "Crane Coordinator" } });
    await db().teamMember.update({ where: { id: both!.id }, data: { jobTitle: "Local Title" } });
    const bothLink = (await linkOf(env, "USERS", both!.id))!;
    await sb.admin("PATCH", `/__admin/records/users/${bothLink.procoreId}?company_id=${companyId}`, { job_title: "Procore Title" });
    await env.clearRequests();

    const result = finished(await env.run("USERS"));
    expect(result).toMatchObject({ status: "SUCCEEDED", updated: 2, failed: 0 });
    const userLists = await sb.requests((r) => r.method === "GET" && r.path === `/rest/v1.0/projects/${procoreProjectId}/users`);
    // One (empty) incremental page, one page of the two changed records' twins; not every page of the team.
    expect(userLists).toHaveLength(2);
    expect(userLists.filter((r) => Object.keys(r.query).some((k) => k.startsWith("filters[id]")))).toHaveLength(1);
    const remote = await procore.users.project.listAll(procoreProjectId);
    const editedLink = (await linkOf(env, "USERS", edited!.id))!;
    expect(remote.find((u) => u.id === String(editedLink.procoreId))?.jobTitle).toBe("Crane Coordinator");
    // Changed on both sides: seen through the fetch, so Procore wins and the conflict is logged, as in a full pull.
    expect((await db().teamMember.findUniqueOrThrow({ where: { id: both!.id } })).jobTitle).toBe("Procore Title");
    expect(await db().syncRunIssue.findMany({ where: { runId: result.runId } })).toEqual([expect.objectContaining({ kind: "CONFLICT", localId: both!.id })]);
  });

  it("a link that clashes fails its record alone; the rest of the batch's links are stored", async () => {
    const env = await sandbox.env(16);
    const { projectId, procoreProjectId, procore } = env;
    // Two active locations with one path (the app refuses this; the database does not): both become the same
    // Procore location, and only one of them can be linked to it.
    const twins = await Promise.all([0, 1].map(() => db().location.create({ data: { projectId, name: "Twin Yard", path: "Twin Yard" } })));
    const result = finished(await env.run("LOCATIONS"));
    expect(result).toMatchObject({ status: "PARTIAL", failed: 1 });
    const issues = await db().syncRunIssue.findMany({ where: { runId: result.runId } });
    expect(issues).toEqual([expect.objectContaining({ kind: "ERROR", message: expect.stringContaining("Clashes") })]);
    const linked = await db().syncLink.findMany({ where: { projectId, entity: "LOCATIONS" } });
    expect(linked.filter((l) => twins.some((t) => t.id === l.localId))).toHaveLength(1);
    expect(linked).toHaveLength((await procore.locations.listAll(procoreProjectId)).length);
  });
});
