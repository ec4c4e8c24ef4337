// The app's HTTP surface, read from the filesystem: every route handler under app/api (its URL, dynamic segments,
// exported methods and the guard it goes through) and every page. The security tests iterate over it, so a new
// route is fuzzed, checked for tenant isolation and for cross-site writes without anyone adding it to a list.
//
//   npx tsx scripts/route-inventory.ts          a table
//   npx tsx scripts/route-inventory.ts --json   the same as JSON
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const MUTATING_METHODS: readonly HttpMethod[] = ["POST", "PUT", "PATCH", "DELETE"];

/**
 * How a method's handler authenticates:
 * - `account` / `project` / `user`: the route guard (`withAccount`, `withProject`, `withUser`): a session, the
 *   same-origin check for writes, and the tenant;
 * - `nextauth`: next-auth's own handler (its own CSRF token);
 * - `webhook`: no session, authenticated by a signature or shared secret;
 * - `public`: nothing (health).
 */
export type RouteGuard = "account" | "project" | "user" | "nextauth" | "webhook" | "public";

export interface RouteParam {
  name: string;
  catchAll: boolean;
  optional: boolean;
}

export interface ApiRoute {
  /** Relative to the project root, with forward slashes. */
  file: string;
  /** The URL template, e.g. /api/projects/[projectId]/team/[memberId]. */
  path: string;
  params: RouteParam[];
  methods: HttpMethod[];
  guards: Partial<Record<HttpMethod, RouteGuard>>;
}

export interface PageRoute {
  file: string;
  /** The URL template without route groups, e.g. /projects/[projectId]/team. */
  path: string;
  params: RouteParam[];
}

const SEGMENT = /^\[(\[)?(\.\.\.)?([^\]]+)\]?\]$/;

function walk(dir: string, file: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name.startsWith("_") || entry.name === "node_modules" ? [] : walk(p, file);
      return /^(route|page)\.(ts|tsx|js|jsx)$/.test(entry.name) && entry.name.startsWith(file) ? [p] : [];
    })
    .sort();
}

/** The URL template of an app-router file: route groups `(x)` and parallel slots `@x` do not appear in URLs. */
function urlOf(appDir: string, file: string): { path: string; params: RouteParam[] } {
  const segments = path
    .relative(appDir, path.dirname(file))
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s) && !s.startsWith("@"));
  const params: RouteParam[] = [];
  for (const s of segments) {
    const m = SEGMENT.exec(s);
    if (m) params.push({ name: m[3]!, catchAll: Boolean(m[2]), optional: Boolean(m[1]) });
  }
  return { path: `/${segments.join("/")}`, params };
}

const GUARDS: Record<string, RouteGuard> = { withAccount: "account", withProject: "project", withUser: "user" };

/** Finds what a wrapper (e.g. `withFeature`) is built on: the guard its exported function calls, if any. */
export type WrapperResolver = (name: string, source: string) => RouteGuard | undefined;

/** The methods a route module exports, each with the guard its handler is built with. */
export function exportedMethods(source: string, urlPath: string, resolve: WrapperResolver = () => undefined): Partial<Record<HttpMethod, RouteGuard>> {
  const found: Partial<Record<HttpMethod, RouteGuard>> = {};
  const unguarded: RouteGuard = urlPath.startsWith("/api/auth/") && /\bNextAuth\b/.test(source)
    ? "nextauth"
    : /webhook/i.test(urlPath)
      ? "webhook"
      : "public";
  const isMethod = (name: string): name is HttpMethod => (HTTP_METHODS as readonly string[]).includes(name);
  // export const GET = withAccount(…)   /   export const POST = withFeature(…)   /   export const POST = handler
  for (const m of source.matchAll(/export\s+const\s+([A-Z]+)\s*(?::[^=;]+)?=\s*([A-Za-z_$][\w$]*)?/g)) {
    if (!isMethod(m[1]!)) continue;
    const callee = m[2] ?? "";
    found[m[1]] = GUARDS[callee] ?? (callee ? resolve(callee, source) : undefined) ?? unguarded;
  }
  // export async function POST(…)
  for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\s*\(/g)) if (isMethod(m[1]!)) found[m[1]] = unguarded;
  // export { handler as GET, handler as POST }
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim() ?? "";
      if (isMethod(name)) found[name] = unguarded;
    }
  }
  return found;
}

/** The body of `export function name` (up to the next top-level export) in a module's source. */
function exportedFunction(source: string, name: string): string | undefined {
  const start = source.search(new RegExp(`export\\s+(?:async\\s+)?function\\s+${name}\\b|export\\s+const\\s+${name}\\s*=`));
  if (start < 0) return undefined;
  const rest = source.slice(start + 1);
  const end = rest.search(/\nexport\s/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Resolves wrappers imported from the project's own modules ("@/…" or relative), following wrappers of wrappers. */
function wrapperResolver(root: string, fromFile: string, depth = 0): WrapperResolver {
  return (name, source) => {
    if (depth > 3) return undefined;
    const imp = new RegExp(`import\\s*(?:type\\s*)?\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*["']([^"']+)["']`).exec(source);
    if (!imp) return undefined;
    const spec = imp[1]!;
    const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(fromFile), spec) : null;
    if (!base) return undefined;
    const file = [".ts", ".tsx", "/index.ts", ""].map((ext) => base + ext).find((f) => existsSync(f) && !f.endsWith("/"));
    if (!file) return undefined;
    const moduleSource = readFileSync(file, "utf8");
    const body = exportedFunction(moduleSource, name);
    if (!body) return undefined;
    for (const m of body.matchAll(/\b([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(/g)) {
      const callee = m[1]!;
      if (callee === name) continue;
      if (GUARDS[callee]) return GUARDS[callee];
      const nested = new RegExp(`import\\s*\\{[^}]*\\b${callee}\\b`).test(moduleSource) ? wrapperResolver(root, file, depth + 1)(callee, moduleSource) : undefined;
      if (nested) return nested;
    }
    return undefined;
  };
}

/** Every route handler under app/api. */
export function apiRoutes(root = process.cwd()): ApiRoute[] {
  return routeHandlers(root).filter((r) => r.path.startsWith("/api/"));
}

/** Every route handler of the app, /api and elsewhere (e.g. Stripe's success redirect /setup/checkout/complete). */
export function routeHandlers(root = process.cwd()): ApiRoute[] {
  const appDir = path.join(root, "app");
  return walk(appDir, "route").map((file) => {
    const { path: urlPath, params } = urlOf(appDir, file);
    const guards = exportedMethods(readFileSync(file, "utf8"), urlPath, wrapperResolver(root, file));
    const methods = HTTP_METHODS.filter((m) => guards[m] !== undefined);
    return { file: path.relative(root, file).split(path.sep).join("/"), path: urlPath, params, methods, guards };
  });
}

/** Every page (page.tsx) of the app. */
export function pageRoutes(root = process.cwd()): PageRoute[] {
  const appDir = path.join(root, "app");
  return walk(appDir, "page").map((file) => ({ file: path.relative(root, file).split(path.sep).join("/"), ...urlOf(appDir, file) }));
}

/** The route's URL with its dynamic segments filled in (values are URI-encoded unless `raw`). */
export function fillPath(template: string, values: Record<string, string>, opts: { raw?: boolean } = {}): string {
  return template.replace(/\[\[?(?:\.\.\.)?([^\]]+)\]?\]/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for [${name}] in ${template}`);
    return opts.raw ? v : encodeURIComponent(v);
  });
}

/** A route's methods paired with their guards, one entry per method. */
export function routeMethods(routes: readonly ApiRoute[]): { route: ApiRoute; method: HttpMethod; guard: RouteGuard }[] {
  return routes.flatMap((route) => route.methods.map((method) => ({ route, method, guard: route.guards[method]! })));
}

function main() {
  const routes = routeHandlers();
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ routes, pages: pageRoutes() }, null, 2));
    return;
  }
  for (const r of routes) console.log(`${r.methods.map((m) => `${m}:${r.guards[m]}`).join(" ").padEnd(44)} ${r.path}`);
  console.log(`\n${routes.length} route handlers, ${routeMethods(routes).length} route methods`);
  for (const p of pageRoutes()) console.log(`PAGE ${p.path}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
