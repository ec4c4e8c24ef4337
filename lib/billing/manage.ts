import type Stripe from "stripe";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { HttpError } from "@/lib/errors";
import type { AccountRole, LicenceStatus, Subscription } from "@/lib/generated/prisma/client";
import { projectForUser } from "@/lib/licensing/projects-of-account";
import { ADD_ONS, CATALOGUE, MODULES, type AddOnCode, type CatalogueCode, type ModuleCode } from "./catalogue";
import { syncSubscriptionFromStripe } from "./grant";
import { licenceStatusFor } from "./licence-status";
import { priceIds } from "./price-ids";
import { assertNotInCheckout, lockPurchases } from "./purchase-guard";
import { stripe } from "./stripe";
import { ADD_ON_OF, billedQuantities, planItems, type LiveLicence } from "./subscription-items";

/*
 * Manage Subscriptions (SPEC §5): one project's modules and add-ons, changed in Stripe and locally in the
 * same request. A subscription bills many projects (quantity = projects per module), so a change never adds
 * or subtracts in Stripe: it writes the licence, counts the subscription's live licences and sets Stripe's
 * quantities to that count. Replaying a change, or running one after a half-failed one, converges.
 */

export const subscriptionChangeSchema = z.discriminatedUnion("action", [
  z.object({ action: z.enum(["add", "remove"]), item: z.enum([...MODULES, ...ADD_ONS]) }),
  z.object({ action: z.literal("cancelAtPeriodEnd"), cancel: z.boolean() }),
]);
export type SubscriptionChange = z.infer<typeof subscriptionChangeSchema>;

export interface ManagedModule {
  code: ModuleCode;
  name: string;
  status: LicenceStatus;
  addOn: { code: AddOnCode; name: string; included: boolean };
}

/** What the Manage Subscriptions page shows; dates are ISO strings (UTC) so it crosses to the client as is. */
export interface ProjectSubscriptionView {
  project: { id: string; name: string; accountId: string };
  /** Owners and admins change the subscription; members only see it. */
  canManage: boolean;
  /** The project's live licences, in catalogue order. */
  modules: ManagedModule[];
  paymentPending: boolean;
  /** The account has a Stripe customer, so the billing portal can open. */
  hasBillingAccount: boolean;
  subscription: {
    interval: "MONTH" | "YEAR";
    /** Stripe's status (active, past_due, …). */
    status: string;
    renewsAt: string | null;
    cancelAtPeriodEnd: boolean;
    /** False: the project has no module now, and this is the account's subscription a new one would join. */
    billsThisProject: boolean;
    /** Other projects it bills (cancelling it ends them too), by name. */
    otherProjects: string[];
  } | null;
}

const MANAGERS: readonly AccountRole[] = ["OWNER", "ADMIN"];
const LIVE = { status: { not: "CANCELED" } } satisfies Prisma.LicenceWhereInput;

function assertCanManage(role: AccountRole): void {
  if (!MANAGERS.includes(role)) throw new HttpError(403, "Only the account's owner or admins can change its subscriptions");
}

function hasEnded(subscription: Subscription): boolean {
  return licenceStatusFor(subscription.status as Stripe.Subscription.Status) === "CANCELED";
}

function isAddOn(code: CatalogueCode): code is AddOnCode {
  return (ADD_ONS as readonly string[]).includes(code);
}

/**
 * The subscription that bills the project (the newest one holding a live licence of it) or, for a project
 * with no module left, the account's newest subscription still running, which a new module joins.
 */
async function subscriptionOf(projectId: string, accountId: string): Promise<{ subscription: Subscription; billsProject: boolean } | null> {
  const billing = await db().subscription.findFirst({ where: { licences: { some: { projectId, ...LIVE } } }, orderBy: { createdAt: "desc" } });
  if (billing) return { subscription: billing, billsProject: true };
  const running = (await db().subscription.findMany({ where: { accountId }, orderBy: { createdAt: "desc" } })).find((s) => !hasEnded(s));
  return running ? { subscription: running, billsProject: false } : null;
}

export async function projectSubscription(userId: string, projectId: string): Promise<ProjectSubscriptionView> {
  const { project, account, role } = await projectForUser(userId, projectId);
  const [target, customer] = await Promise.all([
    subscriptionOf(project.id, account.id),
    db().stripeCustomer.findUnique({ where: { accountId: account.id }, select: { id: true } }),
  ]);
  const others = target?.billsProject
    ? await db().project.findMany({
        where: {
          id: { not: project.id },
          licences: { some: { subscriptionId: target.subscription.id, ...LIVE } },
          // A member hears only of projects they use.
          ...(role === "MEMBER" && { members: { some: { membership: { userId } } } }),
        },
        select: { name: true },
        orderBy: { name: "asc" },
      })
    : [];
  return {
    project: { id: project.id, name: project.name, accountId: account.id },
    canManage: MANAGERS.includes(role),
    modules: project.licences.map((licence) => ({
      code: licence.module,
      name: CATALOGUE[licence.module].name,
      status: licence.status,
      addOn: { code: ADD_ON_OF[licence.module], name: CATALOGUE[ADD_ON_OF[licence.module]].name, included: licence.addOn },
    })),
    paymentPending: project.licences.some((l) => l.status === "PAYMENT_PENDING"),
    hasBillingAccount: customer !== null,
    subscription: target && {
      interval: target.subscription.interval,
      status: target.subscription.status,
      renewsAt: target.subscription.currentPeriodEnd?.toISOString() ?? null,
      cancelAtPeriodEnd: target.subscription.cancelAtPeriodEnd,
      billsThisProject: target.billsProject,
      otherProjects: others.map((p) => p.name),
    },
  };
}

/** Makes Stripe bill the subscription's live licences: absolute quantities, prorated; no projects left → it ends now. */
async function billLicences(stripeSubscriptionId: string, licences: readonly LiveLicence[]): Promise<void> {
  const [subscription, prices] = await Promise.all([stripe().subscriptions.retrieve(stripeSubscriptionId), priceIds()]);
  const interval = subscription.items.data[0]?.price.recurring?.interval === "year" ? "year" : "month";
  const plan = planItems(
    subscription.items.data.map((item) => ({ id: item.id, lookupKey: item.price.lookup_key, quantity: item.quantity ?? 0 })),
    billedQuantities(licences, interval),
    (lookupKey) => {
      const id = prices[lookupKey];
      if (!id) throw new Error(`no Stripe price for ${lookupKey}`);
      return id;
    },
  );
  if (plan.cancel) await stripe().subscriptions.cancel(stripeSubscriptionId);
  else if (plan.items.length > 0) {
    await stripe().subscriptions.update(stripeSubscriptionId, { items: plan.items, proration_behavior: "create_prorations" });
  }
}

const noSubscription = () =>
  new HttpError(409, "This project has no running subscription: license it again from “Add Procore projects”", undefined, "no_subscription");

/** Adds or removes a module or add-on of the project, in the licence and in the subscription billing it. */
async function changeLicence(
  project: { id: string; procoreProjectId: bigint },
  accountId: string,
  userId: string,
  change: Extract<SubscriptionChange, { item: CatalogueCode }>,
): Promise<void> {
  const projectId = project.id;
  const { action, item } = change;
  const moduleCode: ModuleCode = isAddOn(item) ? CATALOGUE[item].requires : item;
  const needsModule = () =>
    new HttpError(422, `${CATALOGUE[item].name} needs ${CATALOGUE[moduleCode].name} on the project`, { item: [`needs ${CATALOGUE[moduleCode].name}`] });
  const live = await db().licence.findFirst({ where: { projectId, module: moduleCode, ...LIVE }, include: { subscription: true } });
  if (!live && isAddOn(item) && action === "add") throw needsModule();
  if (!live && action === "remove") return; // already gone: a replay of the same click

  // A change to an existing licence goes to the subscription billing it, even if the project has two.
  const subscription = live ? live.subscription : (await subscriptionOf(projectId, accountId))?.subscription;
  if (!subscription || hasEnded(subscription)) throw noSubscription();

  await db().$transaction(
    async (tx) => {
      // A module added here must not also be in someone's checkout (purchase-guard.ts); that lock comes first.
      await lockPurchases(tx, accountId);
      // One change per subscription at a time: each counts the licences and writes absolute quantities,
      // so two at once must not both count before either has written. NO KEY UPDATE still lets a grant
      // insert licences that reference the subscription meanwhile.
      const [locked] = await tx.$queryRaw<{ status: string }[]>`SELECT "status" FROM "Subscription" WHERE "id" = ${subscription.id} FOR NO KEY UPDATE`;
      const current = await tx.licence.findFirst({ where: { projectId, module: moduleCode, ...LIVE } });
      if (action === "add" && !isAddOn(item) && !current) {
        await assertNotInCheckout(tx, accountId, userId, project.procoreProjectId, moduleCode);
        const status = licenceStatusFor(locked.status as Stripe.Subscription.Status);
        await tx.licence.create({ data: { projectId, module: moduleCode, status, subscriptionId: subscription.id } });
      } else if (action === "remove" && !isAddOn(item) && current) {
        await tx.licence.update({ where: { id: current.id }, data: { status: "CANCELED", endedAt: new Date() } });
      } else if (isAddOn(item)) {
        if (!current && action === "add") throw needsModule();
        if (current && current.addOn !== (action === "add")) await tx.licence.update({ where: { id: current.id }, data: { addOn: action === "add" } });
      }
      const licences = await tx.licence.findMany({ where: { subscriptionId: subscription.id, ...LIVE }, select: { module: true, addOn: true } });
      // If the commit fails after Stripe accepted, Stripe bills one project more or less until the next change recounts.
      await billLicences(subscription.stripeSubscriptionId, licences);
    },
    // The lock is held across Stripe calls (each retried by the SDK): give them time.
    { timeout: 30_000, maxWait: 30_000 },
  );
  await syncSubscriptionFromStripe(subscription.stripeSubscriptionId);
}

async function setCancelAtPeriodEnd(projectId: string, accountId: string, cancel: boolean): Promise<void> {
  const target = await subscriptionOf(projectId, accountId);
  if (!target?.billsProject || hasEnded(target.subscription)) throw noSubscription();
  const id = target.subscription.stripeSubscriptionId;
  await stripe().subscriptions.update(id, { cancel_at_period_end: cancel });
  await syncSubscriptionFromStripe(id);
}

/**
 * Applies one change from the Manage Subscriptions page. Another company's project → 404 and a member → 403,
 * before the input is even read; then malformed input → 400 with messages per field.
 */
export async function changeProjectSubscription(userId: string, projectId: string, input: unknown): Promise<ProjectSubscriptionView> {
  const { project, account, role } = await projectForUser(userId, projectId);
  assertCanManage(role);
  const change = subscriptionChangeSchema.parse(input);
  if (change.action === "cancelAtPeriodEnd") await setCancelAtPeriodEnd(project.id, account.id, change.cancel);
  else await changeLicence(project, account.id, userId, change);
  return projectSubscription(userId, projectId);
}

/** A Stripe customer-portal session (cards, invoices) for the project's account, returning to its page. */
export async function billingPortalUrl(userId: string, projectId: string): Promise<string> {
  const { project, account, role } = await projectForUser(userId, projectId);
  assertCanManage(role);
  const customer = await db().stripeCustomer.findUnique({ where: { accountId: account.id } });
  if (!customer) throw new HttpError(409, "This account has no billing details yet: they are created at its first checkout", undefined, "no_customer");
  const session = await stripe().billingPortal.sessions.create({
    customer: customer.stripeCustomerId,
    return_url: `${env().appUrl}/projects/${project.id}/subscription`,
  });
  return session.url;
}
