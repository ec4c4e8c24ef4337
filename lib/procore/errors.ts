import { z } from "zod";

/**
 * Typed Procore failures. Callers branch on the class (`instanceof NotFoundError`), the route guard maps them to
 * HTTP statuses, and the sync engine decides what is retriable. Messages name the method, path and Procore's own
 * words, never a token: request headers are not kept on the error, and bodies pass through `redact` first.
 */
export interface RequestContext {
  method: string;
  /** Path without the query string (queries can carry search terms; paths are enough to debug). */
  path: string;
  requestId?: string;
}

export class ProcoreError extends Error {
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, opts: { status?: number; context?: RequestContext; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.status = opts.status;
    this.method = opts.context?.method;
    this.path = opts.context?.path;
    this.requestId = opts.context?.requestId;
  }
}

/** 404: the record is missing or this user cannot see it (Procore answers 404, not 403, for invisible records). */
export class NotFoundError extends ProcoreError {}

/** 403: the user or app lacks a permission, or the tool is disabled in the project. */
export class ForbiddenError extends ProcoreError {}

/** 403 "App is not connected to this company": not installed yet, or uninstalled. Stop calling that company. */
export class AppNotInstalledError extends ForbiddenError {}

/** 401 that survived one refresh and one retry. */
export class UnauthorizedError extends ProcoreError {}

/** 409: a duplicate (user email, project role already assigned, origin_id clash). */
export class ConflictError extends ProcoreError {}

/** 400/422 with the field messages Procore gave, whatever body shape it used. */
export class ValidationError extends ProcoreError {
  /** Field name → messages; messages not tied to a field are under "base". */
  readonly fields: Record<string, string[]>;

  constructor(message: string, opts: { status: number; context?: RequestContext; fields: Record<string, string[]> }) {
    super(message, opts);
    this.fields = opts.fields;
  }
}

/** 429 after the client ran out of rate-limit retries. */
export class RateLimitedError extends ProcoreError {
  readonly resetAt: Date;

  constructor(message: string, opts: { context?: RequestContext; resetAt: Date }) {
    super(message, { status: 429, context: opts.context });
    this.resetAt = opts.resetAt;
  }
}

/** 5xx after the client ran out of retries. */
export class ServerError extends ProcoreError {}

/**
 * The request failed below HTTP. `requestSent: false` means the connection was never made (refused, DNS), so
 * nothing reached Procore; otherwise Procore may have acted on it even though no answer arrived.
 */
export class NetworkError extends ProcoreError {
  readonly requestSent: boolean;

  constructor(message: string, opts: { context?: RequestContext; cause?: unknown; requestSent: boolean }) {
    super(message, opts);
    this.requestSent = opts.requestSent;
  }
}

/** An OAuth endpoint answered with an RFC 6749 error (`invalid_client`, `invalid_grant` on a code exchange, ...). */
export class OAuthError extends ProcoreError {
  readonly code: string;

  constructor(message: string, opts: { status: number; code: string; context?: RequestContext }) {
    super(message, opts);
    this.code = opts.code;
  }
}

/**
 * The connection's refresh token is used up or revoked: only the customer can fix it, by signing in again.
 * The connection has been marked "reconnect needed" before this is thrown.
 */
export class ReconnectNeededError extends ProcoreError {
  readonly connectionId: string | undefined;

  constructor(message: string, opts: { connectionId?: string; cause?: unknown; status?: number } = {}) {
    super(message, opts);
    this.connectionId = opts.connectionId;
  }
}

const REDACTED = "[redacted]";

/** Replaces every occurrence of the given secrets (tokens, client secret) in text that came from outside. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // Short values would blank out ordinary words; real tokens and secrets are long.
    if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export interface ParsedErrorBody {
  message: string | undefined;
  fieldErrors: Record<string, string[]>;
  /** RFC 6749 `error` code from the OAuth endpoints. */
  oauthCode: string | undefined;
}

const messages = z.union([z.string().transform((s) => [s]), z.array(z.unknown()).transform((a) => a.map(String))]);

const v2Error = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  details: z
    .array(
      z.object({
        message: z.string().optional(),
        code: z.string().optional(),
        reason_code: z.string().optional(),
        // A field name, or a JSON:API-style pointer/parameter object.
        source: z.union([z.string(), z.object({ pointer: z.string().optional(), parameter: z.string().optional() })]).optional(),
      }),
    )
    .optional(),
});

// Every field optional: Procore's v1 error bodies are a union of these keys, not one fixed shape (API-FACTS §9).
const errorBody = z.object({
  message: z.string().optional(),
  reason: z.string().optional(),
  error_description: z.string().optional(),
  error: z.union([z.string(), v2Error]).optional(),
  errors: z.union([z.record(z.string(), messages), z.array(z.unknown()), z.string()]).optional(),
  fields: z.union([z.record(z.string(), messages), z.array(z.string())]).optional(),
});

type ErrorDetail = NonNullable<z.infer<typeof v2Error>["details"]>[number];

function detailField(detail: ErrorDetail): string {
  const src = detail.source;
  if (typeof src === "string") return src;
  const raw = src?.parameter ?? src?.pointer?.split("/").filter(Boolean).pop();
  return raw ?? "base";
}

/** Reads the message and per-field messages out of any of the body shapes listed in API-FACTS §9. */
export function parseErrorBody(text: string): ParsedErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Plain-text bodies (the 429 text, proxies' HTML) carry only a message.
    const trimmed = text.trim();
    return { message: trimmed ? trimmed.slice(0, 300) : undefined, fieldErrors: {}, oauthCode: undefined };
  }
  const parsed = errorBody.safeParse(json);
  if (!parsed.success) return { message: undefined, fieldErrors: {}, oauthCode: undefined };
  const body = parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  const add = (field: string, list: string[]) => {
    if (list.length) fieldErrors[field] = [...(fieldErrors[field] ?? []), ...list];
  };
  const generic: string[] = [];

  if (typeof body.errors === "string") generic.push(body.errors);
  else if (Array.isArray(body.errors)) generic.push(...body.errors.map(String));
  else if (body.errors) for (const [field, list] of Object.entries(body.errors)) add(field, list);

  if (Array.isArray(body.fields)) for (const field of body.fields) add(field, [body.message ?? "is invalid"]);
  else if (body.fields) for (const [field, list] of Object.entries(body.fields)) add(field, list);

  let message = body.message ?? body.error_description ?? body.reason;
  let oauthCode: string | undefined;
  if (typeof body.error === "string") {
    // `{"error": "invalid_grant", "error_description": ...}` (OAuth) or `{"error": "Not found"}` (v1).
    if (/^[a-z_]+$/.test(body.error)) oauthCode = body.error;
    message ??= body.error;
  } else if (body.error) {
    message ??= body.error.message;
    for (const detail of body.error.details ?? []) if (detail.message) add(detailField(detail), [detail.message]);
  }
  message ??= generic[0];
  if (generic.length) add("base", generic);
  return { message, fieldErrors, oauthCode };
}

function summarise(parsed: ParsedErrorBody): string {
  if (parsed.message) return parsed.message;
  const first = Object.entries(parsed.fieldErrors)[0];
  return first ? `${first[0]} ${first[1].join(", ")}` : "no details";
}

/**
 * The typed error for a non-2xx API response that will not be retried. `secrets` are scrubbed from the body first,
 * in case an endpoint echoes what it was sent.
 */
export function errorFromResponse(opts: {
  status: number;
  body: string;
  context: RequestContext;
  secrets: readonly (string | undefined)[];
  resetAt?: Date;
}): ProcoreError {
  const { status, context } = opts;
  const parsed = parseErrorBody(redact(opts.body, opts.secrets));
  const text = `Procore ${status} on ${context.method} ${context.path}: ${summarise(parsed)}`;
  switch (true) {
    case status === 400 || status === 422:
      return new ValidationError(text, { status, context, fields: parsed.fieldErrors });
    case status === 401:
      return new UnauthorizedError(text, { status, context });
    case status === 403:
      return /not connected to this company|not installed/i.test(parsed.message ?? "")
        ? new AppNotInstalledError(text, { status, context })
        : new ForbiddenError(text, { status, context });
    case status === 404:
      return new NotFoundError(text, { status, context });
    case status === 409:
      return new ConflictError(text, { status, context });
    case status === 429:
      return new RateLimitedError(text, { context, resetAt: opts.resetAt ?? new Date() });
    case status >= 500:
      return new ServerError(text, { status, context });
    default:
      return new ProcoreError(text, { status, context });
  }
}

// Failures that happen before any byte of the request reaches the server, so retrying cannot repeat an action.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

function errorCodes(err: unknown): string[] {
  if (!err || typeof err !== "object") return [];
  const codes: string[] = [];
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string") codes.push(code);
  if (cause) codes.push(...errorCodes(cause));
  // Happy-eyeballs connects fail with an AggregateError holding one error per address.
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner));
  return codes;
}

/** Wraps a fetch rejection, deciding whether the request may have reached Procore. */
export function toNetworkError(err: unknown, context: RequestContext): NetworkError {
  const codes = errorCodes(err);
  const requestSent = !(codes.length > 0 && codes.every((c) => NOT_SENT_CODES.has(c)));
  const reason = codes[0] ?? (err instanceof Error ? err.name : "unknown");
  return new NetworkError(`Network error on ${context.method} ${context.path} (${reason})`, { context, cause: err, requestSent });
}
