import { z } from "zod";
import { fail, json, noContent, parseWith } from "../http.ts";
import { found, inScope, scopeSchema, type RecordType } from "../records.ts";
import {
  key2,
  PERSON_IN_PROCORE,
  type Actor,
  type EventType,
  type PermissionTemplate,
  type Project,
  type ProjectRole,
  type Role,
  type Store,
} from "../store.ts";
import {
  addRoutes,
  assign,
  companyParam,
  filterValue,
  headerCompany,
  idSchema,
  paginated,
  pathId,
  projectParam,
  scopeValue,
  stamps,
  type ApiContext,
  type ApiRouter,
} from "./context.ts";
import { fullName } from "./users.ts";

const roleView = (r: Role) => ({ id: r.id, name: r.name });

function projectRoleView(store: Store, pr: ProjectRole, project: Project) {
  const user = store.t.companyUsers.get(key2(project.company_id, pr.user_id));
  return {
    id: pr.id,
    name: user ? fullName(user) : null,
    role: pr.role,
    user_id: pr.user_id,
    contact_id: null,
    is_active: pr.is_active,
    created_at: pr.created_at,
  };
}

const templateView = (t: PermissionTemplate) => ({
  id: t.id,
  name: t.name,
  project_specific: t.project_id !== null,
  type: t.type,
  category: t.category,
});

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

const projectRoleAttrs = z.object({ role: z.string().trim().min(1), user_id: idSchema });

function emit(store: Store, actor: Actor, project: Project, pr: ProjectRole, eventType: EventType): void {
  store.changed(
    { resource_name: "Project Roles", event_type: eventType, resource_id: pr.id, company_id: project.company_id, project_id: project.id },
    actor,
  );
}

/** The role must be one of the company's role definitions; the same person holds a role on a project once (409). */
function createProjectRole(store: Store, actor: Actor, project: Project, attrs: z.output<typeof projectRoleAttrs>): ProjectRole {
  const role = store.t.roles.find((r) => r.company_id === project.company_id && sameName(r.name, attrs.role));
  if (!role) throw fail.validation({ role: ["is not a role of this company"] }, 422);
  if (!store.t.companyUsers.get(key2(project.company_id, attrs.user_id))) throw fail.validation({ user_id: ["is not in the company directory"] }, 422);
  const taken = store.t.projectRoles.lookup("project", String(project.id)).find((pr) => pr.user_id === attrs.user_id && sameName(pr.role, role.name));
  if (taken) throw fail.validation({ role: ["has already been taken"] }, 409);
  const pr = store.t.projectRoles.put({
    id: store.nextId("project_roles"),
    project_id: project.id,
    role: role.name,
    user_id: attrs.user_id,
    is_active: true,
    ...stamps(store),
  });
  emit(store, actor, project, pr, "create");
  return pr;
}

function deleteProjectRole(store: Store, actor: Actor, project: Project, pr: ProjectRole): void {
  store.t.projectRoles.delete(pr.id);
  emit(store, actor, project, pr, "delete");
}

function companyTemplate(ctx: ApiContext): PermissionTemplate {
  const t = ctx.store.t.permissionTemplates.get(pathId(ctx));
  if (!t || t.company_id !== headerCompany(ctx).id) throw fail.notFound("Permission template not found");
  return t;
}

export function registerRoles(router: ApiRouter): void {
  addRoutes(router, [
    [
      "GET",
      "/companies/:company_id/roles",
      (ctx) => {
        const company = companyParam(ctx, ctx.params.company_id);
        return json(200, ctx.store.t.roles.filter((r) => r.company_id === company.id).map(roleView));
      },
    ],
    [
      "GET",
      "/project_roles",
      (ctx) => {
        const project = projectParam(ctx, ctx.query.get("project_id"));
        const roles = ctx.store.t.projectRoles.lookup("project", String(project.id));
        return paginated(ctx, roles, (pr) => projectRoleView(ctx.store, pr, project));
      },
    ],
    [
      "POST",
      "/project_roles",
      (ctx) => {
        const project = projectParam(ctx, scopeValue(ctx, "project_id"));
        const { project_role } = parseWith(z.object({ project_role: projectRoleAttrs }), ctx.body);
        return json(201, projectRoleView(ctx.store, createProjectRole(ctx.store, ctx.actor, project, project_role), project));
      },
    ],
    [
      "DELETE",
      "/project_roles/:id",
      (ctx) => {
        const project = projectParam(ctx, scopeValue(ctx, "project_id"));
        const pr = ctx.store.t.projectRoles.get(pathId(ctx));
        if (!pr || pr.project_id !== project.id) throw fail.notFound("Project role not found");
        deleteProjectRole(ctx.store, ctx.actor, project, pr);
        return noContent();
      },
    ],
    [
      "GET",
      "/companies/:company_id/permission_templates",
      (ctx) => {
        const company = companyParam(ctx, ctx.params.company_id);
        const type = filterValue(ctx.query, "type") ?? "project_tools";
        const templates = ctx.store.t.permissionTemplates.filter((t) => t.company_id === company.id && t.project_id === null && t.type === type);
        return json(200, templates.map(templateView));
      },
    ],
    [
      "GET",
      "/companies/:company_id/permission_templates/:id",
      (ctx) => {
        companyParam(ctx, ctx.params.company_id);
        return json(200, templateView(companyTemplate(ctx)));
      },
    ],
    [
      "GET",
      "/projects/:project_id/permission_templates",
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        const templates = ctx.store.t.permissionTemplates.filter(
          (t) => t.company_id === project.company_id && t.type === "project_tools" && (t.project_id === null || t.project_id === project.id),
        );
        return json(200, templates.map(templateView));
      },
    ],
  ]);
}

const roleAttrs = z.object({ name: z.string().trim().min(1) });

/** Company role definitions (the names project roles refer to). */
export const roleRecords: RecordType = {
  list: (store, scope) => store.t.roles.filter((r) => inScope(scope, r.company_id)),
  get: (store, id) => store.t.roles.get(id),
  create: (store, body) => {
    const { company_id } = parseWith(scopeSchema.company, body);
    found(store.t.companies.get(company_id));
    const { name } = parseWith(roleAttrs, body);
    if (store.t.roles.find((r) => r.company_id === company_id && sameName(r.name, name))) throw fail.validation({ name: ["has already been taken"] }, 409);
    return store.t.roles.put({ id: store.nextId("roles"), company_id, name, ...stamps(store) });
  },
  update: (store, id, body) => assign(found(store.t.roles.get(id)), { ...parseWith(roleAttrs.partial(), body), updated_at: store.now() }),
  remove: (store, id) => {
    found(store.t.roles.get(id));
    store.t.roles.delete(id);
  },
};

export const projectRoleRecords: RecordType = {
  list: (store, scope) => store.t.projectRoles.filter((pr) => inScope(scope, store.t.projects.get(pr.project_id)?.company_id ?? 0, pr.project_id)),
  get: (store, id) => store.t.projectRoles.get(id),
  create: (store, body) => {
    const project = found(store.t.projects.get(parseWith(scopeSchema.project, body).project_id));
    return createProjectRole(store, PERSON_IN_PROCORE, project, parseWith(projectRoleAttrs, body));
  },
  remove: (store, id) => {
    const pr = found(store.t.projectRoles.get(id));
    deleteProjectRole(store, PERSON_IN_PROCORE, found(store.t.projects.get(pr.project_id)), pr);
  },
};

const templateAttrs = z.object({
  name: z.string().trim().min(1),
  project_id: idSchema.nullable().optional(),
  type: z.enum(["project_tools", "company_tools", "global"]).optional(),
  category: z.enum(["internal", "external"]).optional(),
});

export const permissionTemplateRecords: RecordType = {
  list: (store, scope) => store.t.permissionTemplates.filter((t) => inScope(scope, t.company_id, t.project_id ?? undefined)),
  get: (store, id) => store.t.permissionTemplates.get(id),
  create: (store, body) => {
    const { company_id } = parseWith(scopeSchema.company, body);
    found(store.t.companies.get(company_id));
    const attrs = parseWith(templateAttrs, body);
    return store.t.permissionTemplates.put({
      id: store.nextId("permission_templates"),
      company_id,
      project_id: attrs.project_id ?? null,
      name: attrs.name,
      type: attrs.type ?? "project_tools",
      category: attrs.category ?? "internal",
      ...stamps(store),
    });
  },
  update: (store, id, body) =>
    assign(found(store.t.permissionTemplates.get(id)), { ...parseWith(templateAttrs.partial(), body), updated_at: store.now() }),
  remove: (store, id) => {
    found(store.t.permissionTemplates.get(id));
    store.t.permissionTemplates.delete(id);
  },
};
