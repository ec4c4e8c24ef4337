import { z } from "zod";
import { fail, json, type Reply, type Router } from "../http.ts";
import { key2, type Actor, type Company, type Id, type Project, type Store, type Table, type Token } from "../store.ts";

/** Everything a REST handler sees; the server has already checked the token and the company header. */
export interface ApiContext {
  store: Store;
  url: URL;
  query: URLSearchParams;
  /** Scheme + host the request came in on, for absolute links. */
  origin: string;
  params: Record<string, string>;
  body: unknown;
  token: Token;
  actor: Actor;
  /** The company named by `Procore-Company-Id`; null only on the routes that may omit it. */
  company: Company | null;
}

export interface ApiRoute {
  handler: (ctx: ApiContext) => Reply;
  /** `/me` and `/companies` may omit the header, but only for user tokens (service accounts must always send it). */
  companyHeader: "always" | "service-accounts";
}

export type ApiRouter = Router<ApiRoute>;

export function addRoutes(router: ApiRouter, routes: [method: string, path: string, handler: ApiRoute["handler"]][]): void {
  for (const [method, path, handler] of routes) router.add(method, `/rest/v1.0${path}`, { handler, companyHeader: "always" });
}

/* ---------- input schemas shared by the resources ---------- */

/** Ids arrive as JSON numbers or, from clients that keep 64-bit ids as strings, as digit strings. */
export const idSchema = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
export const text = z.string().nullable().optional();
export const originField = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .nullable()
  .optional();

/** Copies the attributes that were sent (zod leaves the others undefined). */
export function assign<T extends object>(record: T, attrs: Partial<T>): T {
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) (record as Record<string, unknown>)[k] = v;
  return record;
}

/** origin_id is unique per company: 422 when one of `holders` (the company's rows carrying it) is another row. */
export function checkOriginNotTaken(holders: readonly { id: Id }[], originId: string | null | undefined, exceptId?: Id): void {
  if (originId == null) return;
  if (holders.some((r) => r.id !== exceptId)) throw fail.validation({ origin_id: ["has already been taken"] }, 422);
}

/** origin_id is unique within a company (across all its projects); `inCompany` says whether a row is that company's. */
export function checkOriginFree<T extends { id: Id; origin_id: string | null }>(
  table: Table<T>,
  inCompany: (row: T) => boolean,
  originId: string | null | undefined,
  exceptId?: Id,
): void {
  if (originId == null) return;
  if (table.find((r) => r.origin_id === originId && r.id !== exceptId && inCompany(r))) {
    throw fail.validation({ origin_id: ["has already been taken"] }, 422);
  }
}

export function stamps(store: Store): { created_at: string; updated_at: string } {
  const now = store.now();
  return { created_at: now, updated_at: now };
}

/* ---------- visibility ---------- */

function isMember(store: Store, companyId: Id, userId: Id): boolean {
  return store.t.companyUsers.get(key2(companyId, userId))?.is_active === true;
}

/** A user sees their own companies; a service account (client credentials) sees the companies that installed the app. */
export function visibleCompanies(store: Store, token: Token): Company[] {
  const userId = token.user_id;
  return store.t.companies
    .values()
    .filter((c) => (userId === null ? store.isInstalled(c.id) : isMember(store, c.id, userId)))
    .sort((a, b) => a.id - b.id);
}

/** Company admins and service accounts see every project of the company; other users only the projects they are on. */
export function canSeeProject(store: Store, token: Token, project: Project): boolean {
  if (token.user_id === null) return true;
  const member = store.t.companyUsers.get(key2(project.company_id, token.user_id));
  if (!member?.is_active) return false;
  return member.is_company_admin || store.t.projectUsers.get(key2(project.id, token.user_id)) !== undefined;
}

const MISSING_COMPANY_HEADER =
  "Missing Procore-Company-Id header! Send the id of the company this request acts on in the Procore-Company-Id header.";
const APP_NOT_CONNECTED = "App is not connected to this company";

/** Resolves `Procore-Company-Id`: 400 when absent, 404 when the caller cannot see the company, 403 when the app is not installed there. */
export function companyFromHeader(store: Store, token: Token, header: string | undefined): Company {
  if (!header) throw fail.message(400, MISSING_COMPANY_HEADER);
  const company = /^\d+$/.test(header) ? store.t.companies.get(header) : undefined;
  if (!company) throw fail.notFound("Company not found");
  if (token.user_id !== null && !isMember(store, company.id, token.user_id)) throw fail.notFound("Company not found");
  if (!store.isInstalled(company.id)) throw fail.message(403, APP_NOT_CONNECTED);
  return company;
}

export function headerCompany(ctx: ApiContext): Company {
  if (!ctx.company) throw fail.message(400, MISSING_COMPANY_HEADER);
  return ctx.company;
}

function requiredId(raw: unknown, field: string): Id {
  if (raw === undefined || raw === null || raw === "") throw fail.validation({ [field]: ["can't be blank"] });
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) throw fail.notFound();
  return parsed.data;
}

/** A company id from the path, query or body must be the header's company; any other company is invisible (404). */
export function companyParam(ctx: ApiContext, raw: unknown, field = "company_id"): Company {
  const company = headerCompany(ctx);
  if (requiredId(raw, field) !== company.id) throw fail.notFound("Company not found");
  return company;
}

export function projectParam(ctx: ApiContext, raw: unknown, field = "project_id"): Project {
  const company = headerCompany(ctx);
  const project = ctx.store.t.projects.get(requiredId(raw, field));
  if (!project || project.company_id !== company.id || !canSeeProject(ctx.store, ctx.token, project)) {
    throw fail.notFound("Project not found");
  }
  return project;
}

/** A record id from the path; anything that is not a known id is a 404. */
export function pathId(ctx: ApiContext, name = "id"): Id {
  const raw = ctx.params[name] ?? "";
  if (!/^\d+$/.test(raw)) throw fail.notFound();
  return Number(raw);
}

/** Query + body merged, for endpoints that take `company_id`/`project_id` in either place. */
export function scopeValue(ctx: ApiContext, field: string): unknown {
  const fromBody = ctx.body && typeof ctx.body === "object" ? (ctx.body as Record<string, unknown>)[field] : undefined;
  return fromBody ?? ctx.query.get(field) ?? undefined;
}

/* ---------- filters ---------- */

export function filterValue(query: URLSearchParams, name: string): string | null {
  return query.get(`filters[${name}]`);
}

/** `filters[x][]=a&filters[x][]=b` (or a single `filters[x]=a`, or `a,b`). */
export function filterValues(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(`filters[${name}][]`), ...query.getAll(`filters[${name}]`)].flatMap((v) => v.split(",")).filter(Boolean);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function rangeEnd(value: string, end: "from" | "to", field: string): number {
  if (value === "") return end === "from" ? -Infinity : Infinity;
  const iso = DATE_ONLY.test(value) ? `${value}T${end === "from" ? "00:00:00.000" : "23:59:59.999"}Z` : value;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw fail.validation({ [field]: ["is invalid"] });
  return ms;
}

/** Procore's ISO range filter `a...b` as a test on a timestamp (null without the filter); a malformed value is a 400. */
export function timeFilter(query: URLSearchParams, name: string): ((iso: string) => boolean) | null {
  const value = filterValue(query, name);
  if (value === null) return null;
  const field = `filters[${name}]`;
  const parts = value.split("...");
  if (parts.length !== 2) throw fail.validation({ [field]: ["is invalid"] });
  const from = rangeEnd(parts[0]!.trim(), "from", field);
  const to = rangeEnd(parts[1]!.trim(), "to", field);
  return (iso) => {
    const t = Date.parse(iso);
    return t >= from && t <= to;
  };
}

/** Procore's ISO range filter `a...b` (inclusive; dates alone cover the whole day). */
export function filterByTime<T>(query: URLSearchParams, name: string, items: T[], timeOf: (item: T) => string): T[] {
  const inRange = timeFilter(query, name);
  return inRange ? items.filter((item) => inRange(timeOf(item))) : items;
}

/** `filters[id][]`: the ids asked for, or null without the filter. */
export function idFilter(query: URLSearchParams): Set<number> | null {
  const ids = new Set(filterValues(query, "id").map(Number));
  return ids.size ? ids : null;
}

export function filterByIds<T extends { id: Id }>(query: URLSearchParams, items: T[]): T[] {
  const ids = idFilter(query);
  return ids ? items.filter((i) => ids.has(i.id)) : items;
}

export function matchesSearch(needle: string | null, ...haystack: (string | null | undefined)[]): boolean {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return haystack.some((h) => h?.toLowerCase().includes(n));
}

/* ---------- pagination ---------- */

const DEFAULT_PER_PAGE = 100;
/** The hard maximum Procore documented for v1 lists (2021-2022 docs). */
const MAX_PER_PAGE = 10_000;

function positiveInt(value: string | null): number | null {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n > 0 ? n : null;
}

function pageOf(ctx: ApiContext): { page: number; perPage: number; start: number; end: number } {
  const perPage = Math.min(positiveInt(ctx.query.get("per_page")) ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  const page = positiveInt(ctx.query.get("page")) ?? 1;
  return { page, perPage, start: (page - 1) * perPage, end: page * perPage };
}

/** The page's items (already cut out of `total` matching ones) with `Total`, `Per-Page` and `Link`. */
function pageReply<T>(ctx: ApiContext, total: number, slice: T[], view: (item: T) => unknown): Reply {
  const { page, perPage } = pageOf(ctx);
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const link = (target: number, rel: string) => {
    const params = new URLSearchParams(ctx.query);
    params.set("page", String(target));
    params.set("per_page", String(perPage));
    return `<${ctx.origin}${ctx.url.pathname}?${params}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page >= 2) links.push(link(1, "first"));
  if (page >= 3) links.push(link(page - 1, "prev"));
  links.push(link(lastPage, "last"));
  if (page < lastPage) links.push(link(page + 1, "next"));
  return json(200, slice.map(view), { Total: String(total), "Per-Page": String(perPage), Link: links.join(", ") });
}

/**
 * One page plus `Total`, `Per-Page` and `Link`, with Link rels exactly as Procore documents them: page 1 has
 * next+last, page 2 first+next+last, page 3+ all four, and the last page no next.
 */
export function paginated<T>(ctx: ApiContext, items: T[], view: (item: T) => unknown): Reply {
  const { start, end } = pageOf(ctx);
  return pageReply(ctx, items.length, items.slice(start, end), view);
}

/** A list request's identity without its page: its path and every other query parameter (in the order sent). */
function listKey(ctx: ApiContext): string {
  return `${ctx.url.pathname}?${new URLSearchParams([...ctx.query].filter(([k]) => k !== "page" && k !== "per_page"))}`;
}

/**
 * `paginated` over the items of `rows()` that `keep` accepts (mapped to what it returns). The accepted items are
 * kept for the next pages while the store's data is unchanged, so paging through a 20,000-row list filters it once.
 */
export function paginatedWhere<R, T = R>(ctx: ApiContext, rows: () => Iterable<R>, keep: (row: R) => T | null, view: (item: T) => unknown): Reply {
  const items = ctx.store.cachedList(listKey(ctx), () => {
    const out: T[] = [];
    for (const row of rows()) {
      const item = keep(row);
      if (item !== null) out.push(item);
    }
    return out;
  });
  return paginated(ctx, items, view);
}
