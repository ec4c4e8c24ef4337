import { expect, test, type Page } from "@playwright/test";
import { APP_URL, DEMO, PROCORE_URL, STRIPE_URL } from "./support/env";
import { procoreSignIn } from "./support/procore";

const INACTIVE = ["Old Mill Demolition", "Warehouse 12 Roof Replacement", "Legacy Bank Branch Remodel"];

async function projectNames(page: Page, count: number): Promise<string[]> {
  const boxes = page.getByRole("checkbox", { name: /^Select / });
  await expect(boxes.first()).toBeVisible();
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push((await boxes.nth(i).getAttribute("aria-label"))!.replace(/^Select /, ""));
  return names;
}

async function pay(page: Page) {
  await page.getByRole("button", { name: "Checkout" }).click();
  await page.waitForURL((url) => url.origin === STRIPE_URL);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL((url) => url.origin === APP_URL && url.pathname === "/projects");
  await expect(page.getByRole("heading", { name: "Project Central" })).toBeVisible();
}

// SPEC §1, issues 4 and 5: Marketplace → App Setup Instructions → sign in with Procore → map → pay → Project Central.
test("a company admin goes from the Procore Marketplace to licensed projects in Project Central, and adds one more", async ({ page, context }) => {
  await page.goto(`${PROCORE_URL}/marketplace`);
  await procoreSignIn(page, DEMO);
  await page.getByRole("searchbox", { name: "Search apps" }).fill("Smartapp");
  // Choosing the company reloads the page for it; install only once that page is there.
  const demoId = await page.getByLabel("Company").locator("option", { hasText: DEMO.company }).getAttribute("value");
  await page.getByLabel("Company").selectOption({ label: DEMO.company });
  await page.waitForURL(new RegExp(`company_id=${demoId}`), { timeout: 5_000 }).catch(() => undefined); // no reload when it was already chosen
  await expect(page.getByLabel("Company")).toHaveValue(demoId!);
  await page.getByRole("button", { name: "Install Smartapp Planner" }).click();
  await expect(page.getByRole("status")).toContainText("installed");
  const companyId = new URL(page.url()).searchParams.get("company_id")!;

  const [setup] = await Promise.all([context.waitForEvent("page"), page.getByRole("link", { name: "App Setup Instructions" }).first().click()]);
  await setup.waitForLoadState();
  expect(setup.url()).toBe(`${APP_URL}/procore/setup?company_id=${companyId}`);
  await setup.getByRole("button", { name: "Continue with Procore" }).click();
  await setup.getByRole("button", { name: "Allow" }).click();

  await expect(setup.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  const [a, b, c, d] = await projectNames(setup, 4);
  // Active projects only, every page of them (the demo company has 33).
  await expect(setup.getByRole("checkbox", { name: /^Select / })).not.toHaveCount(0);
  for (const name of INACTIVE) await expect(setup.getByRole("checkbox", { name: `Select ${name}` })).toHaveCount(0);
  await setup.getByRole("searchbox", { name: "Search projects" }).fill("Riverside Medical");
  await expect(setup.getByRole("checkbox", { name: /^Select / })).toHaveCount(1);
  await setup.getByRole("searchbox", { name: "Search projects" }).fill("");

  const box = (label: string) => setup.getByRole("checkbox", { name: label, exact: true });
  const summary = setup.getByRole("region", { name: "Summary" });
  // Rules: modules wait for the project, add-ons for their module; unchecking clears what depends on it.
  await expect(box(`Planner for ${a}`)).toBeDisabled();
  await box(`Select ${a}`).check();
  await expect(box(`Planner Board for ${a}`)).toBeDisabled();
  await expect(summary.getByRole("button", { name: "Next" })).toBeDisabled();
  await expect(summary).toContainText(a); // names the project that still needs a module
  await box(`Planner for ${a}`).check();
  await box(`Planner Board for ${a}`).check();
  await box(`Planner for ${a}`).uncheck();
  await expect(box(`Planner Board for ${a}`)).not.toBeChecked();
  await expect(box(`Planner Board for ${a}`)).toBeDisabled();
  await box(`Planner for ${a}`).check();
  // a: Planner only. b: Safety + Safety Badge. c: both, with both add-ons.
  await box(`Select ${b}`).check();
  await box(`Safety for ${b}`).check();
  await box(`Safety Badge for ${b}`).check();
  await box(`Select ${c}`).check();
  for (const option of ["Planner", "Safety", "Planner Board", "Safety Badge"]) await box(`${option} for ${c}`).check();
  // Unselecting a project clears its modules.
  await box(`Select ${d}`).check();
  await box(`Planner for ${d}`).check();
  await box(`Select ${d}`).uncheck();
  await expect(box(`Planner for ${d}`)).not.toBeChecked();
  await expect(box(`Planner for ${d}`)).toBeDisabled();

  await expect(summary).toContainText("Procore projects selected: 3");
  await expect(summary).toContainText("Planner: 2");
  await expect(summary).toContainText("Safety: 2");

  // The draft is on the server: a reload restores it.
  await expect(summary).toContainText(/saved/i);
  await setup.reload();
  await expect(setup.getByRole("region", { name: "Summary" })).toContainText("Procore projects selected: 3");
  await expect(box(`Safety Badge for ${b}`)).toBeChecked();

  await setup.getByRole("region", { name: "Summary" }).getByRole("button", { name: "Next" }).click();
  await expect(setup).toHaveURL(/\/setup\/subscriptions/);
  await expect(setup.getByRole("heading", { name: "Subscriptions" })).toBeVisible();
  await expect(setup.getByRole("region", { name: "Planner" })).toContainText("2 projects");
  await expect(setup.getByRole("region", { name: "Safety" })).toContainText("2 projects");
  await expect(setup.getByText("Total: $1,780.00")).toBeVisible(); // 2 × $295 + 2 × $595
  await setup.getByRole("radio", { name: "Yearly" }).check();
  await expect(setup.getByText("Total: $21,360.00")).toBeVisible(); // 12 × the monthly prices

  // Cancel on Stripe's page keeps the draft.
  await setup.getByRole("button", { name: "Checkout" }).click();
  await setup.waitForURL((url) => url.origin === STRIPE_URL);
  await setup.getByRole("link", { name: "Cancel" }).click();
  await expect(setup.getByRole("heading", { name: "Subscriptions" })).toBeVisible();
  await expect(setup.getByText("Checkout was cancelled. Your selection is kept.")).toBeVisible();
  await setup.getByRole("radio", { name: "Yearly" }).check();
  await expect(setup.getByText("Total: $21,360.00")).toBeVisible();

  // A declined card: a message, and nothing is granted.
  await setup.getByRole("button", { name: "Checkout" }).click();
  await setup.waitForURL((url) => url.origin === STRIPE_URL);
  await setup.getByLabel("Card number").fill("4000 0000 0000 0002");
  await setup.getByRole("button", { name: "Pay" }).click();
  await expect(setup.getByText("Your card was declined.")).toBeVisible();
  const central = await context.newPage();
  await central.goto(`${APP_URL}/projects`);
  await expect(central.getByRole("listitem", { name: a })).toHaveCount(0);
  await central.close();

  await setup.getByLabel("Card number").fill("4242 4242 4242 4242");
  await setup.getByRole("button", { name: "Pay" }).click();
  await setup.waitForURL((url) => url.origin === APP_URL && url.pathname === "/projects");
  const demoProjects = setup.getByRole("list", { name: `${DEMO.company} projects` });
  await expect(demoProjects.getByRole("listitem")).toHaveCount(3);
  await expect(demoProjects.getByRole("listitem", { name: a })).toHaveText(/Planner$/);
  await expect(demoProjects.getByRole("listitem", { name: b })).toHaveText(/Safety Badge\s*Safety$/);
  await expect(demoProjects.getByRole("listitem", { name: c })).toHaveText(/Planner & Safety$/);
  await expect(demoProjects.getByRole("listitem", { name: c })).toContainText("Planner Board");

  // Back through App Setup Instructions: the three are Licensed and locked, with a toast pointing to Manage Subscriptions.
  await setup.goto(`${APP_URL}/procore/setup?company_id=${companyId}`);
  await expect(setup.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  const licensed = setup.getByRole("region", { name: "Licensed", exact: true });
  for (const name of [a, b, c]) await expect(licensed).toContainText(name);
  await expect(licensed.getByRole("checkbox", { name: `Safety for ${a}`, exact: true })).not.toBeChecked();
  await licensed.getByRole("checkbox", { name: `Safety for ${a}`, exact: true }).click();
  await expect(setup.getByText(/Manage Subscriptions/).first()).toBeVisible();
  await expect(licensed.getByRole("checkbox", { name: `Safety for ${a}`, exact: true })).not.toBeChecked();

  // A fourth project through the same steps.
  const notLicensed = setup.getByRole("region", { name: "Not licensed" });
  await notLicensed.getByRole("checkbox", { name: `Select ${d}`, exact: true }).check();
  await notLicensed.getByRole("checkbox", { name: `Safety for ${d}`, exact: true }).check();
  await expect(setup.getByRole("region", { name: "Summary" })).toContainText("Procore projects selected: 1");
  await setup.getByRole("region", { name: "Summary" }).getByRole("button", { name: "Next" }).click();
  await expect(setup.getByRole("radio", { name: "Yearly" })).toBeChecked(); // the last choice is remembered
  await expect(setup.getByText("Total: $7,140.00")).toBeVisible();
  await pay(setup);
  await expect(setup.getByRole("list", { name: `${DEMO.company} projects` }).getByRole("listitem")).toHaveCount(4);
  await expect(setup.getByRole("listitem", { name: d })).toHaveText(/Safety$/);
});
