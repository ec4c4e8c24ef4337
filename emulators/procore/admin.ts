import { z } from "zod";
import { fail, json, parseWith, Router, type Reply } from "./http.ts";
import type { RecordScope, RecordType } from "./records.ts";
import { idSchema } from "./rest/context.ts";
import { recordTypes } from "./rest/index.ts";
import { noFaults, type Sandbox } from "./sandbox.ts";
import { seedLarge } from "./seed.ts";
import { APP_KEYS } from "./store.ts";

/*
 * `/__admin`: the test and benchmark control surface (no auth, JSON). Another engineer's client is written
 * against exactly these routes, so keep the contract stable.
 */

interface AdminContext {
  sb: Sandbox;
  url: URL;
  params: Record<string, string>;
  body: unknown;
}
type AdminHandler = (ctx: AdminContext) => Reply;

const resetBody = z.object({ seed: z.enum(["demo", "empty"]).default("demo") }).default({ seed: "demo" });
const count = z.number().int().nonnegative().default(0);
const seedBody = z.object({
  kind: z.literal("large"),
  companyId: idSchema.optional(),
  projectId: idSchema.optional(),
  projects: count,
  users: count,
  vendors: count,
  locations: count,
});
const installBody = z.object({ companyId: idSchema, app: z.enum(APP_KEYS) });
const configBody = z.object({
  tokenTtlSeconds: z.number().positive().optional(),
  authCodeTtlSeconds: z.number().positive().optional(),
  spikeLimit: z.number().int().positive().optional(),
  spikeWindowSeconds: z.number().positive().optional(),
  hourlyLimit: z.number().int().positive().optional(),
  webhookRetryBaseMs: z.number().positive().optional(),
});
const faultsBody = z.object({
  latencyMs: z.number().int().nonnegative().optional(),
  errorRate: z.number().min(0).max(1).optional(),
  rateLimitStorm: z.number().int().nonnegative().optional(),
  dropResponseAfterCommit: z.object({ pathContains: z.string().min(1), count: z.number().int().positive() }).nullable().optional(),
  duplicateWebhooks: z.boolean().optional(),
  expireTokens: z.literal(true).optional(),
});
const expireBody = z.object({ accessToken: z.string().optional() }).default({});

function expireTokens(sb: Sandbox, accessToken?: string): number {
  const now = Date.now();
  const tokens = accessToken ? [sb.store.t.tokens.get(accessToken)].filter((t) => t !== undefined) : sb.store.t.tokens.values();
  for (const t of tokens) t.expires_at_ms = Math.min(t.expires_at_ms, now);
  return tokens.length;
}

function recordType(ctx: AdminContext): RecordType {
  const type = recordTypes[ctx.params.type ?? ""];
  if (!type) throw fail.notFound(`Unknown record type "${ctx.params.type}". Types: ${Object.keys(recordTypes).join(", ")}`);
  return type;
}

function recordId(ctx: AdminContext): number {
  const id = ctx.params.id ?? "";
  if (!/^\d+$/.test(id)) throw fail.notFound("Record not found");
  return Number(id);
}

function recordScope(ctx: AdminContext): RecordScope {
  const read = (name: string) => {
    const v = ctx.url.searchParams.get(name);
    return v && /^\d+$/.test(v) ? Number(v) : null;
  };
  return { company_id: read("company_id"), project_id: read("project_id") };
}

function writable<K extends "create" | "update" | "remove">(type: RecordType, method: K): NonNullable<RecordType[K]> {
  const fn = type[method];
  if (!fn) throw fail.message(405, "This record type is read-only through the admin API");
  return fn as NonNullable<RecordType[K]>;
}

const routes: [string, string, AdminHandler][] = [
  [
    "POST",
    "/__admin/reset",
    ({ sb, body }) => {
      const { seed } = parseWith(resetBody, body);
      sb.reset(seed);
      return json(200, { ok: true, seed });
    },
  ],
  [
    "POST",
    "/__admin/seed",
    ({ sb, body }) => {
      const opts = parseWith(seedBody, body);
      return json(200, seedLarge(sb.store, opts));
    },
  ],
  [
    "POST",
    "/__admin/install",
    ({ sb, body }) => {
      const { companyId, app } = parseWith(installBody, body);
      if (!sb.store.t.companies.get(companyId)) throw fail.notFound("Company not found");
      sb.store.install(companyId, app);
      return json(200, { ok: true, companyId, app, installed: true });
    },
  ],
  [
    "POST",
    "/__admin/uninstall",
    ({ sb, body }) => {
      const { companyId, app } = parseWith(installBody, body);
      sb.store.uninstall(companyId, app);
      return json(200, { ok: true, companyId, app, installed: false });
    },
  ],
  ["GET", "/__admin/records/:type", (ctx) => json(200, recordType(ctx).list(ctx.sb.store, recordScope(ctx)))],
  [
    "GET",
    "/__admin/records/:type/:id",
    (ctx) => {
      const row = recordType(ctx).get(ctx.sb.store, recordId(ctx), recordScope(ctx));
      if (row === undefined) throw fail.notFound("Record not found");
      return json(200, row);
    },
  ],
  ["POST", "/__admin/records/:type", (ctx) => json(201, writable(recordType(ctx), "create")(ctx.sb.store, ctx.body))],
  ["PATCH", "/__admin/records/:type/:id", (ctx) => json(200, writable(recordType(ctx), "update")(ctx.sb.store, recordId(ctx), ctx.body, recordScope(ctx)))],
  [
    "DELETE",
    "/__admin/records/:type/:id",
    (ctx) => {
      writable(recordType(ctx), "remove")(ctx.sb.store, recordId(ctx), recordScope(ctx));
      return json(200, { ok: true });
    },
  ],
  ["GET", "/__admin/requests", ({ sb }) => json(200, sb.requests)],
  [
    "DELETE",
    "/__admin/requests",
    ({ sb }) => {
      sb.requests = [];
      return json(200, { ok: true });
    },
  ],
  [
    "POST",
    "/__admin/config",
    ({ sb, body }) => {
      const changes = parseWith(configBody, body ?? {});
      Object.assign(sb.config.runtime, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
      // New limits start from fresh windows, so a test that lowers them knows exactly where it stands.
      sb.limiter.reset();
      return json(200, sb.config.runtime);
    },
  ],
  [
    "POST",
    "/__admin/faults",
    ({ sb, body }) => {
      const { expireTokens: expire, ...faults } = parseWith(faultsBody, body ?? {});
      Object.assign(sb.faults, Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)));
      if (expire) expireTokens(sb);
      return json(200, sb.faults);
    },
  ],
  [
    "DELETE",
    "/__admin/faults",
    ({ sb }) => {
      sb.faults = noFaults();
      return json(200, sb.faults);
    },
  ],
  [
    "POST",
    "/__admin/tokens/expire",
    ({ sb, body }) => {
      const { accessToken } = parseWith(expireBody, body);
      return json(200, { ok: true, expired: expireTokens(sb, accessToken) });
    },
  ],
];

const router = new Router<AdminHandler>();
for (const [method, path, handler] of routes) router.add(method, path, handler);

export function handleAdmin(sb: Sandbox, method: string, url: URL, body: unknown): Reply {
  const match = router.match(method, url.pathname);
  if (!match) return json(404, { message: `No admin route ${method} ${url.pathname}` });
  const reply = match.handler({ sb, url, params: match.params, body });
  if (method !== "GET") sb.persist();
  return reply;
}
