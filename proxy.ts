import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { allowedCrossSite } from "@/lib/security/fetch-metadata";
import { contentSecurityPolicy, newNonce, originOf, securityHeaders } from "@/lib/security/headers";
import { prerenderedScriptHashes } from "@/lib/security/prerendered-scripts";
import { checkRateLimit, type RateLimitVerdict } from "@/lib/security/rate-limit";

/*
 * Runs before every page and API route (Next 16's "proxy", formerly middleware; Node.js runtime):
 * - a page answers another site only as a navigation (lib/security/fetch-metadata.ts);
 * - sign-in (/api/auth/signin, /api/auth/callback) and setup (/procore/setup) are rate-limited per client IP;
 * - every response gets the security headers, and pages a per-request CSP nonce that Next.js applies to its scripts.
 * Authorisation is not done here: the route guard (lib/auth/guard.ts) does it where the data is.
 */

function origins() {
  const e = env();
  return {
    appUrl: e.appUrl,
    procore: [originOf(e.procore.loginUrl), originOf(e.procore.apiUrl)].filter((o): o is string => o !== null),
    stripe: [originOf(e.stripe.apiUrl)].filter((o): o is string => o !== null),
  };
}

/**
 * A path Next.js cannot decode (a stray "%", "%E0%A4%A") makes its router fail with a bare 500 before any route runs;
 * a NUL byte decodes fine but no id or page has one, and PostgreSQL refuses it in text. Both are bad requests.
 */
function malformedPath(pathname: string): boolean {
  try {
    return decodeURIComponent(pathname).includes("\u0000");
  } catch {
    return true;
  }
}

function badRequest(req: NextRequest): NextResponse {
  const message = "The request URL is malformed";
  if (req.nextUrl.pathname.startsWith("/api/")) return NextResponse.json({ error: message }, { status: 400 });
  return new NextResponse(message, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function crossSiteRefused(): NextResponse {
  return new NextResponse("This page opens only when you navigate to it, not from within another site.", {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

function tooManyRequests(req: NextRequest, verdict: RateLimitVerdict): NextResponse {
  const message = "Too many sign-in attempts from your network. Wait a minute and try again.";
  const headers = { "retry-after": String(verdict.retryAfterSeconds), "cache-control": "no-store" };
  const wantsHtml = (req.headers.get("accept") ?? "").includes("text/html") && !req.nextUrl.pathname.startsWith("/api/");
  if (wantsHtml) {
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Too many requests</title></head><body><h1>Too many requests</h1><p>${message}</p></body></html>`;
    return new NextResponse(html, { status: 429, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
  }
  return NextResponse.json({ error: message, code: "rate_limited" }, { status: 429, headers });
}

export function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  const o = origins();
  const nonce = newNonce();
  const csp = contentSecurityPolicy({
    nonce,
    pathname,
    dev: process.env.NODE_ENV === "development",
    appUrl: o.appUrl,
    procoreOrigins: o.procore,
    stripeOrigins: o.stripe,
    scriptHashes: prerenderedScriptHashes(),
  });

  const verdict = checkRateLimit(pathname, req.headers);
  let res: NextResponse;
  if (malformedPath(pathname)) {
    res = badRequest(req);
  } else if (!allowedCrossSite(req.method, pathname, req.headers)) {
    res = crossSiteRefused();
  } else if (verdict && !verdict.allowed) {
    res = tooManyRequests(req, verdict);
  } else {
    // Next.js takes the nonce from the request's CSP header when it renders the page.
    const requestHeaders = new Headers(req.headers);
    requestHeaders.set("content-security-policy", csp);
    requestHeaders.set("x-nonce", nonce);
    res = NextResponse.next({ request: { headers: requestHeaders } });
  }
  res.headers.set("content-security-policy", csp);
  for (const [name, value] of Object.entries(securityHeaders(pathname, o.appUrl))) res.headers.set(name, value);
  if (verdict) {
    res.headers.set("x-ratelimit-limit", String(verdict.limit));
    res.headers.set("x-ratelimit-remaining", String(verdict.remaining));
  }
  return res;
}

export const config = {
  matcher: [
    // Pages. Static build output carries next.config.ts's headers; it needs no nonce and no limit.
    "/((?!api/|_next/static|_next/image|favicon.ico).*)",
    // next-auth: the sign-in and callback limits.
    "/api/auth/:path*",
    // Other API paths only when percent-encoded, to refuse what Next.js cannot decode; their headers are static
    // (next.config.ts), and the proxy costs every request a millisecond or two.
    "/api/:path(.*%.*)",
  ],
};
