import type Stripe from "stripe";
import { env } from "@/lib/env";
import { createStripeClient } from "./stripe-client";

const holder = globalThis as unknown as { smartappStripe?: Stripe };

/** The app's Stripe client: the local sandbox or Stripe itself, from the environment. */
export function stripe(): Stripe {
  const { secretKey, apiUrl } = env().stripe;
  holder.smartappStripe ??= createStripeClient({ secretKey, apiUrl });
  return holder.smartappStripe;
}
