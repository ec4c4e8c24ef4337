import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { APP_URL, PROCORE_URL } from "./env";

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
