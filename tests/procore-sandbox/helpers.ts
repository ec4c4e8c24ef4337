import { startTsProcess, type RunningProcess } from "../../scripts/support/processes.ts";

/** Defaults of emulators/procore/main.ts and the ids of its demo seed (see emulators/procore/README.md). */
export const CLIENT_ID = "smartapp-dev-client";
export const CLIENT_SECRET = "smartapp-dev-secret";
export const REDIRECT_URI = "http://localhost:3000/api/auth/callback/procore";
export const IDS = {
  demo: 4_300_000_001,
  second: 4_300_000_002,
  third: 4_300_000_003,
  admin: 5_000_000_001,
  thirdUser: 5_000_000_002,
  /** First of Demo's 33 active projects (4_400_000_001 … 033); 034 … 036 are inactive. */
  demoProject: 4_400_000_001,
  thirdProject: 4_400_000_042,
};

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  created_at: number;
}

export class SandboxClient {
  constructor(
    readonly url: string,
    readonly process: RunningProcess,
  ) {}

  stop(): Promise<void> {
    return this.process.stop();
  }

  async admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/__admin${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`admin ${method} ${path} -> ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Signs in on the sandbox's sign-in page; returns the session cookie. */
  async signIn(email = "admin@demo.test", password = "demo"): Promise<string> {
    const res = await fetch(`${this.url}/sign_in`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ email, password, return_to: "/marketplace" }),
    });
    if (res.status !== 303) throw new Error(`sign in failed: ${res.status}`);
    return res.headers.getSetCookie()[0]!.split(";")[0]!;
  }

  /** Walks /oauth/authorize → consent "Allow" and returns the redirect Location. */
  async authorize(cookie: string, params: Record<string, string> = {}): Promise<URL> {
    const query = { response_type: "code", client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: "st-1", ...params };
    const page = await fetch(`${this.url}/oauth/authorize?${new URLSearchParams(query)}`, { headers: { cookie }, redirect: "manual" });
    if (page.status !== 200) throw new Error(`authorize page: ${page.status}`);
    const res = await fetch(`${this.url}/oauth/authorize`, {
      method: "POST",
      headers: { cookie },
      redirect: "manual",
      body: new URLSearchParams({ ...query, decision: "allow" }),
    });
    return new URL(res.headers.get("location")!);
  }

  token(params: Record<string, string>): Promise<Response> {
    return fetch(`${this.url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, ...params }),
    });
  }

  async userTokens(email = "admin@demo.test"): Promise<Tokens> {
    const location = await this.authorize(await this.signIn(email));
    const res = await this.token({ grant_type: "authorization_code", code: location.searchParams.get("code")!, redirect_uri: REDIRECT_URI });
    if (!res.ok) throw new Error(`token exchange: ${res.status} ${await res.text()}`);
    return (await res.json()) as Tokens;
  }

  async serviceToken(): Promise<string> {
    const res = await this.token({ grant_type: "client_credentials" });
    return ((await res.json()) as Tokens).access_token;
  }

  api(token: string, path: string, opts: { method?: string; body?: unknown; companyId?: number | null } = {}): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (opts.companyId !== null) headers["Procore-Company-Id"] = String(opts.companyId ?? IDS.demo);
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(`${this.url}/rest/v1.0${path}`, {
      method: opts.method ?? "GET",
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  }

  async apiJson<T = unknown>(token: string, path: string, opts: { method?: string; body?: unknown; companyId?: number | null } = {}): Promise<T> {
    const res = await this.api(token, path, opts);
    if (!res.ok) throw new Error(`${opts.method ?? "GET"} ${path} -> ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}

export const ENTRY = "emulators/procore/main.ts";

export async function startSandbox(env: Record<string, string> = {}): Promise<SandboxClient> {
  const process = await startTsProcess({ entry: ENTRY, env });
  return new SandboxClient(process.url, process);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
