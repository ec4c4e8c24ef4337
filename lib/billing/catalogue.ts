/**
 * The price catalogue (SPEC §4): the one place modules, add-ons and prices are defined. The
 * subscriptions page, checkout, Stripe setup and tests all read it. Pure: no I/O, safe on the client.
 *
 * Money is integer cents in USD. Yearly billing is 12 × monthly unless an entry sets `yearlyCents`.
 * Add-ons cost $0 unless an entry prices them; only items with a non-zero price become Stripe
 * prices and checkout line items.
 */

export const BILLING_INTERVALS = ["month", "year"] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

export const MODULES = ["PLANNER", "SAFETY"] as const;
export type ModuleCode = (typeof MODULES)[number];

export const ADD_ONS = ["PLANNER_BOARD", "SAFETY_BADGE"] as const;
export type AddOnCode = (typeof ADD_ONS)[number];

export type CatalogueCode = ModuleCode | AddOnCode;

export const CURRENCY = "usd";

interface CatalogueEntry {
  name: string;
  /** The Stripe product's id; Stripe lets us choose it, so setup can find the product again. */
  productId: string;
  monthlyCents: number;
  /** Overrides 12 × monthlyCents for yearly billing. */
  yearlyCents?: number;
}

interface AddOnEntry extends CatalogueEntry {
  /** The module a project must have for this add-on. */
  requires: ModuleCode;
}

export const CATALOGUE: { readonly [C in ModuleCode]: CatalogueEntry } & { readonly [C in AddOnCode]: AddOnEntry } = {
  PLANNER: { name: "Planner", productId: "smartapp_planner", monthlyCents: 29_500 },
  SAFETY: { name: "Safety", productId: "smartapp_safety", monthlyCents: 59_500 },
  PLANNER_BOARD: {
    name: "Planner Board",
    requires: "PLANNER",
    productId: "smartapp_planner_board",
    monthlyCents: 0,
  },
  SAFETY_BADGE: {
    name: "Safety Badge",
    requires: "SAFETY",
    productId: "smartapp_safety_badge",
    monthlyCents: 0,
  },
};

/** The add-on grouped under each module on the subscriptions page (the inverse of `requires`). */
const ADD_ON_OF: { readonly [M in ModuleCode]: AddOnCode } = { PLANNER: "PLANNER_BOARD", SAFETY: "SAFETY_BADGE" };

export interface CataloguePrice {
  code: CatalogueCode;
  name: string;
  interval: BillingInterval;
  /** Per project per interval. */
  unitCents: number;
  currency: typeof CURRENCY;
  productId: string;
  /** The Stripe price's lookup_key, e.g. `smartapp_planner_monthly`. */
  lookupKey: string;
}

const INTERVAL_SUFFIX: { readonly [I in BillingInterval]: string } = { month: "monthly", year: "yearly" };

export function priceFor(code: CatalogueCode, interval: BillingInterval): CataloguePrice {
  const entry: CatalogueEntry = CATALOGUE[code];
  return {
    code,
    name: entry.name,
    interval,
    unitCents: interval === "month" ? entry.monthlyCents : (entry.yearlyCents ?? entry.monthlyCents * 12),
    currency: CURRENCY,
    productId: entry.productId,
    lookupKey: `${entry.productId}_${INTERVAL_SUFFIX[interval]}`,
  };
}

const ALL_CODES: readonly CatalogueCode[] = [...MODULES, ...ADD_ONS];

function allPrices(): CataloguePrice[] {
  return BILLING_INTERVALS.flatMap((interval) => ALL_CODES.map((code) => priceFor(code, interval)));
}

/** Every price Stripe must know about: each item with a non-zero price, in each interval. */
export function billablePrices(): CataloguePrice[] {
  return allPrices().filter((price) => price.unitCents > 0);
}

/** Reads a Stripe price's lookup_key back into the catalogue (undefined for prices not ours). */
export function priceForLookupKey(lookupKey: string): CataloguePrice | undefined {
  return allPrices().find((price) => price.lookupKey === lookupKey);
}

/** One row of the mapping page: a Procore project and what was chosen for it. */
export interface ProjectSelection {
  projectName: string;
  planner: boolean;
  safety: boolean;
  plannerBoard: boolean;
  safetyBadge: boolean;
}

export interface QuoteLine {
  code: CatalogueCode;
  name: string;
  projectCount: number;
  projectNames: string[];
  unitCents: number;
  totalCents: number;
}

/** A module's group on the subscriptions page: its projects, its add-on, and what the group costs. */
export interface QuoteGroup {
  module: QuoteLine;
  addOn: QuoteLine;
  totalCents: number;
}

export interface Quote {
  interval: BillingInterval;
  currency: typeof CURRENCY;
  groups: { readonly [M in ModuleCode]: QuoteGroup };
  totalCents: number;
  /** What checkout bills: one line per priced item with at least one project, quantity = projects. */
  lineItems: { code: CatalogueCode; lookupKey: string; quantity: number }[];
}

export class InvalidSelectionError extends Error {}

const SELECTED: {
  readonly [C in CatalogueCode]: (s: ProjectSelection) => boolean;
} = {
  PLANNER: (s) => s.planner,
  SAFETY: (s) => s.safety,
  PLANNER_BOARD: (s) => s.plannerBoard,
  SAFETY_BADGE: (s) => s.safetyBadge,
};

function quoteLine(code: CatalogueCode, interval: BillingInterval, selection: ProjectSelection[]): QuoteLine {
  const price = priceFor(code, interval);
  const projectNames = selection.filter(SELECTED[code]).map((s) => s.projectName);
  return {
    code,
    name: price.name,
    projectCount: projectNames.length,
    projectNames,
    unitCents: price.unitCents,
    totalCents: price.unitCents * projectNames.length,
  };
}

/**
 * Prices a mapping-page selection for one billing interval. An add-on without its module is a
 * selection the mapping rules never produce, so it is refused rather than silently priced.
 */
export function quoteSelection(selection: ProjectSelection[], interval: BillingInterval): Quote {
  for (const row of selection) {
    for (const addOn of ADD_ONS) {
      const required = CATALOGUE[addOn].requires;
      if (SELECTED[addOn](row) && !SELECTED[required](row)) {
        throw new InvalidSelectionError(
          `${CATALOGUE[addOn].name} needs ${CATALOGUE[required].name} (project "${row.projectName}")`,
        );
      }
    }
  }
  const group = (moduleCode: ModuleCode): QuoteGroup => {
    const moduleLine = quoteLine(moduleCode, interval, selection);
    const addOnLine = quoteLine(ADD_ON_OF[moduleCode], interval, selection);
    return { module: moduleLine, addOn: addOnLine, totalCents: moduleLine.totalCents + addOnLine.totalCents };
  };
  const groups = { PLANNER: group("PLANNER"), SAFETY: group("SAFETY") };
  const lines = MODULES.flatMap((m) => [groups[m].module, groups[m].addOn]);
  return {
    interval,
    currency: CURRENCY,
    groups,
    totalCents: lines.reduce((sum, line) => sum + line.totalCents, 0),
    lineItems: lines
      .filter((line) => line.unitCents > 0 && line.projectCount > 0)
      .map((line) => ({ code: line.code, lookupKey: priceFor(line.code, interval).lookupKey, quantity: line.projectCount })),
  };
}

const formatters = new Map<string, Intl.NumberFormat>();

/** `29500` → `$295.00`. */
export function formatCents(cents: number, currency: string = CURRENCY): string {
  let format = formatters.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
    formatters.set(currency, format);
  }
  return format.format(cents / 100);
}
