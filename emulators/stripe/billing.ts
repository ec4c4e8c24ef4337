import { randomBytes } from "node:crypto";
import { cardError, invalidRequest, noSuchObject, ParamError, StripeApiError } from "./errors";
import type { MetadataInput } from "./form";
import { invoiceTotal, renderCheckoutSession, renderInvoice, renderSubscription } from "./render";
import { AUTOMATIC, type RequestMeta, type Sandbox } from "./sandbox";
import {
  newId,
  now,
  type CheckoutSessionRecord,
  type CustomerRecord,
  type Interval,
  type InvoiceBillingReason,
  type InvoiceLineRecord,
  type InvoiceRecord,
  type JsonObject,
  type Metadata,
  type PriceRecord,
  type SubscriptionItemRecord,
  type SubscriptionRecord,
} from "./store";

/**
 * What Stripe Billing does on its own: turning a paid Checkout Session into a subscription and
 * invoice, changing subscriptions with prorations, renewing, failing payments and cancelling —
 * each with the events Stripe would send. The API handlers, the hosted pages and the admin API all
 * call these, so a page payment and an admin "complete" are the same code path.
 */

type CardOutcome = "succeeds" | { code: string; declineCode?: string; message: string };

/** Stripe's documented test cards that the sandbox understands. */
const TEST_CARDS: Record<string, CardOutcome> = {
  "4242424242424242": "succeeds",
  "5555555555554444": "succeeds",
  "4000000000000002": { code: "card_declined", declineCode: "generic_decline", message: "Your card was declined." },
  "4000000000009995": {
    code: "card_declined",
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
  },
  "4000000000000069": { code: "expired_card", message: "Your card has expired." },
};

/** Throws the card error Stripe would give for this number; spaces and dashes are ignored. */
function chargeCard(card: string): void {
  const digits = card.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) throw cardError("incorrect_number", "Your card number is incorrect.");
  const outcome = TEST_CARDS[digits];
  if (outcome === "succeeds") return;
  if (outcome) throw cardError(outcome.code, outcome.message, outcome.declineCode);
  // Test mode refuses real card numbers, and so does the sandbox.
  throw cardError(
    "card_declined",
    "Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.",
    "test_mode_live_card",
  );
}

export function formatMoney(cents: number, currency: string): string {
  return (cents / 100).toLocaleString("en-US", { style: "currency", currency: currency.toUpperCase() });
}

/** The same instant `count` intervals later; month ends clamp (Jan 31 + 1 month = Feb 28/29), as Stripe's do. */
function addInterval(from: number, interval: Interval, count: number): number {
  if (interval === "day") return from + count * 86_400;
  if (interval === "week") return from + count * 7 * 86_400;
  const start = new Date(from * 1000);
  const months = interval === "month" ? count : count * 12;
  const target = new Date(start);
  target.setUTCDate(1);
  target.setUTCMonth(start.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(start.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}

/** `metadata[k]=v` sets, `metadata[k]=` deletes, `metadata=` clears. */
export function applyMetadata(current: Metadata, input: MetadataInput | undefined): Metadata {
  if (input === undefined) return current;
  if (input === null) return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(input)) {
    if (value === "") delete next[key];
    else next[key] = value;
  }
  return next;
}

export function createCustomer(
  sandbox: Sandbox,
  input: { email?: string | null; name?: string; description?: string; phone?: string; metadata?: MetadataInput },
): CustomerRecord {
  const customer: CustomerRecord = {
    id: newId("cus", 14),
    created: now(),
    email: input.email ?? null,
    name: input.name ?? null,
    description: input.description ?? null,
    phone: input.phone ?? null,
    metadata: applyMetadata({}, input.metadata),
    invoicePrefix: randomBytes(4).toString("hex").toUpperCase(),
    nextInvoiceSequence: 1,
  };
  sandbox.store.customers.set(customer.id, customer);
  return customer;
}

/**
 * A price a subscription may bill: it exists, is active and recurring, and (when `like` is given)
 * matches that subscription's currency and interval, because one Stripe subscription bills once per
 * interval in one currency.
 */
function requireRecurringPrice(
  sandbox: Sandbox,
  id: string,
  param: string,
  like?: { currency: string; interval: Interval; intervalCount: number },
): PriceRecord & { recurring: NonNullable<PriceRecord["recurring"]> } {
  const price = sandbox.store.need("prices", id, param);
  if (!price.active) {
    throw invalidRequest(`The price specified is inactive. This field only accepts active prices.`, { param });
  }
  const recurring = price.recurring;
  if (!recurring) {
    throw invalidRequest(
      "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.",
      { param },
    );
  }
  if (
    like &&
    (price.currency !== like.currency ||
      recurring.interval !== like.interval ||
      recurring.intervalCount !== like.intervalCount)
  ) {
    throw invalidRequest(
      "Currency and interval fields must match across all prices on a subscription. Found a mismatch with the existing items.",
      { param },
    );
  }
  return { ...price, recurring };
}

function productName(sandbox: Sandbox, price: PriceRecord): string {
  return sandbox.store.need("products", price.product).name;
}

type NewLine = Omit<InvoiceLineRecord, "id">;

function subscriptionLines(sandbox: Sandbox, sub: SubscriptionRecord): NewLine[] {
  return sub.items.map((item) => {
    const price = sandbox.store.need("prices", item.price);
    const each = `${formatMoney(price.unitAmount, price.currency)} / ${sub.interval}`;
    return {
      amount: price.unitAmount * item.quantity,
      description: `${item.quantity} × ${productName(sandbox, price)} (at ${each})`,
      price: price.id,
      quantity: item.quantity,
      periodStart: sub.currentPeriodStart,
      periodEnd: sub.currentPeriodEnd,
      proration: false,
      subscriptionItem: item.id,
      invoiceItem: null,
    };
  });
}

/** Creates an open invoice for the subscription, sweeping in its pending prorations. Emits nothing. */
function issueInvoice(
  sandbox: Sandbox,
  sub: SubscriptionRecord,
  billingReason: InvoiceBillingReason,
  lines: NewLine[],
  period: { start: number; end: number },
): InvoiceRecord {
  const { store } = sandbox;
  const customer = store.need("customers", sub.customer);
  const id = newId("in");
  const pending = [...store.invoiceItems.values()].filter((ii) => ii.subscription === sub.id && ii.invoice === null);
  const prorationLines: NewLine[] = pending.map((ii) => {
    ii.invoice = id;
    return {
      amount: ii.amount,
      description: ii.description,
      price: ii.price,
      quantity: ii.quantity,
      periodStart: ii.periodStart,
      periodEnd: ii.periodEnd,
      proration: true,
      subscriptionItem: ii.subscriptionItem,
      invoiceItem: ii.id,
    };
  });
  const invoice: InvoiceRecord = {
    id,
    number: `${customer.invoicePrefix}-${String(customer.nextInvoiceSequence++).padStart(4, "0")}`,
    created: now(),
    customer: customer.id,
    subscription: sub.id,
    subscriptionMetadata: { ...sub.metadata },
    billingReason,
    currency: sub.currency,
    status: "open",
    periodStart: period.start,
    periodEnd: period.end,
    lines: [...prorationLines, ...lines].map((line) => ({ id: newId("il"), ...line })),
    attemptCount: 0,
    amountPaid: 0,
    paidAt: null,
    nextPaymentAttempt: null,
  };
  store.invoices.set(id, invoice);
  sub.latestInvoice = id;
  return invoice;
}

function payInvoice(invoice: InvoiceRecord): void {
  invoice.status = "paid";
  invoice.attemptCount++;
  invoice.amountPaid = Math.max(invoiceTotal(invoice), 0);
  invoice.paidAt = now();
  invoice.nextPaymentAttempt = null;
}

/** Stripe's default Smart Retries schedule starts a few days later. */
function failInvoice(invoice: InvoiceRecord): void {
  invoice.attemptCount++;
  invoice.nextPaymentAttempt = now() + 3 * 86_400;
}

function advancePeriod(sub: SubscriptionRecord): { start: number; end: number } {
  const previous = { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
  sub.periodIndex++;
  sub.currentPeriodStart = previous.end;
  sub.currentPeriodEnd = addInterval(sub.billingCycleAnchor, sub.interval, (sub.periodIndex + 1) * sub.intervalCount);
  return previous;
}

/** Top-level fields whose values changed, with their old values (Stripe's `previous_attributes`). */
function previousAttributes(before: JsonObject, after: JsonObject): JsonObject | undefined {
  const previous: JsonObject = {};
  for (const [key, value] of Object.entries(before)) {
    if (JSON.stringify(value) !== JSON.stringify(after[key])) previous[key] = value;
  }
  return Object.keys(previous).length > 0 ? previous : undefined;
}

function emitUpdated(sandbox: Sandbox, sub: SubscriptionRecord, before: JsonObject, request: RequestMeta): void {
  const after = renderSubscription(sandbox, sub);
  const previous = previousAttributes(before, after);
  if (previous) sandbox.emit("customer.subscription.updated", after, request, previous);
}

function openInvoiceOf(sandbox: Sandbox, sub: SubscriptionRecord): InvoiceRecord | undefined {
  const latest = sub.latestInvoice ? sandbox.store.invoices.get(sub.latestInvoice) : undefined;
  return latest?.status === "open" ? latest : undefined;
}

function assertNotCanceled(sub: SubscriptionRecord): void {
  if (sub.status === "canceled") {
    throw invalidRequest(`The subscription ${sub.id} is already canceled.`);
  }
}

/** Where Checkout sends the browser after payment, with Stripe's `{CHECKOUT_SESSION_ID}` template filled in. */
export function successUrlFor(session: CheckoutSessionRecord): string {
  return session.successUrl.replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}

/** Expires an open Checkout Session: it can no longer be paid. Stripe does this at `expires_at`, or when asked. */
export function expireCheckout(sandbox: Sandbox, session: CheckoutSessionRecord, request: RequestMeta): void {
  if (session.status !== "open") {
    throw invalidRequest(`This Checkout Session is ${session.status}: only a Checkout Session in one of these statuses can be expired: open.`);
  }
  session.status = "expired";
  sandbox.emit("checkout.session.expired", renderCheckoutSession(sandbox, session), request);
}

/** An open session past its `expires_at` expires when it is next looked at (the sandbox runs no timers). */
export function expireIfDue(sandbox: Sandbox, session: CheckoutSessionRecord): CheckoutSessionRecord {
  if (session.status === "open" && now() >= session.expiresAt) expireCheckout(sandbox, session, AUTOMATIC);
  return session;
}

/**
 * Pays for an open Checkout Session: charges the card (a decline changes nothing), then creates the
 * customer if needed, the active subscription and its paid first invoice, and completes the session.
 */
export function completeCheckout(sandbox: Sandbox, sessionId: string, card: string): CheckoutSessionRecord {
  const { store } = sandbox;
  const session = expireIfDue(sandbox, store.need("checkoutSessions", sessionId));
  if (session.status !== "open") throw invalidRequest("This Checkout Session is no longer active.");
  chargeCard(card);

  const created = now();
  const customer = session.customer
    ? store.need("customers", session.customer)
    : createCustomer(sandbox, { email: session.customerEmail });
  const recurring = store.need("prices", session.lineItems[0].price).recurring;
  // Sessions are validated on creation to hold recurring prices only.
  if (!recurring) throw new StripeApiError(500, "api_error", "Checkout Session without a recurring price.");
  const sub: SubscriptionRecord = {
    id: newId("sub"),
    created,
    customer: customer.id,
    status: "active",
    currency: session.currency,
    metadata: { ...session.subscriptionMetadata },
    interval: recurring.interval,
    intervalCount: recurring.intervalCount,
    billingCycleAnchor: created,
    periodIndex: 0,
    currentPeriodStart: created,
    currentPeriodEnd: addInterval(created, recurring.interval, recurring.intervalCount),
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    cancellationDetails: { comment: null, feedback: null, reason: null },
    latestInvoice: null,
    items: session.lineItems.map((li) => ({
      id: newId("si", 14),
      created,
      price: li.price,
      quantity: li.quantity,
      metadata: {},
    })),
  };
  store.subscriptions.set(sub.id, sub);
  const invoice = issueInvoice(sandbox, sub, "subscription_create", subscriptionLines(sandbox, sub), {
    start: created,
    end: created,
  });
  const invoiceBeforePayment = renderInvoice(sandbox, invoice);
  payInvoice(invoice);
  session.status = "complete";
  session.paymentStatus = "paid";
  session.customer = customer.id;
  session.subscription = sub.id;
  session.invoice = invoice.id;

  sandbox.emit("customer.subscription.created", renderSubscription(sandbox, sub), AUTOMATIC);
  sandbox.emit("invoice.created", invoiceBeforePayment, AUTOMATIC);
  sandbox.emit("invoice.paid", renderInvoice(sandbox, invoice), AUTOMATIC);
  sandbox.emit("checkout.session.completed", renderCheckoutSession(sandbox, session), AUTOMATIC);
  return session;
}

export type ProrationBehavior = "create_prorations" | "none" | "always_invoice";

export interface ItemChange {
  id?: string;
  price?: string;
  quantity?: number;
  deleted?: boolean;
  metadata?: MetadataInput;
}

export interface SubscriptionChanges {
  items?: ItemChange[];
  prorationBehavior?: ProrationBehavior;
  cancelAtPeriodEnd?: boolean;
  metadata?: MetadataInput;
}

function applyItemChanges(sandbox: Sandbox, sub: SubscriptionRecord, changes: ItemChange[]): SubscriptionItemRecord[] {
  const items = sub.items.map((item) => ({ ...item }));
  changes.forEach((change, n) => {
    const param = (field: string) => `items[${n}][${field}]`;
    if (change.id) {
      const index = items.findIndex((item) => item.id === change.id);
      if (index < 0) throw noSuchObject("subscription item", change.id, param("id"));
      if (change.deleted) {
        items.splice(index, 1);
        return;
      }
      const item = items[index];
      if (change.price) item.price = requireRecurringPrice(sandbox, change.price, param("price"), sub).id;
      if (change.quantity !== undefined) item.quantity = change.quantity;
      item.metadata = applyMetadata(item.metadata, change.metadata);
      return;
    }
    if (change.deleted) throw new ParamError(`Missing required param: ${param("id")}.`, param("id"), "parameter_missing");
    if (!change.price) {
      throw new ParamError(`Missing required param: ${param("price")}.`, param("price"), "parameter_missing");
    }
    items.push({
      id: newId("si", 14),
      created: now(),
      price: requireRecurringPrice(sandbox, change.price, param("price"), sub).id,
      quantity: change.quantity ?? 1,
      metadata: applyMetadata({}, change.metadata),
    });
  });
  if (items.length === 0) {
    throw invalidRequest(
      "A subscription must keep at least one item. To end it, cancel the subscription (DELETE /v1/subscriptions/:id).",
      { param: "items" },
    );
  }
  const prices = items.map((item) => item.price);
  const duplicate = prices.find((price, i) => prices.indexOf(price) !== i);
  if (duplicate) {
    throw invalidRequest(`Cannot add multiple subscription items with the same price: ${duplicate}`, { param: "items" });
  }
  return items;
}

/**
 * Stripe's proration for a mid-period change: a credit for the unused time of what was billed and a
 * charge for the remaining time of what replaces it, both scaled by the share of the period left.
 */
function prorate(
  sandbox: Sandbox,
  sub: SubscriptionRecord,
  before: SubscriptionItemRecord[],
  after: SubscriptionItemRecord[],
  at: number,
): void {
  const { store } = sandbox;
  const share = Math.max(0, sub.currentPeriodEnd - at) / (sub.currentPeriodEnd - sub.currentPeriodStart);
  const since = new Date(at * 1000).toUTCString().slice(5, 16);
  const add = (item: SubscriptionItemRecord, sign: 1 | -1) => {
    const price = store.need("prices", item.price);
    const amount = sign * Math.round(price.unitAmount * item.quantity * share);
    if (amount === 0) return;
    const what = `${item.quantity} × ${productName(sandbox, price)}`;
    const id = newId("ii");
    store.invoiceItems.set(id, {
      id,
      created: at,
      customer: sub.customer,
      subscription: sub.id,
      subscriptionItem: item.id,
      price: price.id,
      quantity: item.quantity,
      amount,
      currency: sub.currency,
      description: `${sign < 0 ? "Unused" : "Remaining"} time on ${what} after ${since}`,
      periodStart: at,
      periodEnd: sub.currentPeriodEnd,
      invoice: null,
    });
  };
  for (const old of before) {
    const next = after.find((item) => item.id === old.id);
    if (next && next.price === old.price && next.quantity === old.quantity) continue;
    add(old, -1);
    if (next) add(next, 1);
  }
  for (const added of after.filter((item) => !before.some((old) => old.id === item.id))) add(added, 1);
}

/** POST /v1/subscriptions/:id and the subscription item endpoints. */
export function updateSubscription(
  sandbox: Sandbox,
  sub: SubscriptionRecord,
  changes: SubscriptionChanges,
  request: RequestMeta,
): SubscriptionRecord {
  if (sub.status === "canceled" && (changes.items || changes.cancelAtPeriodEnd !== undefined)) {
    throw invalidRequest("A canceled subscription can only update its cancellation_details and metadata.");
  }
  const before = renderSubscription(sandbox, sub);
  const behavior = changes.prorationBehavior ?? "create_prorations";
  let prorationInvoice: InvoiceRecord | undefined;
  if (changes.items) {
    const items = applyItemChanges(sandbox, sub, changes.items);
    if (behavior !== "none") prorate(sandbox, sub, sub.items, items, now());
    sub.items = items;
    const hasPending = [...sandbox.store.invoiceItems.values()].some((ii) => ii.subscription === sub.id && !ii.invoice);
    if (behavior === "always_invoice" && hasPending) {
      prorationInvoice = issueInvoice(sandbox, sub, "subscription_update", [], {
        start: sub.currentPeriodStart,
        end: sub.currentPeriodEnd,
      });
    }
  }
  if (changes.cancelAtPeriodEnd !== undefined) {
    sub.cancelAtPeriodEnd = changes.cancelAtPeriodEnd;
    // Stripe records when cancellation was requested, not when the subscription will end.
    sub.canceledAt = changes.cancelAtPeriodEnd ? now() : null;
    sub.cancellationDetails = {
      ...sub.cancellationDetails,
      reason: changes.cancelAtPeriodEnd ? "cancellation_requested" : null,
    };
  }
  sub.metadata = applyMetadata(sub.metadata, changes.metadata);

  const invoiceBeforePayment = prorationInvoice && renderInvoice(sandbox, prorationInvoice);
  if (prorationInvoice) payInvoice(prorationInvoice);
  emitUpdated(sandbox, sub, before, request);
  if (prorationInvoice && invoiceBeforePayment) {
    sandbox.emit("invoice.created", invoiceBeforePayment, request);
    sandbox.emit("invoice.paid", renderInvoice(sandbox, prorationInvoice), request);
  }
  return sub;
}

/** Ends the subscription now (DELETE /v1/subscriptions/:id, admin cancel, or a period-end cancellation). */
export function cancelSubscription(
  sandbox: Sandbox,
  sub: SubscriptionRecord,
  request: RequestMeta,
  details: { comment?: string; feedback?: string } = {},
): SubscriptionRecord {
  assertNotCanceled(sub);
  const at = now();
  sub.status = "canceled";
  sub.canceledAt ??= at;
  sub.endedAt = at;
  sub.cancellationDetails = {
    comment: details.comment ?? sub.cancellationDetails.comment,
    feedback: details.feedback ?? sub.cancellationDetails.feedback,
    reason: "cancellation_requested",
  };
  sandbox.emit("customer.subscription.deleted", renderSubscription(sandbox, sub), request);
  return sub;
}

/**
 * The period ends and Stripe bills the next one (admin "renew"). A subscription set to cancel at
 * period end is cancelled instead; a past-due one has its open invoice paid (recovery).
 */
export function renewSubscription(sandbox: Sandbox, sub: SubscriptionRecord): SubscriptionRecord {
  assertNotCanceled(sub);
  if (sub.cancelAtPeriodEnd) return cancelSubscription(sandbox, sub, AUTOMATIC);
  const before = renderSubscription(sandbox, sub);
  let invoice = openInvoiceOf(sandbox, sub);
  if (!invoice) {
    const billed = advancePeriod(sub);
    invoice = issueInvoice(sandbox, sub, "subscription_cycle", subscriptionLines(sandbox, sub), billed);
    sandbox.emit("invoice.created", renderInvoice(sandbox, invoice), AUTOMATIC);
  }
  payInvoice(invoice);
  sub.status = "active";
  sandbox.emit("invoice.paid", renderInvoice(sandbox, invoice), AUTOMATIC);
  emitUpdated(sandbox, sub, before, AUTOMATIC);
  return sub;
}

/** The renewal payment fails (admin "fail-payment"): the invoice stays open and the subscription goes past_due. */
export function failSubscriptionPayment(sandbox: Sandbox, sub: SubscriptionRecord): SubscriptionRecord {
  assertNotCanceled(sub);
  const before = renderSubscription(sandbox, sub);
  let invoice = openInvoiceOf(sandbox, sub);
  if (!invoice) {
    const billed = advancePeriod(sub);
    invoice = issueInvoice(sandbox, sub, "subscription_cycle", subscriptionLines(sandbox, sub), billed);
    sandbox.emit("invoice.created", renderInvoice(sandbox, invoice), AUTOMATIC);
  }
  failInvoice(invoice);
  sub.status = "past_due";
  sandbox.emit("invoice.payment_failed", renderInvoice(sandbox, invoice), AUTOMATIC);
  emitUpdated(sandbox, sub, before, AUTOMATIC);
  return sub;
}

/** Checkout Session line items must all be active recurring prices of one currency and interval. */
export function validateCheckoutPrices(sandbox: Sandbox, priceIds: string[]): { currency: string } {
  const first = requireRecurringPrice(sandbox, priceIds[0], "line_items[0][price]");
  const like = { currency: first.currency, interval: first.recurring.interval, intervalCount: first.recurring.intervalCount };
  priceIds.forEach((id, n) => requireRecurringPrice(sandbox, id, `line_items[${n}][price]`, like));
  return { currency: first.currency };
}
