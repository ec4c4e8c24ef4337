import { z } from "zod";
import { fail, json, noContent, parseWith, type Reply } from "../http.ts";
import { inScope, type RecordType } from "../records.ts";
import { RESOURCE_NAMES, type Delivery, type Hook, type Id, type Store, type Trigger } from "../store.ts";
import { addRoutes, assign, companyParam, headerCompany, pathId, projectParam, scopeValue, stamps, type ApiContext, type ApiRouter } from "./context.ts";

const MAX_BULK_TRIGGERS = 500;
const MAX_DELIVERY_PAGE = 1000;

/** Procore echoes the Authorization header masked down to its last five characters. */
function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, `${"*".repeat(Math.max(0, v.length - 5))}${v.slice(-5)}`]));
}

function hookView(h: Hook) {
  return {
    id: h.id,
    api_version: h.api_version,
    namespace: h.namespace,
    destination_url: h.destination_url,
    destination_headers: maskHeaders(h.destination_headers),
    owned_by_company_id: h.project_id === null ? h.company_id : null,
    owned_by_project_id: h.project_id,
    owned_by_user_id: h.owned_by_user_id,
  };
}

const triggerView = (t: Trigger) => ({
  id: t.id,
  webhook_hook_id: t.hook_id,
  resource_name: t.resource_name,
  resource_id: null,
  event_type: t.event_type,
  company_id: t.company_id,
  project_id: t.project_id,
  user_id: t.user_id,
});

const deliveryView = (d: Delivery) => ({
  id: d.id,
  event_id: d.event_id,
  event: d.event,
  outcome: d.outcome,
  response_status: d.response_status,
  response_headers: d.response_headers,
  response_body: d.response_body,
  response_error: d.response_error,
  started_at: d.started_at,
  completed_at: d.completed_at,
});

const hookAttrs = z.object({
  api_version: z.string().default("v2"),
  namespace: z.string().regex(/^[a-z0-9-]+$/, "may only contain a-z, 0-9 and dashes").default("procore"),
  destination_url: z.url(),
  destination_headers: z.record(z.string(), z.string()).default({}),
});

const triggerAttrs = z.object({
  resource_name: z.enum(RESOURCE_NAMES),
  event_type: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(["create", "update", "delete"])),
});
type TriggerAttrs = z.output<typeof triggerAttrs>;

/** Hooks live in one company or one project, named by `company_id` or `project_id` in the query or body. */
function scopeOf(ctx: ApiContext): { company_id: Id; project_id: Id | null } {
  const projectId = scopeValue(ctx, "project_id");
  if (projectId !== undefined) {
    const project = projectParam(ctx, projectId);
    return { company_id: project.company_id, project_id: project.id };
  }
  return { company_id: companyParam(ctx, scopeValue(ctx, "company_id")).id, project_id: null };
}

function visibleHook(ctx: ApiContext, name = "hook_id"): Hook {
  const hook = ctx.store.t.hooks.get(pathId(ctx, name));
  if (!hook || hook.company_id !== headerCompany(ctx).id) throw fail.notFound("Hook not found");
  if (hook.project_id !== null) projectParam(ctx, hook.project_id);
  return hook;
}

/** Adding the same resource/event pair twice returns the existing trigger, so setup code can be re-run safely. */
function addTrigger(ctx: ApiContext, hook: Hook, attrs: TriggerAttrs): Trigger {
  const existing = ctx.store.t.triggers.find(
    (t) => t.hook_id === hook.id && t.resource_name === attrs.resource_name && t.event_type === attrs.event_type,
  );
  return (
    existing ??
    ctx.store.t.triggers.put({
      id: ctx.store.nextId("triggers"),
      hook_id: hook.id,
      ...attrs,
      company_id: hook.company_id,
      project_id: hook.project_id,
      user_id: ctx.token.user_id,
      created_at: ctx.store.now(),
    })
  );
}

function deleteHook(store: Store, hook: Hook): void {
  store.t.hooks.delete(hook.id);
  store.t.triggers.removeWhere((t) => t.hook_id === hook.id);
  store.t.webhookQueue.removeWhere((q) => q.hook_id === hook.id);
}

const bulkBody = z.object({ triggers: z.array(z.unknown()).min(1) });

function bulk(ctx: ApiContext, apply: (hook: Hook, attrs: TriggerAttrs) => Trigger | undefined): Reply {
  const hook = visibleHook(ctx);
  const { triggers } = parseWith(bulkBody, ctx.body);
  if (triggers.length > MAX_BULK_TRIGGERS) throw fail.message(413, `At most ${MAX_BULK_TRIGGERS} triggers per request`);
  const success: unknown[] = [];
  const failure: unknown[] = [];
  for (const item of triggers) {
    const parsed = triggerAttrs.safeParse(item);
    const trigger = parsed.success ? apply(hook, parsed.data) : undefined;
    if (trigger) success.push(triggerView(trigger));
    else failure.push({ ...(item as object), errors: parsed.success ? { base: ["Trigger not found"] } : { base: ["is invalid"] } });
  }
  return json(failure.length ? 207 : 200, { success, failure });
}

const statusOutcomes: Record<string, Delivery["outcome"][]> = {
  successful: ["ok"],
  failing: ["retried"],
  discarded: ["discarded"],
};

export function registerWebhooks(router: ApiRouter): void {
  const hooks = "/webhooks/hooks";
  const triggers = `${hooks}/:hook_id/triggers`;
  addRoutes(router, [
    [
      "GET",
      hooks,
      (ctx) => {
        const scope = scopeOf(ctx);
        const namespace = ctx.query.get("namespace");
        const apiVersion = ctx.query.get("api_version");
        const list = ctx.store.t.hooks.filter(
          (h) =>
            h.company_id === scope.company_id &&
            h.project_id === scope.project_id &&
            (namespace === null || h.namespace === namespace) &&
            (apiVersion === null || h.api_version === apiVersion),
        );
        return json(200, list.map(hookView));
      },
    ],
    [
      "POST",
      hooks,
      (ctx) => {
        const scope = scopeOf(ctx);
        const { hook } = parseWith(z.object({ hook: hookAttrs }), ctx.body);
        const created = ctx.store.t.hooks.put({ id: ctx.store.nextId("hooks"), ...scope, ...hook, owned_by_user_id: ctx.token.user_id, ...stamps(ctx.store) });
        return json(201, hookView(created));
      },
    ],
    ["GET", `${hooks}/:hook_id`, (ctx) => json(200, hookView(visibleHook(ctx)))],
    [
      "PATCH",
      `${hooks}/:hook_id`,
      (ctx) => {
        const hook = visibleHook(ctx);
        const { hook: attrs } = parseWith(z.object({ hook: hookAttrs.partial() }), ctx.body);
        return json(200, hookView(assign(hook, { ...attrs, updated_at: ctx.store.now() })));
      },
    ],
    [
      "DELETE",
      `${hooks}/:hook_id`,
      (ctx) => {
        deleteHook(ctx.store, visibleHook(ctx));
        return json(200, {});
      },
    ],
    ["GET", triggers, (ctx) => json(200, ctx.store.t.triggers.filter((t) => t.hook_id === visibleHook(ctx).id).map(triggerView))],
    [
      "POST",
      triggers,
      (ctx) => {
        const hook = visibleHook(ctx);
        const { trigger } = parseWith(z.object({ trigger: triggerAttrs }), ctx.body);
        return json(201, triggerView(addTrigger(ctx, hook, trigger)));
      },
    ],
    ["POST", `${triggers}/bulk`, (ctx) => bulk(ctx, (hook, attrs) => addTrigger(ctx, hook, attrs))],
    [
      "DELETE",
      `${triggers}/bulk`,
      (ctx) =>
        bulk(ctx, (hook, attrs) => {
          const t = ctx.store.t.triggers.find((t) => t.hook_id === hook.id && t.resource_name === attrs.resource_name && t.event_type === attrs.event_type);
          if (t) ctx.store.t.triggers.delete(t.id);
          return t;
        }),
    ],
    [
      "DELETE",
      `${triggers}/:id`,
      (ctx) => {
        const hook = visibleHook(ctx);
        const trigger = ctx.store.t.triggers.get(pathId(ctx));
        if (!trigger || trigger.hook_id !== hook.id) throw fail.notFound("Trigger not found");
        ctx.store.t.triggers.delete(trigger.id);
        return noContent();
      },
    ],
    [
      "GET",
      `${hooks}/:hook_id/deliveries`,
      (ctx) => {
        const hook = visibleHook(ctx);
        const status = ctx.query.get("filters[status]") ?? ctx.query.get("filter[status]") ?? "any";
        const outcomes = statusOutcomes[status];
        const start = Number(ctx.query.get("page_start") ?? 0);
        const size = Math.min(Math.max(1, Number(ctx.query.get("page_size") ?? 100) || 100), MAX_DELIVERY_PAGE);
        const list = ctx.store.t.deliveries
          .filter((d) => d.hook_id === hook.id && d.id > start && (!outcomes || outcomes.includes(d.outcome)))
          .sort((a, b) => a.id - b.id)
          .slice(0, size);
        return json(200, list.map(deliveryView));
      },
    ],
  ]);
}

const hookCompany = (store: Store, hookId: Id) => store.t.hooks.get(hookId)?.company_id ?? 0;

/** Webhook configuration is read-only through the admin API; apps set it up through the REST API. */
export const hookRecords: RecordType = {
  list: (store, scope) => store.t.hooks.filter((h) => inScope(scope, h.company_id, h.project_id ?? undefined)),
  get: (store, id) => store.t.hooks.get(id),
};

export const triggerRecords: RecordType = {
  list: (store, scope) => store.t.triggers.filter((t) => inScope(scope, t.company_id, t.project_id ?? undefined)),
  get: (store, id) => store.t.triggers.get(id),
};

export const deliveryRecords: RecordType = {
  list: (store, scope) => store.t.deliveries.filter((d) => inScope(scope, hookCompany(store, d.hook_id), d.event.project_id ?? undefined)),
  get: (store, id) => store.t.deliveries.get(id),
};
