import { expect, test } from "@playwright/test";
import { APP_URL, DEMO, PROCORE_URL } from "./support/env";
import { appApi as api, licenseNewProject } from "./support/procore";

// Issue 7: a Planner project with the Planner Board add-on builds a plan board and publishes it to the Procore
// project's schedule: 10 tasks created, then one edit sends one task, then an unchanged board sends nothing.

interface ScheduledTask {
  id: number;
  name: string;
  origin_id: string | null;
  updated_at: string;
}

/** A calendar day `weeks` weeks and `days` days after this week's Monday (the board's first column). */
function day(weeks: number, days = 0): string {
  const now = new Date();
  const monday = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate() - ((now.getDay() + 6) % 7));
  return new Date(monday + (weeks * 7 + days) * 86_400_000).toISOString().slice(0, 10);
}

test("a plan board of 10 tasks is published to the Procore schedule: once, then only the edit, then nothing", async ({ page }) => {
  test.setTimeout(240_000);
  const { projectId, procoreProjectId } = await licenseNewProject(page, DEMO, DEMO.second, ["Planner", "Planner Board"]);
  const scheduled = async () => (await (await page.request.get(`${PROCORE_URL}/__admin/records/tasks?project_id=${procoreProjectId}`)).json()) as ScheduledTask[];
  /** The app's calls to Procore's schedule tasks since the log was cleared (the sync of other specs may run meanwhile). */
  const taskCalls = async () =>
    ((await (await page.request.get(`${PROCORE_URL}/__admin/requests`)).json()) as { method: string; path: string }[])
      .filter((r) => r.path.startsWith("/rest/v1.0/tasks"))
      .map((r) => `${r.method} ${r.path}`);
  const clearRequests = () => page.request.delete(`${PROCORE_URL}/__admin/requests`);

  const companies: Record<string, string> = {};
  for (const name of ["Acme Concrete", "Sparks Electric", "Steelworks"]) companies[name] = (await api(page, "POST", `/api/projects/${projectId}/companies`, { name })).id;
  const level1 = (await api(page, "POST", `/api/projects/${projectId}/locations`, { name: "Level 1" })).id;

  await page.goto(`${APP_URL}/projects/${projectId}/planner`);
  await expect(page.getByRole("heading", { name: "Plan Board" })).toBeVisible();
  const history = page.getByRole("region", { name: "Publish history" });
  await expect(history).toContainText("Not published to Procore yet.");

  await test.step("build the board: one task through the form, nine through the API", async () => {
    await page.getByRole("button", { name: "Add task" }).click();
    const form = page.getByRole("form", { name: "Add task" });
    await form.getByLabel("Name").fill("Excavate footings");
    await form.getByLabel("Company").selectOption({ label: "Acme Concrete" });
    await form.getByLabel("Location").selectOption({ label: "Level 1" });
    await form.getByLabel("Start").fill(day(0, 0));
    await form.getByLabel("Finish").fill(day(0, 2));
    await form.getByRole("button", { name: "Save task" }).click();
    await expect(form).toBeHidden();
    await expect(page.getByRole("region", { name: "Acme Concrete" }).getByRole("button", { name: "Excavate footings" })).toBeVisible();

    const names = ["Pour slab", "Set forms", "Rebar", "Cure", "Rough-in", "Panels", "Erect steel", "Deck", "Bolt-up"];
    for (const [i, name] of names.entries()) {
      const company = i < 4 ? "Acme Concrete" : i < 6 ? "Sparks Electric" : "Steelworks";
      const start = day(i % 4, i % 3);
      await api(page, "POST", `/api/projects/${projectId}/planner/tasks`, { name, companyId: companies[company], locationId: i % 2 ? level1 : null, start, finish: start });
    }
    await page.reload();
    await expect(page.locator("[data-task-id]")).toHaveCount(10);
    await expect(page.getByRole("region", { name: "Steelworks" }).getByRole("button")).toHaveCount(3);
  });

  await test.step("filter by company and by location", async () => {
    await page.getByLabel("Filter by company").selectOption({ label: "Sparks Electric" });
    await expect(page.locator("[data-task-id]")).toHaveCount(2);
    await page.getByLabel("Filter by company").selectOption({ label: "All companies" });
    await page.getByLabel("Filter by location").selectOption({ label: "Level 1" });
    await expect(page.locator("[data-task-id]")).toHaveCount(5);
    await page.getByLabel("Filter by location").selectOption({ label: "All locations" });
    await expect(page.locator("[data-task-id]")).toHaveCount(10);
  });

  await test.step("move tasks by keyboard and by drag and drop", async () => {
    const task = page.getByRole("button", { name: "Excavate footings" });
    await task.focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByText(`Excavate footings moved to the week of`)).toBeAttached();
    await expect(task).toBeFocused();
    await page.keyboard.press("ArrowDown");
    const moved = page.getByRole("region", { name: "Sparks Electric" }).getByRole("button", { name: "Excavate footings" });
    await expect(moved).toBeFocused();

    // Dropped anywhere in a row's week column, even on another task there (hence force: the cell is covered).
    const steelWeek2 = page.getByRole("region", { name: "Steelworks" }).locator('[data-week="2"]');
    await page.getByRole("button", { name: "Pour slab" }).dragTo(steelWeek2, { force: true });
    await expect(page.getByRole("region", { name: "Steelworks" }).getByRole("button", { name: "Pour slab" })).toBeVisible();

    await expect(async () => {
      const board = await api(page, "GET", `/api/projects/${projectId}/planner/board`);
      const byName = (name: string) => board.tasks.find((t: { name: string }) => t.name === name);
      expect(byName("Excavate footings")).toMatchObject({ start: day(1, 0), finish: day(1, 2), companyId: companies["Sparks Electric"] });
      expect(byName("Pour slab")).toMatchObject({ start: day(2, 0), companyId: companies["Steelworks"] });
    }).toPass({ timeout: 10_000 });
  });

  await test.step("the menu: connector settings say what is published and the delete rule; Open Procore opens the project", async () => {
    await page.getByRole("button", { name: "Publish to Procore" }).click();
    const open = page.getByRole("menuitem", { name: "Open Procore" });
    await expect(open).toHaveAttribute("href", `${PROCORE_URL}/${procoreProjectId}/project/home`);
    await expect(open).toHaveAttribute("target", "_blank");
    await page.getByRole("menuitem", { name: "Connector settings" }).click();
    const settings = page.getByRole("region", { name: "Connector settings" });
    await expect(settings).toContainText(`Procore project ${procoreProjectId}`);
    await expect(settings).toContainText("A task you delete on this board is deleted from the Procore schedule at the next publish.");
  });

  const publishNow = async (expected: string) => {
    await page.getByRole("button", { name: "Publish to Procore" }).click();
    await page.getByRole("menuitem", { name: "Publish now" }).click();
    await expect(history.locator("[aria-live]")).toContainText(`Succeeded — ${expected}`);
  };

  await test.step("Publish now: the Procore schedule holds the 10 tasks", async () => {
    await clearRequests();
    await publishNow("10 created, 0 updated, 0 deleted, 0 unchanged, 0 failed");
    const tasks = await scheduled();
    expect(tasks).toHaveLength(10);
    expect(tasks.every((t) => t.origin_id?.startsWith("smartapp-plan-task-"))).toBe(true);
    expect(await taskCalls()).toEqual(["PATCH /rest/v1.0/tasks/sync"]);
    await expect(page.getByText("Not published")).toHaveCount(0);
  });

  await test.step("edit one task and publish: exactly one update reaches Procore", async () => {
    const before = await scheduled();
    await page.getByRole("button", { name: "Rebar" }).click();
    const form = page.getByRole("form", { name: "Edit Rebar" });
    await form.getByLabel("Name").fill("Rebar tying");
    await form.getByRole("button", { name: "Save task" }).click();
    await expect(page.getByRole("button", { name: "Rebar tying" })).toBeVisible();
    await clearRequests();
    await publishNow("0 created, 1 updated, 0 deleted, 9 unchanged, 0 failed");
    expect(await taskCalls()).toEqual(["PATCH /rest/v1.0/tasks/sync"]);
    const after = await scheduled();
    const changed = after.filter((t) => before.find((b) => b.id === t.id)!.updated_at !== t.updated_at);
    expect(changed.map((t) => t.name)).toEqual(["Rebar tying"]);
  });

  await test.step("publish again with no change: no request to Procore", async () => {
    await clearRequests();
    await publishNow("0 created, 0 updated, 0 deleted, 10 unchanged, 0 failed");
    expect(await taskCalls()).toEqual([]);
  });

  await test.step("delete a task on the board and publish: it leaves the Procore schedule", async () => {
    await page.getByRole("button", { name: "Bolt-up" }).click();
    await page.getByRole("form", { name: "Edit Bolt-up" }).getByRole("button", { name: "Delete task" }).click();
    await expect(page.locator("[data-task-id]")).toHaveCount(9);
    await publishNow("0 created, 0 updated, 1 deleted, 9 unchanged, 0 failed");
    expect((await scheduled()).map((t) => t.name).sort()).not.toContain("Bolt-up");
    expect(await scheduled()).toHaveLength(9);
  });

  await test.step("no badges without the Safety Badge add-on: a 404 page that says where to add it", async () => {
    const res = await page.goto(`${APP_URL}/projects/${projectId}/safety/badges`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("link", { name: "Add Safety Badge" })).toHaveAttribute("href", `/projects/${projectId}/subscription`);
  });
});
