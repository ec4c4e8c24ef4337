import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  checkedOutSubscription,
  seedCustomer,
  startReceiver,
  startSandbox,
  waitFor,
  type SandboxHandle,
  type WebhookReceiver,
} from "./support";

let sandbox: SandboxHandle;
let stripe: Stripe;
let receiver: WebhookReceiver;
let priceIds: Record<string, string>;
let customer: Stripe.Customer;
let sub: Stripe.Subscription;

beforeAll(async () => {
  sandbox = await startSandbox();
  stripe = sandbox.stripe;
  receiver = await startReceiver(stripe);
});
afterAll(async () => {
  await sandbox.process.stop();
  await receiver.close();
});
beforeEach(async () => {
  await sandbox.admin("POST", "/__admin/reset");
  await sandbox.admin("POST", "/__admin/config", { webhookUrl: null });
  ({ priceIds, customer } = await seedCustomer(sandbox));
  sub = await checkedOutSubscription(sandbox, [{ price: priceIds.smartapp_planner_monthly, quantity: 2 }], customer.id);
  // Only what happens after checkout is delivered to this file's receiver.
  await sandbox.admin("POST", "/__admin/config", { webhookUrl: receiver.url });
  receiver.receipts.length = 0;
});

/** The accepted events of the given types, once `count` of them have arrived. */
function eventsOf(count: number, ...types: string[]): Promise<Stripe.Event[]> {
  return waitFor(() => {
    const events = receiver.accepted().filter((e) => types.includes(e.type));
    return events.length >= count && events;
  });
}

function subscriptionOf(event: Stripe.Event): Stripe.Subscription {
  return event.data.object as Stripe.Subscription;
}

describe("subscription updates", () => {
  it("changes a quantity with prorations that land on the next invoice", async () => {
    const [item] = sub.items.data;
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, quantity: 5 }],
      proration_behavior: "create_prorations",
    });
    expect(updated.items.data.map((i) => i.quantity)).toEqual([5]);

    const [event] = await eventsOf(1, "customer.subscription.updated");
    expect(subscriptionOf(event).items.data[0].quantity).toBe(5);
    const previous = event.data.previous_attributes as Partial<Stripe.Subscription>;
    expect(previous.items?.data[0].quantity).toBe(2);

    // Unused time on 2 is credited, remaining time on 5 is charged: almost the whole period is left.
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    const amounts = pending.data.map((ii) => ii.amount).sort((a, b) => a - b);
    expect(amounts[0]).toBeLessThan(0);
    expect(amounts[0]).toBeGreaterThanOrEqual(-2 * 29_500);
    expect(amounts[1]).toBeGreaterThan(4.9 * 29_500);
    expect(pending.data.every((ii) => ii.proration)).toBe(true);

    const { body } = await sandbox.admin<{ requests: { path: string; params: Record<string, unknown> }[] }>(
      "GET",
      "/__admin/requests",
    );
    const call = body.requests.find((r) => r.path === `/v1/subscriptions/${sub.id}`);
    expect(call?.params.proration_behavior).toBe("create_prorations");

    await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/renew`);
    const invoice = await stripe.invoices.retrieve((await stripe.subscriptions.retrieve(sub.id)).latest_invoice as string);
    expect(invoice.billing_reason).toBe("subscription_cycle");
    expect(invoice.lines.data.filter((l) => l.parent?.invoice_item_details?.proration)).toHaveLength(2);
    expect(invoice.lines.data.find((l) => !l.parent?.invoice_item_details)?.amount).toBe(5 * 29_500);
    expect((await stripe.invoiceItems.list({ pending: true })).data).toHaveLength(0);
  });

  it("adds and removes items; always_invoice bills the proration now, none bills nothing", async () => {
    const [planner] = sub.items.data;
    const added = await stripe.subscriptions.update(sub.id, {
      items: [{ price: priceIds.smartapp_safety_monthly, quantity: 1 }],
      proration_behavior: "always_invoice",
      expand: ["latest_invoice"],
    });
    expect(added.items.data.map((i) => i.price.lookup_key)).toEqual(["smartapp_planner_monthly", "smartapp_safety_monthly"]);
    const invoice = added.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    expect(invoice.amount_paid).toBeGreaterThan(0.9 * 59_500);
    await eventsOf(1, "invoice.paid");

    const removed = await stripe.subscriptions.update(sub.id, {
      items: [{ id: planner.id, deleted: true }],
      proration_behavior: "none",
    });
    expect(removed.items.data.map((i) => i.price.lookup_key)).toEqual(["smartapp_safety_monthly"]);
    expect(removed.latest_invoice).toBe(invoice.id);
    expect((await stripe.invoiceItems.list({ pending: true })).data).toHaveLength(0);
  });

  it("cancel_at_period_end is reported, then ends the subscription at renewal", async () => {
    const updated = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(updated).toMatchObject({
      cancel_at_period_end: true,
      cancel_at: updated.items.data[0].current_period_end,
      status: "active",
    });
    const [event] = await eventsOf(1, "customer.subscription.updated");
    expect(event.data.previous_attributes).toMatchObject({ cancel_at_period_end: false, cancel_at: null });

    await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/renew`);
    const [deleted] = await eventsOf(1, "customer.subscription.deleted");
    expect(subscriptionOf(deleted).status).toBe("canceled");
  });

  it("refuses changes Stripe refuses", async () => {
    const [item] = sub.items.data;
    const duplicate = await stripe.subscriptions
      .update(sub.id, { items: [{ price: priceIds.smartapp_planner_monthly }] })
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ statusCode: 400, param: "items" });
    const empty = await stripe.subscriptions.update(sub.id, { items: [{ id: item.id, deleted: true }] }).catch((e: unknown) => e);
    expect(empty).toMatchObject({ statusCode: 400, param: "items" });
    const yearly = await stripe.subscriptions
      .update(sub.id, { items: [{ id: item.id, price: priceIds.smartapp_planner_yearly }] })
      .catch((e: unknown) => e);
    expect(yearly).toMatchObject({ statusCode: 400, param: "items[0][price]" });
    const wrongItem = await stripe.subscriptions.update(sub.id, { items: [{ id: "si_nope", quantity: 1 }] }).catch((e: unknown) => e);
    expect(wrongItem).toMatchObject({ statusCode: 400, code: "resource_missing", param: "items[0][id]" });
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data[0].quantity).toBe(2);
  });
});

describe("subscription items", () => {
  it("lists, updates and deletes items of a subscription", async () => {
    const added = await stripe.subscriptionItems.create({
      subscription: sub.id,
      price: priceIds.smartapp_safety_monthly,
      quantity: 1,
      proration_behavior: "none",
    });
    expect(added).toMatchObject({ object: "subscription_item", subscription: sub.id, quantity: 1 });
    const list = await stripe.subscriptionItems.list({ subscription: sub.id });
    expect(list.data.map((i) => i.price.lookup_key)).toEqual(["smartapp_planner_monthly", "smartapp_safety_monthly"]);

    expect((await stripe.subscriptionItems.update(added.id, { quantity: 4 })).quantity).toBe(4);
    expect(await stripe.subscriptionItems.del(added.id, { proration_behavior: "none" })).toMatchObject({
      id: added.id,
      deleted: true,
    });
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data).toHaveLength(1);
  });
});

describe("Stripe-side lifecycle (admin)", () => {
  it("renew advances the period with a new paid invoice", async () => {
    const before = sub.items.data[0];
    const { status } = await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/renew`);
    expect(status).toBe(200);
    const [paid, updated] = await Promise.all([eventsOf(1, "invoice.paid"), eventsOf(1, "customer.subscription.updated")]);
    const invoice = paid[0].data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "paid", billing_reason: "subscription_cycle", amount_paid: 2 * 29_500 });
    const renewed = subscriptionOf(updated[0]);
    expect(renewed.items.data[0].current_period_start).toBe(before.current_period_end);
    expect(renewed.items.data[0].current_period_end).toBeGreaterThan(before.current_period_end);
    expect(renewed.latest_invoice).toBe(invoice.id);
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(2);
  });

  it("fail-payment leaves an open invoice and a past_due subscription; renew then recovers it", async () => {
    await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/fail-payment`);
    const [failed] = await eventsOf(1, "invoice.payment_failed");
    const invoice = failed.data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "open", attempted: true, attempt_count: 1, amount_paid: 0 });
    const [updated] = await eventsOf(1, "customer.subscription.updated");
    expect(subscriptionOf(updated).status).toBe("past_due");
    expect(updated.data.previous_attributes).toMatchObject({ status: "active" });

    await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/renew`);
    const [paid] = await eventsOf(1, "invoice.paid");
    expect((paid.data.object as Stripe.Invoice).id).toBe(invoice.id);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("cancel (admin or DELETE) ends the subscription with customer.subscription.deleted", async () => {
    await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/cancel`);
    const [deleted] = await eventsOf(1, "customer.subscription.deleted");
    expect(subscriptionOf(deleted)).toMatchObject({ id: sub.id, status: "canceled" });
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ customer: customer.id, status: "all" })).data).toHaveLength(1);
    const again = await stripe.subscriptions.cancel(sub.id).catch((e: unknown) => e);
    expect(again).toMatchObject({ statusCode: 400 });

    const second = await checkedOutSubscription(sandbox, [{ price: priceIds.smartapp_safety_monthly, quantity: 1 }], customer.id);
    const canceled = await stripe.subscriptions.cancel(second.id, { cancellation_details: { comment: "moving on" } });
    expect(canceled).toMatchObject({
      status: "canceled",
      cancellation_details: { comment: "moving on", reason: "cancellation_requested" },
    });
    expect(canceled.ended_at).not.toBeNull();
  });
});
