import { describe, expect, it } from "vitest";
import { sessionCookieOptions } from "@/lib/auth/options";

// Procore frames /procore/embedded from its own site: only a SameSite=None (so Secure) session cookie reaches it.
describe("the session cookie", () => {
  it("is SameSite=None, Secure, HttpOnly and __Secure- prefixed over HTTPS", () => {
    expect(sessionCookieOptions("https://smartapp.example.com")).toEqual({
      sessionToken: { name: "__Secure-next-auth.session-token", options: { httpOnly: true, sameSite: "none", path: "/", secure: true } },
    });
  });

  it("keeps next-auth's default (Lax) over plain HTTP, where browsers refuse SameSite=None", () => {
    expect(sessionCookieOptions("http://localhost:3000")).toBeUndefined();
  });
});
