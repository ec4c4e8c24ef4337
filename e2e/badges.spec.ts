import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import jsQR from "jsqr";
import { PDFDocument } from "pdf-lib";
import { PNG } from "pngjs";
import { APP_URL, THIRD } from "./support/env";
import { appApi as api, licenseNewProject } from "./support/procore";

// Issue 7: a Safety project with the Safety Badge add-on prints a badge per team member, each with a QR code of the
// member's badge URL, on the page and as a PDF; the badge URL says whether the member is still active.

const MEMBERS = [
  { firstName: "Ada", lastName: "Lovelace", role: "Foreman" },
  { firstName: "Grace", lastName: "Hopper", role: "Safety Manager" },
  { firstName: "Linus", lastName: "Pauling", role: "Foreman" },
];

test("safety badges: one per member with a QR code of the badge URL, on the page and in the PDF", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const { projectId, name: projectName } = await licenseNewProject(page, THIRD, THIRD.company, ["Safety", "Safety Badge"]);

  const company = await api(page, "POST", `/api/projects/${projectId}/companies`, { name: "Acme Safety" });
  const roles: Record<string, string> = {};
  for (const role of ["Foreman", "Safety Manager"]) roles[role] = (await api(page, "POST", `/api/projects/${projectId}/roles`, { name: role })).id;
  const memberIds: string[] = [];
  for (const m of MEMBERS) {
    const email = `${m.firstName.toLowerCase()}@acme-safety.test`;
    memberIds.push((await api(page, "POST", `/api/projects/${projectId}/team`, { firstName: m.firstName, lastName: m.lastName, email, companyId: company.id, roleId: roles[m.role] })).id);
  }

  await page.goto(`${APP_URL}/projects/${projectId}/safety/badges`);
  await expect(page.getByRole("heading", { name: "Safety Badges" })).toBeVisible();
  const badges = page.getByRole("list", { name: "Badges" }).getByRole("listitem");
  await expect(badges).toHaveCount(MEMBERS.length);

  const urls: string[] = [];
  for (const m of MEMBERS) {
    const name = `${m.firstName} ${m.lastName}`;
    const badge = page.getByRole("listitem", { name });
    await expect(badge).toContainText(projectName);
    await expect(badge).toContainText("Acme Safety");
    await expect(badge).toContainText(m.role);
    await expect(badge).toContainText(`${m.firstName[0]}${m.lastName[0]}`);
    const qr = PNG.sync.read(await badge.getByRole("img", { name: `QR code of ${name}'s badge` }).screenshot());
    const url = jsQR(new Uint8ClampedArray(qr.data), qr.width, qr.height)?.data;
    expect(url, `QR code of ${name}`).toMatch(new RegExp(`^${APP_URL}/badge/[A-Za-z0-9_-]{32}$`));
    urls.push(url!);
  }
  expect(new Set(urls).size).toBe(MEMBERS.length);

  await test.step("the PDF downloads with one badge per member", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^safety-badges-.+\.pdf$/);
    const pdf = await PDFDocument.load(await readFile((await download.path())!));
    expect(pdf.getPageCount()).toBe(MEMBERS.length);
  });

  await test.step("the badge URL is public and shows the member's status; a deactivated member's badge is no longer valid", async () => {
    const stranger = await browser.newContext();
    const scan = await stranger.newPage();
    await scan.goto(urls[0]!);
    await expect(scan.getByRole("heading", { name: "Ada Lovelace" })).toBeVisible();
    await expect(scan.getByRole("status")).toHaveText(`Active: on the ${projectName} team`);

    await api(page, "PATCH", `/api/projects/${projectId}/team/${memberIds[0]}`, { active: false });
    await scan.reload();
    await expect(scan.getByRole("status")).toHaveText("This badge is no longer valid");
    await scan.goto(`${APP_URL}/badge/${"x".repeat(32)}`);
    await expect(scan.getByRole("heading", { name: "Not found" })).toBeVisible();
    await stranger.close();

    await page.reload();
    await expect(page.getByRole("list", { name: "Badges" }).getByRole("listitem")).toHaveCount(MEMBERS.length - 1);
  });

  await test.step("no plan board without Planner: a 404 page that says where to add it", async () => {
    const res = await page.goto(`${APP_URL}/projects/${projectId}/planner`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("link", { name: "Add Planner" })).toHaveAttribute("href", `/projects/${projectId}/subscription`);
  });
});
