import { describe, expect, it } from "vitest";
import { clientIp, FixedWindowLimiter, rateLimitConfig, rateLimitedGroup } from "@/lib/security/rate-limit";

describe("rate-limited paths", () => {
  it("are sign-in and setup only", () => {
    expect(rateLimitedGroup("/api/auth/signin")).toBe("sign-in");
    expect(rateLimitedGroup("/api/auth/signin/procore")).toBe("sign-in");
    expect(rateLimitedGroup("/api/auth/callback/procore")).toBe("sign-in");
    expect(rateLimitedGroup("/procore/setup")).toBe("setup");
    expect(rateLimitedGroup("/api/auth/session")).toBeNull();
    expect(rateLimitedGroup("/api/auth/csrf")).toBeNull();
    expect(rateLimitedGroup("/procore/setupx")).toBeNull();
    expect(rateLimitedGroup("/projects")).toBeNull();
  });
});

describe("fixed-window limiter", () => {
  it("allows max requests per window per key, then says when to retry", () => {
    const limiter = new FixedWindowLimiter(3, 60_000);
    const t0 = 1_000_000;
    expect([1, 2, 3].map((i) => limiter.hit("a", t0 + i).allowed)).toEqual([true, true, true]);
    const fourth = limiter.hit("a", t0 + 10_000);
    expect(fourth).toMatchObject({ allowed: false, remaining: 0, limit: 3 });
    expect(fourth.retryAfterSeconds).toBe(51); // the window opened at t0 + 1
    expect(limiter.hit("b", t0 + 10_000).allowed).toBe(true);
    expect(limiter.hit("a", t0 + 60_001).allowed).toBe(true);
  });

  it("keeps a bounded number of keys", () => {
    const limiter = new FixedWindowLimiter(1, 60_000, 100);
    for (let i = 0; i < 1000; i++) limiter.hit(`ip-${i}`, 5);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});

describe("client address", () => {
  const h = (xff?: string) => new Headers(xff === undefined ? {} : { "x-forwarded-for": xff });
  it("is the peer Next.js recorded, not what the client wrote to the left", () => {
    expect(clientIp(h("127.0.0.1"), 0)).toBe("127.0.0.1");
    expect(clientIp(h("::ffff:10.0.0.7"), 0)).toBe("10.0.0.7");
    expect(clientIp(h("6.6.6.6, 10.0.0.7"), 0)).toBe("10.0.0.7");
    expect(clientIp(h("6.6.6.6, 203.0.113.9, 10.0.0.2"), 1)).toBe("203.0.113.9");
    expect(clientIp(h(), 0)).toBe("unknown");
  });
});

describe("configuration", () => {
  it("defaults to 100 a minute and reads the environment", () => {
    expect(rateLimitConfig({})).toEqual({ max: 100, windowMs: 60_000, trustedProxies: 0 });
    expect(rateLimitConfig({ SMARTAPP_RATE_LIMIT_MAX: "5", SMARTAPP_RATE_LIMIT_WINDOW_SECONDS: "10", SMARTAPP_TRUSTED_PROXIES: "1" })).toEqual({ max: 5, windowMs: 10_000, trustedProxies: 1 });
    expect(rateLimitConfig({ SMARTAPP_RATE_LIMIT_MAX: "0" }).max).toBe(0);
    expect(rateLimitConfig({ SMARTAPP_RATE_LIMIT_MAX: "lots" }).max).toBe(100);
  });
});
