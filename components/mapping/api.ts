import type { Draft, DraftInput } from "@/lib/licensing/draft-schema";
import type { MappableProject } from "@/lib/licensing/rules";

/** An API answer that was not 2xx, with the `code` the route guard sets for the cases the UI handles. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** GET /procore-projects: lib/licensing/projects' listing, its date as JSON. */
export type ProjectsResponse = { projects: MappableProject[]; fetchedAt: string | null };

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { "content-type": "application/json", ...init?.headers } });
  const body = (await res.json().catch(() => null)) as { error?: unknown; code?: unknown } | null;
  if (!res.ok) {
    const message = typeof body?.error === "string" ? body.error : `The server answered ${res.status}`;
    throw new ApiError(res.status, message, typeof body?.code === "string" ? body.code : undefined);
  }
  return body as T;
}

const base = (accountId: string) => `/api/accounts/${encodeURIComponent(accountId)}`;

export const projectsKey = (accountId: string) => ["procore-projects", accountId] as const;
export const draftKey = (accountId: string) => ["draft", accountId] as const;

export const fetchProjects = (accountId: string) => request<ProjectsResponse>(`${base(accountId)}/procore-projects`);

export const refreshProjects = (accountId: string) =>
  request<ProjectsResponse>(`${base(accountId)}/procore-projects/refresh`, { method: "POST" });

export const fetchDraft = (accountId: string) => request<Draft>(`${base(accountId)}/draft`);

// Browsers give keepalive requests 64 KiB in all; a larger draft (thousands of rows) is sent as a plain request.
const KEEPALIVE_MAX_BYTES = 60_000;

/** Sent with `keepalive` when small enough, so a save in flight or flushed on unload survives a reload. */
export function putDraft(accountId: string, input: DraftInput): Promise<Draft> {
  const body = JSON.stringify(input);
  return request<Draft>(`${base(accountId)}/draft`, { method: "PUT", body, keepalive: body.length <= KEEPALIVE_MAX_BYTES });
}

export const isRateLimited = (err: unknown) => err instanceof ApiError && err.code === "procore_rate_limited";
export const isReconnectNeeded = (err: unknown) => err instanceof ApiError && err.code === "reconnect_needed";

// Procore's rate limit resets within a minute or so; waiting is the right answer, not an error.
const RATE_LIMIT_RETRIES = 24;
const RATE_LIMIT_DELAY_MS = 5_000;

/** React Query retry policy: wait out Procore's rate limit, retry transient failures twice, never a 4xx. */
export function retryPolicy(failureCount: number, err: Error): boolean {
  if (isRateLimited(err)) return failureCount < RATE_LIMIT_RETRIES;
  if (err instanceof ApiError && err.status < 500) return false;
  return failureCount < 2;
}

export function retryDelay(failureCount: number, err: Error): number {
  return isRateLimited(err) ? RATE_LIMIT_DELAY_MS : Math.min(1_000 * 2 ** failureCount, 8_000);
}
