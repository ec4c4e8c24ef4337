import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ReconnectNeededError, UnauthorizedError, type ProcoreClient } from "@/lib/procore";
import { startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { cappedSleep, connect } from "./sandbox";

// Integration: the client against the sandbox with faults on. 2,500 vendors in a company of their own.

const VENDORS = 2500;
let sb: Sandbox;
let companyId: string;
let projectId: string;

beforeAll(async () => {
  sb = await startSandbox();
  const seeded = await sb.admin<{ companyId: number; projectId: number }>("POST", "/__admin/seed", {
    kind: "large",
    projects: 1,
    vendors: VENDORS,
  });
  companyId = String(seeded.companyId);
  projectId = String(seeded.projectId);
  await sb.admin("POST", "/__admin/install", { companyId: seeded.companyId, app: "safety" });
});

afterEach(async () => {
  await sb.admin("DELETE", "/__admin/faults");
  await sb.admin("POST", "/__admin/config", { spikeLimit: 1000, spikeWindowSeconds: 10, tokenTtlSeconds: 5400 });
});

afterAll(async () => {
  await sb?.stop();
});

async function companyClient(overrides: Parameters<typeof connect>[1] = {}) {
  const connection = await connect(sb, overrides);
  return { ...connection, company: connection.client.withCompany(companyId) as ProcoreClient };
}

async function clearLog(): Promise<void> {
  await sb.admin("DELETE", "/__admin/requests");
}

const isVendorList = (r: { method: string; path: string }) => r.method === "GET" && r.path === "/rest/v1.0/vendors";

function expectAllVendors(vendors: { id: string }[]): void {
  expect(vendors).toHaveLength(VENDORS);
  expect(new Set(vendors.map((v) => v.id)).size).toBe(VENDORS);
}

describe("pagination", () => {
  it("brings all 2,500 records across pages, lazily page by page", async () => {
    const { company } = await companyClient();
    await clearLog();
    expectAllVendors(await company.vendors.listAll());
    const pages = await sb.requests(isVendorList);
    expect(pages).toHaveLength(VENDORS / 100);
    expect(pages.map((p) => p.query.page)).toEqual(Array.from({ length: VENDORS / 100 }, (_, i) => String(i + 1)));

    await clearLog();
    const firstTwoPages: string[] = [];
    for await (const vendor of company.vendors.list()) if (firstTwoPages.push(vendor.id) === 150) break;
    expect(await sb.requests(isVendorList)).toHaveLength(2);
  });
});

describe("rate limits", () => {
  it("waits for the window to reset when remaining runs out, instead of collecting 429s", async () => {
    await sb.admin("POST", "/__admin/config", { spikeLimit: 13, spikeWindowSeconds: 1 });
    const waits: number[] = [];
    const { company } = await companyClient({ onRateLimitWait: (until) => waits.push(until) });
    await clearLog();
    expectAllVendors(await company.vendors.listAll());
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect((await sb.requests()).filter((r) => r.status === 429)).toEqual([]);
  });

  it("a 429 storm slows the client down (Retry-After honoured, wait reported) but the list completes", async () => {
    const waits: number[] = [];
    const { sleep, requested } = cappedSleep(20);
    const { company } = await companyClient({ sleep, onRateLimitWait: (until) => waits.push(until) });
    await sb.admin("POST", "/__admin/faults", { rateLimitStorm: 6 });
    await clearLog();
    expectAllVendors(await company.vendors.listAll());
    expect((await sb.requests()).filter((r) => r.status === 429)).toHaveLength(6);
    expect(waits).toHaveLength(6);
    // Each wait lasted until Procore's Retry-After (≥ 1 s); the test's sleep only shortens it.
    expect(requested.filter((ms) => ms >= 900)).toHaveLength(6);
  });
});

describe("server errors", () => {
  it("finishes through 20% injected 5xx answers, retrying with backoff", async () => {
    const { sleep, requested } = cappedSleep(5);
    const { company } = await companyClient({ sleep, maxRetries: 10 });
    await sb.admin("POST", "/__admin/faults", { errorRate: 0.2 });
    await clearLog();
    expectAllVendors(await company.vendors.listAll());
    const failed = (await sb.requests(isVendorList)).filter((r) => r.status >= 500);
    expect(failed.length).toBeGreaterThan(0);
    expect(requested.length).toBeGreaterThanOrEqual(failed.length);
  });
});

describe("token refresh", () => {
  const tokenCalls = () => sb.requests((r) => r.path === "/oauth/token");

  it("10 concurrent calls with a token Procore expired cause exactly one refresh", async () => {
    const { company, tokens, calls, current } = await companyClient();
    await sb.admin("POST", "/__admin/tokens/expire", { accessToken: tokens.accessToken });
    await clearLog();
    const results = await Promise.all(Array.from({ length: 10 }, () => company.projects.listAll()));
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(await tokenCalls()).toHaveLength(1);
    expect(calls.save).toBe(1);
    expect(current().accessToken).not.toBe(tokens.accessToken);
    expect((await sb.requests((r) => r.status === 401)).length).toBeGreaterThan(0);
  });

  it("10 concurrent calls with a locally expired token refresh once, before sending", async () => {
    const { company, store, calls } = await companyClient();
    const tokens = await store.load();
    await store.save({ ...tokens, expiresAt: new Date(Date.now() - 1000) });
    calls.save = 0;
    await clearLog();
    await Promise.all(Array.from({ length: 10 }, () => company.projects.listAll()));
    expect(await tokenCalls()).toHaveLength(1);
    expect(calls.save).toBe(1);
    expect(await sb.requests((r) => r.status === 401)).toEqual([]);
  });

  it("a 401 gets exactly one refresh and one retry, not a loop", async () => {
    const { company, tokens } = await companyClient();
    // From now on every new token is born expired, so the retry after the refresh is refused too.
    await sb.admin("POST", "/__admin/config", { tokenTtlSeconds: 0.001 });
    await sb.admin("POST", "/__admin/tokens/expire", { accessToken: tokens.accessToken });
    await clearLog();
    await expect(company.projects.listAll()).rejects.toBeInstanceOf(UnauthorizedError);
    expect(await tokenCalls()).toHaveLength(1);
    expect(await sb.requests((r) => r.path === "/rest/v1.0/projects")).toHaveLength(2);
  });

  it("a refresh whose answer is lost ends in 'reconnect needed', marked once, never retried", async () => {
    const { company, tokens, calls } = await companyClient();
    await sb.admin("POST", "/__admin/tokens/expire", { accessToken: tokens.accessToken });
    await sb.admin("POST", "/__admin/faults", { dropResponseAfterCommit: { pathContains: "/oauth/token", count: 1 } });
    await clearLog();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => company.projects.listAll()));
    for (const r of results) expect(r.status === "rejected" && r.reason).toBeInstanceOf(ReconnectNeededError);
    await expect(company.vendors.listAll()).rejects.toBeInstanceOf(ReconnectNeededError);
    expect(calls.markReconnectNeeded).toBe(1);
    expect(calls.save).toBe(0);
    expect(await tokenCalls()).toHaveLength(1);
  });
});

describe("sync batching", () => {
  it("splits 2,501 vendors into calls of at most 1,000 and merges entities and errors", async () => {
    const { company } = await companyClient();
    const items = Array.from({ length: 2500 }, (_, i) => ({ originId: `erp-${i}`, name: `ERP Vendor ${i}` }));
    const invalid = { originId: "erp-invalid", name: "" };
    await clearLog();
    const result = await company.vendors.sync([...items, invalid]);
    expect(result.entities).toHaveLength(2500);
    expect(result.errors).toEqual([
      { id: null, originId: "erp-invalid", sent: { origin_id: "erp-invalid", name: "" }, errors: { name: ["can't be blank"] } },
    ]);
    expect(await sb.requests((r) => r.path === "/rest/v1.0/vendors/sync")).toHaveLength(3);

    // Matched by origin id the second time: updates, no duplicates.
    const again = await company.vendors.sync(items.slice(0, 100).map((v) => ({ ...v, city: "Fresno" })));
    expect(again.entities.map((v) => v.id)).toEqual(result.entities.slice(0, 100).map((v) => v.id));
    expect(again.entities.every((v) => v.city === "Fresno")).toBe(true);
    const stored = await sb.admin<unknown[]>("GET", `/__admin/records/vendors?company_id=${companyId}`);
    expect(stored).toHaveLength(VENDORS + 2500);
  });

  it("batches company user and schedule task syncs the same way", async () => {
    const { company } = await companyClient();
    await clearLog();
    const users = await company.users.sync(
      Array.from({ length: 1001 }, (_, i) => ({ originId: `hr-${i}`, lastName: `Worker ${i}`, emailAddress: `worker${i}@example.test` })),
    );
    expect(users).toMatchObject({ errors: [] });
    expect(users.entities).toHaveLength(1001);
    const tasks = await company.schedule.sync(
      projectId,
      Array.from({ length: 1001 }, (_, i) => ({ originId: `plan-${i}`, name: `Task ${i}` })),
    );
    expect(tasks.entities).toHaveLength(1001);
    const syncCalls = await sb.requests((r) => r.path.endsWith("/sync"));
    expect(syncCalls.map((r) => r.path)).toEqual([
      `/rest/v1.0/companies/${companyId}/users/sync`,
      `/rest/v1.0/companies/${companyId}/users/sync`,
      "/rest/v1.0/tasks/sync",
      "/rest/v1.0/tasks/sync",
    ]);
  });
});
