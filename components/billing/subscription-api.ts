import type { ProjectSubscriptionView, SubscriptionChange } from "@/lib/billing/manage";

async function request(url: string, init?: RequestInit): Promise<ProjectSubscriptionView> {
  const res = await fetch(url, { ...init, headers: { "content-type": "application/json", ...init?.headers } });
  const body = (await res.json().catch(() => null)) as { error?: unknown } | null;
  if (!res.ok) throw new Error(typeof body?.error === "string" ? body.error : `The server answered ${res.status}`);
  return body as ProjectSubscriptionView;
}

const url = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}/subscription`;

export const subscriptionKey = (projectId: string) => ["project-subscription", projectId] as const;

export const portalAction = (projectId: string) => `${url(projectId)}/portal`;

export const fetchSubscription = (projectId: string) => request(url(projectId));

/** Applies one change; the answer is the page's new state, read back after Stripe took the change. */
export const postChange = (projectId: string, change: SubscriptionChange) =>
  request(url(projectId), { method: "POST", body: JSON.stringify(change) });
