import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyStripeEvent } from "@/lib/billing/webhook";
import { env } from "@/lib/env";
import { HttpError } from "@/lib/errors";

const sign = (payload: string, secret = env().stripe.webhookSecret, t = Math.floor(Date.now() / 1000)) =>
  `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${payload}`).digest("hex")}`;

function status(payload: string, signature: string | null): number | "ok" {
  try {
    verifyStripeEvent(payload, signature);
    return "ok";
  } catch (err) {
    if (err instanceof HttpError) return err.status;
    throw err;
  }
}

// Found by the e2e fuzzer: a correctly signed body that is not an event (null, an array, an object without a type)
// crashed the handler with a 500. Stripe never sends one; whoever holds the secret gets a 400 for it.
describe("Stripe webhook verification", () => {
  it("refuses missing, wrong, stale and misplaced signatures", () => {
    const event = JSON.stringify({ id: "evt_1", type: "customer.created", data: { object: { id: "cus_1" } } });
    expect(status(event, null)).toBe(400);
    expect(status(event, "garbage")).toBe(400);
    expect(status(event, sign(event, "whsec_other"))).toBe(400);
    expect(status(event, sign(event, undefined, Math.floor(Date.now() / 1000) - 3600))).toBe(400);
    expect(status(`${event} `, sign(event))).toBe(400);
    expect(status(event, sign(event))).toBe("ok");
  });

  it.each(["null", "true", "0", '"x"', "[]", "[{}]", "{}", '{"id":"evt_1"}', '{"id":"evt_1","type":"x"}', '{"id":"evt_1","type":"x","data":{"object":null}}', '{"id":1,"type":"x","data":{"object":{}}}'])(
    "answers 400 for a signed non-event %s",
    (payload) => expect(status(payload, sign(payload))).toBe(400),
  );
});
