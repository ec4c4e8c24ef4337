/*
 * The security headers of every response the proxy sees (proxy.ts). Pure: the proxy passes the request's facts in.
 *
 * Scripts: a fresh nonce per request. Next.js reads it from the request's CSP header and puts it on every script it
 * renders. Pages prerendered at build time (the home page, the static 404 and error pages) were rendered with no
 * request, so they carry no nonce: their few inline scripts are allowed by hash instead (`prerenderedScriptHashes`),
 * and their external scripts by 'self'. No 'unsafe-inline' and no 'strict-dynamic' for scripts.
 * Styles: 'unsafe-inline', because React writes `style` attributes, which nonces cannot cover; style injection
 * cannot run code.
 */

/** Where the app is framed: only the embedded Procore view, only by Procore. */
export const EMBEDDED_PATH = "/procore/embedded";

/** Procore's web app hosts (app.procore.com, us02.procore.com, uk01.procore.com, sandbox.procore.com, …). */
export const PROCORE_FRAME_ORIGINS = ["https://*.procore.com"] as const;

/** Stripe's hosted pages, reached by form POST + redirect (the billing portal) or navigation (checkout). */
export const STRIPE_ORIGINS = ["https://checkout.stripe.com", "https://billing.stripe.com"] as const;

/** API answers are JSON and redirects: nothing in them may load or run anything, and nobody frames them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

export interface CspInput {
  nonce: string;
  pathname: string;
  /** `next dev`: React needs eval for its debugging aids, and the dev server's socket. */
  dev: boolean;
  appUrl: string;
  /** Origins of the configured Procore login and API hosts (the local sandbox, or Procore). */
  procoreOrigins: readonly string[];
  /** Origin of a non-Stripe Stripe API (the local sandbox) whose hosted pages we redirect to. */
  stripeOrigins: readonly string[];
  /** 'sha256-…' sources of the prerendered pages' inline scripts. */
  scriptHashes: readonly string[];
}

export function isEmbeddedPath(pathname: string): boolean {
  return pathname === EMBEDDED_PATH || pathname.startsWith(`${EMBEDDED_PATH}/`);
}

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

const unique = (xs: readonly string[]) => [...new Set(xs.filter(Boolean))];

export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** frame-ancestors for a path: nobody, except Procore for the embedded view. */
export function frameAncestors(pathname: string, procoreOrigins: readonly string[]): string {
  if (!isEmbeddedPath(pathname)) return "'none'";
  return unique(["'self'", ...PROCORE_FRAME_ORIGINS, ...procoreOrigins]).join(" ");
}

export function contentSecurityPolicy(input: CspInput): string {
  const https = input.appUrl.startsWith("https://");
  const ancestors = frameAncestors(input.pathname, input.procoreOrigins);
  if (isApiPath(input.pathname)) return API_CSP;
  const directives: [string, string[]][] = [
    ["default-src", ["'self'"]],
    ["script-src", ["'self'", `'nonce-${input.nonce}'`, ...input.scriptHashes, ...(input.dev ? ["'unsafe-eval'"] : [])]],
    ["style-src", ["'self'", "'unsafe-inline'"]],
    ["img-src", ["'self'", "data:", "blob:"]],
    ["font-src", ["'self'", "data:"]],
    ["connect-src", ["'self'", ...(input.dev ? ["ws:", "wss:"] : [])]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'self'"]],
    // Chrome checks form-action on the redirects after a form POST too: sign-in goes to Procore, the billing
    // portal form to Stripe.
    ["form-action", unique(["'self'", ...input.procoreOrigins, ...STRIPE_ORIGINS, ...input.stripeOrigins])],
    ["frame-ancestors", [ancestors]],
    ...(https ? ([["upgrade-insecure-requests", []]] as [string, string[]][]) : []),
  ];
  return directives.map(([name, values]) => [name, ...unique(values)].join(" ")).join("; ");
}

/** Headers besides the CSP. X-Frame-Options is the old browsers' frame-ancestors: absent where Procore frames us. */
export function securityHeaders(pathname: string, appUrl: string): Record<string, string> {
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": PERMISSIONS_POLICY,
  };
  if (!isEmbeddedPath(pathname)) headers["x-frame-options"] = "DENY";
  if (appUrl.startsWith("https://")) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

/** 128 random bits, base64: a CSP nonce. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
