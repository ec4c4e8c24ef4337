import { createServer, type IncomingMessage, type Server } from "node:http";
import { z } from "zod";
import { adminRoutes } from "./admin";
import { apiRoutes } from "./api";
import { ParamError, StripeApiError } from "./errors";
import { API_VERSION } from "./events";
import { decodeForm, formList, parseParams, type FormObject } from "./form";
import { json, matchRoute, type RawResponse } from "./http";
import { pageRoutes } from "./pages";
import { expand } from "./render";
import type { Sandbox } from "./sandbox";
import { newId, now } from "./store";

const MAX_BODY_BYTES = 1_000_000;
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const expandParams = z.object({ expand: formList(z.string()).optional() });

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Stripe's 401s: a missing key and a wrong one (shown masked, as Stripe does). */
function authenticate(authorization: string | undefined, secretKey: string): StripeApiError | undefined {
  if (!authorization) {
    return new StripeApiError(
      401,
      "invalid_request_error",
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
  const basic = /^Basic\s+(.+)$/i.exec(authorization)?.[1];
  const provided = bearer ?? (basic ? Buffer.from(basic, "base64").toString("utf8").split(":")[0] : authorization);
  if (provided === secretKey) return undefined;
  const masked = provided.length > 12 ? `${provided.slice(0, 8)}${"*".repeat(provided.length - 12)}${provided.slice(-4)}` : "****";
  return new StripeApiError(401, "invalid_request_error", `Invalid API Key provided: ${masked}`);
}

function apiError(err: unknown): { status: number; body: object; replayable: boolean } {
  if (err instanceof StripeApiError) {
    // Stripe stores no idempotent result when parameters failed validation or the server failed.
    return { status: err.status, body: err.toBody(), replayable: !(err instanceof ParamError) && err.status < 500 };
  }
  console.error("stripe sandbox: unexpected error", err);
  const body = new StripeApiError(500, "api_error", "An unknown error occurred in the Stripe sandbox.").toBody();
  return { status: 500, body, replayable: false };
}

/**
 * A `/v1` request, the way Stripe handles it: authenticate, decode the form, replay or refuse a
 * reused Idempotency-Key, run the endpoint, apply `expand[]`, answer with a Request-Id.
 */
function handleApi(sandbox: Sandbox, req: IncomingMessage, url: URL, body: string): RawResponse {
  const method = req.method ?? "GET";
  const requestId = newId("req", 14);
  const idempotencyKey = method === "POST" ? (header(req, "idempotency-key") ?? null) : null;
  let params: FormObject | null = null;
  const finish = (status: number, payload: object, replayed = false, extraHeaders: Record<string, string> = {}) => {
    sandbox.logRequest({ method, path: url.pathname, status, requestId, idempotencyKey, replayed, params });
    return json(status, payload, { "Request-Id": requestId, "Stripe-Version": API_VERSION, ...extraHeaders });
  };

  const authError = authenticate(header(req, "authorization"), sandbox.config.secretKey);
  if (authError) return finish(authError.status, authError.toBody());

  const fingerprint = `${method} ${url.pathname} ${body}`;
  const stored = idempotencyKey ? sandbox.store.idempotency.get(idempotencyKey) : undefined;
  // Stripe forgets idempotency keys after 24 hours; so does the sandbox (they persist with its state).
  const saved = stored && stored.created > now() - IDEMPOTENCY_TTL_SECONDS ? stored : undefined;
  if (saved && saved.fingerprint !== fingerprint) {
    const err = new StripeApiError(
      400,
      "idempotency_error",
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
    );
    return finish(err.status, err.toBody());
  }
  if (saved) {
    return finish(saved.status, JSON.parse(saved.body) as object, true, {
      "Idempotent-Replayed": "true",
      "Original-Request": saved.requestId,
    });
  }

  let status = 200;
  let payload: object;
  let replayable = true;
  try {
    params = decodeForm(method === "POST" ? body : url.search.slice(1));
    const match = matchRoute(apiRoutes, method, url.pathname);
    if (!match) {
      throw new StripeApiError(
        404,
        "invalid_request_error",
        `Unrecognized request URL (${method}: ${url.pathname}). The Stripe sandbox emulates a subset of the API; see emulators/stripe/README.md.`,
      );
    }
    const { expand: expandPaths, ...rest } = params;
    const paths = parseParams(expandParams, { expand: expandPaths }).expand ?? [];
    const run = () => {
      const result = match.handler({ sandbox, params: rest, path: match.params, request: { id: requestId, idempotencyKey } });
      return expand(sandbox, result, paths);
    };
    payload = method === "GET" ? run() : sandbox.atomically(run);
  } catch (err) {
    ({ status, body: payload, replayable } = apiError(err));
  }
  if (idempotencyKey && replayable) {
    sandbox.store.idempotency.set(idempotencyKey, {
      id: idempotencyKey,
      created: now(),
      fingerprint,
      status,
      body: JSON.stringify(payload),
      requestId,
    });
  }
  return finish(status, payload);
}

function handleAdmin(sandbox: Sandbox, req: IncomingMessage, url: URL, body: string): RawResponse {
  const match = matchRoute(adminRoutes, req.method ?? "GET", url.pathname);
  if (!match) return json(404, { error: { message: `No admin route ${req.method} ${url.pathname}` } });
  try {
    const input: unknown = body ? JSON.parse(body) : {};
    const run = () => match.handler({ sandbox, path: match.params, body: input });
    return req.method === "GET" ? run() : sandbox.atomically(run);
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof z.ZodError) {
      return json(400, { error: { type: "invalid_request_error", message: err.message } });
    }
    if (err instanceof StripeApiError) return json(err.status, err.toBody());
    throw err;
  }
}

function handlePage(sandbox: Sandbox, req: IncomingMessage, url: URL, body: string): RawResponse {
  const method = req.method ?? "GET";
  const match = matchRoute(pageRoutes, method, url.pathname);
  let response: RawResponse;
  if (!match) response = json(404, { error: { message: `Not found: ${url.pathname}` } });
  else if (method === "GET") response = match.handler({ sandbox, path: match.params, form: {} });
  else response = sandbox.atomically(() => match.handler({ sandbox, path: match.params, form: decodeForm(body) }));
  sandbox.logRequest({
    method,
    path: url.pathname,
    status: response.status,
    requestId: null,
    idempotencyKey: null,
    replayed: false,
    params: null,
  });
  return response;
}

export function createSandboxServer(sandbox: Sandbox): Server {
  return createServer((req, res) => {
    const send = (response: RawResponse) => {
      res.writeHead(response.status, response.headers);
      res.end(response.body);
    };
    const url = new URL(req.url ?? "/", "http://sandbox");
    readBody(req)
      .then((body) => {
        let response: RawResponse;
        if (url.pathname === "/health") response = json(200, { ok: true });
        else if (url.pathname.startsWith("/v1/")) response = handleApi(sandbox, req, url, body);
        else if (url.pathname.startsWith("/__admin/")) response = handleAdmin(sandbox, req, url, body);
        else response = handlePage(sandbox, req, url, body);
        if (req.method !== "GET") sandbox.store.changed();
        send(response);
      })
      .catch((err: unknown) => {
        if (err instanceof BodyTooLarge) return send(json(413, { error: { message: "Request body too large" } }));
        if (err instanceof StripeApiError) return send(json(err.status, err.toBody()));
        console.error("stripe sandbox: unexpected error", err);
        send(json(500, new StripeApiError(500, "api_error", "An unknown error occurred in the Stripe sandbox.").toBody()));
      });
  });
}
