import http from "node:http";
import { APP_PORT } from "./env";

/*
 * A raw HTTP client for the security spec: any method, any header (Origin, Cookie, a broken Content-Type), any body
 * bytes, no redirect following, no cookie jar. Requests go to 127.0.0.1 with the Host of APP_URL, optionally from a
 * chosen loopback source address, so tests that trip the per-IP rate limiter do it from an address of their own and
 * leave 127.0.0.1 (the browser's) alone.
 */

export interface RawRequest {
  method: string;
  /** Path and query, sent as is (so it may carry malformed percent-encoding). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Source address, e.g. "127.0.0.7". */
  from?: string;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
  ms: number;
}

const agents = new Map<string, http.Agent>();

function agentFor(from: string | undefined): http.Agent {
  const key = from ?? "";
  let agent = agents.get(key);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: 64, ...(from ? { localAddress: from } : {}) });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Connection-level failures that say nothing about the app: a keep-alive socket the server closed just as we reused
 * it, a loaded machine refusing for a moment. Retried a few times; an HTTP answer, whatever its status, never is.
 */
const TRANSIENT = /ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|ETIMEDOUT|EADDRNOTAVAIL/;

export async function send(req: RawRequest): Promise<RawResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce(req);
    } catch (err) {
      if (attempt >= 4 || !TRANSIENT.test(String((err as Error).message ?? err) + String((err as NodeJS.ErrnoException).code ?? ""))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

function sendOnce(req: RawRequest): Promise<RawResponse> {
  const started = Date.now();
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, "utf8");
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: "127.0.0.1",
        port: APP_PORT,
        method: req.method,
        path: req.path,
        agent: agentFor(req.from),
        headers: {
          host: `localhost:${APP_PORT}`,
          ...(body ? { "content-length": String(body.length) } : {}),
          ...req.headers,
        },
        timeout: req.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          if ((res.headers["content-type"] ?? "").includes("json")) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: Date.now() - started });
        });
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error(`timeout: ${req.method} ${req.path.slice(0, 200)}`)));
    r.on("error", reject);
    if (body) r.write(body);
    r.end();
  });
}

/** Runs `fn` over `items`, `concurrency` at a time, in order of completion; answers the results in input order. */
export async function inChunks<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

/** The `error` message of a JSON error answer, or null when the answer has none. */
export function errorMessage(res: RawResponse): string | null {
  const e = (res.json as { error?: unknown } | undefined)?.error;
  return typeof e === "string" && e.trim().length > 0 ? e : null;
}

export function closeAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}
