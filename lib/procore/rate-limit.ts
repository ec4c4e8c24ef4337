/**
 * Procore's rate limit, as the response headers describe it (API-FACTS §4): `X-Rate-Limit-Limit/Remaining/Reset`
 * describe whichever window (10-second spike or hourly) the token is closest to exhausting; Reset is epoch seconds.
 */
export interface RateLimitReading {
  limit: number | undefined;
  remaining: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

function headerNumber(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** The reading from a response, or undefined when Remaining or Reset is missing. */
export function parseRateLimitHeaders(headers: Headers): RateLimitReading | undefined {
  const remaining = headerNumber(headers, "x-rate-limit-remaining");
  const reset = headerNumber(headers, "x-rate-limit-reset");
  if (remaining === undefined || reset === undefined) return undefined;
  return { limit: headerNumber(headers, "x-rate-limit-limit"), remaining, resetAt: reset * 1000 };
}

/** `Retry-After` (delta seconds or an HTTP date) as epoch milliseconds. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return now + Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date;
}

/**
 * Exponential backoff with jitter: the n-th retry (1-based) waits between half and all of base·2^(n-1), capped.
 * Half is fixed so delays still grow; half is random so clients that failed together do not retry together.
 */
export function backoffDelay(retry: number, opts: { baseMs: number; maxMs: number; random?: () => number }): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * (opts.random ?? Math.random)());
}

export type Sleep = (ms: number) => Promise<void>;

/**
 * One per connection (the quota belongs to the token). Requests reserve a slot before they go; when the
 * estimate of what is left reaches zero, or after a 429, callers wait for the window to reset instead of failing.
 * It sleeps once per acquire and then proceeds, so an injected instant `sleep` in tests cannot spin.
 */
export class RateLimiter {
  private limit: number | undefined;
  private remaining: number | undefined;
  private resetAt: number | undefined;
  private blockedUntil = 0;

  /** Waits if the window is used up; reports the wait through `onWait(untilMs)` first. */
  async acquire(sleep: Sleep, onWait?: (untilMs: number) => void): Promise<void> {
    const now = Date.now();
    this.roll(now);
    let until = this.blockedUntil;
    if (this.remaining !== undefined && this.remaining <= 0 && this.resetAt !== undefined) until = Math.max(until, this.resetAt);
    if (until > now) {
      onWait?.(until);
      await sleep(until - now);
      // The wait is over by definition (the clock may not say so when tests shorten sleeps).
      if (this.blockedUntil <= until) this.blockedUntil = 0;
      this.roll(Math.max(Date.now(), until));
    }
    if (this.remaining !== undefined) this.remaining -= 1;
  }

  /** Takes in a response's headers. */
  observe(reading: RateLimitReading | undefined): void {
    if (!reading) return;
    if (reading.resetAt === this.resetAt && this.remaining !== undefined) {
      // Same window: responses to concurrent requests arrive out of order, and our own reservations are
      // not in the server's count yet, so keep the lower estimate.
      this.remaining = Math.min(this.remaining, reading.remaining);
    } else {
      this.remaining = reading.remaining;
      this.resetAt = reading.resetAt;
    }
    this.limit = reading.limit ?? this.limit;
  }

  /** After a 429: nobody on this connection sends before `untilMs`. */
  block(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
    // The next response tells us the new window; until then assume nothing.
    this.remaining = undefined;
    this.resetAt = undefined;
  }

  private roll(now: number): void {
    if (this.resetAt !== undefined && this.resetAt <= now) {
      this.remaining = this.limit;
      this.resetAt = undefined;
    }
  }
}
