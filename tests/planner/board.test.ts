import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createTask, deleteTask, getBoard, taskCreateSchema, taskUpdateSchema, updateTask } from "@/lib/planner/board";
import { companyCreateSchema, createCompany, updateCompany } from "@/lib/project-data/companies";
import { createLocation, locationCreateSchema } from "@/lib/project-data/locations";
import { createAccount, createProject } from "../support/factories";

let projectId: string;
beforeEach(async () => {
  projectId = (await createProject((await createAccount()).id)).id;
});

const task = (input: Record<string, unknown>) => createTask(projectId, taskCreateSchema.parse({ name: "Pour slab", start: "2026-12-01", finish: "2026-12-04", ...input }));

describe("plan board tasks", () => {
  it("creates a task with the project's company and location, planned unless said otherwise", async () => {
    const acme = await createCompany(projectId, companyCreateSchema.parse({ name: "Acme" }));
    const lobby = await createLocation(projectId, locationCreateSchema.parse({ name: "Lobby" }));
    const created = await task({ companyId: acme.id, locationId: lobby.id });
    expect(created).toMatchObject({ name: "Pour slab", companyId: acme.id, locationId: lobby.id, start: "2026-12-01", finish: "2026-12-04", status: "PLANNED", publishState: "unpublished" });
    expect(await getBoard(projectId)).toEqual({
      tasks: [created],
      companies: [{ id: acme.id, name: "Acme", active: true }],
      locations: [{ id: lobby.id, path: "Lobby", active: true }],
    });
  });

  it("validates input with a message per field", () => {
    const result = taskCreateSchema.safeParse({ name: " ", start: "2026-12-05", finish: "2026-12-01", status: "SOMEDAY" });
    expect(Object.fromEntries(result.error!.issues.map((i) => [i.path.join("."), i.message]))).toEqual({ name: "Enter a name", status: "Choose a status" });
    const dates = taskCreateSchema.safeParse({ name: "x", start: "2026-12-05", finish: "2026-12-01" });
    expect(dates.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["finish", "The finish cannot be before the start"]]);
    expect(taskCreateSchema.safeParse({ name: "x", start: "5/12/2026", finish: "2026-12-01" }).error!.issues[0]!.message).toBe("Enter the start as a date");
  });

  it("refuses another project's or an inactive company or location (422 naming the field)", async () => {
    const elsewhere = await createCompany((await createProject((await createAccount()).id)).id, companyCreateSchema.parse({ name: "Elsewhere" }));
    await expect(task({ companyId: elsewhere.id })).rejects.toMatchObject({ status: 422, fields: { companyId: ["Choose an active company of this project"] } });
    await expect(task({ locationId: "nope" })).rejects.toMatchObject({ status: 422, fields: { locationId: [expect.any(String)] } });
  });

  it("moves and edits only what is sent, checking the dates as they will be", async () => {
    const created = await task({});
    const moved = await updateTask(projectId, created.id, taskUpdateSchema.parse({ start: "2026-12-08", finish: "2026-12-11" }));
    expect(moved).toMatchObject({ name: "Pour slab", start: "2026-12-08", finish: "2026-12-11" });
    await expect(updateTask(projectId, created.id, taskUpdateSchema.parse({ finish: "2026-12-07" }))).rejects.toMatchObject({
      status: 422,
      fields: { finish: ["The finish cannot be before the start"] },
    });
    expect(await updateTask(projectId, created.id, taskUpdateSchema.parse({ status: "BLOCKED" }))).toMatchObject({ status: "BLOCKED", start: "2026-12-08" });
  });

  it("keeps a company deactivated since, and still shows it on the board, but offers no other inactive one", async () => {
    const [kept, unused] = await Promise.all(["Kept", "Unused"].map((name) => createCompany(projectId, companyCreateSchema.parse({ name }))));
    const created = await task({ companyId: kept!.id });
    await updateCompany(projectId, kept!.id, { active: false });
    await updateCompany(projectId, unused!.id, { active: false });
    expect(await updateTask(projectId, created.id, taskUpdateSchema.parse({ companyId: kept!.id, name: "Renamed" }))).toMatchObject({ companyId: kept!.id });
    await expect(updateTask(projectId, created.id, taskUpdateSchema.parse({ companyId: unused!.id }))).rejects.toMatchObject({ status: 422 });
    expect((await getBoard(projectId)).companies.map((c) => [c.name, c.active])).toEqual([["Kept", false]]);
  });

  it("deleting leaves a tombstone for the next publish and takes the task off the board", async () => {
    const created = await task({});
    await deleteTask(projectId, created.id);
    expect((await getBoard(projectId)).tasks).toEqual([]);
    expect(await db().planTask.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ deletedAt: expect.any(Date) });
    await expect(deleteTask(projectId, created.id)).rejects.toMatchObject({ status: 404 });
    await expect(updateTask(projectId, created.id, { name: "Back" })).rejects.toMatchObject({ status: 404 });
  });

  it("answers 404 for another project's task", async () => {
    const created = await task({});
    const other = (await createProject((await createAccount()).id)).id;
    await expect(updateTask(other, created.id, { name: "Hijack" })).rejects.toMatchObject({ status: 404 });
    await expect(deleteTask(other, created.id)).rejects.toMatchObject({ status: 404 });
  });
});
