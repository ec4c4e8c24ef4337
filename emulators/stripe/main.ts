import { z } from "zod";
import { createSandboxServer } from "./server";
import { Sandbox } from "./sandbox";

/** Local Stripe: `node --import tsx emulators/stripe/main.ts`. See README.md. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(4002),
  STRIPE_SECRET_KEY: z.string().min(1).default("sk_test_smartapp_dev"),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).default("whsec_smartapp_dev_secret"),
  // "none" turns webhook delivery off (events are still recorded and listable).
  STRIPE_SANDBOX_WEBHOOK_URL: z.union([z.literal("none"), z.url()]).default("http://localhost:3000/api/stripe/webhook"),
  STRIPE_SANDBOX_PUBLIC_URL: z.url().optional(),
  STRIPE_SANDBOX_STATE_FILE: z.string().min(1).optional(),
  STRIPE_SANDBOX_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1000),
});

// An empty variable (FOO= in a .env file) means unset, as in the app's own env parsing.
const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`stripe sandbox: ${issue.path.join(".")}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
const publicUrl = (env.STRIPE_SANDBOX_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");

const sandbox = new Sandbox({
  secretKey: env.STRIPE_SECRET_KEY,
  publicUrl,
  stateFile: env.STRIPE_SANDBOX_STATE_FILE,
  webhook: {
    url: env.STRIPE_SANDBOX_WEBHOOK_URL === "none" ? null : env.STRIPE_SANDBOX_WEBHOOK_URL,
    secret: env.STRIPE_WEBHOOK_SECRET,
    retryBaseMs: env.STRIPE_SANDBOX_WEBHOOK_RETRY_BASE_MS,
  },
});
const server = createSandboxServer(sandbox);
server.listen(env.PORT, () => console.log(`stripe sandbox listening on http://localhost:${env.PORT}`));

function shutdown(): void {
  sandbox.stop();
  server.close(() => process.exit(0));
  // Keep-alive connections (the SDK's agent, browsers) would otherwise hold the server open.
  server.closeAllConnections();
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
