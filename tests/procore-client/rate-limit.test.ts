import { describe, expect, it } from "vitest";
import { RateLimiter } from "@/lib/procore/rate-limit";

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("RateLimiter", () => {
  it("lets requests through while the window has room, counting its own requests in flight", async () => {
    const limiter = new RateLimiter();
    const { waits, sleep } = recordingSleep();
    limiter.observe({ limit: 25, remaining: 2, resetAt: Date.now() + 5000 });
    await limiter.acquire(sleep);
    await limiter.acquire(sleep);
    expect(waits).toEqual([]);
    const reported: number[] = [];
    await limiter.acquire(sleep, (until) => reported.push(until));
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(4000);
    expect(reported).toHaveLength(1);
  });

  it("keeps the lower count when answers to concurrent requests arrive out of order", async () => {
    const limiter = new RateLimiter();
    const { waits, sleep } = recordingSleep();
    const resetAt = Date.now() + 5000;
    limiter.observe({ limit: 25, remaining: 0, resetAt });
    limiter.observe({ limit: 25, remaining: 5, resetAt }); // an older answer, same window
    await limiter.acquire(sleep);
    expect(waits).toHaveLength(1);
  });

  it("starts a new window's count after its reset", async () => {
    const limiter = new RateLimiter();
    const { waits, sleep } = recordingSleep();
    limiter.observe({ limit: 25, remaining: 0, resetAt: Date.now() - 1 });
    await limiter.acquire(sleep);
    expect(waits).toEqual([]);
  });

  it("after a 429, everyone waits until the given time", async () => {
    const limiter = new RateLimiter();
    const { waits, sleep } = recordingSleep();
    limiter.block(Date.now() + 2000);
    await Promise.all([limiter.acquire(sleep), limiter.acquire(sleep)]);
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(w).toBeGreaterThan(1900);
  });
});
