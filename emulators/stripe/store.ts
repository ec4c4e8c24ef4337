import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { noSuchObject } from "./errors";

/**
 * The sandbox's own records. They hold references as ids (never embedded objects) so an object
 * always renders with its current state; render.ts turns them into Stripe's JSON shapes.
 */
export type Interval = "day" | "week" | "month" | "year";
export type Metadata = Record<string, string>;

export interface CustomerRecord {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Metadata;
  invoicePrefix: string;
  nextInvoiceSequence: number;
}

export interface ProductRecord {
  id: string;
  created: number;
  updated: number;
  name: string;
  description: string | null;
  active: boolean;
  metadata: Metadata;
}

export interface PriceRecord {
  id: string;
  created: number;
  product: string;
  active: boolean;
  currency: string;
  unitAmount: number;
  recurring: { interval: Interval; intervalCount: number } | null;
  lookupKey: string | null;
  nickname: string | null;
  metadata: Metadata;
}

export interface CheckoutLineItem {
  id: string;
  price: string;
  quantity: number;
}

export interface CheckoutSessionRecord {
  id: string;
  created: number;
  expiresAt: number;
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  successUrl: string;
  cancelUrl: string | null;
  metadata: Metadata;
  subscriptionMetadata: Metadata;
  lineItems: CheckoutLineItem[];
  currency: string;
  status: "open" | "complete" | "expired";
  paymentStatus: "unpaid" | "paid";
  subscription: string | null;
  invoice: string | null;
}

export interface SubscriptionItemRecord {
  id: string;
  created: number;
  price: string;
  quantity: number;
  metadata: Metadata;
}

export type SubscriptionStatus = "active" | "past_due" | "canceled";

export interface SubscriptionRecord {
  id: string;
  created: number;
  customer: string;
  status: SubscriptionStatus;
  currency: string;
  metadata: Metadata;
  interval: Interval;
  intervalCount: number;
  billingCycleAnchor: number;
  /** Periods completed since the anchor; the current period is number `periodIndex`. */
  periodIndex: number;
  currentPeriodStart: number;
  currentPeriodEnd: number;
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  endedAt: number | null;
  cancellationDetails: { comment: string | null; feedback: string | null; reason: string | null };
  latestInvoice: string | null;
  items: SubscriptionItemRecord[];
}

export interface InvoiceLineRecord {
  id: string;
  amount: number;
  description: string;
  price: string;
  quantity: number;
  periodStart: number;
  periodEnd: number;
  proration: boolean;
  subscriptionItem: string | null;
  invoiceItem: string | null;
}

export type InvoiceBillingReason = "subscription_create" | "subscription_cycle" | "subscription_update";

export interface InvoiceRecord {
  id: string;
  number: string;
  created: number;
  customer: string;
  subscription: string;
  subscriptionMetadata: Metadata;
  billingReason: InvoiceBillingReason;
  currency: string;
  status: "open" | "paid";
  periodStart: number;
  periodEnd: number;
  lines: InvoiceLineRecord[];
  attemptCount: number;
  amountPaid: number;
  paidAt: number | null;
  nextPaymentAttempt: number | null;
}

/** A pending proration, billed on the subscription's next invoice. */
export interface InvoiceItemRecord {
  id: string;
  created: number;
  customer: string;
  subscription: string;
  subscriptionItem: string;
  price: string;
  quantity: number;
  amount: number;
  currency: string;
  description: string;
  periodStart: number;
  periodEnd: number;
  invoice: string | null;
}

export interface PortalSessionRecord {
  id: string;
  created: number;
  customer: string;
  returnUrl: string | null;
}

/** An event is stored already rendered: its `data.object` is the snapshot taken when it happened. */
export interface EventRecord {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: JsonObject; previous_attributes?: JsonObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface IdempotencyRecord {
  /** The Idempotency-Key header. */
  id: string;
  created: number;
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
}

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** One map per object type, keyed by id, in creation order (lists read them newest first). */
class Collections {
  readonly customers = new Map<string, CustomerRecord>();
  readonly products = new Map<string, ProductRecord>();
  readonly prices = new Map<string, PriceRecord>();
  readonly checkoutSessions = new Map<string, CheckoutSessionRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly invoices = new Map<string, InvoiceRecord>();
  readonly invoiceItems = new Map<string, InvoiceItemRecord>();
  readonly portalSessions = new Map<string, PortalSessionRecord>();
  readonly events = new Map<string, EventRecord>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
}
type CollectionName = keyof Collections;
type RecordOf<K extends CollectionName> = Collections[K] extends Map<string, infer R> ? R : never;

/** How a missing object is named in "No such …" errors; its keys are also the persisted collections. */
const KIND: Record<CollectionName, string> = {
  customers: "customer",
  products: "product",
  prices: "price",
  checkoutSessions: "checkout.session",
  subscriptions: "subscription",
  invoices: "invoice",
  invoiceItems: "invoiceitem",
  portalSessions: "billing_portal.session",
  events: "event",
  idempotency: "idempotency key",
};
const COLLECTION_NAMES = Object.keys(KIND) as CollectionName[];
// Events and idempotency records are only ever written after a request has succeeded.
const BUSINESS_COLLECTIONS = COLLECTION_NAMES.filter((name) => name !== "events" && name !== "idempotency");

export type Snapshot = Map<CollectionName, Map<string, unknown>>;

const STATE_VERSION = 1;
// The file is written only by this sandbox, so checking the envelope is enough: each collection is a
// list of records with ids. A file from another version is ignored rather than half-loaded.
const stateFileSchema = z.object({
  version: z.literal(STATE_VERSION),
  collections: z.record(z.string(), z.array(z.looseObject({ id: z.string() }))),
});

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Stripe-style id: a type prefix and random base62 (`cus_Nf2…`, `cs_test_a1…`). */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = "";
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${id}`;
}

/** Stripe times are unix seconds. */
export function now(): number {
  return Math.floor(Date.now() / 1000);
}

export class Store extends Collections {
  private flushTimer: NodeJS.Timeout | undefined;

  /** With a file, state survives restarts: it is loaded now and written shortly after each change. */
  constructor(private readonly file?: string) {
    super();
    if (file && existsSync(file)) this.load(file);
  }

  /** The record, or Stripe's "No such …" error (404 for the URL's subject, 400 naming `param` otherwise). */
  need<K extends CollectionName>(name: K, id: string, param?: string): RecordOf<K> {
    const record = (this[name] as Map<string, RecordOf<K>>).get(id);
    if (!record) throw noSuchObject(KIND[name], id, param);
    return record;
  }

  /** The subscription holding a subscription item. */
  subscriptionOfItem(itemId: string, param?: string): { subscription: SubscriptionRecord; item: SubscriptionItemRecord } {
    for (const subscription of this.subscriptions.values()) {
      const item = subscription.items.find((i) => i.id === itemId);
      if (item) return { subscription, item };
    }
    throw noSuchObject("subscription item", itemId, param);
  }

  snapshot(): Snapshot {
    return new Map(BUSINESS_COLLECTIONS.map((name) => [name, structuredClone(this[name]) as Map<string, unknown>]));
  }

  restore(snapshot: Snapshot): void {
    for (const [name, saved] of snapshot) {
      const map = this[name] as Map<string, unknown>;
      map.clear();
      for (const [id, record] of saved) map.set(id, record);
    }
  }

  reset(): void {
    for (const name of COLLECTION_NAMES) this[name].clear();
    this.changed();
  }

  /** Records are mutated in place; callers say when, and the file is rewritten once per burst. */
  changed(): void {
    if (!this.file || this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), 50);
  }

  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.file) return;
    const collections = Object.fromEntries(COLLECTION_NAMES.map((name) => [name, [...this[name].values()]]));
    // Write-then-rename so a crash mid-write never leaves a truncated state file.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: STATE_VERSION, collections }));
    renameSync(tmp, this.file);
  }

  private load(file: string): void {
    const parsed = stateFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) {
      console.warn(`stripe sandbox: ignoring ${file} (not a version ${STATE_VERSION} state file)`);
      return;
    }
    for (const name of COLLECTION_NAMES) {
      const records = parsed.data.collections[name] ?? [];
      const map = this[name] as Map<string, unknown>;
      for (const record of records) map.set(record.id, record);
    }
  }
}
