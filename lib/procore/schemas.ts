import { z } from "zod";

/*
 * Procore's wire shapes (snake_case, numeric ids, nullable everything) parsed into the domain types the app uses
 * (camelCase, ids as decimal strings, timestamps as Date, absent values as null). Only `id` and the fields a record
 * cannot exist without are required, so a field Procore adds or drops does not break a sync.
 */

/**
 * Procore ids are 64-bit. The domain keeps them as decimal strings: JSON-safe, exact, and the same type in the
 * database layer, the UI and URLs. zod's `.int()` accepts only safe integers, so an id JSON.parse could not read
 * exactly fails here loudly instead of being rounded.
 */
export const procoreId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
export type ProcoreId = string;

const INT64_MAX = 2n ** 63n - 1n;

/** An id that becomes a database key (bigint): 1 to 2^63 − 1, in its canonical digits (no sign, no leading zero). */
export const storableProcoreId = procoreId.refine(
  (id) => /^[1-9]\d{0,18}$/.test(id) && BigInt(id) <= INT64_MAX,
  "must be a positive 64-bit integer (1 to 9223372036854775807)",
);

const optionalId = procoreId.nullish().transform((v) => v ?? null);
const text = z.string().nullish().transform((v) => v ?? null);
const flag = z.boolean().nullish().transform((v) => v ?? null);
const timestamp = z.string().pipe(z.coerce.date());
const optionalTimestamp = timestamp.nullish().transform((v) => v ?? null);
const ref = z.object({ id: procoreId, name: text }).nullish().transform((v) => v ?? null);

/** An id on its way back to Procore, which expects a JSON number. */
export function wireId(id: ProcoreId): number {
  const value = Number(id);
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(value)) throw new RangeError(`Not a Procore id: ${id}`);
  return value;
}

export const meSchema = z.object({ id: procoreId, login: z.string(), name: text }).transform((u) => ({
  id: u.id,
  login: u.login,
  name: u.name,
}));
export type Me = z.output<typeof meSchema>;

export const companySchema = z
  .object({ id: procoreId, name: z.string(), is_active: flag, logo_url: text, my_company: flag })
  .transform((c) => ({ id: c.id, name: c.name, isActive: c.is_active ?? true, logoUrl: c.logo_url, myCompany: c.my_company }));
export type Company = z.output<typeof companySchema>;

export const projectSchema = z
  .object({
    id: procoreId,
    name: z.string(),
    display_name: text,
    project_number: text,
    active: flag,
    address: text,
    city: text,
    state_code: text,
    zip: text,
    country_code: text,
    time_zone: text,
    stage: text,
    project_stage: ref,
    origin_id: text,
    start_date: text,
    completion_date: text,
    company: ref,
    created_at: optionalTimestamp,
    updated_at: optionalTimestamp,
  })
  .transform((p) => ({
    id: p.id,
    name: p.name,
    displayName: p.display_name ?? p.name,
    projectNumber: p.project_number,
    active: p.active ?? true,
    address: p.address,
    city: p.city,
    stateCode: p.state_code,
    zip: p.zip,
    countryCode: p.country_code,
    timeZone: p.time_zone,
    stage: p.project_stage?.name ?? p.stage,
    originId: p.origin_id,
    startDate: p.start_date,
    completionDate: p.completion_date,
    companyId: p.company?.id ?? null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }));
export type Project = z.output<typeof projectSchema>;

export const locationSchema = z
  .object({
    id: procoreId,
    name: z.string(),
    node_name: z.string(),
    parent_id: optionalId,
    code: text,
    created_at: optionalTimestamp,
    updated_at: optionalTimestamp,
  })
  .transform((l) => ({
    id: l.id,
    /** The full tiered name, e.g. "Building A > Floor 3". */
    name: l.name,
    /** This tier's own name. */
    nodeName: l.node_name,
    parentId: l.parent_id,
    code: l.code,
    createdAt: l.created_at,
    updatedAt: l.updated_at,
  }));
export type Location = z.output<typeof locationSchema>;

export const vendorSchema = z
  .object({
    id: procoreId,
    name: z.string(),
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
    is_active: flag,
    origin_id: text,
    origin_code: text,
    origin_data: text,
    created_at: optionalTimestamp,
    updated_at: optionalTimestamp,
  })
  .transform((v) => ({
    id: v.id,
    name: v.name,
    abbreviatedName: v.abbreviated_name,
    tradeName: v.trade_name,
    legalName: v.legal_name,
    address: v.address,
    city: v.city,
    stateCode: v.state_code,
    zip: v.zip,
    countryCode: v.country_code,
    businessPhone: v.business_phone,
    mobilePhone: v.mobile_phone,
    faxNumber: v.fax_number,
    emailAddress: v.email_address,
    website: v.website,
    licenseNumber: v.license_number,
    notes: v.notes,
    isActive: v.is_active ?? true,
    originId: v.origin_id,
    originCode: v.origin_code,
    originData: v.origin_data,
    createdAt: v.created_at,
    updatedAt: v.updated_at,
  }));
export type Vendor = z.output<typeof vendorSchema>;

/** Company and project directory users share one shape; project lists carry the project's permission template. */
export const userSchema = z
  .object({
    id: procoreId,
    first_name: text,
    last_name: text,
    name: text,
    email_address: text,
    job_title: text,
    business_phone: text,
    mobile_phone: text,
    is_active: flag,
    is_employee: flag,
    employee_id: text,
    origin_id: text,
    origin_data: text,
    vendor: ref,
    permission_template: ref,
    created_at: optionalTimestamp,
    updated_at: optionalTimestamp,
  })
  .transform((u) => ({
    id: u.id,
    firstName: u.first_name,
    lastName: u.last_name,
    name: u.name ?? [u.first_name, u.last_name].filter(Boolean).join(" "),
    emailAddress: u.email_address,
    jobTitle: u.job_title,
    businessPhone: u.business_phone,
    mobilePhone: u.mobile_phone,
    isActive: u.is_active ?? true,
    isEmployee: u.is_employee ?? false,
    employeeId: u.employee_id,
    originId: u.origin_id,
    originData: u.origin_data,
    vendor: u.vendor,
    permissionTemplate: u.permission_template,
    createdAt: u.created_at,
    updatedAt: u.updated_at,
  }));
export type User = z.output<typeof userSchema>;

export const roleSchema = z.object({ id: procoreId, name: z.string() });
export type Role = z.output<typeof roleSchema>;

/** A person's assignment to a role on one project's team. */
export const projectRoleSchema = z
  .object({
    id: procoreId,
    name: text,
    role: z.string(),
    user_id: optionalId,
    contact_id: optionalId,
    is_active: flag,
    created_at: optionalTimestamp,
  })
  .transform((r) => ({
    id: r.id,
    /** The person's name. */
    name: r.name,
    /** The role's name, e.g. "Project Manager". */
    role: r.role,
    userId: r.user_id,
    contactId: r.contact_id,
    isActive: r.is_active ?? true,
    createdAt: r.created_at,
  }));
export type ProjectRole = z.output<typeof projectRoleSchema>;

export const permissionTemplateSchema = z
  .object({ id: procoreId, name: z.string(), project_specific: flag, type: text, category: text })
  .transform((t) => ({
    id: t.id,
    name: t.name,
    projectSpecific: t.project_specific ?? false,
    type: t.type,
    category: t.category,
  }));
export type PermissionTemplate = z.output<typeof permissionTemplateSchema>;

/**
 * Schedule dates stay as Procore sends them: they are plan values, not instants. Procore takes `start`/`finish`
 * on writes and answers with `start_datetime`/`finish_datetime`.
 */
export const scheduleTaskSchema = z
  .object({
    id: procoreId,
    name: z.string(),
    start_datetime: text,
    finish_datetime: text,
    start: text,
    finish: text,
    percentage: z.number().nullish().transform((v) => v ?? 0),
    milestone: flag,
    parent_id: optionalId,
    row_number: z.number().int().nullish().transform((v) => v ?? null),
    source_uid: text,
    wbs: text,
    notes: text,
    origin_id: text,
    origin_data: text,
    manually_edited: flag,
    created_at: optionalTimestamp,
    updated_at: optionalTimestamp,
  })
  .transform((t) => ({
    id: t.id,
    name: t.name,
    start: t.start_datetime ?? t.start,
    finish: t.finish_datetime ?? t.finish,
    percentage: t.percentage,
    milestone: t.milestone ?? false,
    parentId: t.parent_id,
    rowNumber: t.row_number,
    sourceUid: t.source_uid,
    wbs: t.wbs,
    notes: t.notes,
    originId: t.origin_id,
    originData: t.origin_data,
    /** True when a person created or changed the task in Procore (not an import or an app). */
    manuallyEdited: t.manually_edited ?? false,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  }));
export type ScheduleTask = z.output<typeof scheduleTaskSchema>;

export const webhookHookSchema = z
  .object({
    id: procoreId,
    api_version: text,
    namespace: z.string(),
    destination_url: z.string(),
    destination_headers: z.record(z.string(), z.string()).nullish(),
    owned_by_company_id: optionalId,
    owned_by_project_id: optionalId,
  })
  .transform((h) => ({
    id: h.id,
    apiVersion: h.api_version,
    namespace: h.namespace,
    destinationUrl: h.destination_url,
    /** Procore masks the values (last 5 characters only). */
    destinationHeaders: h.destination_headers ?? {},
    companyId: h.owned_by_company_id,
    projectId: h.owned_by_project_id,
  }));
export type WebhookHook = z.output<typeof webhookHookSchema>;

export const webhookTriggerSchema = z
  .object({
    id: procoreId,
    webhook_hook_id: optionalId,
    resource_name: z.string(),
    event_type: z.string(),
    company_id: optionalId,
    project_id: optionalId,
  })
  .transform((t) => ({
    id: t.id,
    hookId: t.webhook_hook_id,
    resourceName: t.resource_name,
    // The OAS enum is upper case, the delivered events lower case; the domain uses lower case.
    eventType: t.event_type.toLowerCase(),
    companyId: t.company_id,
    projectId: t.project_id,
  }));
export type WebhookTrigger = z.output<typeof webhookTriggerSchema>;

export const webhookDeliverySchema = z
  .object({
    id: procoreId,
    event_id: optionalId,
    event: z.record(z.string(), z.unknown()).nullish(),
    outcome: z.string(),
    response_status: z.number().int().nullish(),
    response_error: text,
    started_at: optionalTimestamp,
    completed_at: optionalTimestamp,
  })
  .transform((d) => ({
    id: d.id,
    eventId: d.event_id,
    event: d.event ?? null,
    outcome: d.outcome,
    responseStatus: d.response_status ?? null,
    responseError: d.response_error,
    startedAt: d.started_at,
    completedAt: d.completed_at,
  }));
export type WebhookDelivery = z.output<typeof webhookDeliverySchema>;

/** One rejected item of a sync call: what was sent (wire form) and why Procore refused it. */
export interface SyncItemError {
  id: ProcoreId | null;
  originId: string | null;
  sent: Record<string, unknown>;
  errors: Record<string, string[]>;
}

export interface SyncResult<T> {
  entities: T[];
  errors: SyncItemError[];
}

const syncItemErrorSchema = z
  .looseObject({ errors: z.record(z.string(), z.union([z.array(z.string()), z.string().transform((s) => [s])])) })
  .transform(({ errors, ...sent }): SyncItemError => ({
    id: typeof sent.id === "number" || typeof sent.id === "string" ? String(sent.id) : null,
    originId: typeof sent.origin_id === "number" || typeof sent.origin_id === "string" ? String(sent.origin_id) : null,
    sent,
    errors,
  }));

/** `{entities, errors}`, the answer of every `/sync` endpoint (always HTTP 200, API-FACTS §5.8). */
export function syncResultSchema<S extends z.ZodType>(entity: S) {
  return z.object({ entities: z.array(entity).default([]), errors: z.array(syncItemErrorSchema).default([]) });
}

/** `{ abbreviatedName: "X", parentId: undefined }` → `{ abbreviated_name: "X" }`: inputs are camelCase, Procore wants snake_case. */
export function toWire(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return out;
}
