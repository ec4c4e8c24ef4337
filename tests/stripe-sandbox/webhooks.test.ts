import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/support/processes";
import {
  checkedOutSubscription,
  seedCustomer,
  startReceiver,
  startSandbox,
  waitFor,
  WEBHOOK_SECRET,
  type SandboxHandle,
  type WebhookReceiver,
} from "./support";

interface Delivery {
  eventId: string;
  type: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  error: string | null;
}

let sandbox: SandboxHandle;
let receiver: WebhookReceiver;
let priceIds: Record<string, string>;
let customer: Stripe.Customer;

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
  await sandbox.admin("POST", "/__admin/config", { webhookUrl: null });
  ({ priceIds, customer } = await seedCustomer(sandbox));
  receiver.receipts.length = 0;
  receiver.respondWith(() => 200);
  await sandbox.admin("POST", "/__admin/config", { webhookUrl: receiver.url, webhookRetryBaseMs: 40 });
});

async function deliveries(): Promise<Delivery[]> {
  return (await sandbox.admin<{ deliveries: Delivery[] }>("GET", "/__admin/deliveries")).body.deliveries;
}

/** One event: a subscription cancelled by Stripe. */
async function cancelEvent(): Promise<Stripe.Subscription> {
  await sandbox.admin("POST", "/__admin/config", { webhookUrl: null });
  const sub = await checkedOutSubscription(sandbox, [{ price: priceIds.smartapp_planner_monthly, quantity: 1 }], customer.id);
  await sandbox.admin("POST", "/__admin/config", { webhookUrl: receiver.url });
  await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/cancel`);
  return sub;
}

describe("webhook delivery", () => {
  it("retries with backoff while the endpoint answers 5xx, then records success", async () => {
    receiver.respondWith((n) => (n < 2 ? 500 : 200));
    const sub = await cancelEvent();
    const [event] = await waitFor(() => receiver.accepted().length === 1 && receiver.accepted());
    expect(event).toMatchObject({ type: "customer.subscription.deleted", data: { object: { id: sub.id } } });
    expect(receiver.receipts.map((r) => r.status)).toEqual([500, 500, 200]);
    // The same event, re-signed for each attempt.
    expect(new Set(receiver.receipts.map((r) => r.event?.id)).size).toBe(1);

    const log = await deliveries();
    expect(log.map((d) => [d.type, d.attempt, d.status, d.ok])).toEqual([
      ["customer.subscription.deleted", 1, 500, false],
      ["customer.subscription.deleted", 2, 500, false],
      ["customer.subscription.deleted", 3, 200, true],
    ]);
    await waitFor(async () => (await sandbox.stripe.events.retrieve(event.id)).pending_webhooks === 0);
  });

  it("keeps retrying while the endpoint is down and delivers once it is back", async () => {
    const downUrl = `http://127.0.0.1:${await freePort()}/webhook`;
    await sandbox.admin("POST", "/__admin/config", { webhookUrl: null });
    const sub = await checkedOutSubscription(sandbox, [{ price: priceIds.smartapp_planner_monthly, quantity: 1 }], customer.id);
    await sandbox.admin("POST", "/__admin/config", { webhookUrl: downUrl });
    await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/cancel`);

    await waitFor(async () => (await deliveries()).length >= 2);
    const failed = await deliveries();
    expect(failed.every((d) => d.status === null && !d.ok && d.error)).toBe(true);

    await sandbox.admin("POST", "/__admin/config", { webhookUrl: receiver.url });
    const [event] = await waitFor(() => receiver.accepted().length === 1 && receiver.accepted());
    expect(event.type).toBe("customer.subscription.deleted");
    expect((await deliveries()).at(-1)).toMatchObject({ ok: true, status: 200 });
  });

  it("fault webhookFailures fails the next attempts without calling the endpoint", async () => {
    await sandbox.admin("POST", "/__admin/faults", { webhookFailures: 2 });
    await cancelEvent();
    await waitFor(() => receiver.accepted().length === 1);
    expect(receiver.receipts).toHaveLength(1);
    expect((await deliveries()).map((d) => [d.attempt, d.ok])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it("fault duplicateEvents delivers every event twice with the same id", async () => {
    await sandbox.admin("POST", "/__admin/faults", { duplicateEvents: true });
    await cancelEvent();
    const events = await waitFor(() => receiver.accepted().length === 2 && receiver.accepted());
    expect(events[0].id).toBe(events[1].id);
  });

  it("fault outOfOrder delivers what one operation produced in reverse order", async () => {
    await sandbox.admin("POST", "/__admin/faults", { outOfOrder: true });
    await checkedOutSubscription(sandbox, [{ price: priceIds.smartapp_planner_monthly, quantity: 1 }], customer.id);
    const events = await waitFor(() => receiver.accepted().length === 4 && receiver.accepted());
    expect(events.map((e) => e.type)).toEqual([
      "checkout.session.completed",
      "invoice.paid",
      "invoice.created",
      "customer.subscription.created",
    ]);
    const { body } = await sandbox.admin<{ outOfOrder: boolean }>("DELETE", "/__admin/faults");
    expect(body.outOfOrder).toBe(false);
  });
});

describe("signatures", () => {
  it("signs as Stripe does, so constructEvent accepts the payload and rejects tampering or another secret", async () => {
    await cancelEvent();
    const [receipt] = await waitFor(() => receiver.receipts.length === 1 && receiver.receipts);
    expect(receipt.error).toBeNull();
    const { stripe } = sandbox;
    expect(stripe.webhooks.constructEvent(receipt.body, receipt.signature, WEBHOOK_SECRET).type).toBe(
      "customer.subscription.deleted",
    );
    const tampered = receipt.body.replace('"canceled"', '"active"');
    expect(() => stripe.webhooks.constructEvent(tampered, receipt.signature, WEBHOOK_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => stripe.webhooks.constructEvent(receipt.body, receipt.signature, "whsec_someone_else")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it("a receiver with the wrong secret rejects every delivery, which Stripe then retries", async () => {
    const strict = await startReceiver(sandbox.stripe, "whsec_not_the_sandbox_secret");
    try {
      await sandbox.admin("POST", "/__admin/config", { webhookUrl: null });
      const sub = await checkedOutSubscription(sandbox, [{ price: priceIds.smartapp_planner_monthly, quantity: 1 }], customer.id);
      await sandbox.admin("POST", "/__admin/config", { webhookUrl: strict.url });
      await sandbox.admin("POST", `/__admin/subscriptions/${sub.id}/cancel`);
      await waitFor(() => strict.receipts.length >= 2);
      expect(strict.receipts.every((r) => r.status === 400 && r.error?.includes("signature"))).toBe(true);
    } finally {
      await sandbox.admin("POST", "/__admin/config", { webhookUrl: null });
      await strict.close();
    }
  });
});

describe("persistence", () => {
  it("keeps its objects across a restart with STRIPE_SANDBOX_STATE_FILE", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stripe-sandbox-"));
    try {
      const env = { STRIPE_SANDBOX_STATE_FILE: join(dir, "state.json") };
      const first = await startSandbox(env);
      const { customer: saved, priceIds: prices } = await seedCustomer(first);
      const sub = await checkedOutSubscription(first, [{ price: prices.smartapp_safety_monthly, quantity: 2 }], saved.id);
      await first.process.stop();

      const second = await startSandbox(env);
      try {
        expect(((await second.stripe.customers.retrieve(saved.id)) as Stripe.Customer).email).toBe(saved.email);
        expect((await second.stripe.subscriptions.retrieve(sub.id)).items.data[0].quantity).toBe(2);
        expect((await second.stripe.events.list({ type: "checkout.session.completed" })).data).toHaveLength(1);
      } finally {
        await second.process.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
