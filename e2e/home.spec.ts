import { expect, test } from "@playwright/test";

test("the home page renders, styled, with the Smartapp header", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Smartapp for Procore" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Smartapp");
  // Tailwind is applied: the primary link has a coloured background and padding.
  const cta = page.getByRole("link", { name: "Set up with Procore" });
  const style = await cta.evaluate((el) => {
    const s = getComputedStyle(el);
    return { bg: s.backgroundColor, paddingTop: s.paddingTop };
  });
  expect(style.bg).not.toBe("rgba(0, 0, 0, 0)");
  expect(style.paddingTop).toBe("8px");
});

test("health reports the database and the queue", async ({ request }) => {
  await expect
    .poll(async () => (await (await request.get("/api/health")).json()).status, { timeout: 30_000 })
    .toBe("ok");
  const body = await (await request.get("/api/health")).json();
  expect(body.database.ok).toBe(true);
  expect(body.queue.ok).toBe(true);
  expect(body.procore).toBe("sandbox");
  expect(body.stripe).toBe("sandbox");
});
