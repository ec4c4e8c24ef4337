import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { billingPortalUrl } from "@/lib/billing/manage";

// A form POST from the Manage Subscriptions page: the browser follows the redirect to Stripe's portal.
export const POST = withUser({}, async ({ user, params }) => NextResponse.redirect(await billingPortalUrl(user.id, params.projectId), 303));
