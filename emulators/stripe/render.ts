import { invalidRequest } from "./errors";
import type {
  CheckoutLineItem,
  CheckoutSessionRecord,
  CustomerRecord,
  InvoiceItemRecord,
  InvoiceLineRecord,
  InvoiceRecord,
  JsonObject,
  Json,
  PortalSessionRecord,
  PriceRecord,
  ProductRecord,
  Store,
  SubscriptionItemRecord,
  SubscriptionRecord,
} from "./store";

/**
 * Records → the JSON Stripe returns for API version 2026-10-28 (stripe-node 23). Fields the sandbox
 * does not model are present with Stripe's neutral values (null, [], false) so typed clients and
 * zod schemas written against Stripe's docs parse sandbox responses unchanged.
 */
export interface RenderContext {
  store: Store;
  publicUrl: string;
}

export function listObject(url: string, data: JsonObject[], hasMore = false): JsonObject {
  return { object: "list", data, has_more: hasMore, url };
}

export function renderCustomer(c: CustomerRecord): JsonObject {
  return {
    id: c.id,
    object: "customer",
    address: null,
    balance: 0,
    created: c.created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: c.description,
    discount: null,
    email: c.email,
    invoice_prefix: c.invoicePrefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: c.metadata,
    name: c.name,
    next_invoice_sequence: c.nextInvoiceSequence,
    phone: c.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export function renderProduct(p: ProductRecord): JsonObject {
  return {
    id: p.id,
    object: "product",
    active: p.active,
    created: p.created,
    default_price: null,
    description: p.description,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: p.metadata,
    name: p.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: "service",
    unit_label: null,
    updated: p.updated,
    url: null,
  };
}

export function renderPrice(p: PriceRecord): JsonObject {
  return {
    id: p.id,
    object: "price",
    active: p.active,
    billing_scheme: "per_unit",
    created: p.created,
    currency: p.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookupKey,
    metadata: p.metadata,
    nickname: p.nickname,
    product: p.product,
    recurring: p.recurring && {
      interval: p.recurring.interval,
      interval_count: p.recurring.intervalCount,
      meter: null,
      trial_period_days: null,
      usage_type: "licensed",
    },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: p.recurring ? "recurring" : "one_time",
    unit_amount: p.unitAmount,
    unit_amount_decimal: String(p.unitAmount),
  };
}

/** The legacy `plan` twin of a recurring price, still present on subscription items. */
function renderPlan(p: PriceRecord): JsonObject {
  return {
    id: p.id,
    object: "plan",
    active: p.active,
    amount: p.unitAmount,
    amount_decimal: String(p.unitAmount),
    billing_scheme: "per_unit",
    created: p.created,
    currency: p.currency,
    interval: p.recurring?.interval ?? null,
    interval_count: p.recurring?.intervalCount ?? null,
    livemode: false,
    metadata: p.metadata,
    meter: null,
    nickname: p.nickname,
    product: p.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: "licensed",
  };
}

export function sessionAmount(ctx: RenderContext, s: CheckoutSessionRecord): number {
  return s.lineItems.reduce((sum, li) => sum + ctx.store.need("prices", li.price).unitAmount * li.quantity, 0);
}

export function renderCheckoutSession(ctx: RenderContext, s: CheckoutSessionRecord): JsonObject {
  const amount = sessionAmount(ctx, s);
  // Stripe fills customer_details from what was collected at payment.
  const payer = s.status === "complete" && s.customer ? ctx.store.need("customers", s.customer) : undefined;
  return {
    id: s.id,
    object: "checkout.session",
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: s.cancelUrl,
    client_reference_id: s.clientReferenceId,
    client_secret: null,
    consent: null,
    consent_collection: null,
    created: s.created,
    currency: s.currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: s.customer,
    customer_creation: s.customer ? null : "always",
    customer_details: payer
      ? { address: null, email: payer.email, name: payer.name, phone: payer.phone, tax_exempt: "none", tax_ids: [] }
      : null,
    customer_email: s.customerEmail,
    expires_at: s.expiresAt,
    invoice: s.invoice,
    invoice_creation: null,
    livemode: false,
    locale: null,
    metadata: s.metadata,
    mode: "subscription",
    payment_intent: null,
    payment_link: null,
    payment_method_collection: "always",
    payment_method_types: ["card"],
    payment_status: s.paymentStatus,
    recovered_from: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: s.status,
    submit_type: null,
    subscription: s.subscription,
    success_url: s.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: s.status === "open" ? `${ctx.publicUrl}/checkout/${s.id}` : null,
  };
}

export function renderCheckoutLineItem(ctx: RenderContext, li: CheckoutLineItem): JsonObject {
  const price = ctx.store.need("prices", li.price);
  const amount = price.unitAmount * li.quantity;
  return {
    id: li.id,
    object: "item",
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: ctx.store.need("products", price.product).name,
    metadata: {},
    price: renderPrice(price),
    quantity: li.quantity,
  };
}

export function renderSubscriptionItem(ctx: RenderContext, sub: SubscriptionRecord, item: SubscriptionItemRecord): JsonObject {
  const price = ctx.store.need("prices", item.price);
  return {
    id: item.id,
    object: "subscription_item",
    billing_thresholds: null,
    created: item.created,
    current_period_end: sub.currentPeriodEnd,
    current_period_start: sub.currentPeriodStart,
    current_trial: null,
    discounts: [],
    metadata: item.metadata,
    plan: renderPlan(price),
    price: renderPrice(price),
    quantity: item.quantity,
    subscription: sub.id,
    tax_rates: [],
  };
}

export function renderSubscription(ctx: RenderContext, sub: SubscriptionRecord): JsonObject {
  return {
    id: sub.id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: sub.billingCycleAnchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_thresholds: null,
    cancel_at: sub.cancelAtPeriodEnd ? sub.currentPeriodEnd : null,
    cancel_at_period_end: sub.cancelAtPeriodEnd,
    canceled_at: sub.canceledAt,
    cancellation_details: sub.cancellationDetails,
    collection_method: "charge_automatically",
    created: sub.created,
    currency: sub.currency,
    customer: sub.customer,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    description: null,
    discounts: [],
    ended_at: sub.endedAt,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: {
      ...listObject(
        `/v1/subscription_items?subscription=${sub.id}`,
        sub.items.map((item) => renderSubscriptionItem(ctx, sub, item)),
      ),
      total_count: sub.items.length,
    },
    latest_invoice: sub.latestInvoice,
    livemode: false,
    metadata: sub.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: sub.created,
    status: sub.status,
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: null,
  };
}

function pricing(price: PriceRecord): JsonObject {
  return {
    price_details: { price: price.id, product: price.product },
    type: "price_details",
    unit_amount_decimal: String(price.unitAmount),
  };
}

export function renderInvoiceLine(ctx: RenderContext, inv: InvoiceRecord, line: InvoiceLineRecord): JsonObject {
  const price = ctx.store.need("prices", line.price);
  const details = {
    invoice_item: line.invoiceItem,
    proration: line.proration,
    proration_details: { credited_items: null },
    subscription: inv.subscription,
  };
  return {
    id: line.id,
    object: "line_item",
    amount: line.amount,
    currency: inv.currency,
    description: line.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: inv.id,
    livemode: false,
    metadata: {},
    parent: line.invoiceItem
      ? { invoice_item_details: details, subscription_item_details: null, type: "invoice_item_details" }
      : {
          invoice_item_details: null,
          subscription_item_details: { ...details, subscription_item: line.subscriptionItem },
          type: "subscription_item_details",
        },
    period: { end: line.periodEnd, start: line.periodStart },
    pretax_credit_amounts: [],
    pricing: pricing(price),
    quantity: line.quantity,
    subscription: inv.subscription,
    subtotal: line.amount,
    taxes: [],
  };
}

export function invoiceTotal(inv: InvoiceRecord): number {
  return inv.lines.reduce((sum, l) => sum + l.amount, 0);
}

export function renderInvoice(ctx: RenderContext, inv: InvoiceRecord): JsonObject {
  const customer = ctx.store.need("customers", inv.customer);
  const total = invoiceTotal(inv);
  // A negative total (credits exceeding charges) is owed to nobody now; Stripe moves it to the balance.
  const due = Math.max(total, 0);
  return {
    id: inv.id,
    object: "invoice",
    account_country: "US",
    account_name: "Smartapp (Stripe sandbox)",
    amount_due: due,
    amount_overpaid: 0,
    amount_paid: inv.amountPaid,
    amount_remaining: due - inv.amountPaid,
    amount_shipping: 0,
    application: null,
    attempt_count: inv.attemptCount,
    attempted: inv.attemptCount > 0,
    auto_advance: inv.status === "open",
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: inv.billingReason,
    collection_method: "charge_automatically",
    created: inv.created,
    currency: inv.currency,
    custom_fields: null,
    customer: inv.customer,
    customer_address: null,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_phone: customer.phone,
    customer_shipping: null,
    customer_tax_exempt: "none",
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: inv.created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: listObject(
      `/v1/invoices/${inv.id}/lines`,
      inv.lines.map((l) => renderInvoiceLine(ctx, inv, l)),
    ),
    livemode: false,
    metadata: {},
    next_payment_attempt: inv.nextPaymentAttempt,
    number: inv.number,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: inv.subscriptionMetadata, subscription: inv.subscription },
      type: "subscription_details",
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: inv.periodEnd,
    period_start: inv.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: inv.status,
    status_transitions: {
      finalized_at: inv.created,
      marked_uncollectible_at: null,
      paid_at: inv.paidAt,
      voided_at: null,
    },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: inv.created,
  };
}

export function renderInvoiceItem(ctx: RenderContext, ii: InvoiceItemRecord): JsonObject {
  const price = ctx.store.need("prices", ii.price);
  return {
    id: ii.id,
    object: "invoiceitem",
    amount: ii.amount,
    currency: ii.currency,
    customer: ii.customer,
    date: ii.created,
    description: ii.description,
    discountable: false,
    discounts: [],
    invoice: ii.invoice,
    livemode: false,
    metadata: {},
    parent: {
      subscription_details: { subscription: ii.subscription, subscription_item: ii.subscriptionItem },
      type: "subscription_details",
    },
    period: { end: ii.periodEnd, start: ii.periodStart },
    pricing: pricing(price),
    proration: true,
    proration_details: { credited_items: null, discount_amounts: [] },
    quantity: ii.quantity,
    quantity_decimal: String(ii.quantity),
    tax_rates: [],
    test_clock: null,
  };
}

export function renderPortalSession(ctx: RenderContext, ps: PortalSessionRecord): JsonObject {
  return {
    id: ps.id,
    object: "billing_portal.session",
    configuration: "bpc_sandbox_default",
    created: ps.created,
    customer: ps.customer,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: ps.returnUrl,
    url: `${ctx.publicUrl}/billing_portal/${ps.id}`,
  };
}

/** Any stored object by id, rendered — what an expandable id field becomes. */
function renderById(ctx: RenderContext, id: string): JsonObject | undefined {
  const { store } = ctx;
  const customer = store.customers.get(id);
  if (customer) return renderCustomer(customer);
  const product = store.products.get(id);
  if (product) return renderProduct(product);
  const price = store.prices.get(id);
  if (price) return renderPrice(price);
  const session = store.checkoutSessions.get(id);
  if (session) return renderCheckoutSession(ctx, session);
  const sub = store.subscriptions.get(id);
  if (sub) return renderSubscription(ctx, sub);
  const invoice = store.invoices.get(id);
  if (invoice) return renderInvoice(ctx, invoice);
  const invoiceItem = store.invoiceItems.get(id);
  if (invoiceItem) return renderInvoiceItem(ctx, invoiceItem);
  return undefined;
}

/** Fields Stripe leaves out unless expanded ("includable"), by object type. */
function includable(ctx: RenderContext, node: JsonObject, field: string): Json | undefined {
  if (node.object === "checkout.session" && field === "line_items" && typeof node.id === "string") {
    const session = ctx.store.need("checkoutSessions", node.id);
    const items = session.lineItems.map((li) => renderCheckoutLineItem(ctx, li));
    return listObject(`/v1/checkout/sessions/${session.id}/line_items`, items);
  }
  return undefined;
}

const MAX_EXPAND_DEPTH = 4;

/**
 * Applies `expand[]` paths (`customer`, `subscription.latest_invoice`, `items.data.price.product`,
 * `data.customer` on lists) in place, replacing ids with objects. Like Stripe, a path through a
 * field that is neither an id nor includable is an error rather than silently ignored.
 */
export function expand(ctx: RenderContext, root: JsonObject, paths: string[]): JsonObject {
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.filter((s) => s !== "data").length > MAX_EXPAND_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property (${path}).`, {
        param: "expand",
      });
    }
    expandPath(ctx, root, segments, path);
  }
  return root;
}

function expandPath(ctx: RenderContext, node: JsonObject, [head, ...rest]: string[], path: string): void {
  if (node.object === "list" && head === "data" && Array.isArray(node.data)) {
    for (const element of node.data) if (isObject(element) && rest.length) expandPath(ctx, element, rest, path);
    return;
  }
  let value: Json | undefined = Object.hasOwn(node, head) ? node[head] : includable(ctx, node, head);
  if (typeof value === "string") value = renderById(ctx, value);
  if (value === undefined || (value !== null && typeof value !== "object")) {
    throw invalidRequest(`This property cannot be expanded (${path}).`, { param: "expand" });
  }
  node[head] = value;
  if (value === null || rest.length === 0) return;
  for (const child of Array.isArray(value) ? value : [value]) if (isObject(child)) expandPath(ctx, child, rest, path);
}

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
