import type { IncomingMessage } from "node:http";
import type { z } from "zod";

/** A response described as data, so the server can add headers, log it, or drop it after the change is made. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | null;
}

export function json(status: number, body: unknown, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}

export function html(status: number, markup: string, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { "Content-Type": "text/html; charset=utf-8", ...headers }, body: markup };
}

export function text(status: number, body: string, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers }, body };
}

export function redirect(location: string, headers: Record<string, string | string[]> = {}, status = 302): Reply {
  return { status, headers: { Location: location, ...headers }, body: null };
}

export function noContent(): Reply {
  return { status: 204, headers: {}, body: null };
}

export type FieldErrors = Record<string, string[]>;

/** Thrown anywhere below a handler; the server turns it into its reply. */
export class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

export const fail = {
  validation: (errors: FieldErrors, status = 400) => new HttpError(json(status, { errors })),
  notFound: (message = "Not Found") => new HttpError(json(404, { message })),
  message: (status: number, message: string) => new HttpError(json(status, { message })),
};

/** Rails-style messages, which is what Procore's `{"errors": {"field": ["msg"]}}` bodies carry. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return "can't be blank";
  if (issue.code === "too_small" && issue.origin === "string") return "can't be blank";
  if (issue.code === "invalid_format") return "is invalid";
  if (issue.code === "too_big" && issue.origin === "array") return `must contain at most ${String(issue.maximum)} items`;
  return issue.message;
}

/** Field keys drop the root wrapper (`{"vendor": {"name"}}` reports `name`), as Procore does. */
function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.length > 1 ? issue.path.slice(1) : issue.path;
    const key = path.length ? path.join(".") : "base";
    (errors[key] ??= []).push(issueMessage(issue));
  }
  return errors;
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, status = 400): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw fail.validation(fieldErrors(result.error), status);
  return result.data;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw fail.message(413, "Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Form fields of a multipart body. Only text parts matter here (the OAuth token endpoint accepts `curl -F`). */
function parseMultipart(raw: Buffer, boundary: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of raw.toString("latin1").split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const name = /name="([^"]*)"/.exec(part.slice(0, split))?.[1];
    if (name === undefined) continue;
    const value = part.slice(split + 4).replace(/\r\n$/, "");
    fields[name] = Buffer.from(value, "latin1").toString("utf8");
  }
  return fields;
}

/** JSON, x-www-form-urlencoded or multipart; an empty body is `undefined`. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
  }
  if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary="?([^";]+)"?/.exec(contentType ?? "")?.[1];
    if (!boundary) throw fail.message(400, "Malformed multipart body");
    return parseMultipart(raw, boundary);
  }
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw fail.message(400, "Malformed JSON in request body");
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (header ?? "").split(";")) {
    const eq = pair.indexOf("=");
    if (eq > 0) cookies[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return cookies;
}

export function escapeHtml(value: string | number): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The origin the client used, so absolute links (pagination) point back at the same host. */
export function requestOrigin(req: IncomingMessage): string {
  const proto = (req.headers["x-forwarded-proto"] as string | undefined)?.split(",")[0] ?? "http";
  return `${proto}://${req.headers.host ?? "localhost"}`;
}

interface Route<H> {
  method: string;
  parts: string[];
  statics: number;
  handler: H;
}

/** Path-pattern router; when several patterns match, the one with more literal segments wins (`/vendors/sync` over `/vendors/:id`). */
export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    const parts = pattern.split("/").filter(Boolean);
    this.routes.push({ method, parts, statics: parts.filter((p) => !p.startsWith(":")).length, handler });
    return this;
  }

  match(method: string, path: string): { handler: H; params: Record<string, string> } | null {
    let segments: string[];
    try {
      segments = path.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return null; // malformed percent-encoding matches nothing: a 404, not a crash
    }
    let best: { route: Route<H>; params: Record<string, string> } | null = null;
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = route.parts.every((part, i) => {
        if (part.startsWith(":")) {
          params[part.slice(1)] = segments[i]!;
          return true;
        }
        return part === segments[i];
      });
      if (ok && (!best || route.statics > best.route.statics)) best = { route, params };
    }
    return best && { handler: best.route.handler, params: best.params };
  }
}
