import { z } from "zod";
import { applyMetadata, expireCheckout, expireIfDue, validateCheckoutPrices } from "../billing";
import { invalidRequest, ParamError } from "../errors";
import { formBool, formInt, formList, formMetadata, parseParams } from "../form";
import { renderCheckoutLineItem, renderCheckoutSession } from "../render";
import { newId, now, type CheckoutSessionRecord } from "../store";
import type { ApiRoute } from "./context";
import { pageParams, paginate } from "./list";

const createParams = z.strictObject({
  mode: z.enum(["payment", "setup", "subscription"]),
  line_items: formList(
    z.strictObject({ price: z.string(), quantity: formInt.pipe(z.number().int().min(1).max(999_999)) }),
  ),
  customer: z.string().optional(),
  customer_email: z.email().optional(),
  success_url: z.url(),
  cancel_url: z.url().optional(),
  client_reference_id: z.string().max(200).optional(),
  metadata: formMetadata.optional(),
  subscription_data: z.strictObject({ metadata: formMetadata.optional() }).optional(),
  expires_at: formInt.optional(),
  // Accepted because apps commonly send them; they only shape Stripe's own payment page.
  payment_method_types: formList(z.string()).optional(),
  allow_promotion_codes: formBool.optional(),
  billing_address_collection: z.enum(["auto", "required"]).optional(),
  locale: z.string().optional(),
});

const listParams = z.strictObject({
  customer: z.string().optional(),
  subscription: z.string().optional(),
  status: z.enum(["open", "complete", "expired"]).optional(),
  ...pageParams,
});

const DAY = 86_400;

export const checkoutRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/checkout/sessions",
    handler: ({ sandbox, params }) => {
      const input = parseParams(createParams, params);
      if (input.mode !== "subscription") {
        throw invalidRequest("The Stripe sandbox emulates Checkout in `subscription` mode only.", { param: "mode" });
      }
      if (input.line_items.length === 0) {
        throw new ParamError("Missing required param: line_items.", "line_items", "parameter_missing");
      }
      if (input.customer && input.customer_email) {
        throw invalidRequest("You may only specify one of these parameters: customer, customer_email.", {
          param: "customer",
        });
      }
      const customer = input.customer ? sandbox.store.need("customers", input.customer, "customer") : undefined;
      const { currency } = validateCheckoutPrices(
        sandbox,
        input.line_items.map((li) => li.price),
      );
      const created = now();
      if (input.expires_at !== undefined && (input.expires_at < created + 30 * 60 || input.expires_at > created + DAY)) {
        throw invalidRequest("The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.", { param: "expires_at" });
      }
      const session: CheckoutSessionRecord = {
        id: newId("cs_test", 58),
        created,
        expiresAt: input.expires_at ?? created + DAY,
        customer: customer?.id ?? null,
        customerEmail: input.customer_email ?? null,
        clientReferenceId: input.client_reference_id ?? null,
        successUrl: input.success_url,
        cancelUrl: input.cancel_url ?? null,
        metadata: applyMetadata({}, input.metadata),
        subscriptionMetadata: applyMetadata({}, input.subscription_data?.metadata),
        lineItems: input.line_items.map((li) => ({ id: newId("li", 24), price: li.price, quantity: li.quantity })),
        currency,
        status: "open",
        paymentStatus: "unpaid",
        subscription: null,
        invoice: null,
      };
      sandbox.store.checkoutSessions.set(session.id, session);
      return renderCheckoutSession(sandbox, session);
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions/:id",
    handler: ({ sandbox, path }) => renderCheckoutSession(sandbox, expireIfDue(sandbox, sandbox.store.need("checkoutSessions", path.id))),
  },
  {
    method: "POST",
    path: "/v1/checkout/sessions/:id/expire",
    handler: ({ sandbox, path, request }) => {
      const session = expireIfDue(sandbox, sandbox.store.need("checkoutSessions", path.id));
      expireCheckout(sandbox, session, request);
      return renderCheckoutSession(sandbox, session);
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions/:id/line_items",
    handler: ({ sandbox, path, params }) => {
      const session = sandbox.store.need("checkoutSessions", path.id);
      const page = parseParams(z.strictObject(pageParams), params);
      // Line items are listed in the order they were given, so hand them to the newest-first pager reversed.
      return paginate([...session.lineItems].reverse(), page, `/v1/checkout/sessions/${session.id}/line_items`, (li) =>
        renderCheckoutLineItem(sandbox, li),
      );
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions",
    handler: ({ sandbox, params }) => {
      const { customer, subscription, status, ...page } = parseParams(listParams, params);
      const sessions = [...sandbox.store.checkoutSessions.values()].map((s) => expireIfDue(sandbox, s)).filter(
        (s) =>
          (customer === undefined || s.customer === customer) &&
          (subscription === undefined || s.subscription === subscription) &&
          (status === undefined || s.status === status),
      );
      return paginate(sessions, page, "/v1/checkout/sessions", (s) => renderCheckoutSession(sandbox, s));
    },
  },
];
