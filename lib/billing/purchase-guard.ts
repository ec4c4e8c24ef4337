import Stripe from "stripe";
import type { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import type { Module } from "@/lib/generated/prisma/client";
import { selectionListSchema } from "@/lib/licensing/draft-schema";
import type { Selection } from "@/lib/licensing/rules";
import { stripe } from "./stripe";

/*
 * A project's module is paid for once. Checkouts and Manage Subscriptions' "add" take one lock per account, then
 * check, inside it, what the database and Stripe say about the project modules they are about to bill.
 *
 * The lock is a transaction-level advisory lock, held across the Stripe calls that settle other checkouts and create
 * the session. On PostgreSQL it holds back only the account's other purchases; on the embedded PGlite (one session
 * for the whole process) every query waits for those calls — acceptable for a development database.
 */

export type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

/** Older checkouts have expired or been paid, whatever our records say. */
const CHECKOUT_MAX_AGE_MS = 25 * 3600 * 1000;

/** One purchase at a time per account, until the transaction ends. */
export async function lockPurchases(tx: Tx, accountId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`checkout:${accountId}`}, 0))`;
}

/** "<Procore project id>:PLANNER" and ":SAFETY" for each module a selection buys. */
function projectModules(selections: readonly Selection[]): Set<string> {
  return new Set(selections.flatMap((s) => [...(s.planner ? [`${s.procoreProjectId}:PLANNER`] : []), ...(s.safety ? [`${s.procoreProjectId}:SAFETY`] : [])]));
}

/** Expires a session that was open a moment ago; if it was paid or expired meanwhile, Stripe refuses and the session is returned as it is. */
export async function expireOpenSession(sessionId: string): Promise<Stripe.Checkout.Session> {
  try {
    return await stripe().checkout.sessions.expire(sessionId);
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw err;
    return stripe().checkout.sessions.retrieve(sessionId);
  }
}

/** The session, or null when Stripe does not know it (another Stripe account or a reset sandbox): nothing can pay it. */
async function retrieveSession(sessionId: string): Promise<Stripe.Checkout.Session | null> {
  try {
    return await stripe().checkout.sessions.retrieve(sessionId);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "resource_missing") return null;
    throw err;
  }
}

interface Conflict {
  procoreProjectIds: string[];
  reason: string;
}

/**
 * The account's other live checkouts that buy any of these project modules, settled with Stripe: one that expired (or
 * that Stripe does not know) is marked so; the person's own open one (another tab, a checkout they left) is expired,
 * so it can no longer be paid; another person's open one, or one paid a moment ago and not granted yet, is a conflict.
 */
async function overlappingCheckouts(tx: Tx, accountId: string, userId: string, wanted: Set<string>): Promise<Conflict[]> {
  const others = await tx.selectionDraft.findMany({
    where: { accountId, status: "CHECKOUT", checkoutSessionId: { not: null }, createdAt: { gt: new Date(Date.now() - CHECKOUT_MAX_AGE_MS) } },
    orderBy: { createdAt: "asc" },
  });
  const conflicts: Conflict[] = [];
  for (const other of others) {
    const shared = [...projectModules(selectionListSchema.parse(other.selections))].filter((m) => wanted.has(m));
    if (shared.length === 0) continue;
    let session = await retrieveSession(other.checkoutSessionId!);
    if (session?.status === "open" && other.userId === userId) session = await expireOpenSession(session.id);
    if (!session || session.status === "expired") {
      await tx.selectionDraft.update({ where: { id: other.id }, data: { status: "EXPIRED" } });
      continue;
    }
    const procoreProjectIds = [...new Set(shared.map((m) => m.split(":")[0]!))];
    if (session.status === "complete") {
      conflicts.push({ procoreProjectIds, reason: "was paid for in another checkout a moment ago" });
    } else {
      const who = await tx.user.findUnique({ where: { id: other.userId }, select: { email: true } });
      const minutes = Math.max(1, Math.ceil((session.expires_at * 1000 - Date.now()) / 60_000));
      conflicts.push({ procoreProjectIds, reason: `is in a checkout ${who?.email ?? "another admin"} started, which ends when it is paid or within ${minutes} minutes` });
    }
  }
  return conflicts;
}

/** Project modules licensed since the selection was checked (a checkout granted meanwhile). */
async function licensedMeanwhile(tx: Tx, accountId: string, wanted: Set<string>): Promise<Conflict[]> {
  const ids = [...new Set([...wanted].map((m) => m.split(":")[0]!))];
  const live = await tx.licence.findMany({
    where: { status: { not: "CANCELED" }, project: { accountId, procoreProjectId: { in: ids.map(BigInt) } } },
    select: { module: true, project: { select: { procoreProjectId: true } } },
  });
  const taken = [...new Set(live.filter((l) => wanted.has(`${l.project.procoreProjectId}:${l.module}`)).map((l) => l.project.procoreProjectId.toString()))];
  return taken.length ? [{ procoreProjectIds: taken, reason: "was licensed a moment ago" }] : [];
}

async function refuse(tx: Tx, accountId: string, conflicts: Conflict[]): Promise<never> {
  const names = new Map(
    (
      await tx.procoreProjectCache.findMany({
        where: { accountId, procoreProjectId: { in: conflicts.flatMap((c) => c.procoreProjectIds.map(BigInt)) } },
        select: { procoreProjectId: true, name: true },
      })
    ).map((p) => [p.procoreProjectId.toString(), p.name]),
  );
  const lines = conflicts.map((c) => `${c.procoreProjectIds.map((id) => names.get(id) ?? `Procore project ${id}`).join(", ")} ${c.reason}`);
  throw new HttpError(409, `A project can be paid for once: ${lines.join("; ")}. Remove it from your selection, or try again later.`, {
    selections: conflicts.flatMap((c) => c.procoreProjectIds),
  });
}

/** Under lockPurchases: 409 naming the projects if any of these project modules is licensed or in someone else's checkout. */
export async function assertPurchasable(tx: Tx, accountId: string, userId: string, selections: readonly Selection[]): Promise<void> {
  const wanted = projectModules(selections);
  const conflicts = [...(await licensedMeanwhile(tx, accountId, wanted)), ...(await overlappingCheckouts(tx, accountId, userId, wanted))];
  if (conflicts.length) await refuse(tx, accountId, conflicts);
}

/** Under lockPurchases, for a module added to a project directly: 409 if it is in someone else's checkout. */
export async function assertNotInCheckout(tx: Tx, accountId: string, userId: string, procoreProjectId: bigint, module: Module): Promise<void> {
  const conflicts = await overlappingCheckouts(tx, accountId, userId, new Set([`${procoreProjectId}:${module}`]));
  if (conflicts.length) await refuse(tx, accountId, conflicts);
}
