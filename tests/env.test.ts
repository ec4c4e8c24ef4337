import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

describe("environment", () => {
  it("defaults to the local sandboxes and dev secrets, and lists the dev values", () => {
    const e = parseEnv({});
    expect(e.port).toBe(3000);
    expect(e.appUrl).toBe("http://localhost:3000");
    expect(e.procore).toMatchObject({ mode: "sandbox", apiUrl: "http://localhost:4001", loginUrl: "http://localhost:4001" });
    expect(e.stripe).toMatchObject({ mode: "sandbox", apiUrl: "http://localhost:4002" });
    expect(e.tokenEncryptionKey).toHaveLength(32);
    expect(e.devDefaults).toEqual(expect.arrayContaining(["AUTH_SECRET", "TOKEN_ENCRYPTION_KEY", "STRIPE_SECRET_KEY"]));
    expect(e.databaseUrl).toBeUndefined();
  });

  it("uses real Procore and Stripe when configured", () => {
    const e = parseEnv({
      PROCORE_CLIENT_ID: "id",
      PROCORE_CLIENT_SECRET: "secret",
      PROCORE_LOGIN_URL: "https://login.procore.com",
      PROCORE_API_URL: "https://api.procore.com/",
      STRIPE_SECRET_KEY: "sk_live_abc",
      STRIPE_WEBHOOK_SECRET: "whsec_abc",
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      AUTH_SECRET: "x".repeat(40),
    });
    expect(e.procore).toMatchObject({ mode: "live", apiUrl: "https://api.procore.com", clientId: "id" });
    expect(e.stripe).toMatchObject({ mode: "live", apiUrl: undefined });
    expect(e.devDefaults).toEqual(["PROCORE_WEBHOOK_SECRET"]);
  });

  it.each([
    [{ PORT: "http" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ TOKEN_ENCRYPTION_KEY: "short" }, "TOKEN_ENCRYPTION_KEY"],
    [{ STRIPE_WEBHOOK_SECRET: "nope" }, "STRIPE_WEBHOOK_SECRET"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET"],
    [{ PROCORE_API_URL: "https://api.procore.com" }, "PROCORE_CLIENT_ID"],
  ])("an invalid value stops with a message naming the variable (%o)", (vars, name) => {
    expect(() => parseEnv(vars)).toThrow(EnvError);
    expect(() => parseEnv(vars)).toThrow(name);
  });

  it("treats empty values as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).port).toBe(3000);
  });
});
