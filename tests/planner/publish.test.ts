import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { procoreForProject } from "@/lib/auth/procore";
import { db } from "@/lib/db";
import type { ProcoreClient, ScheduleTaskSyncItem } from "@/lib/procore";
import { createTask, deleteTask, getBoard, taskCreateSchema, updateTask, type PlanTaskView } from "@/lib/planner/board";
import { publishHistory, runPublish, startPublish } from "@/lib/planner/publish";
import { originIdOf } from "@/lib/planner/publish-plan";
import { createCompany, companyCreateSchema } from "@/lib/project-data/companies";
import { createLocation, locationCreateSchema } from "@/lib/project-data/locations";
import type { ProcoreClientFactory } from "@/lib/sync";
import type { Sandbox } from "@/scripts/support/procore-sandbox";
import { createAccount } from "../support/factories";
import { licensedProject, restCalls, scheduledTasks, startPlannerSandbox, THIRD_PROJECTS } from "./support";

/*
 * "Publish now" against the real database and the Procore sandbox over HTTP, through the account owner's stored
 * Procore connection, exactly as the publish route runs it (minus the request around it). The tests of the first
 * describe build on each other: one board of ten tasks, published, edited, published again, trimmed.
 */

const [PROCORE_PROJECT, OTHER_PROCORE_PROJECT, LARGE_PROCORE_PROJECT] = THIRD_PROJECTS;

let sb: Sandbox;
let accountId: string;

beforeAll(async () => {
  ({ sb, accountId } = await startPlannerSandbox());
});
afterAll(() => sb?.stop());

/** A factory like the route's, whose client also tells us each sync call's items. */
function observed(projectId: string, onSync: (items: readonly ScheduleTaskSyncItem[]) => void | Promise<void>): ProcoreClientFactory {
  return async (hooks) => {
    const client: ProcoreClient = await procoreForProject(projectId)(hooks);
    const sync = client.schedule.sync;
    client.schedule.sync = async (procoreProjectId, items) => {
      await onSync(items);
      return sync(procoreProjectId, items);
    };
    return client;
  };
}

async function publish(projectId: string, procore: ProcoreClientFactory = procoreForProject(projectId)) {
  const { run, started } = await startPublish(projectId);
  expect(started).toBe(true);
  await runPublish(run.id, procore);
  const [latest] = await publishHistory(projectId);
  expect(latest!.id).toBe(run.id);
  return latest!;
}

describe("publishing a board", () => {
  let projectId: string;
  let tasks: PlanTaskView[];

  beforeAll(async () => {
    projectId = (await licensedProject(accountId, PROCORE_PROJECT, [{ module: "PLANNER", addOn: true }])).id;
    const [concrete, steel] = await Promise.all(["Acme Concrete", "Steelworks Ltd"].map((name) => createCompany(projectId, companyCreateSchema.parse({ name }))));
    const level1 = await createLocation(projectId, locationCreateSchema.parse({ name: "Level 1" }));
    tasks = [];
    for (let i = 0; i < 10; i++) {
      const input = {
        name: `Task ${i + 1}`,
        companyId: i % 2 ? steel!.id : concrete!.id,
        locationId: i < 5 ? level1.id : null,
        start: `2026-12-0${(i % 5) + 1}`,
        finish: `2026-12-1${i % 5}`,
        status: i === 0 ? "DONE" : "PLANNED",
      };
      tasks.push(await createTask(projectId, taskCreateSchema.parse(input)));
    }
  });
  beforeEach(() => sb.admin("DELETE", "/__admin/requests"));

  it("10 tasks published: the Procore schedule holds 10, keyed by our ids, in one sync call", async () => {
    const run = await publish(projectId);
    expect(run).toMatchObject({ status: "SUCCEEDED", total: 10, done: 10, created: 10, updated: 0, unchanged: 0, failed: 0, error: null });
    const scheduled = await scheduledTasks(sb, PROCORE_PROJECT);
    expect(scheduled).toHaveLength(10);
    expect(scheduled.map((t) => t.origin_id).sort()).toEqual(tasks.map((t) => originIdOf(t.id)).sort());
    expect(scheduled.find((t) => t.name === "Task 1")!.notes).toContain("Company: Acme Concrete\nLocation: Level 1\nStatus: Done");
    expect(await restCalls(sb)).toEqual(["PATCH /rest/v1.0/tasks/sync"]);
    expect((await getBoard(projectId)).tasks.map((t) => t.publishState)).toEqual(Array(10).fill("published"));
  });

  it("one task edited: exactly that task is in the sync request, and only it changes in Procore", async () => {
    const before = await scheduledTasks(sb, PROCORE_PROJECT);
    const edited = tasks[3]!;
    await updateTask(projectId, edited.id, { name: "Task 4, renamed", start: "2026-12-07", finish: "2026-12-18" });
    expect((await getBoard(projectId)).tasks.find((t) => t.id === edited.id)!.publishState).toBe("changed");

    const sent: ScheduleTaskSyncItem[] = [];
    const run = await publish(projectId, observed(projectId, (items) => void sent.push(...items)));
    expect(run).toMatchObject({ status: "SUCCEEDED", total: 1, created: 0, updated: 1, unchanged: 9 });
    expect(sent.map((item) => [item.originId, item.name])).toEqual([[originIdOf(edited.id), "Task 4, renamed"]]);
    expect(await restCalls(sb)).toEqual(["PATCH /rest/v1.0/tasks/sync"]);

    const after = await scheduledTasks(sb, PROCORE_PROJECT);
    const changed = after.filter((t) => before.find((b) => b.id === t.id)!.updated_at !== t.updated_at);
    expect(changed.map((t) => t.name)).toEqual(["Task 4, renamed"]);
  });

  it("publishing again with no change makes no request to Procore at all", async () => {
    const run = await publish(projectId);
    expect(run).toMatchObject({ status: "SUCCEEDED", total: 0, done: 0, unchanged: 10 });
    expect(await restCalls(sb, false)).toEqual([]);
  });

  it("a task deleted on the board is deleted from the Procore schedule; one never published is just forgotten", async () => {
    const removed = tasks[9]!;
    const procoreTask = (await scheduledTasks(sb, PROCORE_PROJECT)).find((t) => t.origin_id === originIdOf(removed.id))!;
    const draft = await createTask(projectId, taskCreateSchema.parse({ name: "Draft", start: "2026-12-01", finish: "2026-12-01" }));
    await deleteTask(projectId, removed.id);
    await deleteTask(projectId, draft.id);
    expect((await getBoard(projectId)).tasks).toHaveLength(9);

    const run = await publish(projectId);
    expect(run).toMatchObject({ status: "SUCCEEDED", total: 1, deleted: 1, unchanged: 9 });
    expect(await restCalls(sb)).toEqual([`DELETE /rest/v1.0/tasks/${procoreTask.id}`]);
    expect((await scheduledTasks(sb, PROCORE_PROJECT)).map((t) => t.origin_id)).not.toContain(originIdOf(removed.id));
    expect(await scheduledTasks(sb, PROCORE_PROJECT)).toHaveLength(9);
    expect(await db().planTask.count({ where: { id: { in: [removed.id, draft.id] } } })).toBe(0);
  });

  it("tasks removed in Procore meanwhile: an edited one is created again, a deleted one counts as deleted", async () => {
    const [recreated, alreadyGone] = [tasks[1]!, tasks[2]!];
    const scheduled = await scheduledTasks(sb, PROCORE_PROJECT);
    for (const t of [recreated, alreadyGone]) await sb.admin("DELETE", `/__admin/records/tasks/${scheduled.find((s) => s.origin_id === originIdOf(t.id))!.id}`);
    await updateTask(projectId, recreated.id, { status: "IN_PROGRESS" });
    await deleteTask(projectId, alreadyGone.id);

    const run = await publish(projectId);
    expect(run).toMatchObject({ status: "SUCCEEDED", total: 2, created: 1, deleted: 1, failed: 0 });
    expect((await scheduledTasks(sb, PROCORE_PROJECT)).filter((t) => t.origin_id === originIdOf(recreated.id))).toHaveLength(1);
  });

  it("a task Procore refuses is reported with its reason; the others are still published", async () => {
    const refused = await createTask(projectId, taskCreateSchema.parse({ name: "Clashing", start: "2026-12-02", finish: "2026-12-03" }));
    const fine = await createTask(projectId, taskCreateSchema.parse({ name: "Fine", start: "2026-12-02", finish: "2026-12-03" }));
    // Origin ids are unique across the company: another project already carries this one.
    await sb.admin("POST", "/__admin/records/tasks", { project_id: OTHER_PROCORE_PROJECT, name: "Elsewhere", origin_id: originIdOf(refused.id) });

    const run = await publish(projectId);
    expect(run).toMatchObject({ status: "PARTIAL", total: 2, created: 1, failed: 1, issueCount: 1 });
    expect(run.issues).toEqual([{ id: expect.any(String), taskName: "Clashing", message: "origin_id has already been taken" }]);
    const board = (await getBoard(projectId)).tasks;
    expect(board.find((t) => t.id === refused.id)!.publishState).toBe("unpublished");
    expect(board.find((t) => t.id === fine.id)!.publishState).toBe("published");
  });
});

describe("runs", () => {
  it("a large board goes in batches, its progress saved after each, waiting out Procore's rate limit", async () => {
    const projectId = (await licensedProject(accountId, LARGE_PROCORE_PROJECT, [{ module: "PLANNER", addOn: true }])).id;
    await db().planTask.createMany({
      data: Array.from({ length: 450 }, (_, i) => ({ projectId, name: `Bulk ${i}`, start: new Date("2027-01-04"), finish: new Date("2027-01-08") })),
    });
    // Procore answers the first call 429 (retry after the current 1 s window): the run waits, and says so meanwhile.
    await sb.admin("POST", "/__admin/config", { spikeWindowSeconds: 1 });
    await sb.admin("POST", "/__admin/faults", { rateLimitStorm: 1 });
    const statuses = new Set<string>();
    const watching = setInterval(() => void publishHistory(projectId).then(([run]) => run && statuses.add(run.status)), 50);
    const progress: number[] = [];
    try {
      const run = await publish(
        projectId,
        observed(projectId, async () => {
          progress.push((await publishHistory(projectId))[0]!.done);
        }),
      );
      expect(run).toMatchObject({ status: "SUCCEEDED", total: 450, done: 450, created: 450 });
    } finally {
      clearInterval(watching);
      await sb.admin("POST", "/__admin/config", { spikeWindowSeconds: 10 });
    }
    expect(progress).toEqual([0, 200, 400]);
    expect(statuses).toContain("WAITING_RATE_LIMIT");
    expect(await scheduledTasks(sb, LARGE_PROCORE_PROJECT)).toHaveLength(450);
  });

  it("one publish at a time: a second start answers the live run; a run whose process died is closed as interrupted", async () => {
    const projectId = (await licensedProject(accountId, OTHER_PROCORE_PROJECT, [{ module: "PLANNER", addOn: true }])).id;
    const first = await startPublish(projectId);
    expect(await startPublish(projectId)).toEqual({ run: first.run, started: false });

    await db().publishRun.update({ where: { id: first.run.id }, data: { heartbeatAt: new Date(Date.now() - 3 * 60_000) } });
    const next = await startPublish(projectId);
    expect(next.started).toBe(true);
    expect(await db().publishRun.findUniqueOrThrow({ where: { id: first.run.id } })).toMatchObject({ status: "FAILED", error: expect.stringContaining("Interrupted") });
    await runPublish(next.run.id, procoreForProject(projectId));
  });

  it("without an owner's or admin's Procore connection the run fails and says why", async () => {
    const account = await createAccount();
    const project = await db().project.create({ data: { accountId: account.id, procoreProjectId: 9_900_000_001n, name: "Unconnected" } });
    await createTask(project.id, taskCreateSchema.parse({ name: "Anything", start: "2026-12-01", finish: "2026-12-01" }));
    const run = await publish(project.id);
    expect(run).toMatchObject({ status: "FAILED", error: expect.stringContaining("No owner or admin of this account has an active Procore connection") });
  });
});
