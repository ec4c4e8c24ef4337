import { startTsProcess, type RunningProcess } from "./processes";

/*
 * The local Procore sandbox (emulators/procore) in its own process, for the tests and the benchmarks: it knows the
 * app's development OAuth client and is reached only over HTTP, like the app reaches Procore.
 */

export const CLIENT_ID = "smartapp-dev-client";
export const CLIENT_SECRET = "smartapp-dev-secret";
export const REDIRECT_URI = "http://localhost:3000/api/auth/callback/procore";

/** What the sandbox's `/__admin/requests` log holds for each OAuth and API call. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  ms: number;
  at: string;
  tokenClientId: string | null;
}

export interface Sandbox {
  url: string;
  stop: () => Promise<void>;
  admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
  requests: (filter?: (r: LoggedRequest) => boolean) => Promise<LoggedRequest[]>;
}

/** A fresh Procore sandbox on its own port (demo seed), its state kept in memory only. */
export async function startSandbox(env: Record<string, string> = {}): Promise<Sandbox> {
  const proc: RunningProcess = await startTsProcess({
    entry: "emulators/procore/main.ts",
    env: {
      PROCORE_CLIENT_ID: CLIENT_ID,
      PROCORE_CLIENT_SECRET: CLIENT_SECRET,
      PROCORE_REDIRECT_URIS: REDIRECT_URI,
      PROCORE_SANDBOX_STATE_FILE: "",
      ...env,
    },
  });
  const admin = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${proc.url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    url: proc.url,
    stop: proc.stop,
    admin,
    requests: async (filter = () => true) => (await admin<LoggedRequest[]>("GET", "/__admin/requests")).filter(filter),
  };
}
