import { randomInt } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { startCheckout } from "@/lib/billing/checkout";
import { grantFromCheckoutSession } from "@/lib/billing/grant";
import { stripe } from "@/lib/billing/stripe";
import { db } from "@/lib/db";
import { saveDraft } from "@/lib/licensing/draft";
import type { Selection } from "@/lib/licensing/rules";
import { startTsProcess, type RunningProcess } from "@/scripts/support/processes";
import { createAccount, createUser, procoreId } from "../support/factories";

const SECRET_KEY = "sk_test_billing_suite";
const WEBHOOK_SECRET = "whsec_billing_suite_secret";
export const APP_URL = "http://app.test";
const PAID = "4242424242424242";
export const DECLINED = "4000000000000002";

/** One webhook delivery as the app's route answered it. */
export interface Delivery {
  eventId: string;
  type: string;
  /** The id of the event's object (the session, subscription or invoice). */
  objectId: string;
  status: number;
  result: string | undefined;
  /** Exactly what the sandbox sent, to replay it. */
  payload: string;
  signature: string;
}

export interface BillingSandbox {
  /** Deliveries the app's webhook route handled (held ones are not listed). */
  deliveries: Delivery[];
  /** While held, the endpoint answers 503 without handling anything, so the sandbox retries later. */
  hold: (held: boolean) => void;
  /** Resolves once the sandbox has no event left to deliver and no delivery is in flight. */
  settle: () => Promise<void>;
  admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;
  /** Pays a Checkout Session without a browser (the hosted page's code path). */
  pay: (sessionId: string, card?: string) => Promise<{ status: number }>;
  stop: () => Promise<void>;
}

async function readBody(req: AsyncIterable<Buffer | string>): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

/** A POST to the app's webhook route, as Stripe makes it. */
export function webhookRequest(payload: string, signature: string | null): NextRequest {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers["stripe-signature"] = signature;
  return new NextRequest(`${APP_URL}/api/stripe/webhook`, { method: "POST", headers, body: payload });
}

/**
 * Starts the Stripe sandbox and points the app at it. Must run before anything calls `env()`, which
 * caches the environment on first use. Webhooks go to a tiny HTTP endpoint that hands them, raw body and
 * signature untouched, to the app's own webhook route.
 */
export async function startBillingSandbox(): Promise<BillingSandbox> {
  process.env.STRIPE_SECRET_KEY = SECRET_KEY;
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.APP_URL = APP_URL;
  const sandbox: RunningProcess = await startTsProcess({
    entry: "emulators/stripe/main.ts",
    env: { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SANDBOX_WEBHOOK_URL: "none" },
  });
  process.env.STRIPE_API_URL = sandbox.url;
  // The route module reads env() when it loads (through the auth options), so it loads after the variables are set.
  const { POST } = await import("@/app/api/stripe/webhook/route");

  const deliveries: Delivery[] = [];
  let held = false;
  let inFlight = 0;
  const receiver: Server = createServer(async (req, res) => {
    inFlight++;
    try {
      const payload = await readBody(req);
      if (held) {
        res.writeHead(503).end();
        return;
      }
      const signature = String(req.headers["stripe-signature"] ?? "");
      const response = await POST(webhookRequest(payload, signature));
      const answer = (await response.json()) as { result?: string };
      const event = JSON.parse(payload) as { id: string; type: string; data: { object: { id: string } } };
      deliveries.push({ eventId: event.id, type: event.type, objectId: event.data.object.id, status: response.status, result: answer.result, payload, signature });
      res.writeHead(response.status).end(JSON.stringify(answer));
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));

  const admin = async <T,>(method: string, path: string, body?: unknown) => {
    const res = await fetch(sandbox.url + path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  // Fast retries: a held or failed delivery comes back within milliseconds, as a late event.
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
  await admin("POST", "/__admin/config", { webhookUrl, webhookRetryBaseMs: 25 });

  const pendingEvents = async () => {
    const res = await fetch(`${sandbox.url}/v1/events?limit=100`, { headers: { Authorization: `Bearer ${SECRET_KEY}` } });
    const list = (await res.json()) as { data: { pending_webhooks: number }[] };
    return list.data.filter((e) => e.pending_webhooks > 0).length;
  };

  return {
    deliveries,
    hold: (value) => {
      held = value;
    },
    settle: async () => {
      await waitFor(async () => inFlight === 0 && (await pendingEvents()) === 0 && inFlight === 0);
    },
    admin,
    pay: (sessionId, card = PAID) => admin("POST", `/__admin/checkout/${sessionId}/complete`, { card }),
    stop: async () => {
      await sandbox.stop();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An account with its owner and cached Procore projects (ids as decimal strings, in the given order). */
export async function seedAccount(projectNames: string[]) {
  const account = await createAccount(`Billing Co ${randomInt(1, 2 ** 40)}`);
  const owner = await createUser();
  await db().membership.create({ data: { accountId: account.id, userId: owner.id, role: "OWNER" } });
  const rows = projectNames.map((name) => ({ accountId: account.id, procoreProjectId: procoreId(), name, active: true }));
  await db().procoreProjectCache.createMany({ data: rows });
  return { account, owner, procoreIds: rows.map((r) => r.procoreProjectId.toString()) };
}

/** A person of the account; a member is on every project the account has now, as if Procore listed them all. */
export async function addMember(accountId: string, role: "OWNER" | "ADMIN" | "MEMBER") {
  const user = await createUser();
  const projects = role === "MEMBER" ? await db().project.findMany({ where: { accountId }, select: { id: true } }) : [];
  await db().membership.create({ data: { accountId, userId: user.id, role, projects: { create: projects.map((p) => ({ projectId: p.id })) } } });
  return user;
}

export function pick(procoreProjectId: string, options: Partial<Omit<Selection, "procoreProjectId">>): Selection {
  return { procoreProjectId, planner: false, safety: false, plannerBoard: false, safetyBadge: false, ...options };
}

/** The person's open draft, saved through the same rules as the mapping page. */
export function openDraft(accountId: string, userId: string, selections: Selection[], interval: "MONTH" | "YEAR" = "MONTH") {
  return saveDraft(accountId, userId, { selections, interval });
}

/** The Checkout Session of the person's latest checkout snapshot. */
export async function latestSessionId(accountId: string, userId: string): Promise<string> {
  const snapshot = await db().selectionDraft.findFirstOrThrow({
    where: { accountId, userId, status: { not: "OPEN" } },
    orderBy: { createdAt: "desc" },
  });
  if (!snapshot.checkoutSessionId) throw new Error("the snapshot has no Checkout Session");
  return snapshot.checkoutSessionId;
}

type Interval = "MONTH" | "YEAR";

/** An account whose owner has mapped its Procore projects and started checkout. */
export async function checkoutStarted(names: string[], choose: (procoreIds: string[]) => Selection[], interval: Interval = "MONTH") {
  const seeded = await seedAccount(names);
  await openDraft(seeded.account.id, seeded.owner.id, choose(seeded.procoreIds), interval);
  const { url } = await startCheckout(seeded.account, seeded.owner, interval);
  return { ...seeded, url, sessionId: await latestSessionId(seeded.account.id, seeded.owner.id) };
}

/** A paid and granted checkout: the account's Smartapp projects (by name) and the Stripe subscription billing them. */
export async function licensedAccount(
  sandbox: BillingSandbox,
  names: string[],
  choose: (procoreIds: string[]) => Selection[],
  interval: Interval = "MONTH",
) {
  const started = await checkoutStarted(names, choose, interval);
  const paid = await sandbox.pay(started.sessionId);
  if (paid.status !== 200) throw new Error(`checkout not paid: ${paid.status}`);
  await grantFromCheckoutSession(started.sessionId);
  const subscriptionId = (await stripe().checkout.sessions.retrieve(started.sessionId)).subscription as string;
  const projects = await db().project.findMany({ where: { accountId: started.account.id } });
  const projectId = (name: string) => {
    const project = projects.find((p) => p.name === name);
    if (!project) throw new Error(`no project ${name}`);
    return project.id;
  };
  return { ...started, subscriptionId, projectId };
}
