import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { priceFor } from "@/lib/billing/catalogue";
import { seedCustomer, startReceiver, startSandbox, waitFor, type SandboxHandle, type WebhookReceiver } from "./support";

let sandbox: SandboxHandle;
let receiver: WebhookReceiver;
let priceIds: Record<string, string>;
let customer: Stripe.Customer;

const SUCCESS_URL = "http://app.test/setup/subscriptions/success?session_id={CHECKOUT_SESSION_ID}";
const CANCEL_URL = "http://app.test/setup/subscriptions?draft=d1";

beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await startReceiver(sandbox.stripe);
});
afterAll(async () => {
  await sandbox.process.stop();
  await receiver.close();
});
beforeEach(async () => {
  await sandbox.admin("POST", "/__admin/reset");
  await sandbox.admin("POST", "/__admin/config", { webhookUrl: receiver.url });
  receiver.receipts.length = 0;
  ({ priceIds, customer } = await seedCustomer(sandbox));
});

function createSession(interval: "monthly" | "yearly" = "monthly") {
  return sandbox.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [
      { price: priceIds[`smartapp_planner_${interval}`], quantity: 3 },
      { price: priceIds[`smartapp_safety_${interval}`], quantity: 2 },
    ],
    success_url: SUCCESS_URL,
    cancel_url: CANCEL_URL,
    client_reference_id: "acc_1",
    metadata: { draft_id: "d1" },
    subscription_data: { metadata: { draft_id: "d1", account_id: "acc_1" } },
  });
}

/** Submits the hosted page's form the way a browser does. */
function pay(url: string, card: string) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ card }).toString(),
    redirect: "manual",
  });
}

describe("checkout sessions", () => {
  it("creates an open subscription-mode session pointing at the hosted page", async () => {
    const session = await createSession();
    expect(session.id).toMatch(/^cs_test_/);
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      customer: customer.id,
      client_reference_id: "acc_1",
      metadata: { draft_id: "d1" },
      amount_total: 3 * 29_500 + 2 * 59_500,
      currency: "usd",
      subscription: null,
      success_url: SUCCESS_URL,
      url: `${sandbox.url.replace("127.0.0.1", "localhost")}/checkout/${session.id}`,
    });
    const items = await sandbox.stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.map((li) => [li.price?.lookup_key, li.quantity, li.amount_total])).toEqual([
      ["smartapp_planner_monthly", 3, 88_500],
      ["smartapp_safety_monthly", 2, 119_000],
    ]);
  });

  it("refuses what subscription Checkout cannot bill", async () => {
    const oneTime = await sandbox.stripe.prices.create({ product: "smartapp_planner", currency: "usd", unit_amount: 100 });
    const err = await sandbox.stripe.checkout.sessions
      .create({ mode: "subscription", line_items: [{ price: oneTime.id, quantity: 1 }], success_url: SUCCESS_URL })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 400, param: "line_items[0][price]" });

    const mixed = await sandbox.stripe.checkout.sessions
      .create({
        mode: "subscription",
        line_items: [
          { price: priceIds.smartapp_planner_monthly, quantity: 1 },
          { price: priceIds.smartapp_safety_yearly, quantity: 1 },
        ],
        success_url: SUCCESS_URL,
      })
      .catch((e: unknown) => e);
    expect(mixed).toMatchObject({ statusCode: 400, param: "line_items[1][price]" });

    const missing = await sandbox.stripe.checkout.sessions
      .create({ mode: "subscription", line_items: [{ price: "price_nope", quantity: 1 }], success_url: SUCCESS_URL })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 400, code: "resource_missing", param: "line_items[0][price]" });
  });

  it("expires an open session on request: the event is sent, the page refuses payment, and a second expire is refused", async () => {
    const session = await createSession();
    const expired = await sandbox.stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ id: session.id, status: "expired", payment_status: "unpaid", subscription: null });
    expect((await sandbox.stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
    const event = await waitFor(() => receiver.accepted().find((e) => e.type === "checkout.session.expired"));
    expect((event.data.object as Stripe.Checkout.Session).id).toBe(session.id);

    const page = await fetch(session.url!);
    expect(await page.text()).toContain("This Checkout Session has expired");
    const refused = await pay(session.url!, "4242424242424242");
    expect(refused.status).toBe(409);
    await expect(sandbox.stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ type: "StripeInvalidRequestError", statusCode: 400 });
    expect((await sandbox.stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
  });

  it("takes expires_at between 30 minutes and 24 hours ahead", async () => {
    const base = { mode: "subscription" as const, customer: customer.id, line_items: [{ price: priceIds.smartapp_planner_monthly, quantity: 1 }], success_url: SUCCESS_URL };
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    expect((await sandbox.stripe.checkout.sessions.create({ ...base, expires_at: inAnHour })).expires_at).toBe(inAnHour);
    for (const expires_at of [inAnHour - 3600 + 60, inAnHour + 24 * 3600]) {
      await expect(sandbox.stripe.checkout.sessions.create({ ...base, expires_at })).rejects.toMatchObject({ statusCode: 400, param: "expires_at" });
    }
  });
});

describe("hosted checkout page", () => {
  it("shows the order, a labelled card field, a Pay button and a Cancel link back to the app", async () => {
    const session = await createSession();
    const page = await fetch(`${sandbox.url}/checkout/${session.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<label for="card-number">Card number</label>');
    expect(html).toContain('id="card-number"');
    expect(html).toMatch(/<button type="submit">Pay<\/button>/);
    expect(html).toContain(`<a href="${CANCEL_URL.replace("&", "&#38;")}">Cancel</a>`);
    expect(html).toContain("$2,075.00");
  });

  it("paying with 4242 completes the session, creates the subscription and paid invoice, and sends signed events", async () => {
    const session = await createSession();
    const res = await pay(`${sandbox.url}/checkout/${session.id}`, "4242 4242 4242 4242");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id));

    const done = await sandbox.stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription", "line_items", "subscription.latest_invoice"],
    });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid", customer: customer.id, url: null });
    expect(done.line_items?.data).toHaveLength(2);
    const sub = done.subscription as Stripe.Subscription;
    expect(sub.id).toMatch(/^sub_/);
    expect(sub).toMatchObject({
      status: "active",
      customer: customer.id,
      metadata: { draft_id: "d1", account_id: "acc_1" },
      cancel_at_period_end: false,
    });
    expect(sub.items.data.map((i) => [i.price.lookup_key, i.quantity])).toEqual([
      ["smartapp_planner_monthly", 3],
      ["smartapp_safety_monthly", 2],
    ]);
    const [item] = sub.items.data;
    expect(item.id).toMatch(/^si_/);
    const start = new Date(item.current_period_start * 1000);
    const end = new Date(item.current_period_end * 1000);
    expect((end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth()).toBe(1);

    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice.id).toMatch(/^in_/);
    expect(invoice).toMatchObject({
      status: "paid",
      billing_reason: "subscription_create",
      amount_paid: 207_500,
      total: 207_500,
      customer: customer.id,
      parent: { subscription_details: { subscription: sub.id } },
    });
    const invoices = await sandbox.stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => i.id)).toEqual([invoice.id]);

    const events = await waitFor(() => {
      const accepted = receiver.accepted();
      return accepted.length >= 4 && accepted;
    });
    expect(events.map((e) => e.type)).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.paid",
      "checkout.session.completed",
    ]);
    const completed = events[3];
    expect(completed).toMatchObject({
      object: "event",
      livemode: false,
      api_version: "2026-10-28.endive",
      data: { object: { id: session.id, subscription: sub.id, metadata: { draft_id: "d1" } } },
    });
    expect(completed.id).toMatch(/^evt_/);
    expect(receiver.receipts.every((r) => /^t=\d+,v1=[0-9a-f]{64}$/.test(r.signature))).toBe(true);
    // The events API holds the same events.
    expect((await sandbox.stripe.events.retrieve(completed.id)).type).toBe("checkout.session.completed");
    const listed = await sandbox.stripe.events.list({ type: "invoice.*" });
    expect(listed.data.map((e) => e.type)).toEqual(["invoice.paid", "invoice.created"]);
  });

  it("a declined card re-renders the page with Stripe's message and creates nothing", async () => {
    const session = await createSession();
    const res = await pay(`${sandbox.url}/checkout/${session.id}`, "4000 0000 0000 0002");
    expect(res.status).toBe(402);
    const html = await res.text();
    expect(html).toContain('<p role="alert" id="card-error">Your card was declined.</p>');
    expect(html).toContain("Card number");

    expect((await sandbox.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await sandbox.stripe.subscriptions.list({ status: "all" })).data).toHaveLength(0);
    expect((await sandbox.stripe.invoices.list()).data).toHaveLength(0);
    expect((await sandbox.stripe.events.list()).data).toHaveLength(0);

    // The admin path is the same code: the same decline, as a Stripe card error.
    const viaAdmin = await sandbox.admin("POST", `/__admin/checkout/${session.id}/complete`, { card: "4000000000000002" });
    expect(viaAdmin).toMatchObject({
      status: 402,
      body: { error: { type: "card_error", code: "card_declined", decline_code: "generic_decline" } },
    });
  });

  it("the admin complete path pays without a browser; yearly prices bill a year ahead", async () => {
    const session = await createSession("yearly");
    const paid = await sandbox.admin<{ redirectUrl: string }>("POST", `/__admin/checkout/${session.id}/complete`, {
      card: "4242424242424242",
    });
    expect(paid.status).toBe(200);
    expect(paid.body.redirectUrl).toContain(`session_id=${session.id}`);
    const done = await sandbox.stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
    const item = (done.subscription as Stripe.Subscription).items.data[0];
    expect(new Date(item.current_period_end * 1000).getUTCFullYear()).toBe(
      new Date(item.current_period_start * 1000).getUTCFullYear() + 1,
    );
    const invoice = await sandbox.stripe.invoices.retrieve((done.subscription as Stripe.Subscription).latest_invoice as string);
    expect(invoice.amount_paid).toBe(3 * priceFor("PLANNER", "year").unitCents + 2 * priceFor("SAFETY", "year").unitCents);

    const again = await fetch(`${sandbox.url}/checkout/${session.id}`);
    expect(await again.text()).toContain("Payment complete");
  });
});

describe("customer portal", () => {
  it("links to a page listing the customer's subscriptions and invoices, with a Return link", async () => {
    const session = await createSession();
    await sandbox.admin("POST", `/__admin/checkout/${session.id}/complete`, { card: "4242424242424242" });
    const portal = await sandbox.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://app.test/projects/1/subscription",
    });
    expect(portal.id).toMatch(/^bps_/);
    expect(portal.object).toBe("billing_portal.session");
    const html = await (await fetch(portal.url.replace("localhost", "127.0.0.1"))).text();
    expect(html).toContain("3 × Smartapp Planner, 2 × Smartapp Safety");
    expect(html).toContain("$2,075.00");
    expect(html).toContain('<a href="http://app.test/projects/1/subscription">Return</a>');
  });
});
