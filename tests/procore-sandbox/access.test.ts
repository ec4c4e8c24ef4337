import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDS, startSandbox, type SandboxClient } from "./helpers.ts";

let sb: SandboxClient;
let admin: string;
beforeAll(async () => {
  sb = await startSandbox();
  admin = (await sb.userTokens()).access_token;
});
afterAll(() => sb?.stop());

interface Named {
  id: number;
  name: string;
}

describe("Procore-Company-Id, visibility and installation", () => {
  it("lets user tokens call /me and /companies without the header, listing only the user's companies", async () => {
    expect(await sb.apiJson(admin, "/me", { companyId: null })).toEqual({ id: IDS.admin, login: "admin@demo.test", name: "Alex Admin" });
    const companies = await sb.apiJson<Named[]>(admin, "/companies", { companyId: null });
    expect(companies.map((c) => c.name)).toEqual(["Demo Construction Co.", "Second Builders Inc."]);
    expect(companies[0]).toEqual({ id: IDS.demo, name: "Demo Construction Co.", is_active: true, logo_url: null, pcn_business_experience: false, my_company: true });
  });

  it("answers 400 'Missing Procore-Company-Id header!' everywhere else, and on /me and /companies for service accounts", async () => {
    const res = await sb.api(admin, `/projects?company_id=${IDS.demo}`, { companyId: null });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/^Missing Procore-Company-Id header! /);

    const service = await sb.serviceToken();
    expect((await sb.api(service, "/companies", { companyId: null })).status).toBe(400);
    expect((await sb.api(service, "/me", { companyId: null })).status).toBe(400);
    // A service account sees the companies where the app is installed: only Third in the demo seed.
    const installed = await sb.apiJson<Named[]>(service, "/companies", { companyId: IDS.third });
    expect(installed.map((c) => c.id)).toEqual([IDS.third]);
  });

  it("answers 403 'App is not connected to this company' until the app is installed there", async () => {
    const before = await sb.api(admin, `/projects?company_id=${IDS.second}`, { companyId: IDS.second });
    expect(before.status).toBe(403);
    expect(await before.json()).toEqual({ message: "App is not connected to this company" });
    await sb.admin("POST", "/install", { companyId: String(IDS.second), app: "safety" });
    expect((await sb.api(admin, `/projects?company_id=${IDS.second}`, { companyId: IDS.second })).status).toBe(200);
    await sb.admin("POST", "/uninstall", { companyId: String(IDS.second), app: "safety" });
    expect((await sb.api(admin, `/projects?company_id=${IDS.second}`, { companyId: IDS.second })).status).toBe(403);
  });

  it("hides other companies' ids behind 404", async () => {
    await sb.admin("POST", "/install", { companyId: IDS.demo, app: "planner" });
    // A company the user does not belong to (the app is installed there).
    expect((await sb.api(admin, `/projects?company_id=${IDS.third}`, { companyId: IDS.third })).status).toBe(404);
    // Ids of another company under one's own company header.
    expect((await sb.api(admin, `/projects/${IDS.thirdProject}?company_id=${IDS.demo}`)).status).toBe(404);
    expect((await sb.api(admin, `/projects/${IDS.thirdProject}/locations`)).status).toBe(404);
    expect((await sb.api(admin, `/projects?company_id=${IDS.second}`)).status).toBe(404);
    expect((await sb.api(admin, `/companies/${IDS.third}/users`)).status).toBe(404);

    const third = (await sb.userTokens("third@third.test")).access_token;
    expect(await sb.apiJson(third, "/me", { companyId: null })).toMatchObject({ id: IDS.thirdUser, login: "third@third.test" });
    expect((await sb.apiJson<Named[]>(third, "/companies", { companyId: null })).map((c) => c.name)).toEqual(["Third Party Contractors"]);
    expect((await sb.api(third, `/projects?company_id=${IDS.demo}`)).status).toBe(404);
  });

  it("shows a user who is not a company admin only the projects they are on", async () => {
    await sb.admin("POST", "/install", { companyId: IDS.demo, app: "planner" });
    const user = await sb.admin<{ id: number }>("POST", "/records/users", {
      company_id: IDS.demo,
      first_name: "Pat",
      last_name: "Member",
      email_address: "pat.member@demo.test",
      password: "demo",
    });
    await sb.admin("POST", "/records/project_users", { project_id: IDS.demoProject + 4, user_id: user.id });
    const token = (await sb.userTokens("pat.member@demo.test")).access_token;
    const projects = await sb.apiJson<Named[]>(token, `/projects?company_id=${IDS.demo}`);
    expect(projects.map((p) => p.id)).toEqual([IDS.demoProject + 4]);
    expect((await sb.api(token, `/projects/${IDS.demoProject}/locations`)).status).toBe(404);
  });

  it("answers unknown routes with 404 JSON", async () => {
    const res = await sb.api(admin, "/no_such_thing");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
  });
});

describe("projects list, filters and pagination", () => {
  beforeAll(() => sb.admin("POST", "/install", { companyId: IDS.demo, app: "planner" }));

  it("lists active projects by default; filters[by_status] selects Inactive or All", async () => {
    const count = async (status?: string) => {
      const q = status ? `&filters[by_status]=${status}` : "";
      return (await sb.apiJson<Named[]>(admin, `/projects?company_id=${IDS.demo}${q}`)).length;
    };
    expect(await count()).toBe(33);
    expect(await count("Active")).toBe(33);
    expect(await count("Inactive")).toBe(3);
    expect(await count("All")).toBe(36);
  });

  it("sets Total, Per-Page and Link exactly as Procore documents (pages 1, 2, 3 and last)", async () => {
    const page = async (n: number) => {
      const res = await sb.api(admin, `/projects?company_id=${IDS.demo}&per_page=10&page=${n}`);
      const rels = [...(res.headers.get("link") ?? "").matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2], new URL(m[1]!).searchParams.get("page")]);
      return { res, rels: Object.fromEntries(rels) as Record<string, string>, body: (await res.json()) as Named[] };
    };
    const p1 = await page(1);
    expect(p1.res.headers.get("total")).toBe("33");
    expect(p1.res.headers.get("per-page")).toBe("10");
    expect(p1.rels).toEqual({ next: "2", last: "4" });
    expect(p1.body).toHaveLength(10);
    expect((await page(2)).rels).toEqual({ first: "1", next: "3", last: "4" });
    expect((await page(3)).rels).toEqual({ first: "1", prev: "2", next: "4", last: "4" });
    const last = await page(4);
    expect(last.rels).toEqual({ first: "1", prev: "3", last: "4" });
    expect(last.body).toHaveLength(3);
    const all = [...p1.body, ...(await page(2)).body, ...(await page(3)).body, ...last.body].map((p) => p.id);
    expect(new Set(all).size).toBe(33);
  });

  it("builds absolute links on the host the request came in on, keeping the other query parameters", async () => {
    const viaLocalhost = sb.url.replace("127.0.0.1", "localhost");
    const res = await fetch(`${viaLocalhost}/rest/v1.0/projects?company_id=${IDS.demo}&per_page=5`, {
      headers: { Authorization: `Bearer ${admin}`, "Procore-Company-Id": String(IDS.demo) },
    });
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.get("link")!)![1]!;
    const url = new URL(next);
    expect(url.origin).toBe(viaLocalhost);
    expect(url.pathname).toBe("/rest/v1.0/projects");
    expect(url.searchParams.get("company_id")).toBe(String(IDS.demo));
    expect(url.searchParams.get("page")).toBe("2");
  });

  it("defaults per_page to 100 and caps it at 10000", async () => {
    expect((await sb.api(admin, `/projects?company_id=${IDS.demo}`)).headers.get("per-page")).toBe("100");
    expect((await sb.api(admin, `/projects?company_id=${IDS.demo}&per_page=50000`)).headers.get("per-page")).toBe("10000");
  });

  it("filters by updated_at with an ISO range, bumped by every change", async () => {
    const before = new Date().toISOString();
    await sb.admin("PATCH", `/records/projects/${IDS.demoProject + 2}`, { name: "Renamed Tower" });
    const range = `${before}...${new Date(Date.now() + 60_000).toISOString()}`;
    const changed = await sb.apiJson<Named[]>(admin, `/projects?company_id=${IDS.demo}&filters[updated_at]=${encodeURIComponent(range)}`);
    expect(changed.map((p) => [p.id, p.name])).toEqual([[IDS.demoProject + 2, "Renamed Tower"]]);
    const dates = await sb.apiJson<Named[]>(admin, `/projects?company_id=${IDS.demo}&filters[updated_at]=2026-01-05...2026-01-05`);
    expect(dates).toHaveLength(32);

    const bad = await sb.api(admin, `/projects?company_id=${IDS.demo}&filters[updated_at]=yesterday`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ errors: { "filters[updated_at]": ["is invalid"] } });
  });
});
