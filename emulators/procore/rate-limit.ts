import type { RuntimeSettings } from "./config.ts";

interface Window {
  startedMs: number;
  count: number;
}

export interface RateLimitVerdict {
  limited: boolean;
  headers: Record<string, string>;
}

const HOUR_MS = 3_600_000;

/**
 * Procore's two fixed windows per access token: a short spike window and an hourly one. Every request counts,
 * whatever its outcome. The headers describe the window with fewer requests left (Procore: "whichever you are
 * most likely to hit first").
 */
export class RateLimiter {
  private spike = new Map<string, Window>();
  private hourly = new Map<string, Window>();

  constructor(private readonly settings: () => RuntimeSettings) {}

  reset(): void {
    this.spike.clear();
    this.hourly.clear();
  }

  hit(key: string, now = Date.now()): RateLimitVerdict {
    const s = this.settings();
    const spikeMs = s.spikeWindowSeconds * 1000;
    const spike = this.window(this.spike, key, now, spikeMs);
    const hour = this.window(this.hourly, key, now, HOUR_MS);
    const limited = spike.count >= s.spikeLimit || hour.count >= s.hourlyLimit;
    if (!limited) {
      spike.count += 1;
      hour.count += 1;
    }
    const candidates = [
      { limit: s.spikeLimit, remaining: Math.max(0, s.spikeLimit - spike.count), resetMs: spike.startedMs + spikeMs },
      { limit: s.hourlyLimit, remaining: Math.max(0, s.hourlyLimit - hour.count), resetMs: hour.startedMs + HOUR_MS },
    ];
    // Fewest requests left wins; on a tie the later reset, so a client that waits for it is never early.
    const reported = candidates.reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.resetMs > a.resetMs) ? b : a));
    const headers: Record<string, string> = {
      "X-Rate-Limit-Limit": String(reported.limit),
      "X-Rate-Limit-Remaining": String(reported.remaining),
      "X-Rate-Limit-Reset": String(Math.ceil(reported.resetMs / 1000)),
    };
    if (limited) headers["Retry-After"] = String(Math.max(1, Math.ceil((reported.resetMs - now) / 1000)));
    return { limited, headers };
  }

  private window(windows: Map<string, Window>, key: string, now: number, lengthMs: number): Window {
    let w = windows.get(key);
    if (!w || now >= w.startedMs + lengthMs) {
      if (windows.size > 10_000) this.prune(windows, now, lengthMs);
      w = { startedMs: now, count: 0 };
      windows.set(key, w);
    }
    return w;
  }

  /** Tokens rotate every 90 minutes; forget windows that have ended so a long dev session does not grow the maps. */
  private prune(windows: Map<string, Window>, now: number, lengthMs: number): void {
    for (const [key, w] of windows) if (now >= w.startedMs + lengthMs) windows.delete(key);
  }
}
