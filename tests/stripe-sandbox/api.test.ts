import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { billablePrices, priceFor } from "@/lib/billing/catalogue";
import { createStripeClient, ensureCatalogue } from "@/lib/billing/stripe-client";
import { SECRET_KEY, startSandbox, type SandboxHandle } from "./support";

let sandbox: SandboxHandle;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startSandbox();
  stripe = sandbox.stripe;
});
afterAll(() => sandbox.process.stop());
beforeEach(() => sandbox.admin("POST", "/__admin/reset"));

/** A raw form-encoded call, for what the SDK hides (headers, exact error bodies, `expand[]=` syntax). */
async function raw(method: string, path: string, form?: string, headers: Record<string, string> = {}) {
  const res = await fetch(sandbox.url + path, {
    method,
    headers: {
      Authorization: `Bearer ${SECRET_KEY}`,
      ...(form === undefined ? {} : { "Content-Type": "application/x-www-form-urlencoded" }),
      ...headers,
    },
    body: form,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe("authentication", () => {
  it("answers a wrong or missing key with Stripe's 401", async () => {
    const wrong = createStripeClient({ secretKey: "sk_test_wrong_key_123456", apiUrl: sandbox.url });
    const err = await wrong.customers.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((err as Stripe.errors.StripeError).message).toContain("Invalid API Key provided: sk_test_");

    const missing = await fetch(`${sandbox.url}/v1/customers`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });
});

describe("customers", () => {
  it("creates, retrieves, updates and lists by email with Stripe's shapes", async () => {
    const created = await stripe.customers.create({
      email: "owner@demo.test",
      name: "Demo Construction Co.",
      metadata: { account_id: "acc_1" },
    });
    expect(created).toMatchObject({ object: "customer", email: "owner@demo.test", livemode: false });
    expect(created.id).toMatch(/^cus_/);
    expect(created.created).toBeCloseTo(Date.now() / 1000, -1);
    await stripe.customers.create({ email: "someone@else.test" });

    expect((await stripe.customers.retrieve(created.id)) as Stripe.Customer).toMatchObject({ name: "Demo Construction Co." });
    const updated = await stripe.customers.update(created.id, { name: "Demo Co.", metadata: { account_id: "", region: "us" } });
    expect(updated).toMatchObject({ name: "Demo Co.", metadata: { region: "us" } });

    const list = await stripe.customers.list({ email: "owner@demo.test" });
    expect(list).toMatchObject({ object: "list", has_more: false, url: "/v1/customers" });
    expect(list.data.map((c) => c.id)).toEqual([created.id]);

    const found = await stripe.customers.search({ query: "metadata['region']:'us'" });
    expect(found.data.map((c) => c.id)).toEqual([created.id]);
  });

  it("pages newest first with limit and starting_after", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await stripe.customers.create({ email: `c${i}@demo.test` })).id);
    const first = await stripe.customers.list({ limit: 2 });
    expect(first.data.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    const rest = await stripe.customers.list({ limit: 10, starting_after: ids[3] });
    expect(rest.data.map((c) => c.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(rest.has_more).toBe(false);

    const all: string[] = [];
    for await (const customer of stripe.customers.list({ limit: 2 })) all.push(customer.id);
    expect(all).toEqual([...ids].reverse());
  });
});

describe("products and prices", () => {
  it("creates prices and finds them by lookup_keys and active", async () => {
    const product = await stripe.products.create({ id: "smartapp_test", name: "Test product" });
    expect(product).toMatchObject({ id: "smartapp_test", object: "product", active: true });
    const monthly = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 29_500,
      recurring: { interval: "month" },
      lookup_key: "test_monthly",
    });
    expect(monthly).toMatchObject({
      object: "price",
      type: "recurring",
      unit_amount: 29_500,
      currency: "usd",
      lookup_key: "test_monthly",
      recurring: { interval: "month", interval_count: 1, usage_type: "licensed" },
    });
    expect(monthly.id).toMatch(/^price_/);
    await stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 100, active: false });

    const byKey = await stripe.prices.list({ lookup_keys: ["test_monthly", "nope"], expand: ["data.product"] });
    expect(byKey.data.map((p) => p.id)).toEqual([monthly.id]);
    expect((byKey.data[0].product as Stripe.Product).name).toBe("Test product");
    expect((await stripe.prices.list({ active: false })).data.map((p) => p.unit_amount)).toEqual([100]);
    expect((await stripe.products.retrieve(product.id)).name).toBe("Test product");
  });

  it("keeps lookup keys unique unless transfer_lookup_key moves one", async () => {
    const product = await stripe.products.create({ name: "P" });
    const price = { product: product.id, currency: "usd", unit_amount: 100, recurring: { interval: "month" as const } };
    const first = await stripe.prices.create({ ...price, lookup_key: "k" });
    const clash = await stripe.prices.create({ ...price, lookup_key: "k" }).catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((clash as Stripe.errors.StripeError).param).toBe("lookup_key");

    const second = await stripe.prices.create({ ...price, unit_amount: 200, lookup_key: "k", transfer_lookup_key: true });
    expect((await stripe.prices.retrieve(first.id)).lookup_key).toBeNull();
    expect((await stripe.prices.list({ lookup_keys: ["k"] })).data.map((p) => p.id)).toEqual([second.id]);
  });

  it("ensureCatalogue creates the catalogue once, then finds it; a changed price is replaced", async () => {
    const first = await ensureCatalogue(stripe);
    expect(first.actions.map((a) => a.action)).toEqual(billablePrices().map(() => "created"));
    expect(Object.keys(first.priceIds).sort()).toEqual(
      ["smartapp_planner_monthly", "smartapp_planner_yearly", "smartapp_safety_monthly", "smartapp_safety_yearly"].sort(),
    );
    const yearly = await stripe.prices.retrieve(first.priceIds.smartapp_safety_yearly);
    expect(yearly).toMatchObject({
      unit_amount: priceFor("SAFETY", "year").unitCents,
      recurring: { interval: "year" },
      product: "smartapp_safety",
    });

    const second = await ensureCatalogue(stripe);
    expect(second.priceIds).toEqual(first.priceIds);
    expect(second.actions.every((a) => a.action === "found")).toBe(true);
    expect((await stripe.prices.list({ limit: 100 })).data).toHaveLength(4);

    // Someone priced Planner differently in Stripe: the catalogue wins, with a new price.
    await stripe.prices.create({
      product: "smartapp_planner",
      currency: "usd",
      unit_amount: 1,
      recurring: { interval: "month" },
      lookup_key: "smartapp_planner_monthly",
      transfer_lookup_key: true,
    });
    const third = await ensureCatalogue(stripe);
    const planner = third.actions.find((a) => a.lookupKey === "smartapp_planner_monthly");
    expect(planner?.action).toBe("replaced");
    expect((await stripe.prices.retrieve(third.priceIds.smartapp_planner_monthly)).unit_amount).toBe(29_500);
  });
});

describe("idempotency", () => {
  it("replays the first response for the same key and body", async () => {
    const a = await stripe.customers.create({ email: "idem@demo.test" }, { idempotencyKey: "key-1" });
    const b = await stripe.customers.create({ email: "idem@demo.test" }, { idempotencyKey: "key-1" });
    expect(b.id).toBe(a.id);
    expect((await stripe.customers.list()).data).toHaveLength(1);

    const replay = await raw("POST", "/v1/customers", "email=idem%40demo.test", { "Idempotency-Key": "key-1" });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(a.id);
  });

  it("refuses the same key with different parameters", async () => {
    await stripe.customers.create({ email: "one@demo.test" }, { idempotencyKey: "key-2" });
    const err = await stripe.customers.create({ email: "two@demo.test" }, { idempotencyKey: "key-2" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(400);
  });

  it("stores no result for a request that failed validation, so a corrected retry works", async () => {
    const bad = await raw("POST", "/v1/customers", "bogus=1", { "Idempotency-Key": "key-3" });
    expect(bad.status).toBe(400);
    const good = await raw("POST", "/v1/customers", "email=x%40demo.test", { "Idempotency-Key": "key-3" });
    expect(good.status).toBe(200);
  });
});

describe("errors and wire format", () => {
  it("answers a missing object with a 404 resource_missing", async () => {
    const err = await stripe.customers.retrieve("cus_missing").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: "resource_missing", message: "No such customer: 'cus_missing'" });
  });

  it("names the parameter of a missing, unknown or invalid one, with Stripe's error body", async () => {
    const missing = await raw("POST", "/v1/prices", "currency=usd&product=p");
    expect(missing).toMatchObject({
      status: 400,
      body: {
        error: {
          type: "invalid_request_error",
          code: "parameter_missing",
          param: "unit_amount",
          message: "Missing required param: unit_amount.",
        },
      },
    });
    const unknown = await raw("POST", "/v1/customers", "metadata[a]=1&nickname=x");
    expect(unknown.body.error).toMatchObject({ code: "parameter_unknown", param: "nickname" });
    const invalid = await raw("POST", "/v1/prices", "currency=usd&product=p&unit_amount=12.5");
    expect(invalid.body.error).toMatchObject({ code: "parameter_invalid", param: "unit_amount" });
    const unrouted = await raw("GET", "/v1/charges");
    expect(unrouted.status).toBe(404);
    expect(unrouted.body.error).toMatchObject({ type: "invalid_request_error" });
  });

  it("decodes nested brackets and both expand[] spellings", async () => {
    const customer = await raw("POST", "/v1/customers", "email=a%40b.test&metadata[draft_id]=d%201");
    expect(customer.body.metadata).toEqual({ draft_id: "d 1" });
    const product = await raw("POST", "/v1/products", "name=Nested");
    const price = await raw(
      "POST",
      "/v1/prices",
      `product=${product.body.id}&currency=usd&unit_amount=5&recurring[interval]=month&expand[]=product`,
    );
    expect(price.body.product).toMatchObject({ object: "product", name: "Nested" });
    const listed = await raw("GET", `/v1/prices?expand[0]=data.product&lookup_keys[]=none`);
    expect(listed.body).toMatchObject({ object: "list", data: [] });
  });

  it("refuses an unexpandable path and leaves nothing behind", async () => {
    const err = await stripe.customers.create({ email: "x@demo.test", expand: ["email"] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 400, param: "expand" });
    expect((await stripe.customers.list()).data).toHaveLength(0);
  });
});
