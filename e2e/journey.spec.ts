import { expect, test } from "@playwright/test";
import { APP_URL, DEMO, PROCORE_URL, STRIPE_URL } from "./support/env";
import { procoreSignIn } from "./support/procore";

// SPEC §1: Marketplace → App Setup Instructions → sign in with Procore → map projects → pay → Project Central.
test("a company admin goes from the Procore Marketplace to licensed projects in Project Central", async ({ page, context }) => {
  await page.goto(`${PROCORE_URL}/marketplace`);
  await procoreSignIn(page, DEMO);
  await page.getByRole("searchbox", { name: "Search apps" }).fill("Smartapp");
  await page.getByLabel("Company").selectOption({ label: DEMO.company });
  await page.getByRole("button", { name: "Install Smartapp Planner" }).click();
  await expect(page.getByRole("status")).toContainText("installed");

  const [setup] = await Promise.all([context.waitForEvent("page"), page.getByRole("link", { name: "App Setup Instructions" }).first().click()]);
  await setup.waitForLoadState();
  expect(setup.url()).toContain("/procore/setup?company_id=");
  await setup.getByRole("button", { name: "Continue with Procore" }).click();
  await setup.getByRole("button", { name: "Allow" }).click();

  await expect(setup.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  const list = setup.getByRole("checkbox", { name: /^Select / });
  await expect(list.first()).toBeVisible();
  expect(await list.count()).toBeGreaterThan(5);
  const first = (await list.nth(0).getAttribute("aria-label"))!.replace(/^Select /, "");
  const second = (await list.nth(1).getAttribute("aria-label"))!.replace(/^Select /, "");

  // Module checkboxes wait for the project; add-ons wait for their module.
  await expect(setup.getByRole("checkbox", { name: `Planner for ${first}` })).toBeDisabled();
  await setup.getByRole("checkbox", { name: `Select ${first}` }).check();
  await expect(setup.getByRole("checkbox", { name: `Planner Board for ${first}` })).toBeDisabled();
  await setup.getByRole("checkbox", { name: `Planner for ${first}` }).check();
  await setup.getByRole("checkbox", { name: `Planner Board for ${first}` }).check();
  await setup.getByRole("checkbox", { name: `Select ${second}` }).check();
  await setup.getByRole("checkbox", { name: `Planner for ${second}` }).check();
  await setup.getByRole("checkbox", { name: `Safety for ${second}` }).check();

  const summary = setup.getByRole("region", { name: "Summary" });
  await expect(summary).toContainText("Procore projects selected: 2");
  await expect(summary).toContainText("Planner: 2");
  await expect(summary).toContainText("Safety: 1");

  // The draft is on the server: a reload restores it.
  await setup.waitForTimeout(800);
  await setup.reload();
  await expect(setup.getByRole("region", { name: "Summary" })).toContainText("Procore projects selected: 2");
  await expect(setup.getByRole("checkbox", { name: `Safety for ${second}` })).toBeChecked();

  await setup.getByRole("region", { name: "Summary" }).getByRole("button", { name: "Next" }).click();
  await expect(setup.getByRole("heading", { name: "Subscriptions" })).toBeVisible();
  await setup.getByRole("radio", { name: "Yearly" }).check();
  await expect(setup.getByText("Total: $14,220.00")).toBeVisible(); // 2 × 295 × 12 + 1 × 595 × 12
  await setup.getByRole("radio", { name: "Monthly" }).check();
  await expect(setup.getByText("Total: $1,185.00")).toBeVisible();

  // Cancel on Stripe's page keeps the draft.
  await setup.getByRole("button", { name: "Checkout" }).click();
  await setup.waitForURL((url) => url.origin === STRIPE_URL);
  await setup.getByRole("link", { name: "Cancel" }).click();
  await expect(setup.getByRole("heading", { name: "Subscriptions" })).toBeVisible();
  await expect(setup.getByText("Total: $1,185.00")).toBeVisible();

  // A declined card, then a good one.
  await setup.getByRole("button", { name: "Checkout" }).click();
  await setup.waitForURL((url) => url.origin === STRIPE_URL);
  await setup.getByLabel("Card number").fill("4000 0000 0000 0002");
  await setup.getByRole("button", { name: "Pay" }).click();
  await expect(setup.getByText("Your card was declined.")).toBeVisible();
  await setup.getByLabel("Card number").fill("4242 4242 4242 4242");
  await setup.getByRole("button", { name: "Pay" }).click();

  await setup.waitForURL((url) => url.origin === APP_URL && url.pathname === "/projects");
  await expect(setup.getByRole("heading", { name: "Project Central" })).toBeVisible();
  const firstTile = setup.getByRole("listitem", { name: first });
  const secondTile = setup.getByRole("listitem", { name: second });
  await expect(firstTile).toContainText(/Planner$/);
  await expect(firstTile).toContainText("Planner Board");
  await expect(secondTile).toContainText(/Planner & Safety$/);

  // Back on the mapping page, the two are licensed and read-only.
  await setup.goto(`${APP_URL}/procore/setup?company_id=${new URL(page.url()).searchParams.get("company_id") ?? ""}`);
  await expect(setup.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  const licensed = setup.getByRole("region", { name: "Licensed", exact: true });
  await expect(licensed).toContainText(first);
  await expect(setup.getByRole("region", { name: "Not licensed" })).toBeVisible();
  await licensed.getByRole("checkbox", { name: `Safety for ${first}` }).click({ force: true });
  await expect(setup.getByText(/Manage Subscriptions/)).toBeVisible();
});
