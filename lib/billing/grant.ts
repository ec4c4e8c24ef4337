import type Stripe from "stripe";
import { db } from "@/lib/db";
import type { BillingInterval, Module } from "@/lib/generated/prisma/client";
import { selectionListSchema } from "@/lib/licensing/draft-schema";
import { log } from "@/lib/log";
import { MODULES, priceForLookupKey } from "./catalogue";
import { licenceStatusFor } from "./licence-status";
import { stripe } from "./stripe";

/**
 * The convergent core of billing. Every path — the success redirect, checkout.session.completed, and the
 * subscription/invoice events in any order or number — ends here, re-reads the truth from Stripe and
 * writes it. Running it twice changes nothing the second time.
 *
 * Writes that two callers can make at once (the redirect and the webhook usually do) are single
 * INSERT … ON CONFLICT DO NOTHING statements (`createMany` with `skipDuplicates`): Prisma's `upsert` reads
 * then writes, so the loser of a race gets a unique violation instead of a no-op.
 */

// Far below PostgreSQL's 65,535 bind parameters per statement, for drafts with thousands of projects.
const INSERT_CHUNK = 2_000;

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

/** The subscription item billing a module, found by its price's lookup key. */
export function itemIdFor(subscription: Stripe.Subscription, module: Module): string | null {
  const item = subscription.items.data.find((i) => i.price.lookup_key && priceForLookupKey(i.price.lookup_key)?.code === module);
  return item?.id ?? null;
}

/** Writes Stripe's view of a subscription, and its licences' status and items, to the database. */
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
  // When the licence ended is Stripe's fact, not the time a (possibly late, retried) event was handled.
  const endedAt = subscription.ended_at ? new Date(subscription.ended_at * 1000) : new Date();
  await db().licence.updateMany({
    where: { subscriptionId: local.id, status: { not: "CANCELED" } },
    data: { status, ...(status === "CANCELED" ? { endedAt } : {}) },
  });
  // A module added to the subscription later (Manage Subscriptions) gets its own item.
  for (const moduleCode of MODULES) {
    const itemId = itemIdFor(subscription, moduleCode);
    if (!itemId) continue;
    await db().licence.updateMany({
      where: {
        subscriptionId: local.id,
        module: moduleCode,
        status: { not: "CANCELED" },
        // `<>` alone skips NULL: a licence without an item yet must match too.
        OR: [{ stripeSubscriptionItemId: null }, { stripeSubscriptionItemId: { not: itemId } }],
      },
      data: { stripeSubscriptionItemId: itemId },
    });
  }
}

async function upsertSubscription(accountId: string, subscription: Stripe.Subscription) {
  const data = {
    status: subscription.status,
    interval: intervalOf(subscription),
    currentPeriodEnd: periodEnd(subscription),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
  await db().subscription.createMany({ data: [{ accountId, stripeSubscriptionId: subscription.id, ...data }], skipDuplicates: true });
  return db().subscription.update({ where: { stripeSubscriptionId: subscription.id }, data });
}

async function insertInChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await insert(rows.slice(i, i + INSERT_CHUNK));
}

/**
 * Grants what a completed Checkout Session paid for: one Smartapp project per mapped Procore project (with
 * the Procore project's name, linked to it) and its licences. Idempotent, and safe with two callers at once:
 * the database allows one project per Procore project and one live licence per project and module, so of two
 * checkouts of the same project (two tabs) only the first grants it.
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
  const selections = selectionListSchema.parse(draft.selections);
  const granted = { accountId: draft.accountId, projects: selections.length };
  // Granted before: a late replay must not bring back a licence removed since in Manage Subscriptions.
  if (draft.status === "COMPLETED") return granted;
  const status = licenceStatusFor(subscription.status);
  if (status === "CANCELED") {
    log.warn({ sessionId, subscriptionId: subscription.id }, "checkout of a subscription that has already ended: nothing granted");
    return null;
  }

  const ids = selections.map((s) => BigInt(s.procoreProjectId));
  const names = new Map(
    (await db().procoreProjectCache.findMany({ where: { accountId: draft.accountId, procoreProjectId: { in: ids } } })).map((p) => [
      p.procoreProjectId.toString(),
      p.name,
    ]),
  );
  await insertInChunks(
    selections.map((s) => ({
      accountId: draft.accountId,
      procoreProjectId: BigInt(s.procoreProjectId),
      name: names.get(s.procoreProjectId) ?? `Procore project ${s.procoreProjectId}`,
    })),
    (data) => db().project.createMany({ data, skipDuplicates: true }),
  );
  const projectIds = new Map(
    (await db().project.findMany({ where: { accountId: draft.accountId, procoreProjectId: { in: ids } }, select: { id: true, procoreProjectId: true } })).map(
      (p) => [p.procoreProjectId.toString(), p.id],
    ),
  );
  const licences = selections.flatMap((s) => {
    const projectId = projectIds.get(s.procoreProjectId);
    if (!projectId) throw new Error(`project of Procore project ${s.procoreProjectId} missing after insert`);
    const wanted: { module: Module; addOn: boolean }[] = [];
    if (s.planner) wanted.push({ module: "PLANNER", addOn: s.plannerBoard });
    if (s.safety) wanted.push({ module: "SAFETY", addOn: s.safetyBadge });
    return wanted.map(({ module, addOn }) => ({
      projectId,
      module,
      addOn,
      status,
      subscriptionId: local.id,
      stripeSubscriptionItemId: itemIdFor(subscription, module),
    }));
  });
  // A module that already has a live licence (another tab's checkout got there first) is skipped by the
  // partial unique index "Licence_one_live_per_project_module".
  await insertInChunks(licences, (data) => db().licence.createMany({ data, skipDuplicates: true }));

  await db().selectionDraft.updateMany({ where: { id: draft.id, status: "CHECKOUT" }, data: { status: "COMPLETED" } });
  // Licensed projects leave the people's open drafts: they are managed from Project Central now.
  const licensed = new Set(selections.map((s) => s.procoreProjectId));
  for (const open of await db().selectionDraft.findMany({ where: { accountId: draft.accountId, status: "OPEN" } })) {
    const rest = selectionListSchema.parse(open.selections).filter((s) => !licensed.has(s.procoreProjectId));
    await db().selectionDraft.update({ where: { id: open.id }, data: { selections: rest } });
  }
  return granted;
}
