import { z } from "zod";
import { fail, json, noContent, parseWith, type Reply } from "../http.ts";
import { found, inScope, scopeSchema, type RecordScope, type RecordType } from "../records.ts";
import {
  emailKey,
  key2,
  originKey,
  PERSON_IN_PROCORE,
  type Actor,
  type CompanyUser,
  type EventType,
  type Id,
  type Project,
  type ProjectUser,
  type Store,
} from "../store.ts";
import {
  addRoutes,
  assign,
  checkOriginNotTaken,
  companyParam,
  filterValue,
  filterValues,
  idFilter,
  idSchema,
  matchesSearch,
  originField,
  paginatedWhere,
  pathId,
  projectParam,
  stamps,
  text,
  timeFilter,
  type ApiContext,
  type ApiRouter,
} from "./context.ts";
import { runSync, syncUpdates } from "./sync.ts";

export const fullName = (u: CompanyUser) => [u.first_name, u.last_name].filter(Boolean).join(" ");

function templateRef(store: Store, id: Id | null) {
  const t = id === null ? undefined : store.t.permissionTemplates.get(id);
  return t ? { id: t.id, name: t.name, project_specific: t.project_id !== null, type: t.type } : null;
}

function companyUserView(store: Store, u: CompanyUser) {
  const vendor = u.vendor_id === null ? undefined : store.t.vendors.get(u.vendor_id);
  return {
    id: u.id,
    first_name: u.first_name,
    last_name: u.last_name,
    name: fullName(u),
    initials: [u.first_name, u.last_name].map((n) => n?.[0] ?? "").join("").toUpperCase(),
    email_address: u.email_address,
    job_title: u.job_title,
    business_phone: u.business_phone,
    mobile_phone: u.mobile_phone,
    is_active: u.is_active,
    is_employee: u.is_employee,
    employee_id: null,
    vendor: vendor ? { id: vendor.id, name: vendor.name } : null,
    permission_template: templateRef(store, u.permission_template_id),
    company_permission_template: templateRef(store, u.company_permission_template_id),
    origin_id: u.origin_id,
    origin_data: u.origin_data,
    last_login_at: null,
    created_at: u.created_at,
    updated_at: u.updated_at,
  };
}

/** A project user changes when either their directory entry or their project membership changes. */
const projectUserUpdatedAt = (u: CompanyUser, pu: ProjectUser) => (u.updated_at > pu.updated_at ? u.updated_at : pu.updated_at);

function projectUserView(store: Store, u: CompanyUser, pu: ProjectUser) {
  return { ...companyUserView(store, u), permission_template: templateRef(store, pu.permission_template_id), updated_at: projectUserUpdatedAt(u, pu) };
}

const userAttrs = z.object({
  first_name: text,
  last_name: z.string().trim().min(1),
  email_address: z.email(),
  job_title: text,
  business_phone: text,
  mobile_phone: text,
  is_active: z.boolean().optional(),
  is_employee: z.boolean().optional(),
  vendor_id: idSchema.nullable().optional(),
  /** Procore's create body calls the default project template `default_permission_template_id`. */
  default_permission_template_id: idSchema.nullable().optional(),
  permission_template_id: idSchema.nullable().optional(),
  company_permission_template_id: idSchema.nullable().optional(),
  origin_id: originField,
  origin_data: text,
});
type UserAttrs = Partial<z.output<typeof userAttrs>> & { is_company_admin?: boolean };

/** Admin-only extras: make someone a company admin, or give them a password so they can sign in to the sandbox. */
const adminUserAttrs = userAttrs.extend({ is_company_admin: z.boolean().optional(), password: z.string().min(1).optional() });

function toRecordAttrs({ default_permission_template_id, ...rest }: UserAttrs): Partial<CompanyUser> {
  return default_permission_template_id === undefined ? rest : { permission_template_id: default_permission_template_id, ...rest };
}

export function buildCompanyUser(id: Id, companyId: Id, attrs: UserAttrs & { last_name: string; email_address: string }, time: { created_at: string; updated_at: string }): CompanyUser {
  return assign<CompanyUser>(
    {
      id,
      company_id: companyId,
      first_name: null,
      last_name: attrs.last_name,
      email_address: attrs.email_address,
      job_title: null,
      business_phone: null,
      mobile_phone: null,
      is_active: true,
      is_employee: false,
      is_company_admin: false,
      vendor_id: null,
      permission_template_id: null,
      company_permission_template_id: null,
      origin_id: null,
      origin_data: null,
      ...time,
    },
    toRecordAttrs(attrs),
  );
}

function checkUser(store: Store, companyId: Id, attrs: UserAttrs, self?: CompanyUser): void {
  const email = attrs.email_address;
  if (email && store.t.companyUsers.lookup("email", emailKey(companyId, email)).some((u) => u.id !== self?.id)) {
    // Procore answers 409 Conflict to a create with a taken email; a sync item carries the same message.
    throw fail.validation({ email_address: ["has already been taken"] }, self ? 422 : 409);
  }
  if (attrs.origin_id != null) checkOriginNotTaken(store.t.companyUsers.lookup("origin", originKey(companyId, attrs.origin_id)), attrs.origin_id, self?.id);
  const vendor = attrs.vendor_id == null ? undefined : store.t.vendors.get(attrs.vendor_id);
  if (attrs.vendor_id != null && vendor?.company_id !== companyId) throw fail.validation({ vendor_id: ["is invalid"] }, 422);
  for (const field of ["permission_template_id", "default_permission_template_id", "company_permission_template_id"] as const) {
    const id = attrs[field];
    if (id != null && store.t.permissionTemplates.get(id)?.company_id !== companyId) throw fail.validation({ [field]: ["is invalid"] }, 422);
  }
}

function companyEvent(store: Store, actor: Actor, u: CompanyUser, eventType: EventType): void {
  store.changed({ resource_name: "Company Users", event_type: eventType, resource_id: u.id, company_id: u.company_id, project_id: null }, actor);
}

function projectEvent(store: Store, actor: Actor, project: Project, userId: Id, eventType: EventType): void {
  store.changed(
    { resource_name: "Project Users", event_type: eventType, resource_id: userId, company_id: project.company_id, project_id: project.id },
    actor,
  );
}

/** Procore user ids are global: an email already known in another company keeps its person's id. */
function createCompanyUser(store: Store, actor: Actor, companyId: Id, attrs: z.output<typeof userAttrs> & UserAttrs, password?: string): CompanyUser {
  checkUser(store, companyId, attrs);
  const name = [attrs.first_name, attrs.last_name].filter(Boolean).join(" ");
  const person =
    store.personByEmail(attrs.email_address) ??
    store.addPerson({ id: store.nextId("users"), email: attrs.email_address, name, password: null });
  if (password) person.password = password;
  const user = store.t.companyUsers.put(buildCompanyUser(person.id, companyId, attrs, stamps(store)));
  companyEvent(store, actor, user, "create");
  return user;
}

function updateCompanyUser(store: Store, actor: Actor, user: CompanyUser, attrs: UserAttrs): CompanyUser {
  checkUser(store, user.company_id, attrs, user);
  assign(user, { ...toRecordAttrs(attrs), updated_at: store.now() });
  // Filed again: the email and origin indexes follow.
  store.t.companyUsers.put(user);
  companyEvent(store, actor, user, "update");
  return user;
}

function addProjectUser(store: Store, actor: Actor, project: Project, user: CompanyUser, templateId: Id | null | undefined): ProjectUser {
  if (templateId != null && store.t.permissionTemplates.get(templateId)?.company_id !== project.company_id) {
    throw fail.validation({ permission_template_id: ["is invalid"] }, 422);
  }
  const existing = store.t.projectUsers.get(key2(project.id, user.id));
  if (existing) {
    if (templateId === undefined || templateId === existing.permission_template_id) return existing;
    assign(existing, { permission_template_id: templateId, updated_at: store.now() });
    projectEvent(store, actor, project, user.id, "update");
    return existing;
  }
  const membership = store.t.projectUsers.put({ project_id: project.id, user_id: user.id, permission_template_id: templateId ?? null, ...stamps(store) });
  projectEvent(store, actor, project, user.id, "create");
  return membership;
}

function removeProjectUser(store: Store, actor: Actor, project: Project, userId: Id): void {
  if (!store.t.projectUsers.delete(key2(project.id, userId))) throw fail.notFound("User is not on this project");
  projectEvent(store, actor, project, userId, "delete");
}

function directoryUser(ctx: ApiContext, companyId: Id, id: Id): CompanyUser {
  const user = ctx.store.t.companyUsers.get(key2(companyId, id));
  if (!user) throw fail.notFound("User not found");
  return user;
}

function listCompanyUsers(ctx: ApiContext, active: boolean): Reply {
  const company = companyParam(ctx, ctx.params.company_id);
  const search = filterValue(ctx.query, "search");
  const origin = filterValue(ctx.query, "origin_id");
  const vendorIds = new Set(filterValues(ctx.query, "vendor_id").map(Number));
  const updated = timeFilter(ctx.query, "updated_at");
  const ids = idFilter(ctx.query);
  const created = timeFilter(ctx.query, "created_at");
  const keep = (u: CompanyUser) =>
    u.is_active === active &&
    (origin === null || u.origin_id === origin) &&
    (vendorIds.size === 0 || (u.vendor_id !== null && vendorIds.has(u.vendor_id))) &&
    matchesSearch(search, u.first_name, u.last_name, u.email_address, u.job_title, fullName(u)) &&
    (updated === null || updated(u.updated_at)) &&
    (ids === null || ids.has(u.id)) &&
    (created === null || created(u.created_at))
      ? u
      : null;
  return paginatedWhere(ctx, () => ctx.store.t.companyUsers.lookup("company", String(company.id)), keep, (u) => companyUserView(ctx.store, u));
}

function listProjectUsers(ctx: ApiContext): Reply {
  const project = projectParam(ctx, ctx.params.project_id);
  const search = filterValue(ctx.query, "search");
  const vendorIds = new Set(filterValues(ctx.query, "vendor_id").map(Number));
  const updated = timeFilter(ctx.query, "updated_at");
  const ids = idFilter(ctx.query);
  const keep = (pu: ProjectUser) => {
    const user = ctx.store.t.companyUsers.get(key2(project.company_id, pu.user_id));
    if (!user?.is_active) return null;
    if (vendorIds.size > 0 && (user.vendor_id === null || !vendorIds.has(user.vendor_id))) return null;
    if (!matchesSearch(search, user.first_name, user.last_name, user.email_address, user.job_title, fullName(user))) return null;
    if (updated !== null && !updated(projectUserUpdatedAt(user, pu))) return null;
    if (ids !== null && !ids.has(user.id)) return null;
    return { user, pu };
  };
  return paginatedWhere(ctx, () => ctx.store.t.projectUsers.lookup("project", String(project.id)), keep, ({ user, pu }) => projectUserView(ctx.store, user, pu));
}

const wrapped = <S extends z.ZodType>(attrs: S) => z.object({ user: attrs });
const membershipBody = z.object({ user: z.object({ permission_template_id: idSchema.nullable().optional() }).optional() }).optional();

export function registerUsers(router: ApiRouter): void {
  const company = "/companies/:company_id/users";
  const project = "/projects/:project_id/users";
  addRoutes(router, [
    ["GET", company, (ctx) => listCompanyUsers(ctx, true)],
    ["GET", `${company}/inactive`, (ctx) => listCompanyUsers(ctx, false)],
    [
      "GET",
      `${company}/:id`,
      (ctx) => json(200, companyUserView(ctx.store, directoryUser(ctx, companyParam(ctx, ctx.params.company_id).id, pathId(ctx)))),
    ],
    [
      "POST",
      company,
      (ctx) => {
        const { id } = companyParam(ctx, ctx.params.company_id);
        const { user } = parseWith(wrapped(userAttrs), ctx.body);
        return json(201, companyUserView(ctx.store, createCompanyUser(ctx.store, ctx.actor, id, user)));
      },
    ],
    [
      "PATCH",
      `${company}/:id`,
      (ctx) => {
        const existing = directoryUser(ctx, companyParam(ctx, ctx.params.company_id).id, pathId(ctx));
        const { user } = parseWith(wrapped(userAttrs.partial()), ctx.body);
        return json(200, companyUserView(ctx.store, updateCompanyUser(ctx.store, ctx.actor, existing, user)));
      },
    ],
    [
      "PATCH",
      `${company}/inactive/:id`,
      (ctx) => {
        const existing = directoryUser(ctx, companyParam(ctx, ctx.params.company_id).id, pathId(ctx));
        return json(200, companyUserView(ctx.store, updateCompanyUser(ctx.store, ctx.actor, existing, { is_active: true })));
      },
    ],
    [
      "PATCH",
      `${company}/sync`,
      (ctx) => {
        const { id: companyId } = companyParam(ctx, ctx.params.company_id);
        return runSync(syncUpdates(ctx.body), {
          findById: (id) => ctx.store.t.companyUsers.get(key2(companyId, id)),
          findByOrigin: (origin) => ctx.store.t.companyUsers.lookup("origin", originKey(companyId, origin))[0],
          create: (item) => createCompanyUser(ctx.store, ctx.actor, companyId, parseWith(userAttrs, item)),
          update: (record, item) => updateCompanyUser(ctx.store, ctx.actor, record, parseWith(userAttrs.partial(), item)),
          view: (u) => companyUserView(ctx.store, u),
        });
      },
    ],
    ["GET", project, listProjectUsers],
    [
      "GET",
      `${project}/:id`,
      (ctx) => {
        const p = projectParam(ctx, ctx.params.project_id);
        const pu = ctx.store.t.projectUsers.get(key2(p.id, pathId(ctx)));
        if (!pu) throw fail.notFound("User is not on this project");
        return json(200, projectUserView(ctx.store, directoryUser(ctx, p.company_id, pu.user_id), pu));
      },
    ],
    [
      "POST",
      project,
      (ctx) => {
        const p = projectParam(ctx, ctx.params.project_id);
        const { user } = parseWith(wrapped(userAttrs), ctx.body);
        const existing = ctx.store.t.companyUsers.lookup("email", emailKey(p.company_id, user.email_address))[0];
        const member = existing ?? createCompanyUser(ctx.store, ctx.actor, p.company_id, user);
        const pu = addProjectUser(ctx.store, ctx.actor, p, member, user.permission_template_id ?? user.default_permission_template_id);
        return json(201, projectUserView(ctx.store, member, pu));
      },
    ],
    [
      "PATCH",
      `${project}/:id`,
      (ctx) => {
        const p = projectParam(ctx, ctx.params.project_id);
        const pu = ctx.store.t.projectUsers.get(key2(p.id, pathId(ctx)));
        if (!pu) throw fail.notFound("User is not on this project");
        const { user } = parseWith(wrapped(userAttrs.partial()), ctx.body);
        const { permission_template_id, ...directoryAttrs } = user;
        const member = directoryUser(ctx, p.company_id, pu.user_id);
        if (Object.values(directoryAttrs).some((v) => v !== undefined)) updateCompanyUser(ctx.store, ctx.actor, member, directoryAttrs);
        addProjectUser(ctx.store, ctx.actor, p, member, permission_template_id);
        return json(200, projectUserView(ctx.store, member, pu));
      },
    ],
    [
      "POST",
      `${project}/:id/actions/add`,
      (ctx) => {
        const p = projectParam(ctx, ctx.params.project_id);
        const member = directoryUser(ctx, p.company_id, pathId(ctx));
        const body = parseWith(membershipBody, ctx.body);
        const pu = addProjectUser(ctx.store, ctx.actor, p, member, body?.user?.permission_template_id);
        return json(201, projectUserView(ctx.store, member, pu));
      },
    ],
    [
      "DELETE",
      `${project}/:id/actions/remove`,
      (ctx) => {
        removeProjectUser(ctx.store, ctx.actor, projectParam(ctx, ctx.params.project_id), pathId(ctx));
        return noContent();
      },
    ],
  ]);
}

function userInScope(store: Store, u: CompanyUser, scope: RecordScope): boolean {
  return inScope(scope, u.company_id) && (scope.project_id === null || store.t.projectUsers.get(key2(scope.project_id, u.id)) !== undefined);
}

const withName = (u: CompanyUser) => ({ ...u, name: fullName(u) });

/** Company directory entries; the record id is the (global) user id, `company_id` picks the company when it is in several. */
export const userRecords: RecordType = {
  list: (store, scope) => store.t.companyUsers.filter((u) => userInScope(store, u, scope)).map(withName),
  get: (store, id, scope) => {
    const u = store.t.companyUsers.find((u) => u.id === id && userInScope(store, u, scope));
    return u && withName(u);
  },
  create: (store, body) => {
    const { company_id } = parseWith(scopeSchema.company, body);
    found(store.t.companies.get(company_id));
    const { password, ...attrs } = parseWith(adminUserAttrs, body);
    return withName(createCompanyUser(store, PERSON_IN_PROCORE, company_id, attrs, password));
  },
  update: (store, id, body, scope) => {
    const user = found(store.t.companyUsers.find((u) => u.id === id && userInScope(store, u, scope)));
    const { password, ...attrs } = parseWith(adminUserAttrs.partial(), body);
    if (password) found(store.t.people.get(id)).password = password;
    return withName(updateCompanyUser(store, PERSON_IN_PROCORE, user, attrs));
  },
  remove: (store, id, scope) => {
    const user = found(store.t.companyUsers.find((u) => u.id === id && userInScope(store, u, scope)));
    const projects = store.t.projects.filter((p) => p.company_id === user.company_id);
    for (const p of projects) if (store.t.projectUsers.get(key2(p.id, id))) removeProjectUser(store, PERSON_IN_PROCORE, p, id);
    store.t.companyUsers.delete(key2(user.company_id, id));
    companyEvent(store, PERSON_IN_PROCORE, user, "delete");
  },
};

function projectMembership(store: Store, userId: Id, scope: RecordScope): ProjectUser | undefined {
  return store.t.projectUsers.lookup("user", String(userId)).find(
    (pu) => inScope(scope, store.t.projects.get(pu.project_id)?.company_id ?? 0, pu.project_id),
  );
}

/** Project memberships; the record id is the user id, `project_id` picks the project. */
export const projectUserRecords: RecordType = {
  list: (store, scope) =>
    store.t.projectUsers.filter((pu) => inScope(scope, store.t.projects.get(pu.project_id)?.company_id ?? 0, pu.project_id)),
  get: (store, id, scope) => projectMembership(store, id, scope),
  create: (store, body) => {
    const attrs = parseWith(scopeSchema.project.extend({ user_id: idSchema, permission_template_id: idSchema.nullable().optional() }), body);
    const project = found(store.t.projects.get(attrs.project_id));
    const user = store.t.companyUsers.get(key2(project.company_id, attrs.user_id));
    if (!user) throw fail.validation({ user_id: ["is not in the company directory"] }, 422);
    return addProjectUser(store, PERSON_IN_PROCORE, project, user, attrs.permission_template_id);
  },
  update: (store, id, body, scope) => {
    const pu = found(projectMembership(store, id, scope));
    const { permission_template_id } = parseWith(z.object({ permission_template_id: idSchema.nullable() }), body);
    const project = found(store.t.projects.get(pu.project_id));
    return addProjectUser(store, PERSON_IN_PROCORE, project, found(store.t.companyUsers.get(key2(project.company_id, id))), permission_template_id);
  },
  remove: (store, id, scope) => {
    const pu = found(projectMembership(store, id, scope));
    removeProjectUser(store, PERSON_IN_PROCORE, found(store.t.projects.get(pu.project_id)), id);
  },
};
