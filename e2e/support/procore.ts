import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { APP_URL, PROCORE_URL, STRIPE_URL } from "./env";

/** Signs in on the Procore sandbox's sign-in page, if it is showing. */
export async function procoreSignIn(page: Page, who: { email: string; password: string }) {
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * The whole sign-in through Smartapp's setup page: "Continue with Procore" → sandbox sign-in → "Allow".
 * Ends on the page the setup URL leads to.
 */
export async function signInThroughSetup(page: Page, who: { email: string; password: string }, setupPath = "/procore/setup") {
  await page.goto(`${APP_URL}${setupPath}`);
  await page.getByRole("button", { name: "Continue with Procore" }).click();
  await page.waitForURL((url) => url.origin === PROCORE_URL);
  if (await page.getByLabel("Email").isVisible().catch(() => false)) await procoreSignIn(page, who);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL((url) => url.origin === APP_URL);
}

/** Installs the app in a company through the sandbox's admin API (the journey test uses the Marketplace page). */
export async function installApp(request: APIRequestContext, companyId: string) {
  const res = await request.post(`${PROCORE_URL}/__admin/install`, { data: { companyId, app: "planner" } });
  expect(res.ok()).toBe(true);
}

export async function companyIdByName(request: APIRequestContext, name: string): Promise<string> {
  const res = await request.get(`${PROCORE_URL}/__admin/records/companies`);
  const companies = (await res.json()) as { id: number | string; name: string }[];
  const company = companies.find((c) => c.name === name);
  if (!company) throw new Error(`no sandbox company ${name}`);
  return String(company.id);
}

/** A call to the app's own API with the page's session, as the page would make it. */
export async function appApi(page: Page, method: "GET" | "POST" | "PATCH", path: string, data?: unknown) {
  const res = await page.request.fetch(`${APP_URL}${path}`, { method, data, headers: { origin: APP_URL } });
  expect(res.ok(), `${method} ${path}: ${await res.text()}`).toBe(true);
  return res.json();
}

/** Maps the first unlicensed Procore project of the company with these options, pays, and opens it in Smartapp. */
export async function licenseNewProject(page: Page, who: { email: string; password: string }, companyName: string, options: string[]) {
  const companyId = await companyIdByName(page.request, companyName);
  await installApp(page.request, companyId);
  await signInThroughSetup(page, who, `/procore/setup?company_id=${companyId}`);
  await expect(page.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  const select = page.getByRole("checkbox", { name: /^Select /, checked: false, disabled: false }).first();
  const name = (await select.getAttribute("aria-label"))!.replace(/^Select /, "");
  await select.check();
  for (const option of options) await page.getByRole("checkbox", { name: `${option} for ${name}` }).check();
  await page.getByRole("region", { name: "Summary" }).getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Checkout" }).click();
  await page.waitForURL((url) => url.origin === STRIPE_URL);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL((url) => url.origin === APP_URL && url.pathname === "/projects");
  await page.getByRole("link", { name, exact: true }).click();
  await page.waitForURL(/\/projects\/[^/]+$/);
  const projects = (await (await page.request.get(`${PROCORE_URL}/__admin/records/projects?company_id=${companyId}`)).json()) as { id: number; name: string }[];
  return { projectId: new URL(page.url()).pathname.split("/")[2]!, name, procoreProjectId: String(projects.find((p) => p.name === name)!.id) };
}
