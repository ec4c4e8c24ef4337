import { z } from "zod";
import { fail, json, noContent, parseWith, type Reply } from "../http.ts";
import { found, inScope, scopeSchema, type RecordType } from "../records.ts";
import { PERSON_IN_PROCORE, type Actor, type EventType, type Project, type Store, type Task } from "../store.ts";
import {
  addRoutes,
  assign,
  checkOriginFree,
  filterByIds,
  filterByTime,
  filterValue,
  idSchema,
  matchesSearch,
  originField,
  paginated,
  pathId,
  projectParam,
  scopeValue,
  stamps,
  text,
  type ApiContext,
  type ApiRouter,
} from "./context.ts";
import { runSync, syncUpdates } from "./sync.ts";

function taskView(t: Task) {
  return {
    id: t.id,
    name: t.name,
    task_name: t.name,
    start_datetime: t.start,
    finish_datetime: t.finish,
    percentage: t.percentage,
    milestone: t.milestone,
    parent_id: t.parent_id,
    row_number: t.row_number,
    source_uid: t.source_uid,
    wbs: t.wbs,
    notes: t.notes,
    resource_ids: t.resource_ids,
    origin_id: t.origin_id,
    origin_data: t.origin_data,
    manually_edited: t.manually_edited,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}

const dateTime = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "is not a valid date-time")
  .transform((v) => new Date(v).toISOString());

const taskAttrs = z.object({
  name: z.string().trim().min(1),
  start: dateTime.nullable().optional(),
  finish: dateTime.nullable().optional(),
  percentage: z.number().min(0).max(100).optional(),
  milestone: z.boolean().optional(),
  parent_id: idSchema.nullable().optional(),
  row_number: z.number().int().nullable().optional(),
  source_uid: text,
  wbs: text,
  notes: text,
  resource_ids: z.array(idSchema).optional(),
  origin_id: originField,
  origin_data: text,
});
type TaskAttrs = Partial<z.output<typeof taskAttrs>>;

function checkTask(store: Store, project: Project, attrs: TaskAttrs, self?: Task): void {
  // origin_id is unique across every project of the company, not only this one.
  checkOriginFree(store.t.tasks, (t) => store.t.projects.get(t.project_id)?.company_id === project.company_id, attrs.origin_id, self?.id);
  if (attrs.parent_id != null && (store.t.tasks.get(attrs.parent_id)?.project_id !== project.id || attrs.parent_id === self?.id)) {
    throw fail.validation({ parent_id: ["is invalid"] }, 422);
  }
  const start = attrs.start === undefined ? self?.start : attrs.start;
  const finish = attrs.finish === undefined ? self?.finish : attrs.finish;
  if (start && finish && finish < start) throw fail.validation({ finish: ["must be after start"] }, 422);
}

function emit(store: Store, actor: Actor, project: Project, task: Task, eventType: EventType): void {
  store.changed({ resource_name: "Tasks", event_type: eventType, resource_id: task.id, company_id: project.company_id, project_id: project.id }, actor);
}

/** `manually_edited` marks tasks a person created or changed in Procore, as opposed to ones an app wrote. */
const byPerson = (actor: Actor) => actor.clientId === null;

function createTask(store: Store, actor: Actor, project: Project, attrs: z.output<typeof taskAttrs>): Task {
  checkTask(store, project, attrs);
  const task = store.t.tasks.put(
    assign<Task>(
      {
        id: store.nextId("tasks"),
        project_id: project.id,
        name: attrs.name,
        start: null,
        finish: null,
        percentage: 0,
        milestone: false,
        parent_id: null,
        row_number: null,
        source_uid: null,
        wbs: null,
        notes: null,
        resource_ids: [],
        origin_id: null,
        origin_data: null,
        manually_edited: byPerson(actor),
        ...stamps(store),
      },
      attrs,
    ),
  );
  emit(store, actor, project, task, "create");
  return task;
}

function updateTask(store: Store, actor: Actor, project: Project, task: Task, attrs: TaskAttrs): Task {
  checkTask(store, project, attrs, task);
  assign(task, { ...attrs, manually_edited: task.manually_edited || byPerson(actor), updated_at: store.now() });
  emit(store, actor, project, task, "update");
  return task;
}

function deleteTask(store: Store, actor: Actor, project: Project, task: Task): void {
  store.t.tasks.delete(task.id);
  emit(store, actor, project, task, "delete");
}

function projectTask(ctx: ApiContext, project: Project): Task {
  const task = ctx.store.t.tasks.get(pathId(ctx));
  if (!task || task.project_id !== project.id) throw fail.notFound("Task not found");
  return task;
}

function listTasks(ctx: ApiContext): Reply {
  const project = projectParam(ctx, ctx.query.get("project_id"));
  const query = filterValue(ctx.query, "query");
  let tasks = ctx.store.t.tasks.filter((t) => t.project_id === project.id && matchesSearch(query, t.name));
  tasks = filterByIds(ctx.query, filterByTime(ctx.query, "updated_at", tasks, (t) => t.updated_at));
  return paginated(ctx, tasks, taskView);
}

const wrapped = <S extends z.ZodType>(attrs: S) => z.object({ task: attrs });

export function registerTasks(router: ApiRouter): void {
  addRoutes(router, [
    ["GET", "/tasks", listTasks],
    ["GET", "/tasks/:id", (ctx) => json(200, taskView(projectTask(ctx, projectParam(ctx, ctx.query.get("project_id")))))],
    [
      "POST",
      "/tasks",
      (ctx) => {
        const project = projectParam(ctx, scopeValue(ctx, "project_id"));
        const { task } = parseWith(wrapped(taskAttrs), ctx.body);
        return json(201, taskView(createTask(ctx.store, ctx.actor, project, task)));
      },
    ],
    [
      "PATCH",
      "/tasks/sync",
      (ctx) => {
        const project = projectParam(ctx, scopeValue(ctx, "project_id"));
        const inProject = (t: Task | undefined) => (t?.project_id === project.id ? t : undefined);
        return runSync(syncUpdates(ctx.body), {
          findById: (id) => inProject(ctx.store.t.tasks.get(id)),
          findByOrigin: (origin) => ctx.store.t.tasks.find((t) => t.project_id === project.id && t.origin_id === origin),
          create: (item) => createTask(ctx.store, ctx.actor, project, parseWith(taskAttrs, item)),
          update: (record, item) => updateTask(ctx.store, ctx.actor, project, record, parseWith(taskAttrs.partial(), item)),
          view: taskView,
        });
      },
    ],
    [
      "PATCH",
      "/tasks/:id",
      (ctx) => {
        const project = projectParam(ctx, scopeValue(ctx, "project_id"));
        const existing = projectTask(ctx, project);
        const { task } = parseWith(wrapped(taskAttrs.partial()), ctx.body);
        return json(200, taskView(updateTask(ctx.store, ctx.actor, project, existing, task)));
      },
    ],
    [
      "DELETE",
      "/tasks/:id",
      (ctx) => {
        const project = projectParam(ctx, scopeValue(ctx, "project_id"));
        deleteTask(ctx.store, ctx.actor, project, projectTask(ctx, project));
        return noContent();
      },
    ],
  ]);
}

const projectOf = (store: Store, task: Task) => found(store.t.projects.get(task.project_id));

export const taskRecords: RecordType = {
  list: (store, scope) => store.t.tasks.filter((t) => inScope(scope, store.t.projects.get(t.project_id)?.company_id ?? 0, t.project_id)),
  get: (store, id) => store.t.tasks.get(id),
  create: (store, body) => {
    const project = found(store.t.projects.get(parseWith(scopeSchema.project, body).project_id));
    return createTask(store, PERSON_IN_PROCORE, project, parseWith(taskAttrs, body));
  },
  update: (store, id, body) => {
    const task = found(store.t.tasks.get(id));
    return updateTask(store, PERSON_IN_PROCORE, projectOf(store, task), task, parseWith(taskAttrs.partial(), body));
  },
  remove: (store, id) => {
    const task = found(store.t.tasks.get(id));
    deleteTask(store, PERSON_IN_PROCORE, projectOf(store, task), task);
  },
};
