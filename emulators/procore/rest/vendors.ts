import { z } from "zod";
import { fail, json, noContent, parseWith, type Reply } from "../http.ts";
import { found, inScope, scopeSchema, type RecordScope, type RecordType } from "../records.ts";
import { key2, originKey, PERSON_IN_PROCORE, type Actor, type EventType, type Id, type Project, type ProjectVendor, type Store, type Vendor } from "../store.ts";
import {
  addRoutes,
  assign,
  checkOriginNotTaken,
  companyParam,
  filterValue,
  headerCompany,
  idFilter,
  idSchema,
  matchesSearch,
  originField,
  paginatedWhere,
  pathId,
  projectParam,
  scopeValue,
  stamps,
  text,
  timeFilter,
  type ApiContext,
  type ApiRouter,
} from "./context.ts";
import { runSync, syncUpdates } from "./sync.ts";

function vendorView(v: Vendor) {
  return {
    id: v.id,
    name: v.name,
    abbreviated_name: v.abbreviated_name,
    trade_name: v.trade_name,
    legal_name: v.legal_name,
    address: v.address,
    city: v.city,
    state_code: v.state_code,
    zip: v.zip,
    country_code: v.country_code,
    business_phone: v.business_phone,
    mobile_phone: v.mobile_phone,
    fax_number: v.fax_number,
    email_address: v.email_address,
    website: v.website,
    license_number: v.license_number,
    notes: v.notes,
    is_active: v.is_active,
    origin_id: v.origin_id,
    origin_code: v.origin_code,
    origin_data: v.origin_data,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

const vendorAttrs = z.object({
  name: z.string().trim().min(1),
  abbreviated_name: text,
  trade_name: text,
  legal_name: text,
  address: text,
  city: text,
  state_code: text,
  zip: text,
  country_code: text,
  business_phone: text,
  mobile_phone: text,
  fax_number: text,
  email_address: text,
  website: text,
  license_number: text,
  notes: text,
  is_active: z.boolean().optional(),
  origin_id: originField,
  origin_code: text,
  origin_data: text,
});
type VendorAttrs = z.output<typeof vendorAttrs>;

export function buildVendor(id: Id, companyId: Id, attrs: VendorAttrs, time: { created_at: string; updated_at: string }): Vendor {
  return assign<Vendor>(
    {
      id,
      company_id: companyId,
      name: attrs.name,
      abbreviated_name: null,
      trade_name: null,
      legal_name: null,
      address: null,
      city: null,
      state_code: null,
      zip: null,
      country_code: null,
      business_phone: null,
      mobile_phone: null,
      fax_number: null,
      email_address: null,
      website: null,
      license_number: null,
      notes: null,
      is_active: true,
      origin_id: null,
      origin_code: null,
      origin_data: null,
      ...time,
    },
    attrs,
  );
}

function companyEvent(store: Store, actor: Actor, v: Vendor, eventType: EventType): void {
  store.changed({ resource_name: "Company Vendors", event_type: eventType, resource_id: v.id, company_id: v.company_id, project_id: null }, actor);
}

function projectEvent(store: Store, actor: Actor, project: Project, vendorId: Id, eventType: EventType): void {
  store.changed(
    { resource_name: "Project Vendors", event_type: eventType, resource_id: vendorId, company_id: project.company_id, project_id: project.id },
    actor,
  );
}

function createVendor(store: Store, actor: Actor, companyId: Id, attrs: VendorAttrs): Vendor {
  if (attrs.origin_id != null) checkOriginNotTaken(store.t.vendors.lookup("origin", originKey(companyId, attrs.origin_id)), attrs.origin_id);
  const vendor = store.t.vendors.put(buildVendor(store.nextId("vendors"), companyId, attrs, stamps(store)));
  companyEvent(store, actor, vendor, "create");
  return vendor;
}

function updateVendor(store: Store, actor: Actor, vendor: Vendor, attrs: Partial<VendorAttrs>): Vendor {
  if (attrs.origin_id != null) {
    checkOriginNotTaken(store.t.vendors.lookup("origin", originKey(vendor.company_id, attrs.origin_id)), attrs.origin_id, vendor.id);
  }
  assign(vendor, { ...attrs, updated_at: store.now() });
  // Filed again: the origin index follows.
  store.t.vendors.put(vendor);
  companyEvent(store, actor, vendor, "update");
  return vendor;
}

function addToProject(store: Store, actor: Actor, project: Project, vendor: Vendor): void {
  if (store.t.projectVendors.get(key2(project.id, vendor.id))) return;
  store.t.projectVendors.put({ project_id: project.id, vendor_id: vendor.id, ...stamps(store) });
  projectEvent(store, actor, project, vendor.id, "create");
}

function removeFromProject(store: Store, actor: Actor, project: Project, vendorId: Id): void {
  if (!store.t.projectVendors.delete(key2(project.id, vendorId))) throw fail.notFound("Vendor is not on this project");
  projectEvent(store, actor, project, vendorId, "delete");
}

function companyVendor(ctx: ApiContext, id: Id): Vendor {
  const vendor = ctx.store.t.vendors.get(id);
  if (!vendor || vendor.company_id !== headerCompany(ctx).id) throw fail.notFound("Vendor not found");
  return vendor;
}

function listCompanyVendors(ctx: ApiContext, active: boolean, companyId: Id): Reply {
  const search = filterValue(ctx.query, "search");
  const origin = filterValue(ctx.query, "origin_id");
  const updated = timeFilter(ctx.query, "updated_at");
  const ids = idFilter(ctx.query);
  const created = timeFilter(ctx.query, "created_at");
  const keep = (v: Vendor) =>
    v.is_active === active &&
    (origin === null || v.origin_id === origin) &&
    matchesSearch(search, v.name, v.abbreviated_name, v.origin_code) &&
    (updated === null || updated(v.updated_at)) &&
    (ids === null || ids.has(v.id)) &&
    (created === null || created(v.created_at))
      ? v
      : null;
  return paginatedWhere(ctx, () => ctx.store.t.vendors.lookup("company", String(companyId)), keep, vendorView);
}

const wrapped = <S extends z.ZodType>(attrs: S) => z.object({ vendor: attrs });

export function registerVendors(router: ApiRouter): void {
  addRoutes(router, [
    ["GET", "/vendors", (ctx) => listCompanyVendors(ctx, true, companyParam(ctx, ctx.query.get("company_id")).id)],
    [
      "GET",
      "/vendors/:id",
      (ctx) => {
        companyParam(ctx, ctx.query.get("company_id"));
        return json(200, vendorView(companyVendor(ctx, pathId(ctx))));
      },
    ],
    [
      "POST",
      "/vendors",
      (ctx) => {
        const company = companyParam(ctx, scopeValue(ctx, "company_id"));
        const { vendor } = parseWith(wrapped(vendorAttrs), ctx.body);
        return json(201, vendorView(createVendor(ctx.store, ctx.actor, company.id, vendor)));
      },
    ],
    [
      "PATCH",
      "/vendors/:id",
      (ctx) => {
        companyParam(ctx, scopeValue(ctx, "company_id"));
        const existing = companyVendor(ctx, pathId(ctx));
        const { vendor } = parseWith(wrapped(vendorAttrs.partial()), ctx.body);
        return json(200, vendorView(updateVendor(ctx.store, ctx.actor, existing, vendor)));
      },
    ],
    [
      "PATCH",
      "/vendors/sync",
      (ctx) => {
        const company = companyParam(ctx, scopeValue(ctx, "company_id"));
        const updates = syncUpdates(ctx.body);
        return runSync(updates, {
          findById: (id) => {
            const vendor = ctx.store.t.vendors.get(id);
            return vendor?.company_id === company.id ? vendor : undefined;
          },
          findByOrigin: (origin) => ctx.store.t.vendors.lookup("origin", originKey(company.id, origin))[0],
          create: (item) => createVendor(ctx.store, ctx.actor, company.id, parseWith(vendorAttrs, item)),
          update: (record, item) => updateVendor(ctx.store, ctx.actor, record, parseWith(vendorAttrs.partial(), item)),
          view: vendorView,
        });
      },
    ],
    ["GET", "/companies/:company_id/vendors/inactive", (ctx) => listCompanyVendors(ctx, false, companyParam(ctx, ctx.params.company_id).id)],
    [
      "PATCH",
      "/companies/:company_id/vendors/inactive/:id",
      (ctx) => {
        companyParam(ctx, ctx.params.company_id);
        return json(200, vendorView(updateVendor(ctx.store, ctx.actor, companyVendor(ctx, pathId(ctx)), { is_active: true })));
      },
    ],
    [
      "GET",
      "/projects/:project_id/vendors",
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        const search = filterValue(ctx.query, "search");
        const ids = idFilter(ctx.query);
        const keep = (pv: ProjectVendor) => {
          const v = ctx.store.t.vendors.get(pv.vendor_id);
          return v !== undefined && v.is_active && matchesSearch(search, v.name, v.abbreviated_name) && (ids === null || ids.has(v.id)) ? v : null;
        };
        return paginatedWhere(ctx, () => ctx.store.t.projectVendors.lookup("project", String(project.id)), keep, vendorView);
      },
    ],
    [
      "POST",
      "/projects/:project_id/vendors",
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        const { vendor } = parseWith(wrapped(vendorAttrs), ctx.body);
        const created = createVendor(ctx.store, ctx.actor, project.company_id, vendor);
        addToProject(ctx.store, ctx.actor, project, created);
        return json(201, vendorView(created));
      },
    ],
    [
      "PATCH",
      "/projects/:project_id/vendors/:id",
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        const existing = companyVendor(ctx, pathId(ctx));
        if (!ctx.store.t.projectVendors.get(key2(project.id, existing.id))) throw fail.notFound("Vendor is not on this project");
        const { vendor } = parseWith(wrapped(vendorAttrs.partial()), ctx.body);
        updateVendor(ctx.store, ctx.actor, existing, vendor);
        projectEvent(ctx.store, ctx.actor, project, existing.id, "update");
        return json(200, vendorView(existing));
      },
    ],
    [
      "POST",
      "/projects/:project_id/vendors/:id/actions/add",
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        const vendor = companyVendor(ctx, pathId(ctx));
        addToProject(ctx.store, ctx.actor, project, vendor);
        return json(201, vendorView(vendor));
      },
    ],
    [
      "DELETE",
      "/projects/:project_id/vendors/:id/actions/remove",
      (ctx) => {
        removeFromProject(ctx.store, ctx.actor, projectParam(ctx, ctx.params.project_id), pathId(ctx));
        return noContent();
      },
    ],
  ]);
}

export const vendorRecords: RecordType = {
  list: (store, scope) =>
    store.t.vendors.filter(
      (v) => inScope(scope, v.company_id) && (scope.project_id === null || store.t.projectVendors.get(key2(scope.project_id, v.id)) !== undefined),
    ),
  get: (store, id) => store.t.vendors.get(id),
  create: (store, body) => {
    const { company_id } = parseWith(scopeSchema.company, body);
    found(store.t.companies.get(company_id));
    return createVendor(store, PERSON_IN_PROCORE, company_id, parseWith(vendorAttrs, body));
  },
  update: (store, id, body) => updateVendor(store, PERSON_IN_PROCORE, found(store.t.vendors.get(id)), parseWith(vendorAttrs.partial(), body)),
  remove: (store, id) => {
    const vendor = found(store.t.vendors.get(id));
    for (const pv of store.t.projectVendors.removeWhere((pv) => pv.vendor_id === id)) {
      projectEvent(store, PERSON_IN_PROCORE, found(store.t.projects.get(pv.project_id)), id, "delete");
    }
    store.t.vendors.delete(id);
    companyEvent(store, PERSON_IN_PROCORE, vendor, "delete");
  },
};

function membership(store: Store, vendorId: Id, scope: RecordScope): ProjectVendor | undefined {
  return store.t.projectVendors.lookup("vendor", String(vendorId)).find(
    (pv) => inScope(scope, store.t.projects.get(pv.project_id)?.company_id ?? 0, pv.project_id),
  );
}

/** Project vendor memberships; the record id is the vendor id, `project_id` picks the project. */
export const projectVendorRecords: RecordType = {
  list: (store, scope) =>
    store.t.projectVendors.filter((pv) => inScope(scope, store.t.projects.get(pv.project_id)?.company_id ?? 0, pv.project_id)),
  get: (store, id, scope) => membership(store, id, scope),
  create: (store, body) => {
    const { project_id, vendor_id } = parseWith(scopeSchema.project.extend({ vendor_id: idSchema }), body);
    const project = found(store.t.projects.get(project_id));
    const vendor = store.t.vendors.get(vendor_id);
    if (!vendor || vendor.company_id !== project.company_id) throw fail.validation({ vendor_id: ["is invalid"] }, 422);
    addToProject(store, PERSON_IN_PROCORE, project, vendor);
    return store.t.projectVendors.get(key2(project_id, vendor_id));
  },
  remove: (store, id, scope) => {
    const pv = found(membership(store, id, scope));
    removeFromProject(store, PERSON_IN_PROCORE, found(store.t.projects.get(pv.project_id)), id);
  },
};
