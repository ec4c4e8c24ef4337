import { z } from "zod";

/**
 * The environment, parsed once. Unset Procore/Stripe variables mean "use the local sandboxes";
 * unset secrets get dev values (with a warning) so `npm start` works on a fresh clone.
 */
const DEV = {
  AUTH_SECRET: "smartapp-dev-auth-secret-change-me-0123456789",
  // 32 bytes, base64. A dev value: real deployments must set their own.
  TOKEN_ENCRYPTION_KEY: "c21hcnRhcHAtZGV2LXRva2VuLWtleS0zMi1ieXRlcyE=",
  PROCORE_CLIENT_ID: "smartapp-dev-client",
  PROCORE_CLIENT_SECRET: "smartapp-dev-secret",
  PROCORE_WEBHOOK_SECRET: "smartapp-dev-procore-webhook-secret",
  STRIPE_SECRET_KEY: "sk_test_smartapp_dev",
  STRIPE_WEBHOOK_SECRET: "whsec_smartapp_dev_secret",
} as const;


const optionalUrl = z.url({ protocol: /^https?$/ }).optional();
const optionalString = z.string().min(1).optional();

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: optionalUrl,
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded (openssl rand -base64 32)")
    .optional(),
  PROCORE_CLIENT_ID: optionalString,
  PROCORE_CLIENT_SECRET: optionalString,
  PROCORE_LOGIN_URL: optionalUrl,
  PROCORE_API_URL: optionalUrl,
  PROCORE_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, "must start with sk_test_, sk_live_ or rk_").optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_", "must start with whsec_").optional(),
  STRIPE_API_URL: optionalUrl,
  PROCORE_SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(4001),
  STRIPE_SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(4002),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type RawEnv = z.infer<typeof schema>;

export interface Env {
  nodeEnv: RawEnv["NODE_ENV"];
  databaseUrl: string | undefined;
  port: number;
  appUrl: string;
  authSecret: string;
  tokenEncryptionKey: Buffer;
  logLevel: RawEnv["LOG_LEVEL"];
  procore: {
    mode: "sandbox" | "live";
    sandboxPort: number;
    clientId: string;
    clientSecret: string;
    loginUrl: string;
    apiUrl: string;
    webhookSecret: string;
  };
  stripe: {
    mode: "sandbox" | "live";
    sandboxPort: number;
    secretKey: string;
    webhookSecret: string;
    /** Undefined means api.stripe.com. */
    apiUrl: string | undefined;
  };
  /** Names of secrets that fell back to dev values. */
  devDefaults: string[];
}

export class EnvError extends Error {}

/** Pure: parses a variables map. Throws EnvError naming every invalid variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings (FOO= in a .env file) mean "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = result.data;
  const devDefaults: string[] = [];
  const orDev = <K extends keyof typeof DEV>(name: K, value: string | undefined): string => {
    if (value) return value;
    devDefaults.push(name);
    return DEV[name];
  };

  const procoreLive = Boolean(e.PROCORE_API_URL || e.PROCORE_LOGIN_URL);
  if (procoreLive && !(e.PROCORE_CLIENT_ID && e.PROCORE_CLIENT_SECRET && e.PROCORE_API_URL && e.PROCORE_LOGIN_URL)) {
    throw new EnvError(
      "Invalid environment:\n  PROCORE_CLIENT_ID, PROCORE_CLIENT_SECRET, PROCORE_LOGIN_URL and PROCORE_API_URL must be set together",
    );
  }
  // A configured key means "not our local sandbox"; STRIPE_API_URL may still point it elsewhere (stripe-mock).
  const stripeLive = Boolean(e.STRIPE_SECRET_KEY);
  if (stripeLive && !e.STRIPE_WEBHOOK_SECRET) {
    throw new EnvError("Invalid environment:\n  STRIPE_WEBHOOK_SECRET must be set when STRIPE_SECRET_KEY is");
  }

  const procoreSandboxUrl = `http://localhost:${e.PROCORE_SANDBOX_PORT}`;
  const stripeSandboxUrl = `http://localhost:${e.STRIPE_SANDBOX_PORT}`;
  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    appUrl,
    authSecret: orDev("AUTH_SECRET", e.AUTH_SECRET ?? e.NEXTAUTH_SECRET),
    tokenEncryptionKey: Buffer.from(orDev("TOKEN_ENCRYPTION_KEY", e.TOKEN_ENCRYPTION_KEY), "base64"),
    logLevel: e.LOG_LEVEL,
    procore: {
      mode: procoreLive ? "live" : "sandbox",
      sandboxPort: e.PROCORE_SANDBOX_PORT,
      clientId: orDev("PROCORE_CLIENT_ID", e.PROCORE_CLIENT_ID),
      clientSecret: orDev("PROCORE_CLIENT_SECRET", e.PROCORE_CLIENT_SECRET),
      loginUrl: (e.PROCORE_LOGIN_URL ?? procoreSandboxUrl).replace(/\/$/, ""),
      apiUrl: (e.PROCORE_API_URL ?? procoreSandboxUrl).replace(/\/$/, ""),
      webhookSecret: orDev("PROCORE_WEBHOOK_SECRET", e.PROCORE_WEBHOOK_SECRET),
    },
    stripe: {
      mode: stripeLive ? "live" : "sandbox",
      sandboxPort: e.STRIPE_SANDBOX_PORT,
      secretKey: orDev("STRIPE_SECRET_KEY", e.STRIPE_SECRET_KEY),
      webhookSecret: orDev("STRIPE_WEBHOOK_SECRET", e.STRIPE_WEBHOOK_SECRET),
      apiUrl: (e.STRIPE_API_URL ?? (stripeLive ? undefined : stripeSandboxUrl))?.replace(/\/$/, ""),
    },
    devDefaults,
  };
}

let cached: Env | undefined;

/** The process environment, parsed on first use. An invalid value stops the caller with a message naming it. */
export function env(): Env {
  if (!cached) {
    cached = parseEnv(process.env);
    if (cached.devDefaults.length > 0 && cached.nodeEnv !== "test" && !process.env.SMARTAPP_QUIET_DEV_DEFAULTS) {
      console.warn(`[env] using dev values for ${cached.devDefaults.join(", ")} — set them for any real deployment`);
      process.env.SMARTAPP_QUIET_DEV_DEFAULTS = "1";
    }
  }
  return cached;
}
