import { z } from "zod";
import { db } from "@/lib/db";
import type { PlanTask } from "@/lib/generated/prisma/client";
import { PlanTaskStatus } from "@/lib/generated/prisma/enums";
import { found, optionalId, requiredText, unfit } from "@/lib/project-data/shared";
import { dateToDay, dayToDate, type Day } from "./board-rules";
import { publishStateOf, type BoardTask, type PublishState } from "./publish-plan";

/*
 * The plan board of a Planner project: tasks with a company and a location of the project (the synced Companies and
 * Locations), a first and a last day, and a status. Deleting a task leaves a tombstone for the next publish to remove
 * from Procore; the board never shows it again.
 */

const day = (label: string) => z.iso.date({ error: `Enter ${label} as a date` });

const taskFields = z.object({
  name: requiredText("a name"),
  companyId: optionalId,
  locationId: optionalId,
  start: day("the start"),
  finish: day("the finish"),
  status: z.enum(PlanTaskStatus, { error: "Choose a status" }),
});

const FINISH_BEFORE_START = "The finish cannot be before the start";

export const taskCreateSchema = taskFields
  .extend({ status: taskFields.shape.status.default("PLANNED") })
  .refine((t) => t.finish >= t.start, { path: ["finish"], message: FINISH_BEFORE_START });

/** Edits and moves: only the fields sent change. */
export const taskUpdateSchema = taskFields.partial();

export type TaskCreate = z.output<typeof taskCreateSchema>;
export type TaskUpdate = z.output<typeof taskUpdateSchema>;

export interface PlanTaskView {
  id: string;
  name: string;
  companyId: string | null;
  locationId: string | null;
  start: Day;
  finish: Day;
  status: PlanTaskStatus;
  publishState: PublishState;
}

export interface BoardView {
  tasks: PlanTaskView[];
  /** The project's active companies, and any inactive one a task still names. By name. */
  companies: { id: string; name: string; active: boolean }[];
  /** Likewise for locations, by path. */
  locations: { id: string; path: string; active: boolean }[];
}

type Names = { companies: ReadonlyMap<string, string>; locations: ReadonlyMap<string, string> };

/** A stored task as the publish sees it. */
function boardTask(task: PlanTask, names: Names): BoardTask {
  return {
    id: task.id,
    name: task.name,
    start: dateToDay(task.start),
    finish: dateToDay(task.finish),
    status: task.status,
    companyName: task.companyId ? (names.companies.get(task.companyId) ?? null) : null,
    locationPath: task.locationId ? (names.locations.get(task.locationId) ?? null) : null,
    deleted: task.deletedAt !== null,
    procoreTaskId: task.procoreTaskId?.toString() ?? null,
    publishedHash: task.publishedHash,
  };
}

function view(task: PlanTask, names: Names): PlanTaskView {
  const { id, name, companyId, locationId, status } = task;
  const published = boardTask(task, names);
  return { id, name, companyId, locationId, status, start: published.start, finish: published.finish, publishState: publishStateOf(published) };
}

async function namesOf(projectId: string) {
  const [companies, locations] = await Promise.all([
    db().company.findMany({ where: { projectId }, select: { id: true, name: true, active: true }, orderBy: { name: "asc" } }),
    db().location.findMany({ where: { projectId }, select: { id: true, path: true, active: true }, orderBy: { path: "asc" } }),
  ]);
  const names: Names = { companies: new Map(companies.map((c) => [c.id, c.name])), locations: new Map(locations.map((l) => [l.id, l.path])) };
  return { companies, locations, names };
}

/** Every task of the board, tombstones included, with the names the publish sends. */
export async function boardTasks(projectId: string): Promise<BoardTask[]> {
  const [tasks, { names }] = await Promise.all([db().planTask.findMany({ where: { projectId } }), namesOf(projectId)]);
  return tasks.map((t) => boardTask(t, names));
}

export async function getBoard(projectId: string): Promise<BoardView> {
  const [tasks, { companies, locations, names }] = await Promise.all([
    db().planTask.findMany({ where: { projectId, deletedAt: null }, orderBy: [{ start: "asc" }, { name: "asc" }] }),
    namesOf(projectId),
  ]);
  const named = (ids: (string | null)[]) => new Set(ids.filter((id) => id !== null));
  const taskCompanies = named(tasks.map((t) => t.companyId));
  const taskLocations = named(tasks.map((t) => t.locationId));
  return {
    tasks: tasks.map((t) => view(t, names)),
    companies: companies.filter((c) => c.active || taskCompanies.has(c.id)),
    locations: locations.filter((l) => l.active || taskLocations.has(l.id)),
  };
}

/** A new company or location must be an active one of this project; one the task already has may stay. */
async function assertReferences(projectId: string, input: Pick<TaskUpdate, "companyId" | "locationId">, current?: PlanTask): Promise<void> {
  const check = <T>(id: string | null | undefined, kept: string | null | undefined, lookup: (id: string) => Promise<T | null>) =>
    id && id !== kept ? lookup(id) : Promise.resolve(true);
  const [company, location] = await Promise.all([
    check(input.companyId, current?.companyId, (id) => db().company.findFirst({ where: { id, projectId, active: true }, select: { id: true } })),
    check(input.locationId, current?.locationId, (id) => db().location.findFirst({ where: { id, projectId, active: true }, select: { id: true } })),
  ]);
  if (!company) throw unfit("companyId", "Choose an active company of this project");
  if (!location) throw unfit("locationId", "Choose an active location of this project");
}

async function viewOne(projectId: string, task: PlanTask): Promise<PlanTaskView> {
  return view(task, (await namesOf(projectId)).names);
}

export async function createTask(projectId: string, input: TaskCreate): Promise<PlanTaskView> {
  await assertReferences(projectId, input);
  const { start, finish, ...rest } = input;
  const task = await db().planTask.create({ data: { projectId, ...rest, start: dayToDate(start), finish: dayToDate(finish) } });
  return viewOne(projectId, task);
}

const liveTask = async (projectId: string, taskId: string) =>
  found(await db().planTask.findFirst({ where: { id: taskId, projectId, deletedAt: null } }), "Task");

/** Edits or moves a task (a move sends new dates, a company, or both). */
export async function updateTask(projectId: string, taskId: string, input: TaskUpdate): Promise<PlanTaskView> {
  const current = await liveTask(projectId, taskId);
  const start = input.start ?? dateToDay(current.start);
  const finish = input.finish ?? dateToDay(current.finish);
  if (finish < start) throw unfit("finish", FINISH_BEFORE_START);
  await assertReferences(projectId, input, current);
  const task = await db().planTask.update({
    where: { id: taskId },
    data: { ...input, start: input.start && dayToDate(input.start), finish: input.finish && dayToDate(input.finish) },
  });
  return viewOne(projectId, task);
}

/** Takes the task off the board; the next publish deletes it from Procore's schedule. */
export async function deleteTask(projectId: string, taskId: string): Promise<void> {
  await liveTask(projectId, taskId);
  await db().planTask.update({ where: { id: taskId }, data: { deletedAt: new Date() } });
}
