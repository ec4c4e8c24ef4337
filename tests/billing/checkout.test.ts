import { NextRequest } from "next/server";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { priceForLookupKey } from "@/lib/billing/catalogue";
import { cancelCheckout, startCheckout } from "@/lib/billing/checkout";
import { assertPurchasable, lockPurchases } from "@/lib/billing/purchase-guard";
import { grantFromCheckoutSession } from "@/lib/billing/grant";
import { stripe } from "@/lib/billing/stripe";
import { handleStripeEvent, verifyStripeEvent } from "@/lib/billing/webhook";
import { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import { getDraft } from "@/lib/licensing/draft";
import {
  addMember,
  APP_URL,
  checkoutStarted,
  DECLINED,
  licensedAccount,
  latestSessionId,
  openDraft,
  pick,
  seedAccount,
  startBillingSandbox,
  waitFor,
  webhookRequest,
  type BillingSandbox,
} from "./support";

let sandbox: BillingSandbox;
let webhookRoute: (req: NextRequest) => Promise<Response>;
let completeRoute: (req: NextRequest) => Promise<Response>;

beforeAll(async () => {
  sandbox = await startBillingSandbox();
  // Route modules read env() when they load, so they load after the sandbox is configured.
  webhookRoute = (await import("@/app/api/stripe/webhook/route")).POST;
  completeRoute = (await import("@/app/(setup)/setup/checkout/complete/route")).GET;
});
afterAll(() => sandbox.stop());
afterEach(async () => {
  sandbox.hold(false);
  await sandbox.admin("DELETE", "/__admin/faults");
  await sandbox.settle();
});

async function counts(accountId: string) {
  const [projects, licences, subscriptions, customers] = await Promise.all([
    db().project.count({ where: { accountId } }),
    db().licence.count({ where: { project: { accountId } } }),
    db().subscription.count({ where: { accountId } }),
    db().stripeCustomer.count({ where: { accountId } }),
  ]);
  return { projects, licences, subscriptions, customers };
}

/** What the account holds, in a stable order: enough to see that a replay changed nothing. */
async function holdings(accountId: string) {
  const projects = await db().project.findMany({
    where: { accountId },
    orderBy: { name: "asc" },
    include: { licences: { orderBy: { module: "asc" } } },
  });
  return projects.map((p) => ({
    id: p.id,
    name: p.name,
    procoreProjectId: p.procoreProjectId.toString(),
    licences: p.licences.map((l) => ({ id: l.id, module: l.module, addOn: l.addOn, status: l.status, endedAt: l.endedAt })),
  }));
}

const TOWER = ["Harbour Tower", "Riverside Clinic", "Depot Upgrade"];
const towerSelection = ([tower, clinic, depot]: string[]) => [
  pick(tower, { planner: true, plannerBoard: true, safety: true }),
  pick(clinic, { planner: true }),
  pick(depot, { safety: true, safetyBadge: true }),
];

describe("startCheckout", () => {
  it("bills one line per priced module with quantity = projects, for the account's one customer, linked to a snapshot", async () => {
    const { account, owner, procoreIds, url, sessionId } = await checkoutStarted(TOWER, towerSelection);
    const snapshot = await db().selectionDraft.findUniqueOrThrow({ where: { checkoutSessionId: sessionId } });
    const customer = await db().stripeCustomer.findUniqueOrThrow({ where: { accountId: account.id } });

    const session = await stripe().checkout.sessions.retrieve(sessionId);
    expect(url).toMatch(new RegExp(`/checkout/${sessionId}$`));
    expect(session).toMatchObject({
      mode: "subscription",
      status: "open",
      customer: customer.stripeCustomerId,
      client_reference_id: account.id,
      metadata: { account_id: account.id, draft_id: snapshot.id },
      amount_total: 2 * 29_500 + 2 * 59_500,
      success_url: `${APP_URL}/setup/checkout/complete?session_id={CHECKOUT_SESSION_ID}`,
    });
    const lines = await stripe().checkout.sessions.listLineItems(sessionId);
    expect(lines.data.map((l) => [l.price?.lookup_key, l.quantity])).toEqual([
      ["smartapp_planner_monthly", 2],
      ["smartapp_safety_monthly", 2],
    ]);
    // The snapshot freezes what is paid for; the open draft stays as it was, for a cancelled checkout.
    expect(snapshot).toMatchObject({ status: "CHECKOUT", interval: "MONTH", userId: owner.id });
    expect((await getDraft(account.id, owner.id)).selections).toEqual(snapshot.selections);
    const stripeCustomer = await stripe().customers.retrieve(customer.stripeCustomerId);
    expect(stripeCustomer).toMatchObject({ name: account.name, email: owner.email, metadata: { account_id: account.id } });

    // Another checkout (yearly, by another admin, once the owner's has expired) reuses the customer.
    await stripe().checkout.sessions.expire(sessionId);
    const admin = await addMember(account.id, "ADMIN");
    await openDraft(account.id, admin.id, towerSelection(procoreIds), "YEAR");
    await startCheckout(account, admin, "YEAR");
    const yearly = await stripe().checkout.sessions.retrieve(await latestSessionId(account.id, admin.id), { expand: ["line_items"] });
    expect(yearly.customer).toBe(customer.stripeCustomerId);
    expect(yearly.line_items?.data.map((l) => [l.price?.lookup_key, l.quantity])).toEqual([
      ["smartapp_planner_yearly", 2],
      ["smartapp_safety_yearly", 2],
    ]);
    expect(await db().stripeCustomer.count({ where: { accountId: account.id } })).toBe(1);
    const search = await stripe().customers.search({ query: `metadata['account_id']:'${account.id}'` });
    expect(search.data.map((c) => c.id)).toEqual([customer.stripeCustomerId]);
  });

  it("refuses an empty draft with 422 and creates nothing in Stripe", async () => {
    const { account, owner } = await seedAccount(["Lonely"]);
    await expect(startCheckout(account, owner, "MONTH")).rejects.toMatchObject({ status: 422 });
    expect(await counts(account.id)).toEqual({ projects: 0, licences: 0, subscriptions: 0, customers: 0 });
  });
});

describe("granting a paid checkout", () => {
  it("creates a project per Procore project with its licences, once, whoever calls and however often", async () => {
    const { account, owner, procoreIds, sessionId } = await checkoutStarted(TOWER, towerSelection);
    sandbox.hold(true); // the webhook comes after the redirect
    expect((await sandbox.pay(sessionId)).status).toBe(200);

    const redirect = await completeRoute(new NextRequest(`${APP_URL}/setup/checkout/complete?session_id=${sessionId}`));
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get("location")).toBe(`${APP_URL}/projects?welcome=1`);

    const session = await stripe().checkout.sessions.retrieve(sessionId, { expand: ["subscription"] });
    const subscription = session.subscription as Stripe.Subscription;
    const itemOf = (key: string) => subscription.items.data.find((i) => i.price.lookup_key === key)?.id;
    const local = await db().subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } });
    expect(local).toMatchObject({ accountId: account.id, status: "active", interval: "MONTH", cancelAtPeriodEnd: false });
    expect(local.currentPeriodEnd?.getTime()).toBe(subscription.items.data[0].current_period_end * 1000);

    const granted = await holdings(account.id);
    expect(granted.map((p) => [p.name, p.procoreProjectId])).toEqual([
      ["Depot Upgrade", procoreIds[2]],
      ["Harbour Tower", procoreIds[0]],
      ["Riverside Clinic", procoreIds[1]],
    ]);
    expect(granted.map((p) => p.licences.map((l) => [l.module, l.addOn, l.status]))).toEqual([
      [["SAFETY", true, "ACTIVE"]],
      [
        ["PLANNER", true, "ACTIVE"],
        ["SAFETY", false, "ACTIVE"],
      ],
      [["PLANNER", false, "ACTIVE"]],
    ]);
    const licences = await db().licence.findMany({ where: { project: { accountId: account.id } } });
    expect(licences.every((l) => l.subscriptionId === local.id)).toBe(true);
    expect(licences.filter((l) => l.module === "PLANNER").map((l) => l.stripeSubscriptionItemId)).toEqual([
      itemOf("smartapp_planner_monthly"),
      itemOf("smartapp_planner_monthly"),
    ]);
    // The snapshot is done; the granted projects left the open draft (they are managed from Project Central).
    expect((await db().selectionDraft.findUniqueOrThrow({ where: { checkoutSessionId: sessionId } })).status).toBe("COMPLETED");
    expect(await getDraft(account.id, owner.id)).toEqual({ selections: [], interval: "MONTH" });

    const after = { counts: await counts(account.id), holdings: granted };
    expect(after.counts).toEqual({ projects: 3, licences: 4, subscriptions: 1, customers: 1 });

    expect(await grantFromCheckoutSession(sessionId)).toMatchObject({ accountId: account.id });
    await Promise.all([1, 2, 3].map(() => grantFromCheckoutSession(sessionId)));
    expect({ counts: await counts(account.id), holdings: await holdings(account.id) }).toEqual(after);

    sandbox.hold(false);
    const completed = await waitFor(() => sandbox.deliveries.find((d) => d.type === "checkout.session.completed" && d.objectId === sessionId));
    expect(completed).toMatchObject({ status: 200, result: "processed" });
    await sandbox.settle();
    expect({ counts: await counts(account.id), holdings: await holdings(account.id) }).toEqual(after);
  });

  it("grants nothing for a declined card", async () => {
    const { account, owner, sessionId } = await checkoutStarted(["Declined Tower"], ([id]) => [pick(id, { planner: true })]);
    const declined = await sandbox.pay(sessionId, DECLINED);
    expect(declined.status).toBe(402);
    expect(await grantFromCheckoutSession(sessionId)).toBeNull();
    expect(await counts(account.id)).toEqual({ projects: 0, licences: 0, subscriptions: 0, customers: 1 });
    expect((await db().selectionDraft.findUniqueOrThrow({ where: { checkoutSessionId: sessionId } })).status).toBe("CHECKOUT");
    expect((await getDraft(account.id, owner.id)).selections).toHaveLength(1);
  });

  /** Per module: how many projects the account's live Stripe subscriptions bill, and how many live licences it holds. */
  async function billedAndLicensed(accountId: string) {
    const billed: Record<string, number> = {};
    for (const sub of await db().subscription.findMany({ where: { accountId } })) {
      const live = await stripe().subscriptions.retrieve(sub.stripeSubscriptionId, { expand: ["items.data.price"] });
      if (live.status === "canceled") continue;
      for (const item of live.items.data) {
        const code = priceForLookupKey(item.price.lookup_key ?? "")?.code;
        if (code === "PLANNER" || code === "SAFETY") billed[code] = (billed[code] ?? 0) + (item.quantity ?? 0);
      }
    }
    const licensed: Record<string, number> = {};
    for (const l of await db().licence.findMany({ where: { project: { accountId }, status: { not: "CANCELED" } } })) licensed[l.module] = (licensed[l.module] ?? 0) + 1;
    return { billed, licensed };
  }

  it("one person's second tab expires the first tab's checkout: only one can be paid, and one subscription bills it", async () => {
    const { account, owner, procoreIds } = await seedAccount(["Two Tab Tower"]);
    await openDraft(account.id, owner.id, [pick(procoreIds[0], { planner: true, safety: true })]);
    await startCheckout(account, owner, "MONTH");
    const first = await latestSessionId(account.id, owner.id);
    await startCheckout(account, owner, "MONTH");
    const second = await latestSessionId(account.id, owner.id);
    expect(second).not.toBe(first);
    expect((await stripe().checkout.sessions.retrieve(first)).status).toBe("expired");
    expect((await db().selectionDraft.findUniqueOrThrow({ where: { checkoutSessionId: first } })).status).toBe("EXPIRED");

    expect((await sandbox.pay(first)).status).toBe(400);
    expect((await sandbox.pay(second)).status).toBe(200);
    await grantFromCheckoutSession(second);
    await sandbox.settle();
    expect(await counts(account.id)).toMatchObject({ projects: 1, licences: 2, subscriptions: 1 });
    expect(await billedAndLicensed(account.id)).toEqual({ billed: { PLANNER: 1, SAFETY: 1 }, licensed: { PLANNER: 1, SAFETY: 1 } });
  });

  it("a person's two tabs clicking checkout at once still leave one payable session", async () => {
    const { account, owner, procoreIds } = await seedAccount(["Double Click Yard"]);
    await openDraft(account.id, owner.id, [pick(procoreIds[0], { safety: true })]);
    await Promise.all([startCheckout(account, owner, "MONTH"), startCheckout(account, owner, "YEAR")]);
    const snapshots = await db().selectionDraft.findMany({ where: { accountId: account.id, status: { in: ["CHECKOUT", "EXPIRED"] } } });
    expect(snapshots).toHaveLength(2);
    const statuses = await Promise.all(snapshots.map(async (s) => (await stripe().checkout.sessions.retrieve(s.checkoutSessionId!)).status));
    expect(statuses.sort()).toEqual(["expired", "open"]);
  });

  it("refuses another admin's checkout of a project already in an open checkout with 409 naming it; without that project it goes ahead", async () => {
    const { account, owner, procoreIds } = await seedAccount(["Contested Tower", "Quiet Yard"]);
    const [contested, quiet] = procoreIds;
    const admin = await addMember(account.id, "ADMIN");
    await openDraft(account.id, owner.id, [pick(contested, { planner: true, safety: true, safetyBadge: true })]);
    await openDraft(account.id, admin.id, [pick(contested, { planner: true, plannerBoard: true }), pick(quiet, { safety: true })]);
    await startCheckout(account, owner, "MONTH");

    const refused = await startCheckout(account, admin, "MONTH").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 409, fields: { selections: [contested] } });
    expect((refused as HttpError).message).toMatch(/^A project can be paid for once: Contested Tower is in a checkout .+ started, which ends when it is paid or within (60|59) minutes\./);
    expect(await db().selectionDraft.count({ where: { accountId: account.id, userId: admin.id, status: "CHECKOUT" } })).toBe(0);
    expect((await getDraft(account.id, admin.id)).selections).toHaveLength(2);

    // A project module the other checkout does not buy is not a conflict: Safety of Quiet Yard, and of Contested Tower
    // when the owner's checkout buys only Planner — here it buys both, so the admin keeps only Quiet Yard.
    await openDraft(account.id, admin.id, [pick(quiet, { safety: true })]);
    await startCheckout(account, admin, "MONTH");
    const sessions = await Promise.all([latestSessionId(account.id, owner.id), latestSessionId(account.id, admin.id)]);
    for (const id of sessions) expect((await sandbox.pay(id)).status).toBe(200);
    await Promise.all(sessions.map((id) => grantFromCheckoutSession(id)));
    await sandbox.settle();
    expect(await counts(account.id)).toMatchObject({ projects: 2, licences: 3, subscriptions: 2, customers: 1 });
    expect(await billedAndLicensed(account.id)).toEqual({ billed: { PLANNER: 1, SAFETY: 2 }, licensed: { PLANNER: 1, SAFETY: 2 } });
  });

  it("two admins clicking checkout for the same project at once: one goes ahead, the other gets 409", async () => {
    const { account, owner, procoreIds } = await seedAccount(["Race Tower"]);
    const admin = await addMember(account.id, "ADMIN");
    for (const person of [owner, admin]) await openDraft(account.id, person.id, [pick(procoreIds[0], { planner: true })]);
    const results = await Promise.allSettled([startCheckout(account, owner, "MONTH"), startCheckout(account, admin, "MONTH")]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { status: 409 } });
  });

  it("a checkout paid a moment ago, not granted yet, still holds its projects", async () => {
    const { account, owner, procoreIds } = await seedAccount(["Just Paid Tower"]);
    const admin = await addMember(account.id, "ADMIN");
    for (const person of [owner, admin]) await openDraft(account.id, person.id, [pick(procoreIds[0], { safety: true })]);
    sandbox.hold(true);
    await startCheckout(account, owner, "MONTH");
    expect((await sandbox.pay(await latestSessionId(account.id, owner.id))).status).toBe(200);
    await expect(startCheckout(account, admin, "MONTH")).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining("Just Paid Tower was paid for in another checkout a moment ago"),
    });
  });

  it("coming back from Stripe cancelled expires that checkout, so another admin can check the project out", async () => {
    const { account, owner, procoreIds, url, sessionId } = await checkoutStarted(["Cancelled Tower"], ([id]) => [pick(id, { planner: true })]);
    const snapshot = await db().selectionDraft.findUniqueOrThrow({ where: { checkoutSessionId: sessionId } });
    const cancelUrl = new URL((await stripe().checkout.sessions.retrieve(sessionId)).cancel_url!);
    expect(Object.fromEntries(cancelUrl.searchParams)).toEqual({ account: account.id, cancelled: "1", checkout: snapshot.id });
    expect(url).toContain(sessionId);

    const admin = await addMember(account.id, "ADMIN");
    await openDraft(account.id, admin.id, [pick(procoreIds[0], { planner: true })]);
    // Someone else's checkout id, or an unknown one, changes nothing.
    await cancelCheckout(account.id, admin.id, snapshot.id);
    await cancelCheckout(account.id, owner.id, "not-a-checkout");
    expect((await stripe().checkout.sessions.retrieve(sessionId)).status).toBe("open");

    await cancelCheckout(account.id, owner.id, snapshot.id);
    expect((await stripe().checkout.sessions.retrieve(sessionId)).status).toBe("expired");
    expect((await db().selectionDraft.findUniqueOrThrow({ where: { id: snapshot.id } })).status).toBe("EXPIRED");
    await cancelCheckout(account.id, owner.id, snapshot.id);
    await startCheckout(account, admin, "MONTH");
    expect((await sandbox.pay(await latestSessionId(account.id, admin.id))).status).toBe(200);
  });

  it("a checkout Stripe does not know (another Stripe account, a reset sandbox) holds nothing", async () => {
    const { account, owner, procoreIds } = await seedAccount(["Orphan Tower"]);
    const stale = await db().selectionDraft.create({
      data: { accountId: account.id, userId: owner.id, selections: [pick(procoreIds[0], { planner: true })], status: "CHECKOUT", checkoutSessionId: `cs_test_unknown_${account.id}` },
    });
    const admin = await addMember(account.id, "ADMIN");
    await openDraft(account.id, admin.id, [pick(procoreIds[0], { planner: true })]);
    await startCheckout(account, admin, "MONTH");
    expect((await db().selectionDraft.findUniqueOrThrow({ where: { id: stale.id } })).status).toBe("EXPIRED");
  });

  it("under the purchase lock, a project module licensed meanwhile (a grant between the draft check and the lock) is refused", async () => {
    const { account, owner, procoreIds } = await licensedAccount(sandbox, ["Granted Tower"], ([id]) => [pick(id, { planner: true })]);
    const refused = await db()
      .$transaction(async (tx) => {
        await lockPurchases(tx, account.id);
        await assertPurchasable(tx, account.id, owner.id, [pick(procoreIds[0], { planner: true, safety: true })]);
      })
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 409, message: expect.stringContaining("Granted Tower was licensed a moment ago") });
    // Safety alone is not licensed: it may be bought.
    await db().$transaction(async (tx) => {
      await lockPurchases(tx, account.id);
      await assertPurchasable(tx, account.id, owner.id, [pick(procoreIds[0], { safety: true })]);
    });
  });

  it("checkout.session.expired marks the checkout expired", async () => {
    const { account, sessionId } = await checkoutStarted(["Abandoned Depot"], ([id]) => [pick(id, { planner: true })]);
    await stripe().checkout.sessions.expire(sessionId);
    await waitFor(() => sandbox.deliveries.find((d) => d.type === "checkout.session.expired" && d.objectId === sessionId));
    expect((await db().selectionDraft.findUniqueOrThrow({ where: { checkoutSessionId: sessionId } })).status).toBe("EXPIRED");
    expect(await counts(account.id)).toMatchObject({ projects: 0, licences: 0, subscriptions: 0 });
  });
});

describe("the Stripe webhook", () => {
  async function granted() {
    const started = await checkoutStarted(["Webhook Tower", "Webhook Yard"], ([a, b]) => [pick(a, { planner: true }), pick(b, { safety: true })]);
    await sandbox.pay(started.sessionId);
    await waitFor(() => sandbox.deliveries.some((d) => d.type === "checkout.session.completed" && d.objectId === started.sessionId));
    await sandbox.settle();
    const session = await stripe().checkout.sessions.retrieve(started.sessionId);
    return { ...started, subscriptionId: session.subscription as string };
  }

  const licenceStates = (accountId: string) =>
    db().licence.findMany({ where: { project: { accountId } }, orderBy: { module: "asc" }, select: { module: true, status: true, endedAt: true } });

  it("grants from checkout.session.completed alone, and records each event once", async () => {
    const { account, sessionId } = await granted();
    expect(await counts(account.id)).toEqual({ projects: 2, licences: 2, subscriptions: 1, customers: 1 });
    const completed = sandbox.deliveries.filter((d) => d.type === "checkout.session.completed" && d.objectId === sessionId);
    expect(completed).toHaveLength(1);
    expect(await db().processedStripeEvent.findUnique({ where: { id: completed[0].eventId } })).toMatchObject({ type: "checkout.session.completed" });
  });

  it("refuses a bad or missing signature with 400 and writes nothing", async () => {
    // A paid session whose genuine events are held back: a forged completion would be enough to grant it.
    const { account, sessionId } = await checkoutStarted(["Forged Tower"], ([id]) => [pick(id, { planner: true })]);
    sandbox.hold(true);
    await sandbox.pay(sessionId);
    const eventId = `evt_forged_${sessionId}`;
    const payload = JSON.stringify({ id: eventId, object: "event", type: "checkout.session.completed", data: { object: { id: sessionId } } });
    const wrongSecret = stripe().webhooks.generateTestHeaderString({ payload, secret: "whsec_not_ours" });
    const otherPayload = stripe().webhooks.generateTestHeaderString({ payload: "{}", secret: process.env.STRIPE_WEBHOOK_SECRET ?? "" });

    expect(() => verifyStripeEvent(payload, wrongSecret)).toThrow(expect.objectContaining({ status: 400, message: "Invalid Stripe signature" }));
    expect(() => verifyStripeEvent(payload, null)).toThrow(expect.objectContaining({ status: 400, message: "Missing Stripe-Signature header" }));
    for (const signature of [wrongSecret, otherPayload, "t=1,v1=00", null]) {
      expect(() => verifyStripeEvent(payload, signature)).toThrow(HttpError);
      expect((await webhookRoute(webhookRequest(payload, signature))).status).toBe(400);
    }
    expect(await db().processedStripeEvent.findUnique({ where: { id: eventId } })).toBeNull();
    expect(await counts(account.id)).toEqual({ projects: 0, licences: 0, subscriptions: 0, customers: 1 });
  });

  it("answers a replayed event id with 'duplicate'", async () => {
    const { account, sessionId } = await granted();
    const delivered = sandbox.deliveries.find((d) => d.type === "checkout.session.completed" && d.objectId === sessionId);
    if (!delivered) throw new Error("no delivery");
    // Per event id: the other test file's sandbox records its own events in the same table meanwhile.
    const recorded = () => db().processedStripeEvent.findUniqueOrThrow({ where: { id: delivered.eventId } });
    const before = { event: await recorded(), holdings: await holdings(account.id) };

    expect(await handleStripeEvent(verifyStripeEvent(delivered.payload, delivered.signature))).toBe("duplicate");
    const replay = await webhookRoute(webhookRequest(delivered.payload, delivered.signature));
    expect(await replay.json()).toEqual({ received: true, result: "duplicate" });
    expect({ event: await recorded(), holdings: await holdings(account.id) }).toEqual(before);
  });

  it("follows the subscription: failed payment → payment pending, renewal → active, cancellation → canceled", async () => {
    const { account, subscriptionId } = await granted();
    const localStatus = async () => (await db().subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscriptionId } })).status;

    await sandbox.admin("POST", `/__admin/subscriptions/${subscriptionId}/fail-payment`);
    await sandbox.settle();
    expect(sandbox.deliveries.some((d) => d.type === "invoice.payment_failed" && d.result === "processed")).toBe(true);
    expect((await licenceStates(account.id)).map((l) => l.status)).toEqual(["PAYMENT_PENDING", "PAYMENT_PENDING"]);
    expect(await localStatus()).toBe("past_due");

    await sandbox.admin("POST", `/__admin/subscriptions/${subscriptionId}/renew`);
    await sandbox.settle();
    expect((await licenceStates(account.id)).map((l) => l.status)).toEqual(["ACTIVE", "ACTIVE"]);
    expect(await localStatus()).toBe("active");

    await sandbox.admin("POST", `/__admin/subscriptions/${subscriptionId}/cancel`);
    await sandbox.settle();
    const ended = await licenceStates(account.id);
    expect(ended.map((l) => l.status)).toEqual(["CANCELED", "CANCELED"]);
    const endedAt = (await stripe().subscriptions.retrieve(subscriptionId)).ended_at;
    expect(ended.map((l) => l.endedAt?.getTime())).toEqual([endedAt, endedAt].map((t) => (t ?? 0) * 1000));
    expect(await localStatus()).toBe("canceled");
    expect(await counts(account.id)).toEqual({ projects: 2, licences: 2, subscriptions: 1, customers: 1 });
  });

  it("converges with duplicated, reordered and retried deliveries", async () => {
    await sandbox.admin("POST", "/__admin/faults", { duplicateEvents: true, outOfOrder: true, webhookFailures: 2 });
    const { account, sessionId } = await checkoutStarted(TOWER, towerSelection);
    await sandbox.pay(sessionId);
    const subscriptionId = (await stripe().checkout.sessions.retrieve(sessionId)).subscription as string;
    await sandbox.admin("POST", `/__admin/subscriptions/${subscriptionId}/fail-payment`);
    await sandbox.admin("POST", `/__admin/subscriptions/${subscriptionId}/renew`);

    const events = await stripe().events.list({ limit: 100 });
    const ours = events.data.filter((e) => {
      const object = e.data.object as { id: string; parent?: { subscription_details?: { subscription?: string } } };
      return object.id === sessionId || object.id === subscriptionId || object.parent?.subscription_details?.subscription === subscriptionId;
    });
    // Checkout 4, the failed renewal 3, the recovery 2.
    expect(ours.map((e) => e.type).sort()).toEqual([
      "checkout.session.completed",
      "customer.subscription.created",
      "customer.subscription.updated",
      "customer.subscription.updated",
      "invoice.created",
      "invoice.created",
      "invoice.paid",
      "invoice.paid",
      "invoice.payment_failed",
    ]);
    // Every event arrives twice; the second is a duplicate.
    await waitFor(() => ours.every((e) => sandbox.deliveries.filter((d) => d.eventId === e.id).length === 2), 15_000);
    await sandbox.settle();
    for (const e of ours) {
      expect(sandbox.deliveries.filter((d) => d.eventId === e.id).map((d) => d.result)).toEqual([expect.stringMatching(/processed|ignored/), "duplicate"]);
    }

    expect(await counts(account.id)).toEqual({ projects: 3, licences: 4, subscriptions: 1, customers: 1 });
    expect((await licenceStates(account.id)).map((l) => l.status)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"]);
    expect(await db().subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscriptionId } })).toMatchObject({ status: "active" });
  });
  it("the same event 100 times, a session's events in reverse order, and 10 concurrent grants all end in one state", async () => {
    const eventsOf = async (sessionId: string) => {
      const subscriptionId = (await stripe().checkout.sessions.retrieve(sessionId)).subscription as string;
      const all = await stripe().events.list({ limit: 100 });
      return all.data.filter((e) => {
        const o = e.data.object as { id: string; subscription?: string; parent?: { subscription_details?: { subscription?: string } } };
        return o.id === sessionId || o.id === subscriptionId || o.parent?.subscription_details?.subscription === subscriptionId;
      });
    };
    sandbox.hold(true); // nothing reaches the app unless the test hands it over
    const forward = await checkoutStarted(TOWER, towerSelection);
    await sandbox.pay(forward.sessionId);
    const events = await eventsOf(forward.sessionId);
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    const results = [];
    for (let i = 0; i < 100; i++) results.push(await handleStripeEvent(completed));
    expect(results[0]).toBe("processed");
    expect(results.slice(1).every((r) => r === "duplicate")).toBe(true);
    const once = { counts: await counts(forward.account.id), holdings: await holdings(forward.account.id) };
    expect(once.counts).toEqual({ projects: 3, licences: 4, subscriptions: 1, customers: 1 });

    const backward = await checkoutStarted(["Reverse Tower", "Reverse Clinic", "Reverse Depot"], towerSelection);
    await sandbox.pay(backward.sessionId);
    for (const event of (await eventsOf(backward.sessionId)).reverse()) await handleStripeEvent(event);
    await Promise.all(Array.from({ length: 10 }, () => grantFromCheckoutSession(backward.sessionId)));
    // Names differ between the two accounts, so compare the licences per project, in any order.
    const shape = (h: Awaited<ReturnType<typeof holdings>>) => h.map((p) => JSON.stringify(p.licences.map((l) => [l.module, l.addOn, l.status]))).sort();
    expect(await counts(backward.account.id)).toEqual(once.counts);
    expect(shape(await holdings(backward.account.id))).toEqual(shape(once.holdings));
    sandbox.hold(false);
    await sandbox.settle();
  });
});
