import { createProcoreClient, type ProcoreClient, type ProcoreClientConfig } from "@/lib/procore";
import type { TokenSet } from "@/lib/procore/oauth";
import type { TokenStore } from "@/lib/procore/tokens";
import type { Sandbox } from "@/scripts/support/procore-sandbox";
import { oauthConfig, signIn } from "@/scripts/support/procore-sign-in";

/** The two companies the demo login belongs to, with the app installed in both. */
export async function demoCompanies(sb: Sandbox, client: ProcoreClient): Promise<{ demo: string; second: string }> {
  const companies = await client.companies.listAll();
  const id = (name: string) => {
    const company = companies.find((c) => c.name === name);
    if (!company) throw new Error(`No company "${name}" in ${JSON.stringify(companies)}`);
    return company.id;
  };
  const ids = { demo: id("Demo Construction Co."), second: id("Second Builders Inc.") };
  for (const companyId of Object.values(ids)) await sb.admin("POST", "/__admin/install", { companyId, app: "planner" });
  return ids;
}

/** A TokenStore in memory that counts what the client did with it. */
export function memoryTokenStore(initial: TokenSet) {
  let tokens = initial;
  const calls = { load: 0, save: 0, markReconnectNeeded: 0 };
  const store: TokenStore = {
    async load() {
      calls.load += 1;
      return tokens;
    },
    async save(next) {
      calls.save += 1;
      tokens = next;
    },
    async markReconnectNeeded() {
      calls.markReconnectNeeded += 1;
    },
  };
  return { store, calls, current: () => tokens };
}

/** Backoff and rate-limit waits as asked for, but capped, so fault tests take seconds, not minutes. */
export function cappedSleep(capMs: number) {
  const requested: number[] = [];
  return {
    requested,
    sleep: (ms: number) => {
      requested.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, capMs)));
    },
  };
}

let connections = 0;

/** Signs the demo user in and builds a client on a new connection id (so no limiter or refresh state is shared). */
export async function connect(sb: Sandbox, overrides: Partial<ProcoreClientConfig> = {}) {
  const tokens = await signIn({ sandboxUrl: sb.url });
  const memory = memoryTokenStore(tokens);
  const client = createProcoreClient({
    ...oauthConfig({ sandboxUrl: sb.url }),
    apiUrl: sb.url,
    tokenStore: memory.store,
    connectionId: `test-${process.pid}-${++connections}`,
    ...overrides,
  });
  return { client, tokens, ...memory };
}
