import { stripe } from "./stripe";
import { ensureCatalogue } from "./stripe-client";

let pricesPromise: Promise<Record<string, string>> | undefined;

/** lookup_key → Stripe price id, created in Stripe when missing (once per process). */
export function priceIds(): Promise<Record<string, string>> {
  pricesPromise ??= ensureCatalogue(stripe())
    .then((c) => c.priceIds)
    .catch((err) => {
      pricesPromise = undefined;
      throw err;
    });
  return pricesPromise;
}
