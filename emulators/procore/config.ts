import { parseArgs } from "node:util";
import { z } from "zod";

/** Settings that `/__admin/config` may change while the sandbox runs. */
export interface RuntimeSettings {
  tokenTtlSeconds: number;
  authCodeTtlSeconds: number;
  spikeLimit: number;
  spikeWindowSeconds: number;
  hourlyLimit: number;
  webhookRetryBaseMs: number;
}

export interface LargeSeedCounts {
  projects: number;
  users: number;
  vendors: number;
  locations: number;
}

export interface SandboxConfig {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  setupUrl: string;
  /** The app's Embedded Full Screen component URL, with Procore's `{{procore.company.id}}`-style placeholders. */
  embeddedUrl: string;
  seed: "demo" | "empty" | "large";
  large: LargeSeedCounts;
  stateFile: string | null;
  runtime: RuntimeSettings;
}

const count = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
const limit = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/*
 * Rate-limit defaults sit far above anything a person clicking through the app produces (Procore's own numbers
 * are 25 per 10 s and 600-3600 per hour); tests and benchmarks lower them through env or /__admin/config.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  PROCORE_CLIENT_ID: z.string().min(1).default("smartapp-dev-client"),
  PROCORE_CLIENT_SECRET: z.string().min(1).default("smartapp-dev-secret"),
  PROCORE_REDIRECT_URIS: z.string().default("http://localhost:3000/api/auth/callback/procore"),
  PROCORE_SETUP_URL: z.url().default("http://localhost:3000/procore/setup"),
  PROCORE_EMBEDDED_URL: z.string().default("http://localhost:3000/procore/embedded?company_id={{procore.company.id}}&project_id={{procore.project.id}}"),
  PROCORE_SANDBOX_TOKEN_TTL: positive(5400),
  PROCORE_SANDBOX_AUTH_CODE_TTL: positive(600),
  PROCORE_SANDBOX_SPIKE_LIMIT: limit(1000),
  PROCORE_SANDBOX_SPIKE_WINDOW: positive(10),
  PROCORE_SANDBOX_HOURLY_LIMIT: limit(100_000),
  PROCORE_SANDBOX_WEBHOOK_RETRY_BASE_MS: positive(1000),
  PROCORE_SANDBOX_SEED: z.enum(["demo", "empty"]).default("demo"),
  PROCORE_SANDBOX_STATE_FILE: z.string().optional(),
});

const argsSchema = z.object({
  seed: z.enum(["demo", "empty", "large"]).optional(),
  projects: count(5000),
  users: count(20_000),
  vendors: count(2000),
  locations: count(5000),
});

export function loadConfig(env: NodeJS.ProcessEnv, argv: string[]): SandboxConfig {
  const e = envSchema.parse(env);
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: "string" },
      projects: { type: "string" },
      users: { type: "string" },
      vendors: { type: "string" },
      locations: { type: "string" },
    },
  });
  const a = argsSchema.parse(values);
  return {
    port: e.PORT,
    clientId: e.PROCORE_CLIENT_ID,
    clientSecret: e.PROCORE_CLIENT_SECRET,
    redirectUris: e.PROCORE_REDIRECT_URIS.split(",").map((u) => u.trim()).filter(Boolean),
    setupUrl: e.PROCORE_SETUP_URL,
    embeddedUrl: e.PROCORE_EMBEDDED_URL,
    seed: a.seed ?? e.PROCORE_SANDBOX_SEED,
    large: { projects: a.projects, users: a.users, vendors: a.vendors, locations: a.locations },
    stateFile: e.PROCORE_SANDBOX_STATE_FILE || null,
    runtime: {
      tokenTtlSeconds: e.PROCORE_SANDBOX_TOKEN_TTL,
      authCodeTtlSeconds: e.PROCORE_SANDBOX_AUTH_CODE_TTL,
      spikeLimit: e.PROCORE_SANDBOX_SPIKE_LIMIT,
      spikeWindowSeconds: e.PROCORE_SANDBOX_SPIKE_WINDOW,
      hourlyLimit: e.PROCORE_SANDBOX_HOURLY_LIMIT,
      webhookRetryBaseMs: e.PROCORE_SANDBOX_WEBHOOK_RETRY_BASE_MS,
    },
  };
}
