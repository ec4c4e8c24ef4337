import { expect, test } from "@playwright/test";
import { DEMO, PROCORE_URL } from "./support/env";
import { companyIdByName, installApp, procoreSignIn } from "./support/procore";

// Smartapp inside Procore: a project's home in Procore frames /procore/embedded. Procore's login refuses to be
// framed, so signing in happens in a window of its own, which reloads the frame when it is done.

test("in Procore's frame, Continue with Procore signs in through a window of its own, then the frame shows the project", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await installApp(page.request, await companyIdByName(page.request, DEMO.second));
  // The seeded Second Builders project licensed for Planner with the Planner Board (prisma/seed.ts).
  await page.goto(`${PROCORE_URL}/4400000037/project/home`);
  await procoreSignIn(page, DEMO);
  await page.waitForURL(`${PROCORE_URL}/4400000037/project/home`);

  const frame = page.frameLocator('iframe[title="Smartapp"]');
  await expect(frame.getByRole("heading", { name: "Smartapp for Procore" })).toBeVisible();
  const opened = page.waitForEvent("popup");
  await frame.getByRole("button", { name: "Continue with Procore" }).click();
  const popup = await opened;
  await expect(popup.getByRole("heading", { name: "Sign in to Smartapp" })).toBeVisible();
  await popup.getByRole("button", { name: "Continue with Procore" }).click();
  // Signed in to Procore already (this page is Procore's): only the consent is asked.
  await popup.getByRole("button", { name: "Allow" }).click();
  await popup.waitForEvent("close");

  await expect(frame.getByRole("link", { name: "Open in Smartapp" })).toBeVisible();
  await expect(frame.getByRole("link", { name: "Plan Board" })).toHaveAttribute("target", "_blank");
  await context.close();
});
