import { z } from "zod";
import { cancelSubscription, completeCheckout, failSubscriptionPayment, renewSubscription, successUrlFor } from "./billing";
import { NO_FAULTS } from "./events";
import { json, type RawResponse, type Route } from "./http";
import { renderCheckoutSession, renderSubscription } from "./render";
import { AUTOMATIC, type Sandbox } from "./sandbox";

/**
 * Test controls under /__admin (JSON, no auth): what Stripe does on its own schedule (renewals,
 * failed payments), what a browser would do (pay a session), fault injection, and records for
 * assertions. The app never calls these.
 */
export type AdminRoute = Route<(ctx: { sandbox: Sandbox; path: Record<string, string>; body: unknown }) => RawResponse>;

const configBody = z.strictObject({
  webhookUrl: z.url().nullable().optional(),
  webhookRetryBaseMs: z.number().int().min(1).optional(),
});
const faultsBody = z.strictObject({
  duplicateEvents: z.boolean().optional(),
  outOfOrder: z.boolean().optional(),
  webhookFailures: z.number().int().min(0).optional(),
});
const completeBody = z.strictObject({ card: z.string() });

function webhookConfig(sandbox: Sandbox) {
  const { url, retryBaseMs } = sandbox.config.webhook;
  return { webhookUrl: url, webhookRetryBaseMs: retryBaseMs };
}

export const adminRoutes: AdminRoute[] = [
  {
    method: "POST",
    path: "/__admin/reset",
    handler: ({ sandbox }) => {
      sandbox.reset();
      return json(200, { ok: true });
    },
  },
  {
    method: "GET",
    path: "/__admin/config",
    handler: ({ sandbox }) => json(200, webhookConfig(sandbox)),
  },
  {
    method: "POST",
    path: "/__admin/config",
    handler: ({ sandbox, body }) => {
      const input = configBody.parse(body);
      const settings = sandbox.config.webhook;
      if (input.webhookUrl !== undefined) settings.url = input.webhookUrl;
      if (input.webhookRetryBaseMs !== undefined) settings.retryBaseMs = input.webhookRetryBaseMs;
      return json(200, webhookConfig(sandbox));
    },
  },
  {
    method: "POST",
    path: "/__admin/subscriptions/:id/renew",
    handler: ({ sandbox, path }) =>
      json(200, renderSubscription(sandbox, renewSubscription(sandbox, sandbox.store.need("subscriptions", path.id)))),
  },
  {
    method: "POST",
    path: "/__admin/subscriptions/:id/fail-payment",
    handler: ({ sandbox, path }) => {
      const sub = sandbox.store.need("subscriptions", path.id);
      return json(200, renderSubscription(sandbox, failSubscriptionPayment(sandbox, sub)));
    },
  },
  {
    method: "POST",
    path: "/__admin/subscriptions/:id/cancel",
    handler: ({ sandbox, path }) => {
      const sub = sandbox.store.need("subscriptions", path.id);
      return json(200, renderSubscription(sandbox, cancelSubscription(sandbox, sub, AUTOMATIC)));
    },
  },
  {
    method: "POST",
    path: "/__admin/checkout/:id/complete",
    handler: ({ sandbox, path, body }) => {
      const session = completeCheckout(sandbox, path.id, completeBody.parse(body).card);
      return json(200, { session: renderCheckoutSession(sandbox, session), redirectUrl: successUrlFor(session) });
    },
  },
  {
    method: "GET",
    path: "/__admin/faults",
    handler: ({ sandbox }) => json(200, sandbox.webhooks.faults),
  },
  {
    method: "POST",
    path: "/__admin/faults",
    handler: ({ sandbox, body }) => {
      sandbox.webhooks.faults = { ...sandbox.webhooks.faults, ...faultsBody.parse(body) };
      return json(200, sandbox.webhooks.faults);
    },
  },
  {
    method: "DELETE",
    path: "/__admin/faults",
    handler: ({ sandbox }) => {
      sandbox.webhooks.faults = { ...NO_FAULTS };
      return json(200, sandbox.webhooks.faults);
    },
  },
  {
    method: "GET",
    path: "/__admin/deliveries",
    handler: ({ sandbox }) => json(200, { deliveries: sandbox.webhooks.list() }),
  },
  {
    method: "GET",
    path: "/__admin/requests",
    handler: ({ sandbox }) => json(200, { requests: sandbox.requests() }),
  },
];
