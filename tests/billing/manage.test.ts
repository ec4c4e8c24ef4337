import type { NextResponse } from "next/server";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingPortalUrl, changeProjectSubscription, projectSubscription } from "@/lib/billing/manage";
import { stripe } from "@/lib/billing/stripe";
import { db } from "@/lib/db";
import { startCheckout } from "@/lib/billing/checkout";
import { addMember, latestSessionId, licensedAccount, openDraft, pick, startBillingSandbox, waitFor, type BillingSandbox } from "./support";

let sandbox: BillingSandbox;
let errorResponse: (err: unknown) => NextResponse;

beforeAll(async () => {
  sandbox = await startBillingSandbox();
  // The guard module reads env() when it loads, so it loads after the sandbox is configured.
  ({ errorResponse } = await import("@/lib/auth/guard"));
});
afterAll(() => sandbox.stop());

/** Two projects on Planner (one with Planner Board), billed by one monthly subscription. */
function twoPlannerProjects() {
  return licensedAccount(sandbox, ["Harbour Tower", "Riverside Clinic"], ([tower, clinic]) => [
    pick(tower, { planner: true, plannerBoard: true }),
    pick(clinic, { planner: true }),
  ]);
}

/** What Stripe bills: lookup key → quantity. */
async function billed(subscriptionId: string): Promise<Record<string, number | undefined>> {
  const subscription = await stripe().subscriptions.retrieve(subscriptionId);
  return Object.fromEntries(subscription.items.data.map((item) => [item.price.lookup_key ?? item.price.id, item.quantity]));
}

interface LoggedRequest {
  method: string;
  path: string;
  params: Record<string, unknown> | null;
}

/** The app's updates of a subscription, from the sandbox's request log. */
async function updatesOf(subscriptionId: string): Promise<LoggedRequest[]> {
  const { body } = await sandbox.admin<{ requests: LoggedRequest[] }>("GET", "/__admin/requests");
  return body.requests.filter((r) => r.method === "POST" && r.path === `/v1/subscriptions/${subscriptionId}`);
}

async function licencesOf(projectId: string) {
  return db().licence.findMany({
    where: { projectId },
    orderBy: [{ module: "asc" }, { createdAt: "asc" }],
    select: { module: true, addOn: true, status: true, endedAt: true, stripeSubscriptionItemId: true },
  });
}

/** The status and JSON body the route would answer for a refused call. */
async function refusal(call: Promise<unknown>) {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "expected the call to be refused").not.toBeNull();
  const response = errorResponse(err);
  return { status: response.status, body: (await response.json()) as { error: string; fields?: Record<string, string[]>; code?: string } };
}

describe("the Manage Subscriptions view", () => {
  it("shows the project's modules and add-ons, the interval, the renewal date and the other projects billed", async () => {
    const { owner, account, subscriptionId, projectId } = await twoPlannerProjects();
    const view = await projectSubscription(owner.id, projectId("Harbour Tower"));
    const periodEnd = (await stripe().subscriptions.retrieve(subscriptionId)).items.data[0].current_period_end;
    expect(view).toEqual({
      project: { id: projectId("Harbour Tower"), name: "Harbour Tower", accountId: account.id },
      canManage: true,
      modules: [{ code: "PLANNER", name: "Planner", status: "ACTIVE", addOn: { code: "PLANNER_BOARD", name: "Planner Board", included: true } }],
      paymentPending: false,
      hasBillingAccount: true,
      subscription: {
        interval: "MONTH",
        status: "active",
        renewsAt: new Date(periodEnd * 1000).toISOString(),
        cancelAtPeriodEnd: false,
        billsThisProject: true,
        otherProjects: ["Riverside Clinic"],
      },
    });
    const member = await addMember(account.id, "MEMBER");
    expect(await projectSubscription(member.id, projectId("Riverside Clinic"))).toMatchObject({ canManage: false, modules: [{ code: "PLANNER" }] });
  });

  it("says payment pending while the renewal payment fails", async () => {
    const { owner, subscriptionId, projectId } = await twoPlannerProjects();
    await sandbox.admin("POST", `/__admin/subscriptions/${subscriptionId}/fail-payment`);
    await sandbox.settle();
    expect(await projectSubscription(owner.id, projectId("Harbour Tower"))).toMatchObject({
      paymentPending: true,
      modules: [{ status: "PAYMENT_PENDING" }],
      subscription: { status: "past_due" },
    });
  });
});

describe("changing a project's subscription", () => {
  it("adds a module as a new prorated subscription item, once however often it is asked", async () => {
    const { owner, subscriptionId, projectId } = await twoPlannerProjects();
    const tower = projectId("Harbour Tower");
    const view = await changeProjectSubscription(owner.id, tower, { action: "add", item: "SAFETY" });
    expect(view.modules.map((m) => [m.code, m.status])).toEqual([
      ["PLANNER", "ACTIVE"],
      ["SAFETY", "ACTIVE"],
    ]);
    expect(await billed(subscriptionId)).toEqual({ smartapp_planner_monthly: 2, smartapp_safety_monthly: 1 });
    const [update] = await updatesOf(subscriptionId);
    expect(update.params).toMatchObject({ proration_behavior: "create_prorations" });
    const subscription = await stripe().subscriptions.retrieve(subscriptionId);
    const safetyItem = subscription.items.data.find((i) => i.price.lookup_key === "smartapp_safety_monthly");
    expect((await licencesOf(tower)).find((l) => l.module === "SAFETY")?.stripeSubscriptionItemId).toBe(safetyItem?.id);
    // The remaining period of Safety is charged on the next invoice.
    const pending = await stripe().invoiceItems.list({ customer: subscription.customer as string, pending: true });
    expect(pending.data.map((ii) => ii.amount).reduce((a, b) => a + b, 0)).toBeGreaterThan(0.9 * 59_500);

    await changeProjectSubscription(owner.id, tower, { action: "add", item: "SAFETY" });
    await Promise.all([1, 2].map(() => changeProjectSubscription(owner.id, tower, { action: "add", item: "SAFETY" })));
    expect(await updatesOf(subscriptionId)).toHaveLength(1);
    expect((await licencesOf(tower)).filter((l) => l.module === "SAFETY")).toHaveLength(1);
  });

  it("refuses to add a module that another admin's open checkout is buying for the project, with 409 naming it", async () => {
    const { owner, account, subscriptionId, projectId } = await twoPlannerProjects();
    const tower = await db().project.findUniqueOrThrow({ where: { id: projectId("Harbour Tower") } });
    // Harbour Tower's last module removed: it is unlicensed, so an admin's checkout may buy it again.
    await changeProjectSubscription(owner.id, tower.id, { action: "remove", item: "PLANNER" });
    const admin = await addMember(account.id, "ADMIN");
    await openDraft(account.id, admin.id, [pick(tower.procoreProjectId.toString(), { planner: true })]);
    await startCheckout(account, admin, "MONTH");
    const sessionId = await latestSessionId(account.id, admin.id);

    const refused = await refusal(changeProjectSubscription(owner.id, tower.id, { action: "add", item: "PLANNER" }));
    expect(refused).toMatchObject({ status: 409, body: { fields: { selections: [tower.procoreProjectId.toString()] } } });
    expect(refused.body.error).toContain("Harbour Tower is in a checkout");
    expect(await billed(subscriptionId)).toEqual({ smartapp_planner_monthly: 1 });

    // Once that checkout has expired, the module can be added here.
    await stripe().checkout.sessions.expire(sessionId);
    await changeProjectSubscription(owner.id, tower.id, { action: "add", item: "PLANNER" });
    expect(await billed(subscriptionId)).toEqual({ smartapp_planner_monthly: 2 });
  });

  it("counts two projects adding the same module at once", async () => {
    const { owner, subscriptionId, projectId } = await twoPlannerProjects();
    await Promise.all(
      ["Harbour Tower", "Riverside Clinic"].map((name) => changeProjectSubscription(owner.id, projectId(name), { action: "add", item: "SAFETY" })),
    );
    expect(await billed(subscriptionId)).toEqual({ smartapp_planner_monthly: 2, smartapp_safety_monthly: 2 });
  });

  it("removes a module: quantity down by one with a prorated credit, the licence canceled", async () => {
    const { owner, subscriptionId, projectId } = await twoPlannerProjects();
    const clinic = projectId("Riverside Clinic");
    const view = await changeProjectSubscription(owner.id, clinic, { action: "remove", item: "PLANNER" });
    expect(view.modules).toEqual([]);
    expect(await billed(subscriptionId)).toEqual({ smartapp_planner_monthly: 1 });
    expect((await updatesOf(subscriptionId)).map((r) => r.params)).toEqual([
      { items: { "0": { id: expect.stringMatching(/^si_/), quantity: "1" } }, proration_behavior: "create_prorations" },
    ]);
    const [licence] = await licencesOf(clinic);
    expect(licence).toMatchObject({ module: "PLANNER", status: "CANCELED" });
    expect(licence.endedAt).toBeInstanceOf(Date);
    const customer = (await stripe().subscriptions.retrieve(subscriptionId)).customer as string;
    const pending = await stripe().invoiceItems.list({ customer, pending: true });
    expect(Math.min(...pending.data.map((ii) => ii.amount))).toBeLessThan(-0.9 * 29_500);
    // The other project keeps its licence.
    expect(await licencesOf(projectId("Harbour Tower"))).toMatchObject([{ module: "PLANNER", addOn: true, status: "ACTIVE" }]);

    await changeProjectSubscription(owner.id, clinic, { action: "remove", item: "PLANNER" });
    expect(await updatesOf(subscriptionId)).toHaveLength(1);
  });

  it("adds and removes the $0 add-ons on the licence only; an add-on needs its module", async () => {
    const { owner, subscriptionId, projectId } = await twoPlannerProjects();
    const clinic = projectId("Riverside Clinic");
    const added = await changeProjectSubscription(owner.id, clinic, { action: "add", item: "PLANNER_BOARD" });
    expect(added.modules[0].addOn).toEqual({ code: "PLANNER_BOARD", name: "Planner Board", included: true });
    const removed = await changeProjectSubscription(owner.id, projectId("Harbour Tower"), { action: "remove", item: "PLANNER_BOARD" });
    expect(removed.modules[0].addOn.included).toBe(false);
    expect(await updatesOf(subscriptionId)).toHaveLength(0);

    const badge = await refusal(changeProjectSubscription(owner.id, clinic, { action: "add", item: "SAFETY_BADGE" }));
    expect(badge).toMatchObject({ status: 422, body: { error: "Safety Badge needs Safety on the project", fields: { item: ["needs Safety"] } } });
  });

  it("removing a project's last module cancels its licences; the subscription's last one ends it", async () => {
    const { owner, subscriptionId, projectId } = await licensedAccount(sandbox, ["Solo Depot"], ([depot]) => [
      pick(depot, { planner: true, safety: true, safetyBadge: true }),
    ]);
    const depot = projectId("Solo Depot");
    await changeProjectSubscription(owner.id, depot, { action: "remove", item: "SAFETY" });
    expect(await billed(subscriptionId)).toEqual({ smartapp_planner_monthly: 1 });
    expect((await updatesOf(subscriptionId)).map((r) => r.params)).toEqual([
      { items: { "0": { id: expect.stringMatching(/^si_/), deleted: "true" } }, proration_behavior: "create_prorations" },
    ]);

    const view = await changeProjectSubscription(owner.id, depot, { action: "remove", item: "PLANNER" });
    expect(view).toMatchObject({ modules: [], subscription: null });
    const ended = await stripe().subscriptions.retrieve(subscriptionId);
    expect(ended.status).toBe("canceled");
    expect((await licencesOf(depot)).map((l) => [l.module, l.status])).toEqual([
      ["PLANNER", "CANCELED"],
      ["SAFETY", "CANCELED"],
    ]);
    expect(await db().subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscriptionId } })).toMatchObject({ status: "canceled" });

    const again = await refusal(changeProjectSubscription(owner.id, depot, { action: "add", item: "PLANNER" }));
    expect(again).toMatchObject({ status: 409, body: { code: "no_subscription" } });
  });

  it("a project with no module left joins the account's running subscription again", async () => {
    const { owner, subscriptionId, projectId } = await twoPlannerProjects();
    const clinic = projectId("Riverside Clinic");
    await changeProjectSubscription(owner.id, clinic, { action: "remove", item: "PLANNER" });
    expect((await projectSubscription(owner.id, clinic)).subscription).toMatchObject({ billsThisProject: false, otherProjects: [] });
    await changeProjectSubscription(owner.id, clinic, { action: "add", item: "SAFETY" });
    expect(await billed(subscriptionId)).toEqual({ smartapp_planner_monthly: 1, smartapp_safety_monthly: 1 });
    expect((await projectSubscription(owner.id, clinic)).subscription).toMatchObject({ billsThisProject: true, otherProjects: ["Harbour Tower"] });
  });

  it("cancels at period end and undoes it; the renewal then ends the licences", async () => {
    const { owner, subscriptionId, projectId, account } = await twoPlannerProjects();
    const tower = projectId("Harbour Tower");
    const cancelled = await changeProjectSubscription(owner.id, tower, { action: "cancelAtPeriodEnd", cancel: true });
    expect(cancelled.subscription).toMatchObject({ cancelAtPeriodEnd: true, status: "active" });
    expect(cancelled.modules[0].status).toBe("ACTIVE");
    expect((await stripe().subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(true);

    const undone = await changeProjectSubscription(owner.id, tower, { action: "cancelAtPeriodEnd", cancel: false });
    expect(undone.subscription?.cancelAtPeriodEnd).toBe(false);
    expect((await stripe().subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(false);
    expect((await updatesOf(subscriptionId)).map((r) => r.params)).toEqual([{ cancel_at_period_end: "true" }, { cancel_at_period_end: "false" }]);

    await changeProjectSubscription(owner.id, tower, { action: "cancelAtPeriodEnd", cancel: true });
    await sandbox.admin("POST", `/__admin/subscriptions/${subscriptionId}/renew`);
    await waitFor(async () => (await db().licence.count({ where: { project: { accountId: account.id }, status: { not: "CANCELED" } } })) === 0);
  });
});

describe("who may change what", () => {
  it("answers 404 for another company's project, 403 for a member, 400 with field messages for bad input", async () => {
    const { owner, account, projectId } = await twoPlannerProjects();
    const tower = projectId("Harbour Tower");
    const outsider = (await licensedAccount(sandbox, ["Elsewhere"], ([id]) => [pick(id, { safety: true })])).owner;
    const member = await addMember(account.id, "MEMBER");

    for (const body of [{ action: "add", item: "SAFETY" }, { action: "bogus" }]) {
      expect((await refusal(changeProjectSubscription(outsider.id, tower, body))).status).toBe(404);
      expect((await refusal(changeProjectSubscription(member.id, tower, body))).status).toBe(403);
    }
    expect((await refusal(projectSubscription(outsider.id, tower))).status).toBe(404);
    expect((await refusal(billingPortalUrl(outsider.id, tower))).status).toBe(404);
    expect((await refusal(billingPortalUrl(member.id, tower))).status).toBe(403);

    const unknownItem = await refusal(changeProjectSubscription(owner.id, tower, { action: "add", item: "GOLD" }));
    expect(unknownItem).toMatchObject({ status: 400, body: { fields: { item: [expect.stringContaining("PLANNER")] } } });
    const noAction = await refusal(changeProjectSubscription(owner.id, tower, {}));
    expect(noAction).toMatchObject({ status: 400, body: { fields: { action: [expect.any(String)] } } });
    const notBoolean = await refusal(changeProjectSubscription(owner.id, tower, { action: "cancelAtPeriodEnd", cancel: "yes" }));
    expect(notBoolean).toMatchObject({ status: 400, body: { fields: { cancel: [expect.any(String)] } } });
    expect(await licencesOf(tower)).toHaveLength(1);
  });
});

describe("Stripe failing", () => {
  it("answers 503 while Stripe cannot be reached, and 502 with Stripe's message when it refuses", async () => {
    // Nothing listens on port 9: the SDK's own connection error.
    const unreachable = new Stripe("sk_test_unreachable", { host: "127.0.0.1", port: 9, protocol: "http", maxNetworkRetries: 0 });
    const down = await refusal(unreachable.customers.list({ limit: 1 }));
    expect(down).toMatchObject({ status: 503, body: { error: "Stripe could not be reached; try again shortly", code: "stripe_unavailable" } });
    const refused = await refusal(stripe().customers.retrieve("cus_nobody"));
    expect(refused).toMatchObject({ status: 502, body: { code: "stripe_refused", error: "Stripe refused the request: No such customer: 'cus_nobody'" } });
  });
});

describe("the billing portal", () => {
  it("opens a customer-portal session for the account's customer, returning to the page", async () => {
    const { owner, account, projectId } = await twoPlannerProjects();
    const tower = projectId("Harbour Tower");
    const url = await billingPortalUrl(owner.id, tower);
    expect(url).toMatch(/\/billing_portal\/bps_/);
    const { body } = await sandbox.admin<{ requests: LoggedRequest[] }>("GET", "/__admin/requests");
    const customer = await db().stripeCustomer.findUniqueOrThrow({ where: { accountId: account.id } });
    expect(body.requests.filter((r) => r.path === "/v1/billing_portal/sessions").at(-1)?.params).toEqual({
      customer: customer.stripeCustomerId,
      return_url: `http://app.test/projects/${tower}/subscription`,
    });
    expect((await fetch(url)).status).toBe(200);
  });
});
