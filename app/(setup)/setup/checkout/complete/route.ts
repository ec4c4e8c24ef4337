import { NextResponse, type NextRequest } from "next/server";
import { grantFromCheckoutSession } from "@/lib/billing/grant";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * Stripe's success redirect. Grants from the session (the same idempotent function as the webhook, so
 * whichever arrives first wins) and lands in Project Central.
 */
export async function GET(req: NextRequest) {
  const sessionId = req.nextUrl.searchParams.get("session_id");
  const base = env().appUrl;
  if (!sessionId || !/^cs_[A-Za-z0-9_]{1,200}$/.test(sessionId)) return NextResponse.redirect(`${base}/projects`);
  // A failure here is not the customer's problem: the webhook grants the same licences.
  const granted = await grantFromCheckoutSession(sessionId).catch((err: unknown) => {
    log.error({ err: err instanceof Error ? err.message : String(err), sessionId }, "grant on success redirect failed");
    return null;
  });
  return NextResponse.redirect(`${base}/projects${granted ? "?welcome=1" : ""}`, 303);
}
