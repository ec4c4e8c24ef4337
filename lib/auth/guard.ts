import { getServerSession } from "next-auth";
import { NextResponse, type NextRequest } from "next/server";
import Stripe from "stripe";
import { z, type ZodType } from "zod";
import type { Account, AccountRole, Membership } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { HttpError } from "@/lib/errors";
import { log } from "@/lib/log";
import { AppNotInstalledError, ForbiddenError, NotFoundError, RateLimitedError, ReconnectNeededError, ValidationError } from "@/lib/procore/errors";
import { authOptions } from "./options";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
}

/** The signed-in person, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const user = session?.user as (SessionUser & { id?: string }) | undefined;
  return user?.id ? { id: user.id, email: user.email, name: user.name ?? null } : null;
}

const ROLE_RANK: Record<AccountRole, number> = { MEMBER: 0, ADMIN: 1, OWNER: 2 };

/**
 * The account `accountId` as seen by `userId`. Not a member → 404 (another company's ids must not
 * even be confirmed to exist); a member without the role → 403.
 */
export async function accountFor(userId: string, accountId: string, role: AccountRole = "MEMBER"): Promise<{ account: Account; membership: Membership }> {
  const membership = await db().membership.findUnique({ where: { accountId_userId: { accountId, userId } }, include: { account: true } });
  if (!membership) throw new HttpError(404, "Account not found");
  if (ROLE_RANK[membership.role] < ROLE_RANK[role]) throw new HttpError(403, `This needs the ${role.toLowerCase()} role on the account`);
  const { account, ...rest } = membership;
  return { account, membership: rest };
}

function zodFields(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** Maps any error to the JSON answer the client sees. Unknown errors are logged and answer 500 without detail. */
export function errorResponse(err: unknown): NextResponse {
  const json = (status: number, body: Record<string, unknown>) => NextResponse.json(body, { status });
  if (err instanceof HttpError) return json(err.status, { error: err.message, fields: err.fields, code: err.code });
  if (err instanceof z.ZodError) return json(400, { error: "Invalid request", fields: zodFields(err) });
  if (err instanceof ReconnectNeededError) return json(409, { error: "Reconnect to Procore", code: "reconnect_needed" });
  if (err instanceof AppNotInstalledError) return json(403, { error: "Smartapp is not installed in this Procore company", code: "app_not_installed" });
  if (err instanceof RateLimitedError) return json(503, { error: "Procore is rate limiting us; try again shortly", code: "procore_rate_limited" });
  if (err instanceof NotFoundError) return json(404, { error: "Not found in Procore" });
  if (err instanceof ForbiddenError) return json(403, { error: "Procore refused access" });
  if (err instanceof ValidationError) return json(422, { error: "Procore rejected the data", fields: err.fields });
  if (err instanceof Stripe.errors.StripeError) {
    // Stripe down, slow or limiting us: try again; Stripe refusing what we sent: our bug, said plainly.
    const unavailable = err instanceof Stripe.errors.StripeConnectionError || err instanceof Stripe.errors.StripeAPIError || err instanceof Stripe.errors.StripeRateLimitError;
    log.warn({ type: err.type, code: err.code, requestId: err.requestId, message: err.message }, "stripe error");
    return unavailable
      ? json(503, { error: "Stripe could not be reached; try again shortly", code: "stripe_unavailable" })
      : json(502, { error: `Stripe refused the request: ${err.message}`, code: "stripe_refused" });
  }
  log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, "unhandled route error");
  return json(500, { error: "Something went wrong on our side" });
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Cross-site request check for state-changing calls: the Origin (or Fetch Metadata) must be ours. */
export function assertSameOrigin(req: NextRequest): void {
  if (!MUTATING.has(req.method)) return;
  const origin = req.headers.get("origin");
  if (origin) {
    const ours = new Set([new URL(env().appUrl).origin, req.nextUrl.origin]);
    if (!ours.has(origin)) throw new HttpError(403, "Cross-site request refused");
    return;
  }
  if (req.headers.get("sec-fetch-site") === "same-origin") return;
  throw new HttpError(403, "Cross-site request refused: missing Origin header");
}

async function readJson(req: NextRequest): Promise<unknown> {
  const text = await req.text();
  if (text.length > 1_000_000) throw new HttpError(413, "Request body too large");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "Request body is not valid JSON", { _: ["malformed JSON"] });
  }
}

type RouteParams = Record<string, string | string[] | undefined>;

interface RouteOptions<B, Q> {
  body?: ZodType<B>;
  query?: ZodType<Q>;
  /** Needs this role on the account named by the `accountId` route param. */
  role?: AccountRole;
}

export interface RouteContext<B, Q> {
  req: NextRequest;
  user: SessionUser;
  params: Record<string, string>;
  body: B;
  query: Q;
}

export interface AccountRouteContext<B, Q> extends RouteContext<B, Q> {
  account: Account;
  membership: Membership;
}

/**
 * The one guard every route goes through: session, same-origin check for writes, the tenant (before the
 * input is even read, so another company's ids answer 404 whatever the body), zod-parsed input, and
 * errors mapped to statuses.
 */
function guarded<T, B, Q>(
  opts: RouteOptions<B, Q>,
  resolve: (user: SessionUser, params: Record<string, string>) => Promise<T>,
  handler: (ctx: RouteContext<B, Q> & T) => Promise<unknown>,
) {
  return async (req: NextRequest, ctx: { params: Promise<RouteParams> }) => {
    try {
      const user = await currentUser();
      if (!user) throw new HttpError(401, "Sign in with Procore first");
      assertSameOrigin(req);
      const raw = await ctx.params;
      const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : (v ?? "")]));
      const tenant = await resolve(user, params);
      const body = opts.body ? opts.body.parse(await readJson(req)) : (undefined as B);
      const query = opts.query ? opts.query.parse(Object.fromEntries(req.nextUrl.searchParams)) : (undefined as Q);
      const result = await handler({ req, user, params, body, query, ...tenant });
      return result instanceof Response ? result : NextResponse.json(result ?? { ok: true });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** A route for any signed-in person. */
export function withUser<B = undefined, Q = undefined>(opts: RouteOptions<B, Q>, handler: (ctx: RouteContext<B, Q>) => Promise<unknown>) {
  return guarded(opts, async () => ({}), handler);
}

/** A route under /api/accounts/[accountId]/…: a member of that account, with the role asked for. */
export function withAccount<B = undefined, Q = undefined>(
  opts: RouteOptions<B, Q>,
  handler: (ctx: AccountRouteContext<B, Q>) => Promise<unknown>,
) {
  return guarded(opts, (user, params) => accountFor(user.id, params.accountId ?? "", opts.role ?? "MEMBER"), handler);
}
