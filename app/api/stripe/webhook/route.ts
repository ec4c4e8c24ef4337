import { NextResponse, type NextRequest } from "next/server";
import { errorResponse } from "@/lib/auth/guard";
import { handleStripeEvent, verifyStripeEvent } from "@/lib/billing/webhook";

// Authenticated by Stripe's signature, not by a session or an Origin header.
export async function POST(req: NextRequest) {
  try {
    const event = verifyStripeEvent(await req.text(), req.headers.get("stripe-signature"));
    return NextResponse.json({ received: true, result: await handleStripeEvent(event) });
  } catch (err) {
    return errorResponse(err);
  }
}
