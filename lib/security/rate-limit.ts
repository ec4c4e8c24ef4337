import { z } from "zod";

/*
 * A small per-IP limiter for the sign-in and setup entry points (`proxy.ts` applies it). In memory, per web
 * process: it slows down one client hammering the OAuth round trip or the setup page (each of which costs Procore
 * calls), it is not a distributed quota. With N web processes a client gets at most N × the limit.
 *
 * Fixed windows: simple, O(1), and the worst case (2 × max around a window edge) is still a small number.
 */

/** Which limited entry point a path belongs to, or null for paths that are not limited. */
export type RateLimitedGroup = "sign-in" | "setup";

export function rateLimitedGroup(pathname: string): RateLimitedGroup | null {
  if (/^\/api\/auth\/(signin|callback)(\/|$)/.test(pathname)) return "sign-in";
  if (/^\/procore\/setup(\/|$)/.test(pathname)) return "setup";
  return null;
}

export interface RateLimitConfig {
  /** Requests per window per client IP and group; 0 switches the limiter off. */
  max: number;
  windowMs: number;
  /**
   * How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default): the app is reached
   * directly, and the client is the address Next.js records (the last entry). 1: one load balancer appends the
   * real client as the last entry, so take the one before it, and so on.
   */
  trustedProxies: number;
}

const intFrom = (fallback: number, min: number) => z.coerce.number().int().min(min).default(fallback);

const configSchema = z.object({
  SMARTAPP_RATE_LIMIT_MAX: intFrom(100, 0),
  SMARTAPP_RATE_LIMIT_WINDOW_SECONDS: intFrom(60, 1),
  SMARTAPP_TRUSTED_PROXIES: intFrom(0, 0),
});

/**
 * The limiter's settings from the environment. Defaults: 100 requests a minute per IP, per group — a person
 * signs in with a handful, and the e2e journeys (all from one address) stay far below it. Invalid values fall back
 * to the defaults rather than take the site down from inside the proxy.
 */
export function rateLimitConfig(source: Record<string, string | undefined> = process.env): RateLimitConfig {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = configSchema.safeParse(cleaned);
  const e = parsed.success ? parsed.data : configSchema.parse({});
  return { max: e.SMARTAPP_RATE_LIMIT_MAX, windowMs: e.SMARTAPP_RATE_LIMIT_WINDOW_SECONDS * 1000, trustedProxies: e.SMARTAPP_TRUSTED_PROXIES };
}

/**
 * The client's address from X-Forwarded-For. Next.js sets the header to the socket's peer when the request has
 * none; entries a client wrote itself sit to the left of those our proxies appended, so we count from the right.
 * Without a proxy in front, a client that sends its own X-Forwarded-For picks its key: deploy behind one (and set
 * SMARTAPP_TRUSTED_PROXIES) wherever the limit matters.
 */
export function clientIp(headers: Headers, trustedProxies: number): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = chain[Math.max(0, chain.length - 1 - trustedProxies)] ?? headers.get("x-real-ip") ?? "unknown";
  // ::ffff:127.0.0.1 and 127.0.0.1 are one client.
  return ip.replace(/^::ffff:/i, "").toLowerCase();
}

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

interface Window {
  startedAt: number;
  count: number;
}

export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    /** Bounds memory whatever the number of addresses (a spray of spoofed or IPv6 addresses). */
    private readonly maxKeys = 10_000,
  ) {}

  hit(key: string, now = Date.now()): RateLimitVerdict {
    let w = this.windows.get(key);
    if (!w || now - w.startedAt >= this.windowMs) {
      if (!w) this.makeRoom(now);
      w = { startedAt: now, count: 0 };
      // Re-inserted so the Map's order stays oldest-first for eviction.
      this.windows.delete(key);
      this.windows.set(key, w);
    }
    w.count++;
    const retryAfterSeconds = Math.max(1, Math.ceil((w.startedAt + this.windowMs - now) / 1000));
    return { allowed: w.count <= this.max, limit: this.max, remaining: Math.max(0, this.max - w.count), retryAfterSeconds };
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, w] of this.windows) if (now - w.startedAt >= this.windowMs) this.windows.delete(key);
    // Still full: drop the oldest windows (Map iteration is insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/** The limiter the proxy uses: one per process, built from the environment on first use. */
let shared: { limiter: FixedWindowLimiter; config: RateLimitConfig } | undefined;

export function sharedLimiter(): { limiter: FixedWindowLimiter; config: RateLimitConfig } {
  if (!shared) {
    const config = rateLimitConfig();
    shared = { limiter: new FixedWindowLimiter(config.max, config.windowMs), config };
  }
  return shared;
}

/** Checks one request against the limit of its group; null when the path is not limited or the limiter is off. */
export function checkRateLimit(pathname: string, headers: Headers): (RateLimitVerdict & { group: RateLimitedGroup }) | null {
  const group = rateLimitedGroup(pathname);
  if (!group) return null;
  const { limiter, config } = sharedLimiter();
  if (config.max === 0) return null;
  return { group, ...limiter.hit(`${group}:${clientIp(headers, config.trustedProxies)}`) };
}
