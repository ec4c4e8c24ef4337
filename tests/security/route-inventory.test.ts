import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiRoutes, exportedMethods, fillPath, MUTATING_METHODS, pageRoutes, routeHandlers, routeMethods } from "@/scripts/route-inventory";

// The inventory drives the e2e security spec (fuzzing, tenant isolation, cross-site writes), so it must see every
// route, and a new route that skips the guard must be a decision someone wrote down here, not an accident.

/** Route methods that answer without a session, each for a stated reason. */
const UNGUARDED: Record<string, string> = {
  "GET /api/health": "load balancer health check; reports no tenant data",
  "GET /setup/checkout/complete": "Stripe's success redirect; grants from the Stripe session id, idempotently, like the webhook",
  "POST /api/procore/webhook": "server to server; authenticated by the shared Authorization secret",
  "POST /api/stripe/webhook": "server to server; authenticated by Stripe's signature",
  "GET /api/auth/[...nextauth]": "next-auth; its own CSRF token and state checks",
  "POST /api/auth/[...nextauth]": "next-auth; its own CSRF token and state checks",
  ...Object.fromEntries(["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => [`${m} /api/[...path]`, "answers a JSON 404 for API URLs no route handles"])),
};

/** Catch-alls that only answer 404: unguarded writes that write nothing. */
const NOT_FOUND_ONLY = new Set(["/api/[...path]"]);

describe("route inventory", () => {
  const routes = routeHandlers();

  it("finds every route handler, with its methods and dynamic segments", () => {
    const draft = routes.find((r) => r.path === "/api/accounts/[accountId]/draft");
    expect(draft).toMatchObject({ file: "app/api/accounts/[accountId]/draft/route.ts", methods: ["GET", "PUT"], params: [{ name: "accountId", catchAll: false }] });
    expect(draft?.guards).toEqual({ GET: "account", PUT: "account" });
    expect(routes.find((r) => r.path === "/api/auth/[...nextauth]")).toMatchObject({ methods: ["GET", "POST"], params: [{ name: "nextauth", catchAll: true }] });
    expect(routes.find((r) => r.path === "/api/projects/[projectId]/team/[memberId]")?.guards).toEqual({ PATCH: "project" });
    expect(routes.find((r) => r.path === "/setup/checkout/complete")?.guards).toEqual({ GET: "public" });
    expect(apiRoutes().every((r) => r.path.startsWith("/api/"))).toBe(true);
    expect(routeMethods(routes).length).toBeGreaterThanOrEqual(25);
  });

  it("lists pages without route groups", () => {
    const paths = pageRoutes().map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["/", "/procore/setup", "/setup/projects", "/projects", "/projects/[projectId]/settings/procore"]));
    expect(paths.some((p) => p.includes("("))).toBe(false);
  });

  it("reads the three ways a route module exports its methods", () => {
    expect(exportedMethods("export const GET = withAccount({}, h);\nexport const PUT = withProject({ body }, h);", "/api/x")).toEqual({ GET: "account", PUT: "project" });
    expect(exportedMethods("export async function POST(req) {}\nexport function GET() {}", "/api/stripe/webhook")).toEqual({ POST: "webhook", GET: "webhook" });
    expect(exportedMethods("const handler = NextAuth(o);\nexport { handler as GET, handler as POST };", "/api/auth/[...nextauth]")).toEqual({ GET: "nextauth", POST: "nextauth" });
    expect(exportedMethods("export const dynamic = 'force-dynamic';\nexport async function GET() {}", "/api/health")).toEqual({ GET: "public" });
  });

  it("sees through wrappers built on the guard, in the project's own modules", () => {
    const root = mkdtempSync(path.join(tmpdir(), "inventory-"));
    try {
      const write = (file: string, text: string) => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
      };
      write("lib/feature.ts", `import { withProject } from "@/lib/access";\nexport function withFeature(f, o, h) {\n  return withProject<unknown>({}, h);\n}\n`);
      write("lib/paid.ts", `import { withFeature } from "./feature";\nexport const withPaid = (o, h) => withFeature("x", o, h);\n`);
      write("app/api/things/[thingId]/route.ts", `import { withFeature } from "@/lib/feature";\nimport { withPaid } from "@/lib/paid";\nimport { helper } from "@/lib/helper";\nexport const GET = withFeature("a", {}, h);\nexport const PUT = withPaid({}, h);\nexport const POST = helper(h);\n`);
      write("lib/helper.ts", `export function helper(h) { return h; }\n`);
      expect(apiRoutes(root)).toEqual([
        { file: "app/api/things/[thingId]/route.ts", path: "/api/things/[thingId]", params: [{ name: "thingId", catchAll: false, optional: false }], methods: ["GET", "POST", "PUT"], guards: { GET: "project", PUT: "project", POST: "public" } },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("fills dynamic segments, encoded", () => {
    expect(fillPath("/api/projects/[projectId]/team/[memberId]", { projectId: "p 1", memberId: "m/2" })).toBe("/api/projects/p%201/team/m%2F2");
    expect(fillPath("/api/auth/[...nextauth]", { nextauth: "signin/procore" }, { raw: true })).toBe("/api/auth/signin/procore");
    expect(() => fillPath("/api/accounts/[accountId]", {})).toThrow(/accountId/);
  });

  it("puts every state-changing route behind the guard, or names why not", () => {
    const unexplained = routeMethods(routes)
      .filter(({ guard }) => guard !== "account" && guard !== "project" && guard !== "user")
      .map(({ route, method }) => `${method} ${route.path}`)
      .filter((key) => !UNGUARDED[key]);
    expect(unexplained, "unguarded route methods: guard them (lib/auth/guard.ts) or add them to UNGUARDED with the reason").toEqual([]);
    const unguardedWrites = routeMethods(routes).filter(
      ({ route, method, guard }) => MUTATING_METHODS.includes(method) && (guard === "public" || guard === undefined) && !NOT_FOUND_ONLY.has(route.path),
    );
    expect(unguardedWrites).toEqual([]);
  });

  it("keeps the API's catch-all a plain 404 that touches nothing", () => {
    for (const file of routes.filter((r) => NOT_FOUND_ONLY.has(r.path)).map((r) => r.file)) {
      const source = readFileSync(file, "utf8");
      expect(source).not.toMatch(/from "@\/lib/);
      expect(source).toMatch(/status: 404/);
    }
  });

  it("resolves the tenant through the guard wherever the URL names an account", () => {
    for (const { route, method, guard } of routeMethods(routes)) {
      if (route.params.some((p) => p.name === "accountId")) expect(guard, `${method} ${route.path}`).toBe("account");
      if (route.params.some((p) => p.name === "projectId")) expect(["project", "user"], `${method} ${route.path}`).toContain(guard);
    }
  });
});
