import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { decryptToken } from "@/lib/auth/token-crypto";
import { withAppDb } from "./app-db";
import { appEnv } from "./fixtures";

/*
 * Every secret the e2e stack has handled, to look for in its logs: Procore access and refresh tokens and OAuth codes
 * (from the Procore sandbox's state file, which playwright.config.ts has it keep under SMARTAPP_DATA_DIR, and
 * decrypted from the app's connection store), session tokens, the OAuth client secret, both webhook secrets, the
 * Stripe key, the app's own keys, and the test card numbers typed into the Stripe sandbox.
 */

export const E2E_DATA_DIR = path.resolve(".data/e2e");
export const PROCORE_SANDBOX_STATE = path.join(E2E_DATA_DIR, "procore-sandbox.json");

export const CARD_NUMBERS = ["4242424242424242", "4242 4242 4242 4242", "4000000000000002", "4000 0000 0000 0002"];

export class SecretCollector {
  /** Secret value → what it is (the first source it was seen in). */
  readonly secrets = new Map<string, string>();
  /** Every source that gave a secret, so a test can check that each kind was collected. */
  readonly sources = new Set<string>();

  add(value: unknown, what: string): void {
    if (typeof value !== "string" || value.length < 8) return;
    this.sources.add(what);
    if (!this.secrets.has(value)) this.secrets.set(value, what);
  }

  /** Tokens and codes the Procore sandbox holds now (a rotated token is gone from it: collect after each step). */
  fromProcoreSandbox(file = PROCORE_SANDBOX_STATE): number {
    if (!existsSync(file)) return 0;
    const before = this.secrets.size;
    const snapshot = JSON.parse(readFileSync(file, "utf8")) as { tables?: Record<string, Record<string, unknown>[]> };
    for (const [table, rows] of Object.entries(snapshot.tables ?? {})) {
      for (const row of rows ?? []) {
        this.add(row.access_token, `Procore access token (sandbox ${table})`);
        this.add(row.refresh_token, `Procore refresh token (sandbox ${table})`);
        if (/code/i.test(table)) this.add(row.code, "Procore OAuth authorization code");
      }
    }
    return this.secrets.size - before;
  }

  async fromAppDatabase(): Promise<void> {
    const key = appEnv().tokenEncryptionKey;
    await withAppDb(async (c) => {
      const connections = await c.query<{ a: string; r: string }>(`SELECT "accessTokenEncrypted" AS a, "refreshTokenEncrypted" AS r FROM "ProcoreConnection"`);
      for (const row of connections.rows) {
        this.add(decryptToken(row.a, key), "Procore access token (connection store)");
        this.add(decryptToken(row.r, key), "Procore refresh token (connection store)");
        this.add(row.a, "encrypted access token");
      }
      const sessions = await c.query<{ t: string }>(`SELECT "sessionToken" AS t FROM "Session"`);
      for (const row of sessions.rows) this.add(row.t, "session token");
    });
  }

  fromEnvironment(): void {
    const e = appEnv();
    this.add(e.procore.clientSecret, "Procore client secret");
    this.add(e.procore.webhookSecret, "Procore webhook secret");
    this.add(e.stripe.secretKey, "Stripe secret key");
    this.add(e.stripe.webhookSecret, "Stripe webhook secret");
    this.add(e.authSecret, "AUTH_SECRET");
    this.add(e.tokenEncryptionKey.toString("base64"), "TOKEN_ENCRYPTION_KEY");
    for (const card of CARD_NUMBERS) this.add(card, "card number");
  }

  /** Lines of `text` that contain a secret (or its URL-encoded form), with what it is. */
  findIn(text: string): { line: number; what: string; excerpt: string }[] {
    const found: { line: number; what: string; excerpt: string }[] = [];
    const needles = [...this.secrets].flatMap(([value, what]) => [...new Set([value, encodeURIComponent(value)])].map((v) => [v, what] as const));
    text.split("\n").forEach((line, i) => {
      for (const [needle, what] of needles) {
        const at = line.indexOf(needle);
        if (at >= 0) found.push({ line: i + 1, what, excerpt: `${line.slice(Math.max(0, at - 60), at)}[${what}]${line.slice(at + needle.length, at + needle.length + 60)}` });
      }
    });
    return found;
  }
}
