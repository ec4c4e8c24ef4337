import { expect, test } from "@playwright/test";
import { APP_URL, DEMO, PROCORE_URL, THIRD } from "./support/env";
import { withAppDb } from "./support/app-db";
import { companyIdByName, installApp, licenseNewProject, signInThroughSetup } from "./support/procore";

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
test("a subcontractor's user in the company's directory joins through setup as a member; the owner can make them an admin, and hand them the account", async ({ browser, request }) => {
  const demo = await companyIdByName(request, DEMO.company);
  await installApp(request, demo);
  // A retry starts from a newcomer again, with the admin as the owner: the first try may have changed both.
  await withAppDb(async (c) => {
    await c.query(`DELETE FROM "Membership" m USING "User" u WHERE m."userId" = u."id" AND u."email" = $1`, ["james.carter@demo.test"]);
    await c.query(
      `UPDATE "Membership" m SET "role" = 'OWNER' FROM "User" u, "Account" a WHERE m."userId" = u."id" AND m."accountId" = a."id" AND u."email" = $1 AND a."procoreCompanyId" = $2`,
      [DEMO.email, demo],
    );
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  // Of Demo's licensed projects (the journey's; licensed here when this spec runs alone), Procore's directory lists
  // him on the first and not on the second.
  const licensedInDemo = () =>
    withAppDb(async (c) =>
      (
        await c.query<{ name: string; procoreProjectId: string }>(
          `SELECT p."name", p."procoreProjectId"::text AS "procoreProjectId" FROM "Project" p JOIN "Account" a ON a."id" = p."accountId"
           WHERE a."procoreCompanyId" = $1 AND EXISTS (SELECT 1 FROM "Licence" l WHERE l."projectId" = p."id" AND l."status" <> 'CANCELED') ORDER BY p."name"`,
          [demo],
        )
      ).rows,
    );
  let licensed = await licensedInDemo();
  // Two checkouts take their time.
  if (licensed.length < 2) test.setTimeout(180_000);
  while (licensed.length < 2) {
    const buyer = await browser.newContext();
    await licenseNewProject(await buyer.newPage(), DEMO, DEMO.company, ["Planner"]);
    await buyer.close();
    licensed = await licensedInDemo();
  }
  const [his, notHis] = licensed as [(typeof licensed)[0], (typeof licensed)[0]];
  const users = (await (await request.get(`${PROCORE_URL}/__admin/records/users?company_id=${demo}`)).json()) as { id: number; email_address: string }[];
  const jamesId = users.find((u) => u.email_address === "james.carter@demo.test")!.id;
  const onProject = async (procoreProjectId: string) =>
    (await request.get(`${PROCORE_URL}/__admin/records/project_users/${jamesId}?project_id=${procoreProjectId}`)).ok();
  if (!(await onProject(his.procoreProjectId))) {
    expect((await request.post(`${PROCORE_URL}/__admin/records/project_users`, { data: { project_id: Number(his.procoreProjectId), user_id: jamesId } })).ok()).toBe(true);
  }
  if (await onProject(notHis.procoreProjectId)) {
    expect((await request.delete(`${PROCORE_URL}/__admin/records/project_users/${jamesId}?project_id=${notHis.procoreProjectId}`)).ok()).toBe(true);
  }

  await signInThroughSetup(page, { email: "james.carter@demo.test", password: "demo" }, `/procore/setup?company_id=${demo}`);
  await expect(page.getByRole("heading", { name: `You are a member of ${DEMO.company}` })).toBeVisible();
  await page.getByRole("link", { name: "Project Central" }).click();
  const tiles = page.getByRole("list", { name: `${DEMO.company} projects` });
  await expect(tiles.getByRole("link", { name: his.name, exact: true })).toBeVisible();
  await expect(tiles.getByRole("link", { name: notHis.name, exact: true })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "People" })).toHaveCount(0);

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

  await page.goto(`${APP_URL}/procore/setup?company_id=${demo}`);
  await expect(page.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();

  // The owner hands the account to them and stays as an admin; they hand it back the same way.
  await owner.getByRole("button", { name: "Make james.carter@demo.test the owner" }).click();
  const confirm = owner.getByRole("alertdialog", { name: "Hand the account to james.carter@demo.test?" });
  await expect(confirm.getByRole("button", { name: "Keep it" })).toBeFocused();
  await confirm.getByRole("button", { name: "Hand over" }).click();
  await expect(owner.getByText("james.carter@demo.test is now the owner; you are an admin")).toBeVisible();
  await expect(owner.getByRole("combobox")).toHaveCount(0);
  await expect(owner.getByRole("row", { name: new RegExp(DEMO.email) }).getByRole("cell", { name: "Admin", exact: true })).toBeVisible();

  await page.goto(owner.url());
  await expect(page.getByRole("combobox", { name: `Role of ${DEMO.email}` })).toHaveValue("ADMIN");
  await page.getByRole("button", { name: `Make ${DEMO.email} the owner` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Hand over" }).click();
  await expect(page.getByText(`${DEMO.email} is now the owner; you are an admin`)).toBeVisible();
  await owner.reload();
  await expect(owner.getByRole("combobox", { name: "Role of james.carter@demo.test" })).toHaveValue("ADMIN");
  await ownerContext.close();
  await context.close();
});
