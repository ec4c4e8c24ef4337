import pino from "pino";
import { describe, expect, it } from "vitest";
import { NetworkError, ReconnectNeededError, ServerError } from "@/lib/procore/errors";
import type { TokenSet } from "@/lib/procore/oauth";
import { TokenManager, type TokenStore } from "@/lib/procore/tokens";

// Unit tests: Procore's token endpoint is faked here; tests/procore-client/client.test.ts covers the real HTTP path.

let seq = 0;
const uniqueId = () => `conn-${process.pid}-${++seq}`;
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

/** An in-memory store that records the order of events, with a lock that behaves like a DB transaction. */
function memoryStore(initial: TokenSet, opts: { transactionalLock?: boolean } = {}) {
  const events: string[] = [];
  let committed = initial;
  let status = "ACTIVE";
  let pending: { tokens?: TokenSet; status?: string } | undefined;
  const store: TokenStore & { events: string[]; current: () => TokenSet; status: () => string } = {
    events,
    current: () => committed,
    status: () => status,
    async load() {
      return pending?.tokens ?? committed;
    },
    async save(tokens) {
      events.push(`save:${tokens.accessToken}`);
      if (pending) pending.tokens = tokens;
      else committed = tokens;
    },
    async markReconnectNeeded() {
      events.push("markReconnectNeeded");
      if (pending) pending.status = "RECONNECT_NEEDED";
      else status = "RECONNECT_NEEDED";
    },
  };
  if (opts.transactionalLock) {
    store.withRefreshLock = async (fn) => {
      pending = {};
      try {
        const result = await fn();
        // Commit only when fn returns, as `db.$transaction` does.
        committed = pending.tokens ?? committed;
        status = pending.status ?? status;
        return result;
      } finally {
        pending = undefined;
      }
    };
  }
  return store;
}

function manager(store: TokenStore, refresh: (rt: string) => Promise<TokenSet>, connectionId = uniqueId()) {
  return new TokenManager({ connectionId, store, refresh, refreshBeforeExpiryMs: 60_000, logger: pino({ level: "silent" }) });
}

describe("TokenManager", () => {
  it("uses a fresh token without refreshing", async () => {
    const store = memoryStore({ accessToken: "a1", refreshToken: "r1", expiresAt: minutes(30) });
    const tm = manager(store, async () => {
      throw new Error("must not refresh");
    });
    expect(await tm.accessToken()).toBe("a1");
  });

  it("refreshes once for many concurrent callers and saves the new pair before anyone gets it", async () => {
    const store = memoryStore({ accessToken: "a1", refreshToken: "r1", expiresAt: minutes(-1) });
    const calls: string[] = [];
    const refresh = async (rt: string) => {
      calls.push(rt);
      await new Promise((r) => setTimeout(r, 20));
      return { accessToken: "a2", refreshToken: "r2", expiresAt: minutes(90) };
    };
    // Separate managers for one connection, as when each request builds its own client.
    const connectionId = uniqueId();
    const managers = Array.from({ length: 10 }, () => manager(store, refresh, connectionId));
    const tokens = await Promise.all(
      managers.map(async (tm) => {
        const token = await tm.accessToken();
        store.events.push(`use:${token}`);
        return token;
      }),
    );
    expect(calls).toEqual(["r1"]);
    expect(new Set(tokens)).toEqual(new Set(["a2"]));
    expect(store.events[0]).toBe("save:a2");
    expect(store.current()).toMatchObject({ accessToken: "a2", refreshToken: "r2" });
  });

  it("after a 401, takes tokens another process already refreshed instead of spending the refresh token", async () => {
    const store = memoryStore({ accessToken: "a1", refreshToken: "r1", expiresAt: minutes(30) });
    const tm = manager(store, async () => {
      throw new Error("must not refresh");
    });
    expect(await tm.accessToken()).toBe("a1");
    await store.save({ accessToken: "a2", refreshToken: "r2", expiresAt: minutes(90) }); // the other process
    tm.reject("a1");
    expect(await tm.accessToken()).toBe("a2");
  });

  it("after a 401 on a token that still looks valid, refreshes", async () => {
    const store = memoryStore({ accessToken: "a1", refreshToken: "r1", expiresAt: minutes(30) });
    const tm = manager(store, async () => ({ accessToken: "a2", refreshToken: "r2", expiresAt: minutes(90) }));
    await tm.accessToken();
    tm.reject("a1");
    expect(await tm.accessToken()).toBe("a2");
  });

  it.each([
    ["refused (invalid_grant)", new ReconnectNeededError("invalid_grant")],
    ["answer lost after sending", new NetworkError("socket closed", { requestSent: true })],
  ])("a refresh %s marks the connection once and never retries the same refresh token", async (_, failure) => {
    const store = memoryStore({ accessToken: "a1", refreshToken: "r1", expiresAt: minutes(-1) }, { transactionalLock: true });
    let calls = 0;
    const tm = manager(store, async () => {
      calls += 1;
      throw failure;
    });
    const results = await Promise.allSettled([tm.accessToken(), tm.accessToken(), tm.accessToken()]);
    for (const r of results) expect(r.status === "rejected" && r.reason).toBeInstanceOf(ReconnectNeededError);
    await expect(tm.accessToken()).rejects.toBeInstanceOf(ReconnectNeededError);
    expect(calls).toBe(1);
    expect(store.events.filter((e) => e === "markReconnectNeeded")).toHaveLength(1);
    // The mark survives a lock implemented as a transaction (the error is thrown outside it).
    expect(store.status()).toBe("RECONNECT_NEEDED");
  });

  it("a refresh that never reached Procore, or that Procore answered with 5xx, is not a reconnect", async () => {
    const store = memoryStore({ accessToken: "a1", refreshToken: "r1", expiresAt: minutes(-1) });
    const failures = [new NetworkError("refused", { requestSent: false }), new ServerError("502", { status: 502 })];
    const tm = manager(store, async () => {
      const failure = failures.shift();
      if (failure) throw failure;
      return { accessToken: "a2", refreshToken: "r2", expiresAt: minutes(90) };
    });
    await expect(tm.accessToken()).rejects.toBeInstanceOf(NetworkError);
    await expect(tm.accessToken()).rejects.toBeInstanceOf(ServerError);
    expect(await tm.accessToken()).toBe("a2");
    expect(store.events).toEqual(["save:a2"]);
  });

  it("a reconnect (new tokens saved by sign-in) makes the connection usable again", async () => {
    const store = memoryStore({ accessToken: "a1", refreshToken: "r1", expiresAt: minutes(-1) });
    const tm = manager(store, async (rt) => {
      if (rt === "r1") throw new ReconnectNeededError("invalid_grant");
      return { accessToken: "a3", refreshToken: "r3", expiresAt: minutes(90) };
    });
    await expect(tm.accessToken()).rejects.toBeInstanceOf(ReconnectNeededError);
    await store.save({ accessToken: "b1", refreshToken: "s1", expiresAt: minutes(-1) });
    expect(await tm.accessToken()).toBe("a3");
  });
});
