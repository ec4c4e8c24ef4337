import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptToken, encryptToken } from "@/lib/auth/token-crypto";

describe("token encryption at rest (AES-256-GCM)", () => {
  const key = randomBytes(32);

  it("round-trips and never stores the plain token", () => {
    const token = "eyJhbGciOiJFUzUxMiJ9.access-token-value";
    const stored = encryptToken(token, key);
    expect(stored).not.toContain(token);
    expect(stored.startsWith("v1.")).toBe(true);
    expect(decryptToken(stored, key)).toBe(token);
  });

  it("uses a fresh IV each time", () => {
    expect(encryptToken("same", key)).not.toBe(encryptToken("same", key));
  });

  it("rejects a tampered ciphertext and a wrong key", () => {
    const stored = encryptToken("secret", key);
    const parts = stored.split(".");
    const tampered = [...parts.slice(0, 3), Buffer.from("other!").toString("base64url")].join(".");
    expect(() => decryptToken(tampered, key)).toThrow();
    expect(() => decryptToken(stored, randomBytes(32))).toThrow();
  });
});
