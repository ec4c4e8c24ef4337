import { z } from "zod";
import { json, parseWith, type Reply } from "../http.ts";
import { found, inScope, scopeSchema, type RecordType } from "../records.ts";
import { PERSON_IN_PROCORE, type Actor, type Company, type Id, type Project, type Store } from "../store.ts";
import {
  addRoutes,
  assign,
  canSeeProject,
  companyParam,
  filterByIds,
  filterByTime,
  filterValue,
  paginated,
  projectParam,
  scopeValue,
  stamps,
  text,
  originField,
  visibleCompanies,
  type ApiContext,
  type ApiRouter,
} from "./context.ts";

/** Service-account tokens act as this directory user (Procore creates one per DMSA install). */
export const SERVICE_ACCOUNT_USER_ID = 4_999_999_999;

function companyView(company: Company) {
  return {
    id: company.id,
    name: company.name,
    is_active: company.is_active,
    logo_url: null,
    pcn_business_experience: false,
    my_company: true,
  };
}

function projectView(store: Store, p: Project) {
  const company = store.t.companies.get(p.company_id);
  return {
    id: p.id,
    name: p.name,
    display_name: p.display_name,
    project_number: p.project_number,
    address: p.address,
    city: p.city,
    state_code: p.state_code,
    country_code: p.country_code,
    zip: p.zip,
    county: null,
    time_zone: p.time_zone,
    latitude: null,
    longitude: null,
    stage: p.stage,
    active: p.active,
    origin_id: p.origin_id,
    origin_data: p.origin_data,
    origin_code: p.origin_code,
    start_date: p.start_date,
    completion_date: p.completion_date,
    created_at: p.created_at,
    updated_at: p.updated_at,
    company: { id: p.company_id, name: company?.name ?? null },
  };
}

const projectAttrs = z.object({
  name: z.string().trim().min(1),
  display_name: z.string().trim().min(1).optional(),
  project_number: text,
  address: text,
  city: text,
  state_code: text,
  zip: text,
  country_code: text,
  time_zone: z.string().optional(),
  stage: z.string().optional(),
  active: z.boolean().optional(),
  origin_id: originField,
  origin_data: text,
  origin_code: text,
  start_date: text,
  completion_date: text,
});

export function buildProject(id: Id, companyId: Id, attrs: z.output<typeof projectAttrs>, time: { created_at: string; updated_at: string }): Project {
  return assign<Project>(
    {
      id,
      company_id: companyId,
      name: attrs.name,
      display_name: attrs.display_name ?? attrs.name,
      project_number: null,
      address: null,
      city: null,
      state_code: null,
      zip: null,
      country_code: "US",
      time_zone: "US/Pacific",
      stage: "Course of Construction",
      active: true,
      origin_id: null,
      origin_data: null,
      origin_code: null,
      start_date: null,
      completion_date: null,
      ...time,
    },
    { ...attrs, display_name: attrs.display_name ?? attrs.name },
  );
}

function projectChange(p: Project, eventType: "create" | "update" | "delete", actor: Actor, store: Store): void {
  store.changed({ resource_name: "Projects", event_type: eventType, resource_id: p.id, company_id: p.company_id, project_id: p.id }, actor);
}

/** Removes a project and everything that hangs off it (admin only; Procore itself never hard-deletes projects). */
function deleteProject(store: Store, actor: Actor, project: Project): void {
  const pid = project.id;
  store.t.projects.delete(pid);
  store.t.projectUsers.removeWhere((r) => r.project_id === pid);
  store.t.projectVendors.removeWhere((r) => r.project_id === pid);
  store.t.locations.removeWhere((r) => r.project_id === pid);
  store.t.projectRoles.removeWhere((r) => r.project_id === pid);
  store.t.permissionTemplates.removeWhere((r) => r.project_id === pid);
  store.t.tasks.removeWhere((r) => r.project_id === pid);
  projectChange(project, "delete", actor, store);
}

function me(ctx: ApiContext): Reply {
  if (ctx.token.user_id === null) {
    return json(200, { id: SERVICE_ACCOUNT_USER_ID, login: `${ctx.token.client_id}@service-account.procore.test`, name: "Smartapp service account" });
  }
  const person = ctx.store.t.people.get(ctx.token.user_id);
  return json(200, { id: ctx.token.user_id, login: person?.email ?? null, name: person?.name ?? null });
}

function listProjects(ctx: ApiContext): Reply {
  const company = companyParam(ctx, ctx.query.get("company_id"));
  const status = filterValue(ctx.query, "by_status") ?? "Active";
  const name = filterValue(ctx.query, "name")?.toLowerCase();
  const origin = filterValue(ctx.query, "origin_id");
  let projects = ctx.store.t.projects.filter(
    (p) =>
      p.company_id === company.id &&
      (status === "All" || p.active === (status !== "Inactive")) &&
      (!name || p.name.toLowerCase().includes(name)) &&
      (origin === null || p.origin_id === origin) &&
      canSeeProject(ctx.store, ctx.token, p),
  );
  projects = filterByIds(ctx.query, filterByTime(ctx.query, "updated_at", projects, (p) => p.updated_at));
  if (ctx.query.get("sort") === "name") projects.sort((a, b) => a.name.localeCompare(b.name));
  return paginated(ctx, projects, (p) => projectView(ctx.store, p));
}

export function registerCompanies(router: ApiRouter): void {
  router.add("GET", "/rest/v1.0/me", { handler: me, companyHeader: "service-accounts" });
  router.add("GET", "/rest/v1.0/companies", {
    handler: (ctx) => paginated(ctx, visibleCompanies(ctx.store, ctx.token), companyView),
    companyHeader: "service-accounts",
  });
  addRoutes(router, [
    ["GET", "/projects", listProjects],
    [
      "GET",
      "/projects/:id",
      (ctx) => {
        companyParam(ctx, scopeValue(ctx, "company_id"));
        return json(200, projectView(ctx.store, projectParam(ctx, ctx.params.id, "id")));
      },
    ],
  ]);
}

const companyAttrs = z.object({ name: z.string().trim().min(1), is_active: z.boolean().optional() });

export const companyRecords: RecordType = {
  list: (store, scope) => store.t.companies.filter((c) => inScope(scope, c.id)),
  get: (store, id) => store.t.companies.get(id),
  create: (store, body) => {
    const attrs = parseWith(companyAttrs, body);
    return store.t.companies.put({ id: store.nextId("companies"), name: attrs.name, is_active: attrs.is_active ?? true, ...stamps(store) });
  },
  update: (store, id, body) => {
    const company = found(store.t.companies.get(id));
    return assign(company, { ...parseWith(companyAttrs.partial(), body), updated_at: store.now() });
  },
};

export const projectRecords: RecordType = {
  list: (store, scope) => store.t.projects.filter((p) => inScope(scope, p.company_id, p.id)),
  get: (store, id) => store.t.projects.get(id),
  create: (store, body) => {
    const { company_id } = parseWith(scopeSchema.company, body);
    found(store.t.companies.get(company_id));
    const project = store.t.projects.put(buildProject(store.nextId("projects"), company_id, parseWith(projectAttrs, body), stamps(store)));
    projectChange(project, "create", PERSON_IN_PROCORE, store);
    return project;
  },
  update: (store, id, body) => {
    const project = found(store.t.projects.get(id));
    assign(project, { ...parseWith(projectAttrs.partial(), body), updated_at: store.now() });
    projectChange(project, "update", PERSON_IN_PROCORE, store);
    return project;
  },
  remove: (store, id) => deleteProject(store, PERSON_IN_PROCORE, found(store.t.projects.get(id))),
};
