/**
 * Creates the catalogue's products and prices in Stripe, or confirms they are there.
 *
 *   STRIPE_API_URL=http://localhost:4002 node --import tsx scripts/stripe-setup-prices.ts   # local sandbox
 *   STRIPE_SECRET_KEY=sk_test_… node --import tsx scripts/stripe-setup-prices.ts            # real Stripe
 *
 * Against the sandbox the key defaults to the sandbox's dev key; against Stripe it is required.
 */
import { z } from "zod";
import { formatCents, priceForLookupKey } from "../lib/billing/catalogue";
import { createStripeClient, ensureCatalogue } from "../lib/billing/stripe-client";

const SANDBOX_DEV_KEY = "sk_test_smartapp_dev";

const envSchema = z
  .object({
    STRIPE_API_URL: z.url().optional(),
    STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, "must start with sk_test_, sk_live_ or rk_").optional(),
  })
  .refine((e) => e.STRIPE_API_URL || e.STRIPE_SECRET_KEY, "set STRIPE_API_URL (sandbox) or STRIPE_SECRET_KEY (Stripe)");

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`${issue.path.join(".") || "environment"}: ${issue.message}`);
    process.exitCode = 1;
    return;
  }
  const { STRIPE_API_URL: apiUrl, STRIPE_SECRET_KEY } = parsed.data;
  const secretKey = STRIPE_SECRET_KEY ?? SANDBOX_DEV_KEY;
  console.log(`Stripe catalogue on ${apiUrl ?? "api.stripe.com"}:`);
  const { actions } = await ensureCatalogue(createStripeClient({ secretKey, apiUrl }));
  for (const { lookupKey, priceId, action } of actions) {
    const price = priceForLookupKey(lookupKey);
    const amount = price ? `${formatCents(price.unitCents)}/${price.interval}` : "";
    console.log(`  ${action.padEnd(8)} ${lookupKey.padEnd(28)} ${amount.padEnd(16)} ${priceId}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
