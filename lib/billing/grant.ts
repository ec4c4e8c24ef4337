import type Stripe from "stripe";
import { db, isUniqueViolation } from "@/lib/db";
import type { BillingInterval, Module } from "@/lib/generated/prisma/client";
import { selectionListSchema } from "@/lib/licensing/draft-schema";
import { log } from "@/lib/log";
import { priceForLookupKey } from "./catalogue";
import { licenceStatusFor } from "./licence-status";
import { stripe } from "./stripe";

/**
 * The convergent core of billing. Every path — the success redirect, checkout.session.completed, and the
 * subscription/invoice events in any order or number — ends here, re-reads the truth from Stripe and
 * writes it. Running it twice changes nothing the second time.
 */

function intervalOf(subscription: Stripe.Subscription): BillingInterval {
  return subscription.items.data[0]?.price.recurring?.interval === "year" ? "YEAR" : "MONTH";
}

function periodEnd(subscription: Stripe.Subscription): Date | null {
  const end = subscription.items.data[0]?.current_period_end;
  return end ? new Date(end * 1000) : null;
}

async function accountOfCustomer(customerId: string): Promise<string | null> {
  const row = await db().stripeCustomer.findUnique({ where: { stripeCustomerId: customerId } });
  return row?.accountId ?? null;
}

/** Writes Stripe's view of a subscription, and its licences' status, to the database. */
export async function syncSubscriptionFromStripe(subscriptionId: string): Promise<void> {
  const subscription = await stripe().subscriptions.retrieve(subscriptionId);
  const customerId = typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id;
  const accountId = await accountOfCustomer(customerId);
  if (!accountId) {
    log.warn({ subscriptionId }, "subscription of an unknown customer ignored");
    return;
  }
  const local = await upsertSubscription(accountId, subscription);
  const status = licenceStatusFor(subscription.status);
  await db().licence.updateMany({
    where: { subscriptionId: local.id, status: { not: "CANCELED" } },
    data: { status, ...(status === "CANCELED" ? { endedAt: new Date() } : {}) },
  });
}

async function upsertSubscription(accountId: string, subscription: Stripe.Subscription) {
  const data = {
    status: subscription.status,
    interval: intervalOf(subscription),
    currentPeriodEnd: periodEnd(subscription),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
  return db().subscription.upsert({
    where: { stripeSubscriptionId: subscription.id },
    create: { accountId, stripeSubscriptionId: subscription.id, ...data },
    update: data,
  });
}

function itemIdFor(subscription: Stripe.Subscription, module: Module): string | null {
  const item = subscription.items.data.find((i) => i.price.lookup_key && priceForLookupKey(i.price.lookup_key)?.code === module);
  return item?.id ?? null;
}

/**
 * Grants what a completed Checkout Session paid for: one Smartapp project per mapped Procore project (with
 * the Procore project's name, linked to it) and its licences. Idempotent, and safe with two callers at once:
 * the database allows one project per Procore project and one live licence per project and module.
 */
export async function grantFromCheckoutSession(sessionId: string): Promise<{ accountId: string; projects: number } | null> {
  const session = await stripe().checkout.sessions.retrieve(sessionId, { expand: ["subscription"] });
  if (session.status !== "complete" || !session.subscription || typeof session.subscription === "string") return null;
  const draft = await db().selectionDraft.findUnique({ where: { checkoutSessionId: session.id } });
  if (!draft) {
    log.warn({ sessionId }, "completed checkout without a draft ignored");
    return null;
  }
  const subscription = session.subscription;
  const local = await upsertSubscription(draft.accountId, subscription);
  const status = licenceStatusFor(subscription.status);
  const selections = selectionListSchema.parse(draft.selections);
  const ids = selections.map((s) => BigInt(s.procoreProjectId));
  const names = new Map(
    (await db().procoreProjectCache.findMany({ where: { accountId: draft.accountId, procoreProjectId: { in: ids } } })).map((p) => [
      p.procoreProjectId.toString(),
      p.name,
    ]),
  );

  for (const selection of selections) {
    const procoreProjectId = BigInt(selection.procoreProjectId);
    const project = await db().project.upsert({
      where: { accountId_procoreProjectId: { accountId: draft.accountId, procoreProjectId } },
      create: { accountId: draft.accountId, procoreProjectId, name: names.get(selection.procoreProjectId) ?? `Procore project ${procoreProjectId}` },
      update: {},
    });
    const wanted: { module: Module; addOn: boolean }[] = [];
    if (selection.planner) wanted.push({ module: "PLANNER", addOn: selection.plannerBoard });
    if (selection.safety) wanted.push({ module: "SAFETY", addOn: selection.safetyBadge });
    for (const { module, addOn } of wanted) {
      const live = await db().licence.findFirst({ where: { projectId: project.id, module, status: { not: "CANCELED" } } });
      if (live) continue;
      try {
        await db().licence.create({
          data: { projectId: project.id, module, addOn, status, subscriptionId: local.id, stripeSubscriptionItemId: itemIdFor(subscription, module) },
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // the other caller granted it first
      }
    }
  }

  await db().selectionDraft.updateMany({ where: { id: draft.id, status: "CHECKOUT" }, data: { status: "COMPLETED" } });
  // Licensed projects leave the people's open drafts: they are managed from Project Central now.
  const granted = new Set(selections.map((s) => s.procoreProjectId));
  for (const open of await db().selectionDraft.findMany({ where: { accountId: draft.accountId, status: "OPEN" } })) {
    const rest = selectionListSchema.parse(open.selections).filter((s) => !granted.has(s.procoreProjectId));
    await db().selectionDraft.update({ where: { id: open.id }, data: { selections: rest } });
  }
  return { accountId: draft.accountId, projects: selections.length };
}
