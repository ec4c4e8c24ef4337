import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, frameAncestors, newNonce, securityHeaders, type CspInput } from "@/lib/security/headers";
import { inlineScriptHashes } from "@/lib/security/prerendered-scripts";

const base: CspInput = {
  nonce: "bm9uY2U=",
  pathname: "/projects",
  dev: false,
  appUrl: "http://localhost:3000",
  procoreOrigins: ["http://localhost:4001"],
  stripeOrigins: ["http://localhost:4002"],
  scriptHashes: ["'sha256-abc'"],
};

const directives = (csp: string) => Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe("content security policy", () => {
  it("allows scripts by nonce and prerendered hash only, never inline or eval in production", () => {
    const d = directives(contentSecurityPolicy(base));
    expect(d["script-src"]).toEqual(["'self'", "'nonce-bm9uY2U='", "'sha256-abc'"]);
    expect(d["object-src"]).toEqual(["'none'"]);
    expect(d["base-uri"]).toEqual(["'self'"]);
    expect(d["frame-ancestors"]).toEqual(["'none'"]);
    expect(d["default-src"]).toEqual(["'self'"]);
    expect(d["upgrade-insecure-requests"]).toBeUndefined();
  });

  it("lets forms lead to Procore sign-in and Stripe's hosted pages", () => {
    const d = directives(contentSecurityPolicy(base));
    expect(d["form-action"]).toEqual(expect.arrayContaining(["'self'", "http://localhost:4001", "http://localhost:4002", "https://billing.stripe.com"]));
  });

  it("adds eval and the dev socket only in development, and upgrades requests on https", () => {
    expect(directives(contentSecurityPolicy({ ...base, dev: true }))["script-src"]).toContain("'unsafe-eval'");
    expect(directives(contentSecurityPolicy({ ...base, appUrl: "https://app.example.com" }))["upgrade-insecure-requests"]).toEqual([]);
  });

  it("lets only Procore frame the embedded view", () => {
    expect(frameAncestors("/procore/embedded", ["https://login.procore.com"])).toBe("'self' https://*.procore.com https://login.procore.com");
    expect(frameAncestors("/procore/embedded/x", [])).toContain("https://*.procore.com");
    expect(frameAncestors("/procore/embeddedx", [])).toBe("'none'");
    expect(frameAncestors("/procore/setup", [])).toBe("'none'");
  });

  it("gives API responses a policy that loads nothing", () => {
    expect(contentSecurityPolicy({ ...base, pathname: "/api/health" })).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });
});

describe("other security headers", () => {
  it("deny framing except on the embedded view, and HSTS only on https", () => {
    expect(securityHeaders("/", "http://localhost:3000")).toMatchObject({ "x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "strict-origin-when-cross-origin" });
    expect(securityHeaders("/procore/embedded", "http://localhost:3000")["x-frame-options"]).toBeUndefined();
    expect(securityHeaders("/", "http://localhost:3000")["strict-transport-security"]).toBeUndefined();
    expect(securityHeaders("/", "https://app.example.com")["strict-transport-security"]).toMatch(/max-age=\d+/);
  });

  it("makes a new 128-bit nonce each time", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });
});

describe("prerendered script hashes", () => {
  it("hash each inline script's exact text and skip external ones", () => {
    const html = `<script src="/_next/a.js" async=""></script><script>self.__next_f.push([0])</script><script id="_R_">x()</script>`;
    const sha = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    expect(inlineScriptHashes(html)).toEqual([sha("self.__next_f.push([0])"), sha("x()")]);
  });
});
