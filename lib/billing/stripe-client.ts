import Stripe from "stripe";
import { z } from "zod";
import { billablePrices, type CataloguePrice } from "./catalogue";

/**
 * The app's Stripe client: the official SDK, pointed at the local Stripe sandbox when `apiUrl` is
 * given (the SDK takes host/port/protocol rather than a base URL), otherwise at api.stripe.com.
 */
export function createStripeClient({ secretKey, apiUrl }: { secretKey: string; apiUrl?: string }): Stripe {
  const config: Stripe.StripeConfig = { telemetry: false, maxNetworkRetries: 2 };
  if (!apiUrl) return new Stripe(secretKey, config);
  const url = new URL(apiUrl);
  const protocol = url.protocol === "https:" ? "https" : "http";
  const port = url.port ? Number(url.port) : protocol === "https" ? 443 : 80;
  return new Stripe(secretKey, { ...config, host: url.hostname, port, protocol });
}

// The fields of a Stripe price that decide whether it still matches the catalogue.
const stripePrice = z.object({
  id: z.string(),
  active: z.boolean(),
  lookup_key: z.string().nullable(),
  unit_amount: z.number().int().nullable(),
  currency: z.string(),
  recurring: z.object({ interval: z.string(), interval_count: z.number().int() }).nullable(),
  product: z.union([z.string(), z.object({ id: z.string() })]).transform((p) => (typeof p === "string" ? p : p.id)),
});
type StripePrice = z.output<typeof stripePrice>;

export type CatalogueAction = "found" | "created" | "replaced";

export interface EnsuredCatalogue {
  /** lookup_key → Stripe price id, for every billable catalogue price. */
  priceIds: Record<string, string>;
  actions: { lookupKey: string; priceId: string; action: CatalogueAction }[];
}

function matchesCatalogue(price: StripePrice, wanted: CataloguePrice): boolean {
  return (
    price.active &&
    price.unit_amount === wanted.unitCents &&
    price.currency === wanted.currency &&
    price.recurring?.interval === wanted.interval &&
    price.recurring.interval_count === 1 &&
    price.product === wanted.productId
  );
}

function isMissing(err: unknown): boolean {
  return err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "resource_missing";
}

async function ensureProduct(stripe: Stripe, wanted: CataloguePrice): Promise<void> {
  try {
    await stripe.products.retrieve(wanted.productId);
  } catch (err) {
    if (!isMissing(err)) throw err;
    await stripe.products.create({ id: wanted.productId, name: `Smartapp ${wanted.name}` });
  }
}

// Stripe accepts at most 10 lookup keys per prices.list call.
const LOOKUP_KEYS_PER_LIST = 10;

/**
 * Makes Stripe hold the catalogue's billable prices, found by lookup key. Safe to run any number of
 * times: a matching price is reused; a missing one is created (with its product); a price whose
 * amount or interval no longer matches is replaced by a new price that takes over the lookup key,
 * because Stripe prices are immutable.
 */
export async function ensureCatalogue(stripe: Stripe): Promise<EnsuredCatalogue> {
  const wanted = billablePrices();
  const existing = new Map<string, StripePrice>();
  for (let i = 0; i < wanted.length; i += LOOKUP_KEYS_PER_LIST) {
    const lookupKeys = wanted.slice(i, i + LOOKUP_KEYS_PER_LIST).map((p) => p.lookupKey);
    const page = await stripe.prices.list({ lookup_keys: lookupKeys, limit: 100 });
    for (const raw of page.data) {
      const price = stripePrice.parse(raw);
      if (price.lookup_key) existing.set(price.lookup_key, price);
    }
  }

  const result: EnsuredCatalogue = { priceIds: {}, actions: [] };
  const ensuredProducts = new Set<string>();
  for (const price of wanted) {
    const current = existing.get(price.lookupKey);
    let priceId: string;
    let action: CatalogueAction;
    if (current && matchesCatalogue(current, price)) {
      priceId = current.id;
      action = "found";
    } else {
      if (!ensuredProducts.has(price.productId)) {
        await ensureProduct(stripe, price);
        ensuredProducts.add(price.productId);
      }
      const created = stripePrice.parse(
        await stripe.prices.create({
          product: price.productId,
          currency: price.currency,
          unit_amount: price.unitCents,
          recurring: { interval: price.interval },
          lookup_key: price.lookupKey,
          transfer_lookup_key: current !== undefined,
          nickname: `${price.name} (${price.interval}ly)`,
        }),
      );
      priceId = created.id;
      action = current ? "replaced" : "created";
    }
    result.priceIds[price.lookupKey] = priceId;
    result.actions.push({ lookupKey: price.lookupKey, priceId, action });
  }
  return result;
}
