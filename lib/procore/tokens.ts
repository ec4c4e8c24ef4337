import type { Logger } from "pino";
import { NetworkError, ReconnectNeededError } from "./errors";
import type { TokenSet } from "./oauth";

/**
 * Where a connection's tokens live. The app implements it with the database (tokens encrypted at rest) and
 * `withRefreshLock` with a PostgreSQL lock, so two processes never refresh one connection at once. `save` and
 * `markReconnectNeeded` are called inside `withRefreshLock`, and the lock's callback returns normally in both
 * cases, so a lock held by a transaction commits them.
 */
export interface TokenStore {
  load(): Promise<TokenSet>;
  save(tokens: TokenSet): Promise<void>;
  markReconnectNeeded(): Promise<void>;
  withRefreshLock?<T>(fn: () => Promise<T>): Promise<T>;
}

// Per process, keyed by connection id, so clients created per request still share one refresh.
const refreshesInFlight = new Map<string, Promise<TokenSet>>();
// Refresh tokens this process saw die. Refresh tokens are single-use, so sending one again can only fail,
// and the connection is already marked; a reconnect stores a new refresh token, which is not in here.
const spentRefreshTokens = new Map<string, string>();

export interface TokenManagerOptions {
  connectionId: string;
  store: TokenStore;
  /** Spends a refresh token at Procore (oauth.refreshTokens bound to the app's credentials). */
  refresh: (refreshToken: string) => Promise<TokenSet>;
  /** Refresh this long before expiry rather than wait for a 401. */
  refreshBeforeExpiryMs: number;
  logger: Logger;
}

/**
 * Hands out a valid access token for one connection and refreshes it under these rules:
 * one refresh at a time per connection (in-process single flight, inside the store's lock when it has one);
 * re-read the tokens after taking the lock and use them if someone else already refreshed;
 * persist new tokens before anyone uses them (Procore has already killed the old refresh token);
 * and a refresh that is refused (invalid_grant) or whose answer is lost marks the connection "reconnect needed"
 * instead of trying again with a refresh token that may already be spent.
 */
export class TokenManager {
  private current: TokenSet | undefined;
  private rejected: string | undefined;

  constructor(private readonly opts: TokenManagerOptions) {}

  async accessToken(): Promise<string> {
    this.current ??= await this.opts.store.load();
    const tokens = this.current;
    if (tokens.accessToken !== this.rejected && this.isFresh(tokens)) return tokens.accessToken;
    return (await this.refresh(tokens.accessToken)).accessToken;
  }

  /** Procore answered 401 to this token: the next `accessToken()` refreshes (or picks up someone else's refresh). */
  reject(accessToken: string): void {
    this.rejected = accessToken;
  }

  private async refresh(stale: string): Promise<TokenSet> {
    const { connectionId } = this.opts;
    let flight = refreshesInFlight.get(connectionId);
    if (!flight) {
      flight = this.refreshLocked(stale).finally(() => refreshesInFlight.delete(connectionId));
      refreshesInFlight.set(connectionId, flight);
    }
    this.current = await flight;
    return this.current;
  }

  private async refreshLocked(stale: string): Promise<TokenSet> {
    const { store } = this.opts;
    const outcome = store.withRefreshLock ? await store.withRefreshLock(() => this.refreshNow(stale)) : await this.refreshNow(stale);
    // Thrown only after the lock is released: a lock held by a database transaction would roll back
    // markReconnectNeeded if the error went through it.
    if (outcome instanceof ReconnectNeededError) throw outcome;
    return outcome;
  }

  private async refreshNow(stale: string): Promise<TokenSet | ReconnectNeededError> {
    const { store, connectionId, logger } = this.opts;
    const latest = await store.load();
    if (latest.accessToken !== stale && this.isFresh(latest)) return latest;
    if (spentRefreshTokens.get(connectionId) === latest.refreshToken) {
      return new ReconnectNeededError("This Procore connection needs to be reconnected", { connectionId });
    }
    let next: TokenSet;
    try {
      next = await this.opts.refresh(latest.refreshToken);
    } catch (err) {
      const refused = err instanceof ReconnectNeededError;
      const answerLost = err instanceof NetworkError && err.requestSent;
      if (!refused && !answerLost) throw err;
      spentRefreshTokens.set(connectionId, latest.refreshToken);
      await store.markReconnectNeeded();
      logger.warn({ connectionId, reason: refused ? "invalid_grant" : "refresh response lost" }, "procore connection needs reconnect");
      return new ReconnectNeededError(
        refused
          ? "Procore refused the refresh token: the connection must be reconnected"
          : "The token refresh reached Procore but its answer was lost; the old refresh token may be spent, so the connection must be reconnected",
        { connectionId, cause: err },
      );
    }
    await store.save(next);
    logger.info({ connectionId, expiresAt: next.expiresAt.toISOString() }, "procore tokens refreshed");
    return next;
  }

  private isFresh(tokens: TokenSet): boolean {
    return tokens.expiresAt.getTime() - Date.now() > this.opts.refreshBeforeExpiryMs;
  }
}
