import { expect, test } from "@playwright/test";
import { APP_URL, DEMO, PROCORE_URL, THIRD } from "./support/env";
import { withAppDb } from "./support/app-db";
import { companyIdByName, installApp, signInThroughSetup } from "./support/procore";

test.describe.configure({ mode: "serial" });

let secondAccountUrl = "";

// SPEC §2: a refresh that can no longer succeed marks the connection "reconnect needed"; reconnecting
// keeps the account and its mappings.
test("a lost Procore connection offers Reconnect, and reconnecting keeps the account and its licences", async ({ page, request }) => {
  const second = await companyIdByName(request, DEMO.second);
  await installApp(request, second);
  await signInThroughSetup(page, DEMO, `/procore/setup?company_id=${second}`);
  await expect(page.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  secondAccountUrl = page.url();
  // The seeded demo licences show as Licensed.
  const licensed = page.getByRole("region", { name: "Licensed", exact: true });
  await expect(licensed).toContainText("Second Street Duplexes");
  await expect(licensed).toContainText("Lincoln High Stadium");

  // Procore expires the access token and the refresh answer never arrives: the single-use refresh token is spent.
  await request.post(`${PROCORE_URL}/__admin/faults`, { data: { expireTokens: true, dropResponseAfterCommit: { pathContains: "/oauth/token", count: 1 } } });
  await page.getByRole("button", { name: "Refresh from Procore" }).click();
  await page.getByRole("link", { name: "Reconnect to Procore" }).click();
  await request.delete(`${PROCORE_URL}/__admin/faults`);

  await page.getByRole("button", { name: "Reconnect to Procore" }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  // The callback redirects on to the setup page (a picker: this person has two companies) or the mapping page.
  await page.waitForURL((url) => url.origin === APP_URL && (url.pathname === "/procore/setup" || url.pathname === "/setup/projects"));
  if (!page.url().includes("/setup/projects")) await page.getByRole("link", { name: DEMO.second }).click();
  await expect(page.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  expect(page.url()).toBe(secondAccountUrl);
  await expect(page.getByRole("region", { name: "Licensed", exact: true })).toContainText("Second Street Duplexes");
});

test("another company's person gets 404 for this account's draft and projects, and 403 for its setup", async ({ browser, request }) => {
  const accountId = new URL(secondAccountUrl).searchParams.get("account");
  expect(accountId).toBeTruthy();
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughSetup(page, THIRD);
  await expect(page.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();

  const api = page.request;
  const origin = { headers: { origin: APP_URL } };
  expect((await api.get(`${APP_URL}/api/accounts/${accountId}/draft`)).status()).toBe(404);
  expect((await api.get(`${APP_URL}/api/accounts/${accountId}/procore-projects`)).status()).toBe(404);
  const put = await api.put(`${APP_URL}/api/accounts/${accountId}/draft`, { ...origin, data: { selections: [] } });
  expect(put.status()).toBe(404);
  expect((await api.post(`${APP_URL}/api/accounts/${accountId}/checkout`, { ...origin, data: { interval: "MONTH" } })).status()).toBe(404);
  // A Procore company Procore does not list for them: a clear 403 page.
  const second = await companyIdByName(request, DEMO.second);
  const setup = await page.goto(`${APP_URL}/procore/setup?company_id=${second}`);
  expect(setup?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this Procore company" })).toBeVisible();
  await page.goto(`${APP_URL}/setup/projects?account=${accountId}`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  // Anonymous callers: 401.
  expect((await request.get(`${APP_URL}/api/accounts/${accountId}/draft`)).status()).toBe(401);
  await context.close();
});

test("the selection API refuses invalid selections with a message naming the project, and saves nothing", async ({ page, request }) => {
  await signInThroughSetup(page, DEMO, `/procore/setup?company_id=${await companyIdByName(request, DEMO.second)}`);
  await expect(page.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  const accountId = new URL(secondAccountUrl).searchParams.get("account");
  const api = page.request;
  const put = (data: unknown) => api.put(`${APP_URL}/api/accounts/${accountId}/draft`, { headers: { origin: APP_URL }, data });
  const before = await (await api.get(`${APP_URL}/api/accounts/${accountId}/draft`)).json();
  const row = (id: string, o: Partial<Record<"planner" | "safety" | "plannerBoard" | "safetyBadge", boolean>>) => ({
    procoreProjectId: id, planner: false, safety: false, plannerBoard: false, safetyBadge: false, ...o,
  });
  const cases: [unknown, number, RegExp][] = [
    [{ selections: [row("4400000039", { plannerBoard: true })] }, 422, /Bay Area Storage Facility/],
    [{ selections: [row("4400000039", {})] }, 422, /Bay Area Storage Facility/],
    [{ selections: [row("4400000037", { planner: true })] }, 422, /Second Street Duplexes/],
    [{ selections: [row("4400000001", { planner: true })] }, 422, /4400000001/],
    [{ selections: [row("999999999999", { planner: true })] }, 422, /999999999999/],
    [{ selections: "all of them" }, 400, /Invalid request/],
  ];
  for (const [body, status, message] of cases) {
    const res = await put(body);
    expect(res.status(), JSON.stringify(body)).toBe(status);
    expect((await res.json()).error).toMatch(message);
  }
  const malformed = await api.put(`${APP_URL}/api/accounts/${accountId}/draft`, { headers: { origin: APP_URL, "content-type": "application/json" }, data: "{not json" });
  expect(malformed.status()).toBe(400);
  expect(await (await api.get(`${APP_URL}/api/accounts/${accountId}/draft`)).json()).toEqual(before);
});

// SPEC §2: the company's own staff administer its account; a subcontractor's user in its Procore directory who opens
// the App Setup Instructions joins as a member and is not taken to the mapping page.
test("a subcontractor's user in the company's directory joins through setup as a member; the owner can make them an admin", async ({ browser, request }) => {
  const demo = await companyIdByName(request, DEMO.company);
  await installApp(request, demo);
  // A retry starts from a newcomer again: the first try may have made them an admin.
  await withAppDb((c) => c.query(`DELETE FROM "Membership" m USING "User" u WHERE m."userId" = u."id" AND u."email" = $1`, ["james.carter@demo.test"]));
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughSetup(page, { email: "james.carter@demo.test", password: "demo" }, `/procore/setup?company_id=${demo}`);
  await expect(page.getByRole("heading", { name: `You are a member of ${DEMO.company}` })).toBeVisible();
  await expect(page.getByRole("link", { name: "Project Central" })).toHaveAttribute("href", "/projects");

  // The owner makes them an admin on the People page; setup then takes them to the mapping page.
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signInThroughSetup(owner, DEMO, `/procore/setup?company_id=${demo}`);
  await expect(owner.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  await owner.goto(`${APP_URL}/projects`);
  await owner.getByRole("region", { name: DEMO.company }).getByRole("link", { name: "People" }).click();
  await expect(owner.getByRole("heading", { name: "People", exact: true })).toBeVisible();
  const role = owner.getByRole("combobox", { name: "Role of james.carter@demo.test" });
  await expect(role).toHaveValue("MEMBER");
  await role.selectOption({ label: "Admin" });
  await expect(owner.getByText("james.carter@demo.test is now an admin")).toBeVisible();
  await ownerContext.close();

  await page.goto(`${APP_URL}/procore/setup?company_id=${demo}`);
  await expect(page.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  await context.close();
});
