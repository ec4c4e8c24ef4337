import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/support/processes.ts";
import type { LoggedRequest } from "../../scripts/support/procore-sandbox.ts";
import { CLIENT_ID, ENTRY, IDS, sleep, startSandbox, type SandboxClient } from "./helpers.ts";

let sb: SandboxClient;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb?.stop());

describe("reset and seeds", () => {
  it("resets to the demo seed or to empty, clearing the request log and faults", async () => {
    await sb.admin("POST", "/records/companies", { name: "Temporary Co." });
    await sb.admin("POST", "/faults", { latencyMs: 5 });
    await sb.serviceToken();
    expect((await sb.admin<unknown[]>("GET", "/requests")).length).toBeGreaterThan(0);

    await sb.admin("POST", "/reset", { seed: "empty" });
    expect(await sb.admin("GET", "/records/companies")).toEqual([]);
    expect(await sb.admin("GET", "/requests")).toEqual([]);
    expect(await sb.admin("POST", "/faults", {})).toMatchObject({ latencyMs: 0 });

    await sb.admin("POST", "/reset", { seed: "demo" });
    const companies = await sb.admin<{ id: number; name: string }[]>("GET", "/records/companies");
    expect(companies.map((c) => [c.id, c.name])).toEqual([
      [IDS.demo, "Demo Construction Co."],
      [IDS.second, "Second Builders Inc."],
      [IDS.third, "Third Party Contractors"],
    ]);
  });

  it("seeds the demo data deterministically with ids above 2^32", async () => {
    const projects = await sb.admin<{ id: number; name: string; active: boolean }[]>("GET", `/records/projects?company_id=${IDS.demo}`);
    expect(projects.filter((p) => p.active)).toHaveLength(33);
    expect(projects.filter((p) => !p.active)).toHaveLength(3);
    expect(projects[0]).toMatchObject({ id: IDS.demoProject, name: "Riverside Medical Office Building" });
    const users = await sb.admin<{ id: number; email_address: string }[]>("GET", `/records/users?company_id=${IDS.demo}`);
    expect(users[0]).toMatchObject({ id: IDS.admin, email_address: "admin@demo.test" });
    expect(users.every((u) => u.id > 2 ** 32)).toBe(true);
    const third = await sb.admin<{ email_address: string }[]>("GET", `/records/users?company_id=${IDS.third}`);
    expect(third.map((u) => u.email_address)).toContain("third@third.test");
    expect(third.map((u) => u.email_address)).not.toContain("admin@demo.test");
  });

  it("seeds 5000 projects and 20000 users through the admin API in under 5 s", async () => {
    const started = Date.now();
    const result = await sb.admin<{ companyId: number; projectId: number; projectIds: number[] }>("POST", "/seed", {
      kind: "large",
      projects: 5000,
      users: 20000,
      vendors: 2000,
      locations: 5000,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.projectIds).toHaveLength(5000);
    expect(result.projectId).toBe(result.projectIds[0]);
    const members = await sb.admin<unknown[]>("GET", `/records/project_users?project_id=${result.projectId}`);
    expect(members).toHaveLength(20000);
    const locations = await sb.admin<{ name: string }[]>("GET", `/records/locations?project_id=${result.projectId}`);
    expect(locations).toHaveLength(5000);
    expect(locations[11]!.name).toBe("Bench Building 1 > Level 2 > Room 201");

    // Into an existing company and project.
    const more = await sb.admin<{ companyId: number; projectId: number }>("POST", "/seed", { kind: "large", companyId: String(IDS.second), users: 10 });
    expect(more.companyId).toBe(IDS.second);
    await sb.admin("POST", "/reset", { seed: "demo" });
  });

  // Speed is measured through the admin API above; this checks that the command line reaches the same seed.
  it("seeds the large data set from the command line", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY, "--seed", "large", "--projects", "500", "--users", "2000", "--vendors", "20", "--locations", "300"], {
      env: { ...process.env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const started = Date.now();
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      while (!output.includes("procore sandbox listening on http://localhost:")) {
        if (Date.now() - started > 15_000 || child.exitCode !== null) throw new Error(`not ready: ${output}`);
        await sleep(50);
      }
      const url = `http://127.0.0.1:${port}`;
      const companies = (await (await fetch(`${url}/__admin/records/companies`)).json()) as { id: number; name: string }[];
      const bench = companies.find((c) => c.name === "Benchmark Builders LLC")!;
      const projects = (await (await fetch(`${url}/__admin/records/projects?company_id=${bench.id}`)).json()) as unknown[];
      expect(projects).toHaveLength(500);
      const users = (await (await fetch(`${url}/__admin/records/users?company_id=${bench.id}`)).json()) as unknown[];
      expect(users).toHaveLength(2001);
      expect(companies).toHaveLength(4);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("records", () => {
  it("creates, reads, updates and deletes records as a person would, bumping updated_at", async () => {
    const created = await sb.admin<{ id: number; name: string; updated_at: string }>("POST", "/records/locations", { project_id: IDS.demoProject, node_name: "Admin Wing" });
    expect(created.name).toBe("Admin Wing");
    await sleep(5);
    const updated = await sb.admin<{ updated_at: string; name: string }>("PATCH", `/records/locations/${created.id}`, { node_name: "Admin Wing East" });
    expect(updated.name).toBe("Admin Wing East");
    expect(updated.updated_at > created.updated_at).toBe(true);
    expect(await sb.admin("GET", `/records/locations/${created.id}`)).toMatchObject({ node_name: "Admin Wing East" });
    await sb.admin("DELETE", `/records/locations/${created.id}`);
    expect((await fetch(`${sb.url}/__admin/records/locations/${created.id}`)).status).toBe(404);
  });

  it("validates bodies, rejects unknown types and keeps webhook configuration read-only", async () => {
    const bad = await fetch(`${sb.url}/__admin/records/vendors`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ company_id: IDS.demo }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ errors: { name: ["can't be blank"] } });
    expect((await fetch(`${sb.url}/__admin/records/widgets`)).status).toBe(404);
    expect((await fetch(`${sb.url}/__admin/records/hooks`, { method: "POST", body: "{}" })).status).toBe(405);
    for (const type of ["companies", "projects", "users", "vendors", "locations", "roles", "project_roles", "permission_templates", "tasks", "hooks", "triggers", "deliveries", "project_users", "project_vendors"]) {
      expect((await fetch(`${sb.url}/__admin/records/${type}?company_id=${IDS.demo}`)).status).toBe(200);
    }
  });
});

describe("request log", () => {
  it("records API and OAuth calls (not admin ones) with their client id, and can be cleared", async () => {
    await sb.admin("DELETE", "/requests");
    await sb.admin("POST", "/install", { companyId: IDS.demo, app: "planner" });
    const token = await sb.serviceToken();
    await sb.api(token, `/projects?company_id=${IDS.demo}&per_page=2`);
    const log = await sb.admin<LoggedRequest[]>("GET", "/requests");
    expect(log.map((r) => [r.method, r.path, r.status, r.tokenClientId])).toEqual([
      ["POST", "/oauth/token", 200, CLIENT_ID],
      ["GET", "/rest/v1.0/projects", 200, CLIENT_ID],
    ]);
    expect(log[1]!.query).toEqual({ company_id: String(IDS.demo), per_page: "2" });
    expect(log[1]!.ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(log[1]!.at)).not.toBeNaN();
    await sb.admin("DELETE", "/requests");
    expect(await sb.admin("GET", "/requests")).toEqual([]);
  });
});

describe("faults", () => {
  it("adds latency and random server errors to API calls but never to /__admin or /health", async () => {
    const token = await sb.serviceToken();
    await sb.admin("POST", "/faults", { latencyMs: 150 });
    let started = Date.now();
    await sb.api(token, "/me", { companyId: IDS.third });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    started = Date.now();
    await fetch(`${sb.url}/health`);
    await sb.admin("GET", "/requests");
    expect(Date.now() - started).toBeLessThan(140);

    await sb.admin("POST", "/faults", { latencyMs: 0, errorRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const res = await sb.api(token, "/me", { companyId: IDS.third });
      statuses.add(res.status);
      if (res.status === 503) expect(res.headers.get("retry-after")).toBe("1");
    }
    expect([...statuses].every((s) => [500, 502, 503].includes(s))).toBe(true);
    expect(statuses.size).toBeGreaterThan(1);
    expect((await fetch(`${sb.url}/health`)).status).toBe(200);

    await sb.admin("DELETE", "/faults");
    expect((await sb.api(token, "/me", { companyId: IDS.third })).status).toBe(200);
  });

  it("drops the response after committing the change", async () => {
    const token = await sb.serviceToken();
    await sb.admin("POST", "/faults", { dropResponseAfterCommit: { pathContains: "/locations", count: 1 } });
    await expect(
      sb.api(token, `/projects/${IDS.thirdProject}/locations`, { method: "POST", companyId: IDS.third, body: { location: { node_name: "Dropped Depot" } } }),
    ).rejects.toThrow();
    const names = (await sb.apiJson<{ name: string }[]>(token, `/projects/${IDS.thirdProject}/locations`, { companyId: IDS.third })).map((l) => l.name);
    expect(names).toContain("Dropped Depot");
  });

  it("expires every current access token, or one named token", async () => {
    const a = (await sb.userTokens()).access_token;
    const b = (await sb.userTokens()).access_token;
    await sb.admin("POST", "/tokens/expire", { accessToken: a });
    expect((await sb.api(a, "/me", { companyId: null })).status).toBe(401);
    expect((await sb.api(b, "/me", { companyId: null })).status).toBe(200);
    await sb.admin("POST", "/faults", { expireTokens: true });
    expect((await sb.api(b, "/me", { companyId: null })).status).toBe(401);
    await sb.admin("DELETE", "/faults");
  });
});
