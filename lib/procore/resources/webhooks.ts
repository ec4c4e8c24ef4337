import { z } from "zod";
import type { ProcoreHttp } from "../http";
import {
  webhookDeliverySchema,
  webhookHookSchema,
  webhookTriggerSchema,
  wireId,
  type ProcoreId,
  type WebhookDelivery,
  type WebhookHook,
  type WebhookTrigger,
} from "../schemas";
import { companyOf } from "./shared";

/** A hook belongs to the company, or to one of its projects. */
export type WebhookScope = { projectId: ProcoreId } | undefined;

export interface TriggerInput {
  /** e.g. "Company Users", "Locations" (see API-FACTS §6.1). */
  resourceName: string;
  eventType: "create" | "update" | "delete";
}

export interface HookInput {
  /** One per app across all companies: lowercase letters, digits and dashes. */
  namespace: string;
  destinationUrl: string;
  /** Sent back verbatim as the Authorization header of every delivery: the only proof a delivery is Procore's. */
  authorization?: string;
}

// Procore's cap per bulk trigger call.
const BULK_TRIGGER_LIMIT = 500;
const API_VERSION = "v2";

// 207 Multi-Status also lists the triggers it could not create. Only `success` is documented, so the
// refused list is read under either spelling and only counted.
const bulkTriggersResponse = z
  .object({
    success: z.array(webhookTriggerSchema).default([]),
    failure: z.array(z.unknown()).default([]),
    failures: z.array(z.unknown()).default([]),
  })
  .transform((r) => ({ created: r.success, failed: r.failure.length + r.failures.length }));

/** Webhook configuration: hooks (where to deliver), triggers (which changes), deliveries (what happened). */
export function webhooksResource(http: ProcoreHttp) {
  const scope = (s: WebhookScope): Record<string, number> =>
    s ? { project_id: wireId(s.projectId) } : { company_id: wireId(companyOf(http)) };
  const scopeQuery = (s: WebhookScope): Record<string, string> =>
    Object.fromEntries(Object.entries(scope(s)).map(([k, v]) => [k, String(v)]));
  const hooks = "/rest/v1.0/webhooks/hooks";
  const triggers = (hookId: ProcoreId) => `${hooks}/${wireId(hookId)}/triggers`;

  return {
    hooks: {
      create: (input: HookInput, s?: WebhookScope): Promise<WebhookHook> =>
        http.request(
          {
            method: "POST",
            path: hooks,
            body: {
              ...scope(s),
              hook: {
                api_version: API_VERSION,
                namespace: input.namespace,
                destination_url: input.destinationUrl,
                destination_headers: input.authorization ? { Authorization: input.authorization } : undefined,
              },
            },
          },
          webhookHookSchema,
        ),
      list: (opts: { namespace?: string } = {}, s?: WebhookScope): Promise<WebhookHook[]> =>
        http.request({ method: "GET", path: hooks, query: { ...scopeQuery(s), namespace: opts.namespace } }, z.array(webhookHookSchema)),
      delete: async (hookId: ProcoreId, s?: WebhookScope): Promise<void> => {
        await http.send({ method: "DELETE", path: `${hooks}/${wireId(hookId)}`, query: scopeQuery(s) });
      },
    },
    triggers: {
      create: (hookId: ProcoreId, input: TriggerInput, s?: WebhookScope): Promise<WebhookTrigger> =>
        http.request(
          {
            method: "POST",
            path: triggers(hookId),
            body: { ...scope(s), api_version: API_VERSION, trigger: { resource_name: input.resourceName, event_type: input.eventType } },
          },
          webhookTriggerSchema,
        ),
      /** Creates many triggers, ≤500 per call; returns the ones Procore created and the count it refused. */
      createBulk: async (
        hookId: ProcoreId,
        inputs: readonly TriggerInput[],
        s?: WebhookScope,
      ): Promise<{ created: WebhookTrigger[]; failed: number }> => {
        const result = { created: [] as WebhookTrigger[], failed: 0 };
        for (let i = 0; i < inputs.length; i += BULK_TRIGGER_LIMIT) {
          const batch = inputs.slice(i, i + BULK_TRIGGER_LIMIT);
          const answer = await http.request(
            {
              method: "POST",
              path: `${triggers(hookId)}/bulk`,
              body: {
                ...scope(s),
                api_version: API_VERSION,
                triggers: batch.map((t) => ({ resource_name: t.resourceName, event_type: t.eventType })),
              },
            },
            bulkTriggersResponse,
          );
          result.created.push(...answer.created);
          result.failed += answer.failed;
        }
        return result;
      },
      list: (hookId: ProcoreId, s?: WebhookScope): Promise<WebhookTrigger[]> =>
        http.request({ method: "GET", path: triggers(hookId), query: scopeQuery(s) }, z.array(webhookTriggerSchema)),
      delete: async (hookId: ProcoreId, triggerId: ProcoreId, s?: WebhookScope): Promise<void> => {
        await http.send({ method: "DELETE", path: `${triggers(hookId)}/${wireId(triggerId)}`, query: scopeQuery(s) });
      },
    },
    deliveries: {
      /** One page of delivery attempts in id order; pass the last id seen as `pageStart` for the next page. */
      list: (
        hookId: ProcoreId,
        opts: { status?: "any" | "successful" | "failing" | "discarded"; pageSize?: number; pageStart?: ProcoreId } = {},
        s?: WebhookScope,
      ): Promise<WebhookDelivery[]> =>
        http.request(
          {
            method: "GET",
            path: `${hooks}/${wireId(hookId)}/deliveries`,
            query: {
              ...scopeQuery(s),
              "filters[status]": opts.status,
              page_size: opts.pageSize,
              page_start: opts.pageStart === undefined ? undefined : String(wireId(opts.pageStart)),
            },
          },
          z.array(webhookDeliverySchema),
        ),
    },
  };
}
