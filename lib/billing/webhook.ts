import type Stripe from "stripe";
import { db, isUniqueViolation } from "@/lib/db";
import { env } from "@/lib/env";
import { HttpError } from "@/lib/errors";
import { log } from "@/lib/log";
import { markCheckoutExpired } from "./checkout";
import { grantFromCheckoutSession, syncSubscriptionFromStripe } from "./grant";
import { stripe } from "./stripe";

/** Verifies Stripe's signature over the raw body. A bad or missing signature → 400, nothing written. */
export function verifyStripeEvent(payload: string, signature: string | null): Stripe.Event {
  if (!signature) throw new HttpError(400, "Missing Stripe-Signature header");
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(payload, signature, env().stripe.webhookSecret);
  } catch {
    throw new HttpError(400, "Invalid Stripe signature");
  }
  // The SDK checks the signature, not the shape: a signed body that is not an event is a bad request, not a crash.
  const e = event as unknown as { id?: unknown; type?: unknown; data?: { object?: unknown } } | null;
  if (typeof e !== "object" || e === null || typeof e.id !== "string" || typeof e.type !== "string" || typeof e.data?.object !== "object" || e.data.object === null) {
    throw new HttpError(400, "Not a Stripe event");
  }
  return event;
}

function idOf(ref: string | { id: string } | null | undefined): string | null {
  return typeof ref === "string" ? ref : (ref?.id ?? null);
}

function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  // Since API version 2025-03 the subscription hangs off the invoice's parent.
  const viaParent = invoice.parent?.subscription_details?.subscription;
  return idOf(viaParent as string | { id: string } | null | undefined) ?? idOf((invoice as unknown as { subscription?: string | null }).subscription);
}

/**
 * Thin: record nothing until the convergent core has run, then record the event id. A replay finds the id
 * and does nothing; two deliveries racing both run the core, which is idempotent.
 */
export async function handleStripeEvent(event: Stripe.Event): Promise<"processed" | "duplicate" | "ignored"> {
  if (await db().processedStripeEvent.findUnique({ where: { id: event.id } })) return "duplicate";
  let handled = true;
  switch (event.type) {
    case "checkout.session.completed":
      await grantFromCheckoutSession(event.data.object.id);
      break;
    case "checkout.session.expired":
      await markCheckoutExpired(event.data.object.id);
      break;
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      await syncSubscriptionFromStripe(event.data.object.id);
      break;
    case "invoice.paid":
    case "invoice.payment_failed": {
      const subscriptionId = subscriptionOfInvoice(event.data.object);
      if (subscriptionId) await syncSubscriptionFromStripe(subscriptionId);
      break;
    }
    default:
      handled = false;
  }
  try {
    await db().processedStripeEvent.create({ data: { id: event.id, type: event.type } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  log.info({ eventId: event.id, type: event.type, handled }, "stripe event");
  return handled ? "processed" : "ignored";
}
