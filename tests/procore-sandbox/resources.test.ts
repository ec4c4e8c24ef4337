import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDS, startSandbox, type SandboxClient } from "./helpers.ts";

let sb: SandboxClient;
let token: string;
const P = IDS.demoProject;
const C = IDS.demo;

beforeAll(async () => {
  sb = await startSandbox();
  await sb.admin("POST", "/install", { companyId: C, app: "planner" });
  token = (await sb.userTokens()).access_token;
});
afterAll(() => sb?.stop());

const call = (path: string, method = "GET", body?: unknown) => sb.api(token, path, { method, body });
const get = <T = unknown>(path: string) => sb.apiJson<T>(token, path);
const send = <T = unknown>(method: string, path: string, body?: unknown) => sb.apiJson<T>(token, path, { method, body });

interface Location {
  id: number;
  name: string;
  node_name: string;
  parent_id: number | null;
  updated_at: string;
}

describe("locations", () => {
  it("seeds a small tree whose names are full paths joined with ' > '", async () => {
    const names = (await get<Location[]>(`/projects/${P}/locations`)).map((l) => l.name);
    expect(names).toEqual([
      "Building A",
      "Building A > Level 1",
      "Building A > Level 1 > Lobby",
      "Building A > Level 1 > Room 101",
      "Building A > Level 1 > Room 102",
      "Building A > Level 2",
      "Site",
      "Site > Laydown Yard",
      "Site > Parking Lot",
    ]);
  });

  it("creates (201), updates, searches, filters by parent and deletes (200) locations", async () => {
    const tower = await send<Location>("POST", `/projects/${P}/locations`, { location: { node_name: "Tower" } });
    expect(tower).toMatchObject({ name: "Tower", node_name: "Tower", parent_id: null, code: null });
    const floor = await send<Location>("POST", `/projects/${P}/locations`, { location: { node_name: "Floor 9", parent_id: tower.id } });
    expect(floor.name).toBe("Tower > Floor 9");

    const dup = await call(`/projects/${P}/locations`, "POST", { location: { node_name: "floor 9", parent_id: tower.id } });
    expect(dup.status).toBe(422);
    expect(await dup.json()).toEqual({ errors: { node_name: ["has already been taken"] } });

    const renamed = await send<Location>("PATCH", `/projects/${P}/locations/${tower.id}`, { location: { node_name: "North Tower" } });
    expect(renamed.name).toBe("North Tower");
    expect((await get<Location>(`/projects/${P}/locations/${floor.id}`)).name).toBe("North Tower > Floor 9");

    expect((await get<Location[]>(`/projects/${P}/locations?filters[search]=north`)).map((l) => l.id)).toEqual([tower.id, floor.id]);
    expect((await get<Location[]>(`/projects/${P}/locations?filters[parent_id]=${tower.id}`)).map((l) => l.id)).toEqual([floor.id]);

    const del = await call(`/projects/${P}/locations/${tower.id}`, "DELETE");
    expect(del.status).toBe(200);
    expect((await call(`/projects/${P}/locations/${floor.id}`)).status).toBe(404);
  });

  it("finds or creates a whole path: 201 when something was created, 200 when all of it existed", async () => {
    const path = { location: { path: ["Building A", "Level 3", "Room 301"] } };
    const created = await call(`/projects/${P}/locations/find_or_create_by_path`, "POST", path);
    expect(created.status).toBe(201);
    const leaf = (await created.json()) as Location;
    expect(leaf.name).toBe("Building A > Level 3 > Room 301");
    const again = await call(`/projects/${P}/locations/find_or_create_by_path`, "POST", path);
    expect(again.status).toBe(200);
    expect(((await again.json()) as Location).id).toBe(leaf.id);
  });

  it("filters locations by updated_at", async () => {
    const before = new Date().toISOString();
    const fresh = await send<Location>("POST", `/projects/${P}/locations`, { location: { node_name: "Annex" } });
    const range = encodeURIComponent(`${before}...${new Date(Date.now() + 60_000).toISOString()}`);
    expect((await get<Location[]>(`/projects/${P}/locations?filters[updated_at]=${range}`)).map((l) => l.id)).toEqual([fresh.id]);
  });
});

describe("validation", () => {
  it("answers missing required fields with 400 {errors: {field: [msg]}}", async () => {
    const noName = await call("/vendors", "POST", { company_id: C, vendor: { abbreviated_name: "X" } });
    expect(noName.status).toBe(400);
    expect(await noName.json()).toEqual({ errors: { name: ["can't be blank"] } });

    const noUser = await call(`/companies/${C}/users`, "POST", { user: { first_name: "Only" } });
    expect(noUser.status).toBe(400);
    expect(await noUser.json()).toEqual({ errors: { last_name: ["can't be blank"], email_address: ["can't be blank"] } });

    const noWrapper = await call(`/projects/${P}/locations`, "POST", { node_name: "flat" });
    expect(noWrapper.status).toBe(400);
    expect(await noWrapper.json()).toEqual({ errors: { location: ["can't be blank"] } });

    const malformed = await fetch(`${sb.url}/rest/v1.0/vendors`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Procore-Company-Id": String(C), "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
  });
});

interface Vendor {
  id: number;
  name: string;
  is_active: boolean;
  origin_id: string | null;
  updated_at: string;
}

describe("vendors", () => {
  it("creates, updates and deactivates company vendors; inactive ones move to /inactive", async () => {
    const created = await call("/vendors", "POST", { company_id: C, vendor: { name: "Delta Demolition", origin_id: "erp-1" } });
    expect(created.status).toBe(201);
    const vendor = (await created.json()) as Vendor;
    const updated = await send<Vendor>("PATCH", `/vendors/${vendor.id}`, { company_id: C, vendor: { name: "Delta Demolition LLC" } });
    expect(updated.name).toBe("Delta Demolition LLC");
    expect(updated.updated_at >= vendor.updated_at).toBe(true);

    await send("PATCH", `/vendors/${vendor.id}`, { company_id: C, vendor: { is_active: false } });
    expect((await get<Vendor[]>(`/vendors?company_id=${C}`)).some((v) => v.id === vendor.id)).toBe(false);
    expect((await get<Vendor[]>(`/companies/${C}/vendors/inactive`)).map((v) => v.id)).toContain(vendor.id);
    await send("PATCH", `/companies/${C}/vendors/inactive/${vendor.id}`);
    expect((await get<Vendor[]>(`/vendors?company_id=${C}&filters[search]=delta`)).map((v) => v.id)).toEqual([vendor.id]);
    expect((await call(`/vendors/999999?company_id=${C}`, "PATCH", { company_id: C, vendor: { name: "x" } })).status).toBe(404);
  });

  it("adds company vendors to a project (201) and removes them (204)", async () => {
    const vendor = await send<Vendor>("POST", "/vendors", { company_id: C, vendor: { name: "Echo Elevators" } });
    const added = await call(`/projects/${P}/vendors/${vendor.id}/actions/add`, "POST");
    expect(added.status).toBe(201);
    expect((await get<Vendor[]>(`/projects/${P}/vendors`)).map((v) => v.id)).toContain(vendor.id);
    expect((await call(`/projects/${P}/vendors/${vendor.id}/actions/remove`, "DELETE")).status).toBe(204);
    expect((await get<Vendor[]>(`/projects/${P}/vendors`)).map((v) => v.id)).not.toContain(vendor.id);
  });
});

interface SyncResult<T> {
  entities: T[];
  errors: (Record<string, unknown> & { errors: Record<string, string[]> })[];
}

describe("sync actions", () => {
  it("refuses more than 1000 items", async () => {
    const updates = Array.from({ length: 1001 }, (_, i) => ({ name: `V${i}` }));
    const res = await call("/vendors/sync", "PATCH", { company_id: C, updates });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ errors: { updates: ["must contain at most 1000 items"] } });
  });

  it("always answers 200 with entities and errors, following the id / origin_id rules", async () => {
    const existing = await send<Vendor>("POST", "/vendors", { company_id: C, vendor: { name: "Foxtrot Framing" } });
    const res = await call("/vendors/sync", "PATCH", {
      company_id: C,
      updates: [
        { name: "New Without Keys" }, // neither id nor origin_id: create
        { origin_id: "sync-1", name: "Golf Glass" }, // unknown origin_id: create
        { id: existing.id, name: "Foxtrot Framing Inc." }, // known id: update
        { id: 123, name: "Ghost" }, // unknown id: error
        { origin_id: "sync-2" }, // create without a name: error
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as SyncResult<Vendor>;
    expect(body.entities.map((v) => v.name)).toEqual(["New Without Keys", "Golf Glass", "Foxtrot Framing Inc."]);
    expect(body.entities[2]!.id).toBe(existing.id);
    expect(body.errors).toEqual([
      { id: 123, name: "Ghost", errors: { id: ["Entity with this ID not found"] } },
      { origin_id: "sync-2", errors: { name: ["can't be blank"] } },
    ]);

    // Known origin_id updates; id + origin_id is the way to change an origin_id.
    const golf = body.entities[1]!;
    const second = (await send<SyncResult<Vendor>>("PATCH", "/vendors/sync", {
      company_id: C,
      updates: [
        { origin_id: "sync-1", name: "Golf Glass & Glazing" },
        { id: golf.id, origin_id: "sync-1b" },
      ],
    }));
    expect(second.entities.map((v) => [v.id, v.name, v.origin_id])).toEqual([
      [golf.id, "Golf Glass & Glazing", "sync-1"],
      [golf.id, "Golf Glass & Glazing", "sync-1b"],
    ]);
  });

  it("keeps origin_id unique per company", async () => {
    const a = await send<Vendor>("POST", "/vendors", { company_id: C, vendor: { name: "Hotel Hardware", origin_id: "uniq-1" } });
    const b = await send<Vendor>("POST", "/vendors", { company_id: C, vendor: { name: "India Insulation" } });
    const clash = await send<SyncResult<Vendor>>("PATCH", "/vendors/sync", { company_id: C, updates: [{ id: b.id, origin_id: "uniq-1" }] });
    expect(clash.errors).toEqual([{ id: b.id, origin_id: "uniq-1", errors: { origin_id: ["has already been taken"] } }]);
    const direct = await call("/vendors", "POST", { company_id: C, vendor: { name: "Juliet Joinery", origin_id: "uniq-1" } });
    expect(direct.status).toBe(422);
    expect(a.origin_id).toBe("uniq-1");

    // The same origin_id is fine in another company.
    await sb.admin("POST", "/install", { companyId: IDS.second, app: "planner" });
    const other = await sb.api(token, "/vendors", { method: "POST", companyId: IDS.second, body: { company_id: IDS.second, vendor: { name: "Kilo", origin_id: "uniq-1" } } });
    expect(other.status).toBe(201);
  });

  it("syncs company users and tasks the same way", async () => {
    const users = await send<SyncResult<{ id: number; email_address: string; origin_id: string }>>("PATCH", `/companies/${C}/users/sync`, {
      updates: [
        { origin_id: "hr-1", last_name: "Lima", email_address: "lima@demo.test" },
        { origin_id: "hr-2", last_name: "Mike", email_address: "lima@demo.test" },
      ],
    });
    expect(users.entities.map((u) => u.email_address)).toEqual(["lima@demo.test"]);
    expect(users.errors[0]!.errors).toEqual({ email_address: ["has already been taken"] });

    const tasks = await send<SyncResult<{ id: number; name: string; origin_id: string; source_uid: string }>>("PATCH", "/tasks/sync", {
      project_id: P,
      updates: [
        { origin_id: "plan-1", name: "Pour slab", source_uid: "board-1", start: "2026-03-01T08:00:00Z", finish: "2026-03-03T17:00:00Z" },
        { origin_id: "plan-1", name: "Pour slab (revised)" },
      ],
    });
    expect(tasks.errors).toEqual([]);
    expect(tasks.entities[0]!.id).toBe(tasks.entities[1]!.id);
    expect(tasks.entities[1]).toMatchObject({ name: "Pour slab (revised)", origin_id: "plan-1", source_uid: "board-1" });
    // origin_id is unique across the company's projects, not just this one.
    const elsewhere = await send<SyncResult<unknown>>("PATCH", "/tasks/sync", { project_id: P + 1, updates: [{ origin_id: "plan-1", name: "Copy" }] });
    expect(elsewhere.errors[0]!.errors).toEqual({ origin_id: ["has already been taken"] });
  });
});

interface User {
  id: number;
  name: string;
  email_address: string;
  is_active: boolean;
  permission_template: { id: number; name: string } | null;
}

describe("users", () => {
  it("creates (201, 409 on a taken email), updates and deactivates company users", async () => {
    const created = await call(`/companies/${C}/users`, "POST", { user: { first_name: "Nina", last_name: "Novak", email_address: "nina@demo.test", job_title: "Foreman" } });
    expect(created.status).toBe(201);
    const user = (await created.json()) as User;
    expect(user.id).toBeGreaterThan(2 ** 32);
    expect(user.name).toBe("Nina Novak");
    expect((await call(`/companies/${C}/users`, "POST", { user: { last_name: "Dup", email_address: "NINA@demo.test" } })).status).toBe(409);

    await send("PATCH", `/companies/${C}/users/${user.id}`, { user: { is_active: false } });
    expect((await get<User[]>(`/companies/${C}/users`)).map((u) => u.id)).not.toContain(user.id);
    expect((await get<User[]>(`/companies/${C}/users/inactive`)).map((u) => u.id)).toContain(user.id);
    await send("PATCH", `/companies/${C}/users/inactive/${user.id}`);
    expect((await get<User[]>(`/companies/${C}/users?filters[search]=novak`)).map((u) => u.id)).toEqual([user.id]);
  });

  it("adds users to a project with a permission template (201) and removes them (204)", async () => {
    const templates = await get<{ id: number; name: string; project_specific: boolean }[]>(`/projects/${P}/permission_templates`);
    expect(templates.some((t) => t.project_specific)).toBe(true);
    const user = await send<User>("POST", `/companies/${C}/users`, { user: { last_name: "Oscar", email_address: "oscar@demo.test" } });
    const added = await call(`/projects/${P}/users/${user.id}/actions/add`, "POST", { user: { permission_template_id: templates[0]!.id } });
    expect(added.status).toBe(201);
    expect(((await added.json()) as User).permission_template?.id).toBe(templates[0]!.id);
    expect((await get<User[]>(`/projects/${P}/users`)).map((u) => u.id)).toContain(user.id);
    expect((await call(`/projects/${P}/users/${user.id}/actions/remove`, "DELETE")).status).toBe(204);
    expect((await get<User[]>(`/projects/${P}/users`)).map((u) => u.id)).not.toContain(user.id);
  });
});

describe("roles and permission templates", () => {
  it("lists company roles and permission templates", async () => {
    const roles = await get<{ id: number; name: string }[]>(`/companies/${C}/roles`);
    expect(roles.map((r) => r.name)).toEqual(expect.arrayContaining(["Architect", "Project Manager", "Superintendent", "Foreman"]));
    const templates = await get<{ name: string; type: string; project_specific: boolean }[]>(`/companies/${C}/permission_templates`);
    expect(templates.map((t) => t.name)).toContain("Subcontractor");
    expect(templates.every((t) => t.type === "project_tools" && !t.project_specific)).toBe(true);
  });

  it("creates project roles (201, 409 when held already, 422 for an unknown role) and deletes them (204)", async () => {
    const seeded = await get<{ id: number; role: string; user_id: number; name: string }[]>(`/project_roles?project_id=${P}`);
    expect(seeded.length).toBeGreaterThan(0);
    const body = { project_id: P, project_role: { role: "Safety Manager", user_id: IDS.admin } };
    const created = await call("/project_roles", "POST", body);
    expect(created.status).toBe(201);
    const role = (await created.json()) as { id: number; name: string; role: string };
    expect(role).toMatchObject({ role: "Safety Manager", name: "Alex Admin" });
    expect((await call("/project_roles", "POST", body)).status).toBe(409);
    expect((await call("/project_roles", "POST", { project_id: P, project_role: { role: "Astronaut", user_id: IDS.admin } })).status).toBe(422);
    expect((await call(`/project_roles/${role.id}?project_id=${P}`, "DELETE")).status).toBe(204);
  });
});

describe("schedule tasks", () => {
  it("creates (201), reads, updates and deletes (204) tasks that keep source_uid and origin_id", async () => {
    const created = await call("/tasks", "POST", {
      project_id: P,
      task: { name: "Frame level 2", start: "2026-04-01T07:00:00Z", finish: "2026-04-05T15:00:00Z", source_uid: "board-42", origin_id: "card-42" },
    });
    expect(created.status).toBe(201);
    const task = (await created.json()) as { id: number; source_uid: string; origin_id: string; start_datetime: string; manually_edited: boolean };
    expect(task).toMatchObject({ source_uid: "board-42", origin_id: "card-42", start_datetime: "2026-04-01T07:00:00.000Z", manually_edited: false });
    const updated = await send("PATCH", `/tasks/${task.id}`, { project_id: P, task: { percentage: 50 } });
    expect(updated).toMatchObject({ percentage: 50, source_uid: "board-42" });
    expect((await get<{ id: number }[]>(`/tasks?project_id=${P}`)).map((t) => t.id)).toContain(task.id);
    expect((await call(`/tasks/${task.id}?project_id=${P}`, "DELETE")).status).toBe(204);
    expect((await call(`/tasks/${task.id}?project_id=${P}`)).status).toBe(404);
  });
});
