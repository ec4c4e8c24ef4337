import type Stripe from "stripe";
import { db, isUniqueViolation } from "@/lib/db";
import { env } from "@/lib/env";
import { HttpError } from "@/lib/errors";
import type { Account } from "@/lib/generated/prisma/client";
import { saveDraft } from "@/lib/licensing/draft";
import type { Selection } from "@/lib/licensing/rules";
import { quoteSelection, type Quote } from "./catalogue";
import { priceIds } from "./price-ids";
import { assertPurchasable, expireOpenSession, lockPurchases } from "./purchase-guard";
import { stripe } from "./stripe";

type Interval = "MONTH" | "YEAR";
const STRIPE_INTERVAL = { MONTH: "month", YEAR: "year" } as const;

/** The quote of the person's draft: what the subscriptions page shows and what checkout bills. */
export async function quoteDraft(accountId: string, selections: readonly Selection[], interval: Interval): Promise<Quote> {
  const names = new Map(
    (
      await db().procoreProjectCache.findMany({
        where: { accountId, procoreProjectId: { in: selections.map((s) => BigInt(s.procoreProjectId)) } },
        select: { procoreProjectId: true, name: true },
      })
    ).map((p) => [p.procoreProjectId.toString(), p.name]),
  );
  return quoteSelection(
    selections.map((s) => ({ ...s, projectName: names.get(s.procoreProjectId) ?? s.procoreProjectId })),
    STRIPE_INTERVAL[interval],
  );
}

/**
 * Where Stripe sends receipts: the account owner (changeable in the customer portal). The same for every
 * admin, so two first checkouts by different people send Stripe the same body under the same idempotency
 * key, which Stripe replays; with each person's own email the second would be refused as a key reuse.
 */
async function billingEmail(accountId: string, fallback: string): Promise<string> {
  const owner = await db().membership.findFirst({ where: { accountId, role: "OWNER" }, orderBy: { createdAt: "asc" }, include: { user: true } });
  return owner?.user.email ?? fallback;
}

/** The account's one Stripe customer, created on first checkout. */
async function customerFor(account: Account, email: string): Promise<string> {
  const existing = await db().stripeCustomer.findUnique({ where: { accountId: account.id } });
  if (existing) return existing.stripeCustomerId;
  const customer = await stripe().customers.create(
    {
      name: account.name,
      email: await billingEmail(account.id, email),
      metadata: { account_id: account.id, procore_company_id: account.procoreCompanyId.toString() },
    },
    // Two first checkouts at once still make one customer.
    { idempotencyKey: `customer-${account.id}` },
  );
  try {
    await db().stripeCustomer.create({ data: { accountId: account.id, stripeCustomerId: customer.id } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  return (await db().stripeCustomer.findUniqueOrThrow({ where: { accountId: account.id } })).stripeCustomerId;
}

/**
 * How long a Checkout Session stays payable (Stripe allows 30 minutes to 24 hours, default 24): a checkout someone
 * abandoned holds its projects no longer than this.
 */
const CHECKOUT_TTL_SECONDS = 60 * 60;

/**
 * Starts Stripe Checkout for the person's draft: re-validates it, freezes it (the checkout snapshot the
 * licences are later granted from, so editing the draft in another tab cannot change what was paid for),
 * and creates a subscription-mode Checkout Session for the account's customer. One checkout at a time per
 * account gets this far (an advisory lock), so two tabs cannot both open a payable session for the same project.
 */
export async function startCheckout(account: Account, user: { id: string; email: string }, interval: Interval): Promise<{ url: string }> {
  const current = await db().selectionDraft.findFirst({ where: { accountId: account.id, userId: user.id, status: "OPEN" } });
  const draft = await saveDraft(account.id, user.id, { selections: current?.selections ?? [], interval });
  if (draft.selections.length === 0) throw new HttpError(422, "Select at least one Procore project before checkout", { selections: ["empty"] });
  const quote = await quoteDraft(account.id, draft.selections, interval);
  const [customer, prices] = await Promise.all([customerFor(account, user.email), priceIds()]);
  const appUrl = env().appUrl;
  const session = await db().$transaction(
    async (tx) => {
      await lockPurchases(tx, account.id);
      await assertPurchasable(tx, account.id, user.id, draft.selections);
      const snapshot = await tx.selectionDraft.create({
        data: { accountId: account.id, userId: user.id, selections: draft.selections, interval, status: "CHECKOUT" },
      });
      const metadata = { account_id: account.id, draft_id: snapshot.id };
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: "subscription",
        customer,
        client_reference_id: account.id,
        line_items: quote.lineItems.map((line) => ({ price: prices[line.lookupKey], quantity: line.quantity })),
        success_url: `${appUrl}/setup/checkout/complete?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${appUrl}/setup/subscriptions?account=${account.id}&cancelled=1&checkout=${snapshot.id}`,
        metadata,
        subscription_data: { metadata },
        expires_at: Math.floor(Date.now() / 1000) + CHECKOUT_TTL_SECONDS,
      };
      const created = await stripe().checkout.sessions.create(params, { idempotencyKey: `checkout-${snapshot.id}` });
      await tx.selectionDraft.update({ where: { id: snapshot.id }, data: { checkoutSessionId: created.id } });
      return created;
    },
    // Stripe answers within the transaction; a slow answer must not roll back a session already created.
    { maxWait: 60_000, timeout: 60_000 },
  );
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
  return { url: session.url };
}

/**
 * Back from Stripe with "cancelled" (Stripe's back link): the person's checkout is expired, so it cannot be paid later
 * by mistake and holds its projects no longer. Only their own, still unpaid checkout; anything else is left alone.
 */
export async function cancelCheckout(accountId: string, userId: string, snapshotId: string): Promise<void> {
  const snapshot = await db().selectionDraft.findFirst({ where: { id: snapshotId, accountId, userId, status: "CHECKOUT" } });
  if (!snapshot?.checkoutSessionId) return;
  const session = await expireOpenSession(snapshot.checkoutSessionId);
  if (session.status === "expired") await markCheckoutExpired(session.id);
}

/** checkout.session.expired: the snapshot of a session nobody can pay any more. */
export async function markCheckoutExpired(sessionId: string): Promise<void> {
  await db().selectionDraft.updateMany({ where: { checkoutSessionId: sessionId, status: "CHECKOUT" }, data: { status: "EXPIRED" } });
}
