import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { handleAdmin } from "./admin.ts";
import { HttpError, json, parseBody, parseCookies, readBody, redirect, requestOrigin, Router, text, type Reply } from "./http.ts";
import { install, marketplace, uninstall } from "./marketplace.ts";
import { projectHome } from "./project-home.ts";
import { authorize, bearerToken, clientCredentials, decide, INVALID_ACCESS_TOKEN, INVALID_TOKEN_HEADER, liveToken, revoke, token, tokenInfo } from "./oauth.ts";
import { showSignIn, signIn, signOut, type PageHandler } from "./pages.ts";
import { SERVICE_ACCOUNT_USER_ID } from "./rest/companies.ts";
import { companyFromHeader, type ApiRoute } from "./rest/context.ts";
import { createApiRouter } from "./rest/index.ts";
import type { Sandbox } from "./sandbox.ts";

const RATE_LIMIT_MESSAGE = "You have surpassed the max number of requests for an hour. Please wait until your limit resets.";

/** The `errorRate` fault's answers; factories, because the API path adds headers to the reply it gets. */
const INJECTED_ERRORS: (() => Reply)[] = [
  () => json(500, { message: "Internal Server Error" }),
  () => json(502, { message: "Bad Gateway" }),
  () => json(503, { message: "Service Unavailable" }, { "Retry-After": "1" }),
];

async function toReply(produce: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await produce();
  } catch (error) {
    if (error instanceof HttpError) return error.reply;
    console.error("procore sandbox: unexpected error", error);
    return json(500, { message: "Internal Server Error" });
  }
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body ?? undefined);
}

const asRecord = (body: unknown): Record<string, unknown> =>
  body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

/** A body parses once per request; a malformed one answers 400 where the body is used. */
type ParsedBody = { value: unknown } | { error: Reply };

function parseOnce(raw: Buffer, contentType: string | undefined): ParsedBody {
  try {
    return { value: parseBody(raw, contentType) };
  } catch (error) {
    if (error instanceof HttpError) return { error: error.reply };
    throw error;
  }
}

function bodyOf(parsed: ParsedBody): unknown {
  if ("error" in parsed) throw new HttpError(parsed.error);
  return parsed.value;
}

/** The app behind a request: the owner of its bearer token, or the client authenticating at the token endpoint. */
function requestClientId(sb: Sandbox, req: IncomingMessage, parsed: ParsedBody): string | null {
  const bearer = bearerToken(req);
  if (bearer) return sb.store.t.tokens.get(bearer)?.client_id ?? null;
  const { id } = clientCredentials(req, "value" in parsed ? asRecord(parsed.value) : {});
  return typeof id === "string" ? id : null;
}

/** One handler for both "hosts": OAuth and Marketplace pages (login host) and `/rest` (API host) share the port. */
export function createRequestHandler(sb: Sandbox): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const api = createApiRouter();
  const pages = new Router<PageHandler>()
    .add("GET", "/oauth/authorize", authorize)
    .add("POST", "/oauth/authorize", decide)
    .add("POST", "/oauth/token", token)
    .add("GET", "/oauth/token/info", tokenInfo)
    .add("POST", "/oauth/revoke", revoke)
    .add("GET", "/sign_in", showSignIn)
    .add("POST", "/sign_in", signIn)
    .add("POST", "/sign_out", signOut)
    .add("GET", "/", () => redirect("/marketplace"))
    .add("GET", "/marketplace", marketplace)
    .add("POST", "/marketplace/install", install)
    .add("POST", "/marketplace/uninstall", uninstall)
    .add("GET", "/:projectId/project/home", projectHome);

  const injectedError = (): Reply | null =>
    sb.faults.errorRate > 0 && Math.random() < sb.faults.errorRate ? INJECTED_ERRORS[Math.floor(Math.random() * INJECTED_ERRORS.length)]!() : null;

  async function apiReply(req: IncomingMessage, url: URL, parsed: ParsedBody, rateLimited: boolean): Promise<Reply> {
    if (rateLimited) return text(429, RATE_LIMIT_MESSAGE);
    const fault = injectedError();
    if (fault) return fault;
    const match = api.match(req.method ?? "GET", url.pathname);
    if (!match) return json(404, { message: `No route matches ${req.method} ${url.pathname}` });
    const live = liveToken(sb.store, bearerToken(req));
    if (!live) return json(401, { message: INVALID_ACCESS_TOKEN }, { "WWW-Authenticate": INVALID_TOKEN_HEADER });
    const route: ApiRoute = match.handler;
    const header = req.headers["procore-company-id"] as string | undefined;
    const company = route.companyHeader === "always" || live.user_id === null ? companyFromHeader(sb.store, live, header) : null;
    return route.handler({
      store: sb.store,
      url,
      query: url.searchParams,
      origin: requestOrigin(req),
      params: match.params,
      body: bodyOf(parsed),
      token: live,
      actor: { userId: live.user_id ?? SERVICE_ACCOUNT_USER_ID, clientId: live.client_id },
      company,
    });
  }

  /** Rate limiting wraps everything on the API host: every call counts, and every answer carries the headers. */
  async function handleApi(req: IncomingMessage, url: URL, parsed: ParsedBody): Promise<Reply> {
    const bearer = bearerToken(req);
    const verdict = sb.limiter.hit(bearer ?? `anonymous:${req.socket.remoteAddress}`);
    const headers = { ...verdict.headers };
    let limited = verdict.limited;
    if (sb.faults.rateLimitStorm > 0) {
      sb.faults.rateLimitStorm -= 1;
      limited = true;
      headers["X-Rate-Limit-Remaining"] = "0";
      headers["Retry-After"] ??= String(Math.max(1, Number(headers["X-Rate-Limit-Reset"]) - Math.floor(Date.now() / 1000)));
    }
    const reply = await toReply(() => apiReply(req, url, parsed, limited));
    Object.assign(reply.headers, headers);
    return reply;
  }

  async function handlePage(req: IncomingMessage, url: URL, parsed: ParsedBody): Promise<Reply> {
    const fault = injectedError();
    if (fault) return fault;
    const match = pages.match(req.method ?? "GET", url.pathname);
    if (!match) return json(404, { message: `No route matches ${req.method} ${url.pathname}` });
    return match.handler({ sb, req, url, body: asRecord(bodyOf(parsed)), cookies: parseCookies(req.headers.cookie) });
  }

  return async (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (path === "/health") return send(res, json(200, { ok: true }));
    let parsed: ParsedBody;
    try {
      parsed = parseOnce(await readBody(req), req.headers["content-type"]);
    } catch (error) {
      return send(res, error instanceof HttpError ? error.reply : json(400, { message: "Could not read the request body" }));
    }
    if (path.startsWith("/__admin/")) return send(res, await toReply(() => handleAdmin(sb, method, url, bodyOf(parsed))));

    if (sb.faults.latencyMs > 0) await sleep(sb.faults.latencyMs);
    const isApi = path.startsWith("/rest/");
    const reply = isApi ? await handleApi(req, url, parsed) : await toReply(() => handlePage(req, url, parsed));
    if (method !== "GET") sb.persist();

    if (isApi || path.startsWith("/oauth/")) {
      sb.logRequest({
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        status: reply.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        at: new Date().toISOString(),
        tokenClientId: requestClientId(sb, req, parsed),
      });
    }

    const drop = sb.faults.dropResponseAfterCommit;
    if (drop && path.includes(drop.pathContains)) {
      drop.count -= 1;
      if (drop.count <= 0) sb.faults.dropResponseAfterCommit = null;
      req.socket.destroy();
      return;
    }
    send(res, reply);
  };
}
