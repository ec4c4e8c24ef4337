import { ADD_ONS, CATALOGUE, priceFor, priceForLookupKey, type AddOnCode, type BillingInterval, type CatalogueCode, type ModuleCode } from "./catalogue";

/*
 * Pure: how a subscription's items must change so Stripe bills what the licences say. No I/O, so the rules
 * are tested in microseconds; lib/billing/manage.ts reads both sides and sends the result to Stripe.
 */

/** A subscription item as far as billing cares. */
export interface BilledItem {
  id: string;
  /** The price's lookup_key; null for a price not from the catalogue. */
  lookupKey: string | null;
  quantity: number;
}

/** One entry of `items[]` on a subscription update, in Stripe's shape. */
export type ItemChange = { id: string; quantity: number } | { id: string; deleted: true } | { price: string; quantity: number };

/** Stripe keeps at least one item on a subscription: when none is left to bill, the subscription ends. */
export type ItemPlan = { cancel: true } | { cancel: false; items: ItemChange[] };

/** A live licence folded to what it bills: its module, and the module's add-on when it has it. */
export interface LiveLicence {
  module: ModuleCode;
  addOn: boolean;
}

/** Each module's add-on, read off the catalogue's `requires`. */
export const ADD_ON_OF = Object.fromEntries(ADD_ONS.map((a) => [CATALOGUE[a].requires, a])) as Record<ModuleCode, AddOnCode>;

/**
 * Quantity per lookup key of each priced catalogue item, counted from the subscription's live licences:
 * quantity = projects, as at checkout. Unpriced items (the $0 add-ons) are not billed and not listed.
 */
export function billedQuantities(licences: readonly LiveLicence[], interval: BillingInterval): Map<string, number> {
  const counts = new Map<CatalogueCode, number>();
  const add = (code: CatalogueCode) => counts.set(code, (counts.get(code) ?? 0) + 1);
  for (const licence of licences) {
    add(licence.module);
    if (licence.addOn) add(ADD_ON_OF[licence.module]);
  }
  const quantities = new Map<string, number>();
  for (const [code, count] of counts) {
    const price = priceFor(code, interval);
    if (price.unitCents > 0) quantities.set(price.lookupKey, count);
  }
  return quantities;
}

/**
 * The item changes that make the subscription bill `wanted` (lookup key → quantity): an item whose quantity
 * differs is set to the wanted one (absolute, so sending it twice changes nothing), an item no longer wanted
 * is deleted, a wanted price the subscription lacks becomes a new item. Items of prices outside the
 * catalogue are left alone. No change at all → no items.
 */
export function planItems(current: readonly BilledItem[], wanted: ReadonlyMap<string, number>, priceIdOf: (lookupKey: string) => string): ItemPlan {
  const items: ItemChange[] = [];
  let kept = 0;
  for (const item of current) {
    if (!item.lookupKey || !priceForLookupKey(item.lookupKey)) {
      kept++;
      continue;
    }
    const quantity = wanted.get(item.lookupKey) ?? 0;
    if (quantity === 0) {
      items.push({ id: item.id, deleted: true });
      continue;
    }
    kept++;
    if (quantity !== item.quantity) items.push({ id: item.id, quantity });
  }
  const present = new Set(current.map((item) => item.lookupKey));
  for (const [lookupKey, quantity] of wanted) {
    if (quantity > 0 && !present.has(lookupKey)) {
      items.push({ price: priceIdOf(lookupKey), quantity });
      kept++;
    }
  }
  return kept === 0 ? { cancel: true } : { cancel: false, items };
}
