import type Stripe from "stripe";
import { db, isUniqueViolation } from "@/lib/db";
import { env } from "@/lib/env";
import { HttpError } from "@/lib/errors";
import type { Account } from "@/lib/generated/prisma/client";
import { saveDraft } from "@/lib/licensing/draft";
import type { Selection } from "@/lib/licensing/rules";
import { quoteSelection, type Quote } from "./catalogue";
import { priceIds } from "./price-ids";
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
 * Starts Stripe Checkout for the person's draft: re-validates it, freezes it (the checkout snapshot the
 * licences are later granted from, so editing the draft in another tab cannot change what was paid for),
 * and creates a subscription-mode Checkout Session for the account's customer.
 */
export async function startCheckout(account: Account, user: { id: string; email: string }, interval: Interval): Promise<{ url: string }> {
  const current = await db().selectionDraft.findFirst({ where: { accountId: account.id, userId: user.id, status: "OPEN" } });
  const draft = await saveDraft(account.id, user.id, { selections: current?.selections ?? [], interval });
  if (draft.selections.length === 0) throw new HttpError(422, "Select at least one Procore project before checkout", { selections: ["empty"] });
  const quote = await quoteDraft(account.id, draft.selections, interval);
  const [customer, prices] = await Promise.all([customerFor(account, user.email), priceIds()]);
  const snapshot = await db().selectionDraft.create({
    data: { accountId: account.id, userId: user.id, selections: draft.selections, interval, status: "CHECKOUT" },
  });
  const appUrl = env().appUrl;
  const metadata = { account_id: account.id, draft_id: snapshot.id };
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: "subscription",
    customer,
    client_reference_id: account.id,
    line_items: quote.lineItems.map((line) => ({ price: prices[line.lookupKey], quantity: line.quantity })),
    success_url: `${appUrl}/setup/checkout/complete?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/setup/subscriptions?account=${account.id}&cancelled=1`,
    metadata,
    subscription_data: { metadata },
  };
  const session = await stripe().checkout.sessions.create(params, { idempotencyKey: `checkout-${snapshot.id}` });
  await db().selectionDraft.update({ where: { id: snapshot.id }, data: { checkoutSessionId: session.id } });
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
  return { url: session.url };
}
