import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { createStripeClient, ensureCatalogue } from "@/lib/billing/stripe-client";
import { startTsProcess, type RunningProcess } from "@/scripts/support/processes";

export const SECRET_KEY = "sk_test_sandbox_suite";
export const WEBHOOK_SECRET = "whsec_sandbox_suite_secret";

export interface SandboxHandle {
  url: string;
  process: RunningProcess;
  /** The real SDK, as the app builds it. */
  stripe: Stripe;
  /** A JSON call to the admin API. */
  admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;
}

/** Starts the Stripe sandbox as its own process; webhooks are off until a test points them somewhere. */
export async function startSandbox(env: Record<string, string> = {}): Promise<SandboxHandle> {
  const proc = await startTsProcess({
    entry: "emulators/stripe/main.ts",
    env: {
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_SANDBOX_WEBHOOK_URL: "none",
      STRIPE_SANDBOX_WEBHOOK_RETRY_BASE_MS: "40",
      ...env,
    },
  });
  return {
    url: proc.url,
    process: proc,
    stripe: createStripeClient({ secretKey: SECRET_KEY, apiUrl: proc.url }),
    admin: async <T,>(method: string, path: string, body?: unknown) => {
      const res = await fetch(proc.url + path, {
        method,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
  };
}

export interface Receipt {
  event: Stripe.Event | null;
  error: string | null;
  body: string;
  signature: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  receipts: Receipt[];
  /** Verified events the receiver acknowledged with a 2xx. */
  accepted: () => Stripe.Event[];
  /** Chooses the HTTP status for the n-th (0-based) request; verified requests get 200 by default. */
  respondWith: (status: (n: number) => number) => void;
  close: () => Promise<void>;
}

/** A stand-in for the app's webhook route: verifies each delivery with the SDK, as the app does. */
export async function startReceiver(stripe: Stripe, secret = WEBHOOK_SECRET): Promise<WebhookReceiver> {
  const receipts: Receipt[] = [];
  let choose: (n: number) => number = () => 200;
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const signature = String(req.headers["stripe-signature"] ?? "");
    let event: Stripe.Event | null = null;
    let error: string | null = null;
    try {
      event = stripe.webhooks.constructEvent(body, signature, secret);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const status = event ? choose(receipts.length) : 400;
    receipts.push({ event, error, body, signature, status });
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    receipts,
    accepted: () => receipts.filter((r) => r.event && r.status < 300).map((r) => r.event as Stripe.Event),
    respondWith: (status) => {
      choose = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Catalogue prices in the sandbox, plus a customer: what most billing tests start from. */
export async function seedCustomer(sandbox: SandboxHandle, email = "owner@demo.test") {
  const { priceIds } = await ensureCatalogue(sandbox.stripe);
  const customer = await sandbox.stripe.customers.create({ email, metadata: { account_id: "acc_1" } });
  return { priceIds, customer };
}

/** A checkout paid through the admin API (the hosted page's code path); returns the new subscription. */
export async function checkedOutSubscription(
  sandbox: SandboxHandle,
  lines: { price: string; quantity: number }[],
  customer: string,
): Promise<Stripe.Subscription> {
  const session = await sandbox.stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    line_items: lines,
    success_url: "http://app.test/setup/subscriptions/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://app.test/setup/subscriptions",
    subscription_data: { metadata: { account_id: "acc_1" } },
  });
  const paid = await sandbox.admin("POST", `/__admin/checkout/${session.id}/complete`, { card: "4242424242424242" });
  if (paid.status !== 200) throw new Error(`checkout failed: ${JSON.stringify(paid.body)}`);
  const done = await sandbox.stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
  return done.subscription as Stripe.Subscription;
}
