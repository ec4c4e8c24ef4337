import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppNotInstalledError, NotFoundError, OAuthError, ReconnectNeededError, ValidationError, type ProcoreClient } from "@/lib/procore";
import { clientCredentials, exchangeCode, refreshTokens, revoke, tokenInfo } from "@/lib/procore/oauth";
import { REDIRECT_URI, startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { authorizationCode, oauthConfig } from "@/scripts/support/procore-sign-in";
import { connect, demoCompanies } from "./sandbox";

// Integration: the typed client against the local Procore sandbox over HTTP (demo seed).

let sb: Sandbox;
let client: ProcoreClient;
let demo: ProcoreClient;
let companyIds: { demo: string; second: string };
let projectId: string;

beforeAll(async () => {
  sb = await startSandbox();
  ({ client } = await connect(sb));
  companyIds = await demoCompanies(sb, client);
  demo = client.withCompany(companyIds.demo);
  projectId = (await demo.projects.listAll())[0]!.id;
});

afterAll(async () => {
  await sb?.stop();
});

describe("identity and companies", () => {
  it("reads the signed-in user and their companies, with 64-bit ids as decimal strings", async () => {
    const me = await client.me();
    expect(me.login).toBe("admin@demo.test");
    const companies = await client.companies.listAll();
    expect(companies.map((c) => c.name).sort()).toEqual(["Demo Construction Co.", "Second Builders Inc."]);
    for (const company of companies) {
      expect(company.id).toMatch(/^\d+$/);
      expect(BigInt(company.id)).toBeGreaterThan(2n ** 32n);
    }
  });

  it("lists active projects by default and all of them on request", async () => {
    const active = await demo.projects.listAll();
    const all = await demo.projects.listAll({ status: "All" });
    expect(active.length).toBeGreaterThanOrEqual(30);
    expect(active.every((p) => p.active)).toBe(true);
    expect(all.some((p) => !p.active)).toBe(true);
    expect(all.every((p) => p.companyId === companyIds.demo)).toBe(true);
  });
});

describe("company scoping", () => {
  it("sends Procore-Company-Id: the same token without it is refused", async () => {
    const second = await client.withCompany(companyIds.second).projects.listAll();
    expect(second.length).toBeGreaterThan(0);
    expect(second.every((p) => p.companyId === companyIds.second)).toBe(true);

    // Control: the sandbox really requires the header (so the calls above carried it).
    const { tokens } = await connect(sb);
    const bare = await fetch(`${sb.url}/rest/v1.0/projects?company_id=${companyIds.demo}`, {
      headers: { Authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain("Missing Procore-Company-Id header");
  });

  it("refuses a company call without a company before sending anything", () => {
    expect(() => client.projects.list()).toThrow(/needs a company/);
  });

  it("answers AppNotInstalledError until the app is installed, NotFoundError for another company", async () => {
    const companies = await sb.admin<{ id: number; name: string }[]>("GET", "/__admin/records/companies");
    const third = String(companies.find((c) => c.name === "Third Party Contractors")!.id);
    await sb.admin("POST", "/__admin/uninstall", { companyId: companyIds.second, app: "planner" });
    await expect(client.withCompany(companyIds.second).projects.listAll()).rejects.toBeInstanceOf(AppNotInstalledError);
    await sb.admin("POST", "/__admin/install", { companyId: companyIds.second, app: "planner" });
    await expect(client.withCompany(companyIds.second).projects.listAll()).resolves.not.toHaveLength(0);
    await expect(client.withCompany(third).projects.listAll()).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("typed errors", () => {
  it("404 → NotFoundError", async () => {
    await expect(demo.locations.update(projectId, "999999999999", { nodeName: "x" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(demo.schedule.delete(projectId, "999999999999")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("400 and 422 → ValidationError with Procore's field messages", async () => {
    const blank = await demo.vendors.create({ name: "" }).catch((e: unknown) => e);
    expect(blank).toBeInstanceOf(ValidationError);
    expect((blank as ValidationError).status).toBe(400);
    expect((blank as ValidationError).fields).toEqual({ name: ["can't be blank"] });

    await demo.locations.create(projectId, { nodeName: "Duplicate Check" });
    const duplicate = await demo.locations.create(projectId, { nodeName: "Duplicate Check" }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ValidationError);
    expect((duplicate as ValidationError).status).toBe(422);
    expect((duplicate as ValidationError).fields.node_name).toEqual(["has already been taken"]);
  });
});

describe("resources", () => {
  it("locations: create, nest, rename, find-or-create a path, filter, delete", async () => {
    const site = await demo.locations.create(projectId, { nodeName: "Client Test Site" });
    const floor = await demo.locations.create(projectId, { nodeName: "Floor 1", parentId: site.id });
    expect(floor.name).toBe("Client Test Site > Floor 1");
    expect(floor.parentId).toBe(site.id);
    expect((await demo.locations.update(projectId, floor.id, { nodeName: "Floor 01" })).name).toBe("Client Test Site > Floor 01");

    const first = await demo.locations.findOrCreateByPath(projectId, ["Client Test Site", "Floor 01", "Room 7"]);
    expect(first.created).toBe(true);
    expect(first.location.name).toBe("Client Test Site > Floor 01 > Room 7");
    const again = await demo.locations.findOrCreateByPath(projectId, ["Client Test Site", "Floor 01", "Room 7"]);
    expect(again).toEqual({ created: false, location: first.location });

    expect((await demo.locations.listAll(projectId, { parentId: site.id })).map((l) => l.id)).toEqual([floor.id]);
    expect((await demo.locations.listAll(projectId, { search: "Room 7" })).map((l) => l.id)).toEqual([first.location.id]);
    const since = await demo.locations.listAll(projectId, { updatedSince: site.createdAt! });
    expect(since.map((l) => l.id)).toEqual(expect.arrayContaining([site.id, floor.id, first.location.id]));

    await demo.locations.delete(projectId, site.id);
    expect((await demo.locations.listAll(projectId, { search: "Client Test Site" })).length).toBe(0);
  });

  it("vendors and users: create, update, list changes, put on a project and take off", async () => {
    const vendor = await demo.vendors.create({ name: "Client Test Electric", originId: "ct-vendor-1", businessPhone: "555-0199" });
    expect(vendor).toMatchObject({ name: "Client Test Electric", originId: "ct-vendor-1", isActive: true });
    const renamed = await demo.vendors.update(vendor.id, { name: "Client Test Electric LLC" });
    expect(renamed.name).toBe("Client Test Electric LLC");
    const changed = await demo.vendors.listAll({ updatedSince: vendor.createdAt! });
    expect(changed.map((v) => v.id)).toContain(vendor.id);

    await demo.vendors.project.add(projectId, vendor.id);
    expect((await demo.vendors.project.listAll(projectId)).map((v) => v.id)).toContain(vendor.id);
    await demo.vendors.project.remove(projectId, vendor.id);
    expect((await demo.vendors.project.listAll(projectId)).map((v) => v.id)).not.toContain(vendor.id);

    const [template] = await demo.roles.permissionTemplates.list();
    const user = await demo.users.create({ firstName: "Casey", lastName: "Client", emailAddress: "casey.client@example.test", vendorId: vendor.id });
    expect(user).toMatchObject({ name: "Casey Client", vendor: { id: vendor.id, name: "Client Test Electric LLC" } });
    expect((await demo.users.update(user.id, { jobTitle: "Foreman" })).jobTitle).toBe("Foreman");
    expect((await demo.users.listAll({ search: "casey.client" })).map((u) => u.id)).toEqual([user.id]);

    await demo.users.project.add(projectId, user.id, { permissionTemplateId: template!.id });
    const onProject = (await demo.users.project.listAll(projectId)).find((u) => u.id === user.id);
    expect(onProject?.permissionTemplate?.id).toBe(template!.id);
    await demo.users.project.remove(projectId, user.id);
    expect((await demo.users.project.listAll(projectId)).map((u) => u.id)).not.toContain(user.id);
  });

  it("roles: company roles, project team assignments, permission templates", async () => {
    const roles = await demo.roles.list();
    expect(roles.map((r) => r.name)).toContain("Superintendent");
    const templates = await demo.roles.permissionTemplates.list({ type: "project_tools" });
    expect(templates.length).toBeGreaterThan(0);

    const [someone] = await demo.users.project.listAll(projectId);
    const assignment = await demo.roles.project.create(projectId, { role: "Safety Manager", userId: someone!.id });
    expect(assignment).toMatchObject({ role: "Safety Manager", userId: someone!.id });
    expect((await demo.roles.project.listAll(projectId)).map((r) => r.id)).toContain(assignment.id);
    await demo.roles.project.delete(projectId, assignment.id);
    expect((await demo.roles.project.listAll(projectId)).map((r) => r.id)).not.toContain(assignment.id);
  });

  it("schedule tasks: create, update, sync by origin id (repeatable), delete", async () => {
    const task = await demo.schedule.create(projectId, {
      name: "Pour slab",
      start: "2026-03-02T08:00:00Z",
      finish: "2026-03-04T17:00:00Z",
      originId: "plan-task-1",
    });
    expect(task).toMatchObject({ name: "Pour slab", start: "2026-03-02T08:00:00.000Z", originId: "plan-task-1" });
    expect((await demo.schedule.update(projectId, task.id, { percentage: 50 })).percentage).toBe(50);

    const items = [
      { originId: "plan-task-1", name: "Pour slab (moved)" },
      { originId: "plan-task-2", name: "Cure slab", start: "2026-03-05T08:00:00Z", finish: "2026-03-09T17:00:00Z" },
    ];
    const first = await demo.schedule.sync(projectId, items);
    expect(first.errors).toEqual([]);
    expect(first.entities.find((t) => t.originId === "plan-task-1")?.id).toBe(task.id);
    const second = await demo.schedule.sync(projectId, items);
    expect(second.entities.map((t) => t.id).sort()).toEqual(first.entities.map((t) => t.id).sort());

    for (const t of second.entities) await demo.schedule.delete(projectId, t.id);
    expect((await demo.schedule.listAll(projectId)).filter((t) => t.originId?.startsWith("plan-task-"))).toEqual([]);
  });

  it("webhooks: hook, triggers one by one and in bulk, deliveries, delete", async () => {
    const hook = await demo.webhooks.hooks.create({
      namespace: "smartapp-client-test",
      destinationUrl: "http://127.0.0.1:9/procore/webhook",
      authorization: "Bearer webhook-secret-value",
    });
    expect(hook).toMatchObject({ namespace: "smartapp-client-test", companyId: companyIds.demo, projectId: null });
    expect(hook.destinationHeaders.Authorization).not.toBe("Bearer webhook-secret-value");

    const one = await demo.webhooks.triggers.create(hook.id, { resourceName: "Company Vendors", eventType: "update" });
    expect(one).toMatchObject({ hookId: hook.id, resourceName: "Company Vendors", eventType: "update" });
    const bulk = await demo.webhooks.triggers.createBulk(hook.id, [
      { resourceName: "Company Users", eventType: "create" },
      { resourceName: "Company Users", eventType: "update" },
    ]);
    expect(bulk).toMatchObject({ failed: 0 });
    expect(bulk.created).toHaveLength(2);
    expect(await demo.webhooks.triggers.list(hook.id)).toHaveLength(3);
    await demo.webhooks.triggers.delete(hook.id, one.id);
    expect(await demo.webhooks.triggers.list(hook.id)).toHaveLength(2);

    expect((await demo.webhooks.hooks.list({ namespace: "smartapp-client-test" })).map((h) => h.id)).toEqual([hook.id]);
    expect(await demo.webhooks.deliveries.list(hook.id, { status: "any", pageSize: 10 })).toEqual(expect.any(Array));

    const projectHook = await demo.webhooks.hooks.create(
      { namespace: "smartapp-client-test", destinationUrl: "http://127.0.0.1:9/procore/webhook" },
      { projectId },
    );
    expect(projectHook.projectId).toBe(projectId);
    await demo.webhooks.hooks.delete(projectHook.id, { projectId });
    await demo.webhooks.hooks.delete(hook.id);
    expect(await demo.webhooks.hooks.list({ namespace: "smartapp-client-test" })).toEqual([]);
  });
});

describe("oauth", () => {
  const config = () => oauthConfig({ sandboxUrl: sb.url });

  it("exchanges a code once, refreshes with rotation, reads token info, revokes", async () => {
    const code = await authorizationCode({ sandboxUrl: sb.url });
    const tokens = await exchangeCode(config(), { code, redirectUri: REDIRECT_URI });
    const reused = await exchangeCode(config(), { code, redirectUri: REDIRECT_URI }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(OAuthError);
    expect((reused as OAuthError).code).toBe("invalid_grant");

    const info = await tokenInfo(config(), tokens.accessToken);
    expect(info).toMatchObject({ applicationUid: "smartapp-dev-client", resourceOwnerId: (await client.me()).id });

    const next = await refreshTokens(config(), { refreshToken: tokens.refreshToken });
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    // Single use: the old refresh token is dead, and that means "reconnect".
    await expect(refreshTokens(config(), { refreshToken: tokens.refreshToken })).rejects.toBeInstanceOf(ReconnectNeededError);

    await revoke(config(), next.accessToken);
    await expect(refreshTokens(config(), { refreshToken: next.refreshToken })).rejects.toBeInstanceOf(ReconnectNeededError);
  });

  it("gets a service-account token with no refresh token", async () => {
    const service = await clientCredentials(config());
    expect(service.accessToken).toEqual(expect.any(String));
    expect(service.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect((await tokenInfo(config(), service.accessToken)).resourceOwnerId).toBeUndefined();
  });

  it("an unknown client is an OAuthError that does not repeat the secret", async () => {
    const wrong = { ...config(), clientSecret: "not-the-right-secret-123" };
    const err = await clientCredentials(wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).code).toBe("invalid_client");
    expect((err as Error).message).not.toContain("not-the-right-secret-123");
  });
});

describe("logging", () => {
  it("logs method, path, status and ms for every call, and never a token or secret", async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: "debug" },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const { client: logged, tokens, current } = await connect(sb, { logger });
    const company = logged.withCompany(companyIds.demo);
    await company.projects.listAll();
    await sb.admin("POST", "/__admin/tokens/expire", { accessToken: tokens.accessToken });
    await company.locations.listAll(projectId); // 401 → refresh → retry, all logged
    await company.vendors.create({ name: "" }).catch(() => undefined);

    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = entries.filter((e) => e.msg === "procore request");
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const call of calls) expect(call).toMatchObject({ method: expect.any(String), path: expect.stringMatching(/^\/rest\//), status: expect.any(Number), ms: expect.any(Number) });
    expect(calls.map((c) => c.status)).toEqual(expect.arrayContaining([200, 401, 400]));
    expect(entries.some((e) => e.msg === "procore tokens refreshed")).toBe(true);

    const all = lines.join("\n");
    for (const secret of [tokens.accessToken, tokens.refreshToken, current().accessToken, current().refreshToken, "smartapp-dev-secret"]) {
      expect(all).not.toContain(secret);
    }
  });
});
