import { z } from "zod";
import { cancelSubscription, updateSubscription } from "../billing";
import { formBool, formInt, formList, formMetadata, parseParams } from "../form";
import { renderSubscription, renderSubscriptionItem } from "../render";
import type { JsonObject } from "../store";
import type { ApiRoute } from "./context";
import { pageParams, paginate } from "./list";

const prorationBehavior = z.enum(["create_prorations", "none", "always_invoice"]);
const quantity = formInt.pipe(z.number().int().min(0));

const updateParams = z.strictObject({
  items: formList(
    z.strictObject({
      id: z.string().optional(),
      price: z.string().optional(),
      quantity: quantity.optional(),
      deleted: formBool.optional(),
      metadata: formMetadata.optional(),
    }),
  ).optional(),
  proration_behavior: prorationBehavior.optional(),
  cancel_at_period_end: formBool.optional(),
  metadata: formMetadata.optional(),
});

const cancelParams = z.strictObject({
  cancellation_details: z
    .strictObject({
      comment: z.string().max(5000).optional(),
      feedback: z
        .enum([
          "customer_service",
          "low_quality",
          "missing_features",
          "other",
          "switched_service",
          "too_complex",
          "too_expensive",
          "unused",
        ])
        .optional(),
    })
    .optional(),
});

const listParams = z.strictObject({
  customer: z.string().optional(),
  price: z.string().optional(),
  // Stripe's list hides canceled subscriptions unless asked for them (status=canceled|ended|all).
  status: z
    .enum(["active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"])
    .optional(),
  ...pageParams,
});

const itemCreateParams = z.strictObject({
  subscription: z.string(),
  price: z.string(),
  quantity: quantity.optional(),
  proration_behavior: prorationBehavior.optional(),
  metadata: formMetadata.optional(),
});
const itemUpdateParams = z.strictObject({
  price: z.string().optional(),
  quantity: quantity.optional(),
  proration_behavior: prorationBehavior.optional(),
  metadata: formMetadata.optional(),
});
const itemDeleteParams = z.strictObject({ proration_behavior: prorationBehavior.optional() });
const itemListParams = z.strictObject({ subscription: z.string(), ...pageParams });

export const subscriptionRoutes: ApiRoute[] = [
  {
    method: "GET",
    path: "/v1/subscriptions/:id",
    handler: ({ sandbox, path }) => renderSubscription(sandbox, sandbox.store.need("subscriptions", path.id)),
  },
  {
    method: "POST",
    path: "/v1/subscriptions/:id",
    handler: ({ sandbox, path, params, request }) => {
      const sub = sandbox.store.need("subscriptions", path.id);
      const input = parseParams(updateParams, params);
      const changes = {
        items: input.items,
        prorationBehavior: input.proration_behavior,
        cancelAtPeriodEnd: input.cancel_at_period_end,
        metadata: input.metadata,
      };
      return renderSubscription(sandbox, updateSubscription(sandbox, sub, changes, request));
    },
  },
  {
    method: "DELETE",
    path: "/v1/subscriptions/:id",
    handler: ({ sandbox, path, params, request }) => {
      const sub = sandbox.store.need("subscriptions", path.id);
      const { cancellation_details } = parseParams(cancelParams, params);
      return renderSubscription(sandbox, cancelSubscription(sandbox, sub, request, cancellation_details));
    },
  },
  {
    method: "GET",
    path: "/v1/subscriptions",
    handler: ({ sandbox, params }) => {
      const { customer, price, status, ...page } = parseParams(listParams, params);
      const subs = [...sandbox.store.subscriptions.values()].filter(
        (s) =>
          (customer === undefined || s.customer === customer) &&
          (price === undefined || s.items.some((item) => item.price === price)) &&
          (status === "all" ||
            (status === undefined && s.status !== "canceled") ||
            (status === "ended" && s.status === "canceled") ||
            s.status === status),
      );
      return paginate(subs, page, "/v1/subscriptions", (s) => renderSubscription(sandbox, s));
    },
  },
  {
    method: "GET",
    path: "/v1/subscription_items",
    handler: ({ sandbox, params }) => {
      const { subscription, ...page } = parseParams(itemListParams, params);
      const sub = sandbox.store.need("subscriptions", subscription, "subscription");
      // Items are listed in the subscription's order; the pager expects oldest first.
      return paginate([...sub.items].reverse(), page, "/v1/subscription_items", (item) =>
        renderSubscriptionItem(sandbox, sub, item),
      );
    },
  },
  {
    method: "GET",
    path: "/v1/subscription_items/:id",
    handler: ({ sandbox, path }) => {
      const { subscription, item } = sandbox.store.subscriptionOfItem(path.id);
      return renderSubscriptionItem(sandbox, subscription, item);
    },
  },
  {
    method: "POST",
    path: "/v1/subscription_items",
    handler: ({ sandbox, params, request }) => {
      const input = parseParams(itemCreateParams, params);
      const sub = sandbox.store.need("subscriptions", input.subscription, "subscription");
      const change = { price: input.price, quantity: input.quantity, metadata: input.metadata };
      updateSubscription(sandbox, sub, { items: [change], prorationBehavior: input.proration_behavior }, request);
      // New items are appended to the subscription's items.
      return renderSubscriptionItem(sandbox, sub, sub.items[sub.items.length - 1]);
    },
  },
  {
    method: "POST",
    path: "/v1/subscription_items/:id",
    handler: ({ sandbox, path, params, request }) => {
      const { subscription } = sandbox.store.subscriptionOfItem(path.id);
      const { proration_behavior, ...change } = parseParams(itemUpdateParams, params);
      updateSubscription(
        sandbox,
        subscription,
        { items: [{ id: path.id, ...change }], prorationBehavior: proration_behavior },
        request,
      );
      const { item } = sandbox.store.subscriptionOfItem(path.id);
      return renderSubscriptionItem(sandbox, subscription, item);
    },
  },
  {
    method: "DELETE",
    path: "/v1/subscription_items/:id",
    handler: ({ sandbox, path, params, request }) => {
      const { subscription } = sandbox.store.subscriptionOfItem(path.id);
      const { proration_behavior } = parseParams(itemDeleteParams, params);
      updateSubscription(
        sandbox,
        subscription,
        { items: [{ id: path.id, deleted: true }], prorationBehavior: proration_behavior },
        request,
      );
      const deleted: JsonObject = { id: path.id, object: "subscription_item", deleted: true };
      return deleted;
    },
  },
];
