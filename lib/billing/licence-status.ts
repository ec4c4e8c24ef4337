import type Stripe from "stripe";
import type { LicenceStatus } from "@/lib/generated/prisma/client";

/**
 * Licence access follows the subscription: paid and current → ACTIVE; a failed or pending payment →
 * PAYMENT_PENDING (still usable, the project shows "Payment pending"); ended → CANCELED.
 */
export function licenceStatusFor(status: Stripe.Subscription.Status): LicenceStatus {
  switch (status) {
    case "active":
    case "trialing":
      return "ACTIVE";
    case "past_due":
    case "unpaid":
    case "incomplete":
    case "paused":
      return "PAYMENT_PENDING";
    case "canceled":
    case "incomplete_expired":
      return "CANCELED";
    default:
      // A status Stripe adds later: keep access, flag it, until someone maps it.
      return "PAYMENT_PENDING";
  }
}
