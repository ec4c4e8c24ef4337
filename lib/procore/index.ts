import pino, { type Logger } from "pino";
import { ProcoreHttp } from "./http";
import { refreshTokens, type OAuthConfig } from "./oauth";
import { RateLimiter, type Sleep } from "./rate-limit";
import { accountResource } from "./resources/account";
import { locationsResource } from "./resources/locations";
import { projectsResource } from "./resources/projects";
import { rolesResource } from "./resources/roles";
import { scheduleResource } from "./resources/schedule";
import { usersResource } from "./resources/users";
import { vendorsResource } from "./resources/vendors";
import { webhooksResource } from "./resources/webhooks";
import { TokenManager, type TokenStore } from "./tokens";

export interface ProcoreClientConfig extends OAuthConfig {
  apiUrl: string;
  tokenStore: TokenStore;
  /** Identifies the stored connection: refreshes and the rate-limit budget are shared per connection in this process. */
  connectionId: string;
  /** Sent as Procore-Company-Id; company-scoped calls need it (or `withCompany`). */
  companyId?: string;
  logger?: Logger;
  /** Injected by tests so backoff and rate-limit waits take no real time. */
  sleep?: Sleep;
  /** Retries after 5xx and network errors (default 4). */
  maxRetries?: number;
  /** Retries after 429, each after waiting as Procore asks (default 10). */
  maxRateLimitRetries?: number;
  /** Called with the epoch ms the client waits until, so the sync UI can say "waiting for Procore rate limit". */
  onRateLimitWait?: (untilMs: number) => void;
  /** Refresh this long before the access token expires (default 2 minutes). */
  refreshBeforeExpiryMs?: number;
}

// First retry after 0.25–0.5 s, doubling from there (capped in http.ts).
const BACKOFF_BASE_MS = 500;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = pino({ level: "silent" });

// The quota belongs to the token, so every client for one connection in this process shares one limiter.
// Bounded so short-lived connection ids (sign-in) do not accumulate.
const limiters = new Map<string, RateLimiter>();
const MAX_LIMITERS = 10_000;

function limiterFor(connectionId: string): RateLimiter {
  let limiter = limiters.get(connectionId);
  if (!limiter) {
    if (limiters.size >= MAX_LIMITERS) limiters.delete(limiters.keys().next().value as string);
    limiter = new RateLimiter();
    limiters.set(connectionId, limiter);
  }
  return limiter;
}

function resources(http: ProcoreHttp) {
  return {
    ...accountResource(http),
    projects: projectsResource(http),
    locations: locationsResource(http),
    vendors: vendorsResource(http),
    users: usersResource(http),
    roles: rolesResource(http),
    schedule: scheduleResource(http),
    webhooks: webhooksResource(http),
  };
}

/** Every Procore call the product makes, bound to one connection and optionally one company. */
export interface ProcoreClient extends ReturnType<typeof resources> {
  readonly connectionId: string;
  /** The company sent as Procore-Company-Id; company-scoped calls throw without one. */
  readonly companyId: string | undefined;
  /** The same connection (tokens, rate-limit budget) acting on another company. */
  withCompany(companyId: string): ProcoreClient;
}

function bind(http: ProcoreHttp): ProcoreClient {
  return {
    ...resources(http),
    connectionId: http.connectionId,
    companyId: http.companyId,
    withCompany: (companyId) => bind(http.withCompany(companyId)),
  };
}

export function createProcoreClient(config: ProcoreClientConfig): ProcoreClient {
  const logger = config.logger ?? silent;
  const oauth: OAuthConfig = { loginUrl: config.loginUrl, clientId: config.clientId, clientSecret: config.clientSecret };
  const tokens = new TokenManager({
    connectionId: config.connectionId,
    store: config.tokenStore,
    refresh: (refreshToken) => refreshTokens(oauth, { refreshToken }),
    refreshBeforeExpiryMs: config.refreshBeforeExpiryMs ?? 120_000,
    logger,
  });
  return bind(
    new ProcoreHttp({
      apiUrl: config.apiUrl,
      connectionId: config.connectionId,
      companyId: config.companyId,
      tokens,
      limiter: limiterFor(config.connectionId),
      logger,
      sleep: config.sleep ?? realSleep,
      maxRetries: config.maxRetries ?? 4,
      maxRateLimitRetries: config.maxRateLimitRetries ?? 10,
      backoffBaseMs: BACKOFF_BASE_MS,
      onRateLimitWait: config.onRateLimitWait,
    }),
  );
}

export {
  AppNotInstalledError,
  ConflictError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  OAuthError,
  ProcoreError,
  RateLimitedError,
  ReconnectNeededError,
  ServerError,
  UnauthorizedError,
  ValidationError,
} from "./errors";
export type { TokenSet, TokenInfo, OAuthConfig } from "./oauth";
export type { TokenStore } from "./tokens";
export type * from "./schemas";
export type { LocationInput, LocationListOptions } from "./resources/locations";
export { SYNC_BATCH_LIMIT } from "./resources/shared";
export type { ProjectListOptions } from "./resources/projects";
export type { ScheduleTaskCreate, ScheduleTaskFields, ScheduleTaskSyncItem } from "./resources/schedule";
export type { UserCreate, UserFields, UserListOptions, UserSyncItem } from "./resources/users";
export type { VendorCreate, VendorFields, VendorListOptions, VendorSyncItem } from "./resources/vendors";
export type { HookInput, TriggerInput, WebhookScope } from "./resources/webhooks";
