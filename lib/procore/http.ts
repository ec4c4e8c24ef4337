import type { Logger } from "pino";
import { z } from "zod";
import {
  errorFromResponse,
  NetworkError,
  ProcoreError,
  RateLimitedError,
  ServerError,
  toNetworkError,
  type RequestContext,
} from "./errors";
import { backoffDelay, parseRateLimitHeaders, parseRetryAfter, RateLimiter, type Sleep } from "./rate-limit";
import type { TokenManager } from "./tokens";

type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Record<string, QueryValue>;
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiRequest {
  method: Method;
  /** Path on the API host, e.g. `/rest/v1.0/projects`. */
  path: string;
  query?: Query | URLSearchParams;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * Whether sending it twice is harmless. Defaults to true except for POST. A non-idempotent request is not
   * retried after a network error that may have reached Procore (it could have been created already).
   */
  idempotent?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpOptions {
  apiUrl: string;
  connectionId: string;
  companyId: string | undefined;
  tokens: TokenManager;
  limiter: RateLimiter;
  logger: Logger;
  sleep: Sleep;
  /** Retries after 5xx and network errors. */
  maxRetries: number;
  /** Retries after 429; each one first waits as long as Procore asked. */
  maxRateLimitRetries: number;
  backoffBaseMs: number;
  onRateLimitWait?: (untilMs: number) => void;
}

const BACKOFF_MAX_MS = 30_000;
// A request that hangs holds a sync run forever; Procore itself answers 408 to slow requests.
const REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_PER_PAGE = 100;

/** `Link: <url>; rel="next", <url>; rel="last"` → `{ next: url, last: url }`. */
export function parseLinkHeader(value: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!value) return links;
  for (const match of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? "")?.[1];
    // One link may carry several relations: rel="next last".
    for (const name of rel?.trim().split(/\s+/) ?? []) links[name.toLowerCase()] = match[1] ?? "";
  }
  return links;
}

function toSearchParams(query: Query | URLSearchParams | undefined): URLSearchParams {
  if (query instanceof URLSearchParams) return query;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  return params;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/**
 * The request core for one connection (and optionally one company): auth, company header, rate limiting,
 * retries, the 401 refresh, JSON, pagination and logging. Resource modules build on `request`, `send` and `pages`.
 */
export class ProcoreHttp {
  constructor(private readonly opts: HttpOptions) {}

  get connectionId(): string {
    return this.opts.connectionId;
  }

  get companyId(): string | undefined {
    return this.opts.companyId;
  }

  /** The same connection (tokens, rate limit) scoped to another company. */
  withCompany(companyId: string): ProcoreHttp {
    return new ProcoreHttp({ ...this.opts, companyId });
  }

  /** Sends and parses the JSON answer with `schema`. */
  async request<S extends z.ZodType>(req: ApiRequest, schema: S): Promise<z.output<S>> {
    return this.parse(req, await this.send(req), schema);
  }

  /** Every item of a paginated list, fetched page by page as the caller consumes them. */
  async *pages<S extends z.ZodType>(req: { path: string; query?: Query; perPage?: number }, item: S): AsyncGenerator<z.output<S>> {
    const perPage = req.perPage ?? DEFAULT_PER_PAGE;
    let page = 1;
    let query: Query | URLSearchParams = { ...req.query, page, per_page: perPage };
    let path = req.path;
    for (;;) {
      const pageReq: ApiRequest = { method: "GET", path, query };
      const res = await this.send(pageReq);
      const items = this.parse(pageReq, res, z.array(item));
      yield* items;
      const next = parseLinkHeader(res.headers.get("link")).next;
      if (next) {
        // Only the path and query are taken: the bearer token never goes to a host other than apiUrl.
        const url = new URL(next, this.opts.apiUrl);
        path = url.pathname;
        query = url.searchParams;
        page = Number(url.searchParams.get("page") ?? page + 1);
        continue;
      }
      if (items.length === 0) return;
      const total = Number(res.headers.get("total") ?? NaN);
      // Procore may cap per_page below what we asked for; Per-Page says what it used.
      const used = Number(res.headers.get("per-page") ?? perPage);
      const more = Number.isFinite(total) ? page * used < total : items.length >= used;
      if (!more) return;
      page += 1;
      path = req.path;
      query = { ...req.query, page, per_page: perPage };
    }
  }

  /** Sends with auth, rate limiting and retries; resolves with any 2xx, throws a typed error otherwise. */
  async send(req: ApiRequest): Promise<RawResponse> {
    const { opts } = this;
    const context: RequestContext = { method: req.method, path: req.path };
    const url = new URL(req.path, opts.apiUrl);
    url.search = toSearchParams(req.query).toString();
    const idempotent = req.idempotent ?? req.method !== "POST";
    let failures = 0;
    let rateLimits = 0;
    let refreshed = false;

    // Waits before the next try after a failure with no usable answer, or throws it when retrying is not allowed.
    const retryOrThrow = async (error: ProcoreError, started: number): Promise<void> => {
      if (!this.retriable(error, idempotent) || failures >= opts.maxRetries) throw error;
      failures += 1;
      const delay = backoffDelay(failures, { baseMs: opts.backoffBaseMs, maxMs: BACKOFF_MAX_MS });
      this.log("warn", context, { error: error.name, ms: Date.now() - started, retryInMs: delay }, "procore request failed, retrying");
      await opts.sleep(delay);
    };

    for (;;) {
      await opts.limiter.acquire(opts.sleep, (until) => {
        opts.logger.info({ connectionId: opts.connectionId, waitMs: until - Date.now() }, "waiting for Procore rate limit");
        opts.onRateLimitWait?.(until);
      });
      const started = Date.now();
      let token: string;
      try {
        token = await opts.tokens.accessToken();
      } catch (err) {
        // Store failures (database down) are not Procore's and go straight up.
        if (!(err instanceof ProcoreError)) throw err;
        await retryOrThrow(err, started);
        continue;
      }
      let res: Response;
      try {
        res = await fetch(url, {
          method: req.method,
          headers: this.headers(token, req.body !== undefined),
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (err) {
        await retryOrThrow(toNetworkError(err, context), started);
        continue;
      }

      const ms = Date.now() - started;
      const text = await res.text();
      context.requestId = res.headers.get("x-request-id") ?? undefined;
      opts.limiter.observe(parseRateLimitHeaders(res.headers));
      this.log(res.status >= 500 || res.status === 429 ? "warn" : "debug", context, { status: res.status, ms }, "procore request");
      if (res.ok) return { status: res.status, headers: res.headers, text };

      const now = Date.now();
      const retryAfter = parseRetryAfter(res.headers.get("retry-after"), now);
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        opts.tokens.reject(token);
        continue;
      }
      if (res.status === 429) {
        const reading = parseRateLimitHeaders(res.headers);
        const resetAt = retryAfter ?? (reading && reading.resetAt > now ? reading.resetAt : undefined);
        if (rateLimits >= opts.maxRateLimitRetries) {
          throw new RateLimitedError(`Procore rate limit on ${req.method} ${req.path}: gave up after ${rateLimits} waits`, {
            context,
            resetAt: new Date(resetAt ?? now),
          });
        }
        rateLimits += 1;
        const backoff = now + backoffDelay(rateLimits, { baseMs: opts.backoffBaseMs, maxMs: BACKOFF_MAX_MS });
        opts.limiter.block(Math.max(resetAt ?? 0, backoff));
        continue;
      }
      if (res.status >= 500 && failures < opts.maxRetries) {
        failures += 1;
        const delay = Math.max(backoffDelay(failures, { baseMs: opts.backoffBaseMs, maxMs: BACKOFF_MAX_MS }), (retryAfter ?? 0) - now);
        await opts.sleep(delay);
        continue;
      }
      throw errorFromResponse({ status: res.status, body: text, context, secrets: [token] });
    }
  }

  private headers(token: string, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (this.opts.companyId) headers["Procore-Company-Id"] = this.opts.companyId;
    if (hasBody) headers["Content-Type"] = "application/json";
    return headers;
  }

  private retriable(error: ProcoreError, idempotent: boolean): boolean {
    if (error instanceof NetworkError) return idempotent || !error.requestSent;
    // From the token endpoint during a refresh: Procore answered, so the refresh token was not spent.
    return error instanceof ServerError || error instanceof RateLimitedError;
  }

  /** Parses a response body from `send` (for callers that also need the status or headers). */
  parse<S extends z.ZodType>(req: ApiRequest, res: RawResponse, schema: S): z.output<S> {
    let json: unknown;
    try {
      json = res.text === "" ? undefined : JSON.parse(res.text);
    } catch {
      throw new ProcoreError(`Procore sent invalid JSON on ${req.method} ${req.path}`, { status: res.status });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ProcoreError(`Unexpected Procore response on ${req.method} ${req.path}: ${describeIssues(parsed.error)}`, {
        status: res.status,
      });
    }
    return parsed.data;
  }

  private log(level: "debug" | "warn", context: RequestContext, fields: Record<string, unknown>, msg: string): void {
    this.opts.logger[level](
      { connectionId: this.opts.connectionId, companyId: this.opts.companyId, method: context.method, path: context.path, ...fields },
      msg,
    );
  }
}

/** Drains an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
