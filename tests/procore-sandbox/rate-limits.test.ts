import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDS, sleep, startSandbox, type SandboxClient } from "./helpers.ts";

const MESSAGE = "You have surpassed the max number of requests for an hour. Please wait until your limit resets.";

let sb: SandboxClient;
beforeAll(async () => {
  sb = await startSandbox({ PROCORE_SANDBOX_SPIKE_LIMIT: "5", PROCORE_SANDBOX_SPIKE_WINDOW: "1" });
  await sb.admin("POST", "/install", { companyId: IDS.demo, app: "planner" });
});
afterAll(() => sb?.stop());

const limits = (res: Response) => ({
  limit: res.headers.get("x-rate-limit-limit"),
  remaining: res.headers.get("x-rate-limit-remaining"),
  reset: Number(res.headers.get("x-rate-limit-reset")),
});

describe("rate limits", () => {
  it("puts X-Rate-Limit headers on every API response, failed ones included", async () => {
    const { access_token } = await sb.userTokens();
    for (const res of [await sb.api(access_token, "/me", { companyId: null }), await sb.api(access_token, "/nope"), await sb.api("bogus", "/me")]) {
      expect(res.headers.get("x-rate-limit-limit")).not.toBeNull();
      expect(res.headers.get("x-rate-limit-remaining")).not.toBeNull();
      expect(res.headers.get("x-rate-limit-reset")).toMatch(/^\d{10}$/);
    }
  });

  it("answers 429 with the documented text, headers and Retry-After once the spike window is used up, counting failed calls", async () => {
    const { access_token } = await sb.userTokens();
    const nowSec = Math.floor(Date.now() / 1000);
    const first = await sb.api(access_token, "/me", { companyId: null });
    expect(limits(first)).toMatchObject({ limit: "5", remaining: "4" });
    expect(limits(first).reset).toBeGreaterThanOrEqual(nowSec);
    expect(limits(first).reset).toBeLessThanOrEqual(nowSec + 2);
    // Three failing calls (404, 400, 404) still count.
    expect((await sb.api(access_token, "/no_such_route")).status).toBe(404);
    expect((await sb.api(access_token, "/projects", { companyId: null })).status).toBe(400);
    expect((await sb.api(access_token, `/projects/1/locations`)).status).toBe(404);
    expect(limits(await sb.api(access_token, "/me", { companyId: null })).remaining).toBe("0");

    const limited = await sb.api(access_token, "/me", { companyId: null });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await limited.text()).toBe(MESSAGE);
    expect(limits(limited)).toMatchObject({ limit: "5", remaining: "0" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    // Another token has its own windows.
    const other = (await sb.userTokens()).access_token;
    expect((await sb.api(other, "/me", { companyId: null })).status).toBe(200);

    await sleep(1100);
    expect((await sb.api(access_token, "/me", { companyId: null })).status).toBe(200);
  });

  it("reports the hourly window when it is the closer one to exhaustion", async () => {
    await sb.admin("POST", "/config", { spikeLimit: 100, spikeWindowSeconds: 10, hourlyLimit: 3 });
    try {
      const { access_token } = await sb.userTokens();
      const res = await sb.api(access_token, "/me", { companyId: null });
      expect(limits(res)).toMatchObject({ limit: "3", remaining: "2" });
      expect(limits(res).reset - Date.now() / 1000).toBeGreaterThan(3500);
      await sb.api(access_token, "/me", { companyId: null });
      await sb.api(access_token, "/me", { companyId: null });
      const limited = await sb.api(access_token, "/me", { companyId: null });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(3500);
    } finally {
      await sb.admin("POST", "/config", { spikeLimit: 5, spikeWindowSeconds: 1, hourlyLimit: 100_000 });
    }
  });

  it("answers the next n calls with 429 during a rate-limit storm", async () => {
    await sb.admin("POST", "/config", { spikeLimit: 1000 });
    try {
      const { access_token } = await sb.userTokens();
      await sb.admin("POST", "/faults", { rateLimitStorm: 2 });
      for (let i = 0; i < 2; i++) {
        const res = await sb.api(access_token, "/me", { companyId: null });
        expect(res.status).toBe(429);
        expect(limits(res).remaining).toBe("0");
        expect(res.headers.get("retry-after")).not.toBeNull();
      }
      expect((await sb.api(access_token, "/me", { companyId: null })).status).toBe(200);
    } finally {
      await sb.admin("POST", "/config", { spikeLimit: 5 });
    }
  });
});
