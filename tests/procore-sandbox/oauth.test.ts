import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ID, CLIENT_SECRET, IDS, REDIRECT_URI, sleep, startSandbox, type SandboxClient, type Tokens } from "./helpers.ts";

let sb: SandboxClient;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb?.stop());

describe("authorization page and sign-in", () => {
  it("sends a signed-out browser to a sign-in page with labelled Email/Password fields, then back to consent", async () => {
    const authorizeUrl = `/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: "abc" })}`;
    const first = await fetch(sb.url + authorizeUrl, { redirect: "manual" });
    expect(first.status).toBe(302);
    const signInPath = first.headers.get("location")!;
    expect(signInPath).toBe(`/sign_in?return_to=${encodeURIComponent(authorizeUrl)}`);

    const page = await (await fetch(sb.url + signInPath)).text();
    expect(page).toMatch(/<label for="email">Email<\/label><input id="email"/);
    expect(page).toMatch(/<label for="password">Password<\/label><input id="password"/);
    expect(page).toContain(">Sign in</button>");

    const bad = await fetch(`${sb.url}/sign_in`, { method: "POST", body: new URLSearchParams({ email: "admin@demo.test", password: "nope", return_to: authorizeUrl }) });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('role="alert">Invalid email or password.');

    const ok = await fetch(`${sb.url}/sign_in`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ email: "admin@demo.test", password: "demo", return_to: authorizeUrl }),
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(authorizeUrl);
    const cookie = ok.headers.getSetCookie()[0]!.split(";")[0]!;

    // Signed in: straight to consent, which carries the state and an "Allow" button.
    const consent = await fetch(sb.url + authorizeUrl, { headers: { cookie }, redirect: "manual" });
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain('value="allow">Allow</button>');
    expect(html).toContain('name="state" value="abc"');
  });

  it("echoes state on the redirect and reports a denial as access_denied", async () => {
    const cookie = await sb.signIn();
    const allowed = await sb.authorize(cookie, { state: "state-123" });
    expect(allowed.origin + allowed.pathname).toBe(REDIRECT_URI);
    expect(allowed.searchParams.get("state")).toBe("state-123");
    expect(allowed.searchParams.get("code")).toMatch(/^[0-9a-f]{40}$/);

    const denied = await fetch(`${sb.url}/oauth/authorize`, {
      method: "POST",
      headers: { cookie },
      redirect: "manual",
      body: new URLSearchParams({ response_type: "code", client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: "s2", decision: "deny" }),
    });
    const location = new URL(denied.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("s2");
  });

  it("refuses an unregistered redirect_uri or an unknown client with an error page, never a redirect", async () => {
    const cookie = await sb.signIn();
    const wrongRedirect = await fetch(
      `${sb.url}/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: CLIENT_ID, redirect_uri: "https://evil.example/cb" })}`,
      { headers: { cookie }, redirect: "manual" },
    );
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.headers.get("location")).toBeNull();
    expect(await wrongRedirect.text()).toContain("The redirect uri included is not valid.");

    const unknownClient = await fetch(
      `${sb.url}/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: "someone-else", redirect_uri: REDIRECT_URI })}`,
      { headers: { cookie }, redirect: "manual" },
    );
    expect(unknownClient.status).toBe(401);
    expect(unknownClient.headers.get("location")).toBeNull();
  });
});

describe("token endpoint", () => {
  it("exchanges a code once: a second exchange is invalid_grant", async () => {
    const code = (await sb.authorize(await sb.signIn())).searchParams.get("code")!;
    const first = await sb.token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as Tokens;
    expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 5400 });
    expect(Object.keys(tokens)).toEqual(["access_token", "token_type", "expires_in", "refresh_token", "created_at"]);
    expect(Math.abs(tokens.created_at - Date.now() / 1000)).toBeLessThan(5);

    const second = await sb.token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("gives codes a 10-minute life by default and refuses expired ones", async () => {
    const runtime = await sb.admin<{ authCodeTtlSeconds: number }>("POST", "/config", {});
    expect(runtime.authCodeTtlSeconds).toBe(600);
    await sb.admin("POST", "/config", { authCodeTtlSeconds: 0.3 });
    try {
      const code = (await sb.authorize(await sb.signIn())).searchParams.get("code")!;
      await sleep(400);
      const res = await sb.token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid_grant" });
    } finally {
      await sb.admin("POST", "/config", { authCodeTtlSeconds: 600 });
    }
  });

  it("refuses a code redeemed with another redirect_uri", async () => {
    const code = (await sb.authorize(await sb.signIn())).searchParams.get("code")!;
    const res = await sb.token({ grant_type: "authorization_code", code, redirect_uri: "http://localhost:3000/elsewhere" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("checks the client secret (401 invalid_client with an RFC 6749 body)", async () => {
    const res = await fetch(`${sb.url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: "wrong" }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe("invalid_client");
    expect(body.error_description).toMatch(/Client authentication failed/);
  });

  it("accepts JSON, multipart and HTTP Basic client authentication", async () => {
    const json = await fetch(`${sb.url}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(json.status).toBe(200);

    const form = new FormData();
    form.set("grant_type", "client_credentials");
    form.set("client_id", CLIENT_ID);
    form.set("client_secret", CLIENT_SECRET);
    expect((await fetch(`${sb.url}/oauth/token`, { method: "POST", body: form })).status).toBe(200);

    const basic = await fetch(`${sb.url}/oauth/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "client_credentials" }),
    });
    expect(basic.status).toBe(200);
  });

  it("issues client-credentials tokens without a refresh token", async () => {
    const res = await sb.token({ grant_type: "client_credentials" });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 5400 });
    expect(body).not.toHaveProperty("refresh_token");
  });

  it("rotates refresh tokens: each refresh returns a new pair and kills the old one", async () => {
    const first = await sb.userTokens();
    const res = await sb.token({ grant_type: "refresh_token", refresh_token: first.refresh_token!, redirect_uri: REDIRECT_URI });
    expect(res.status).toBe(200);
    const second = (await res.json()) as Tokens;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await sb.api(second.access_token, "/me", { companyId: null })).status).toBe(200);
    expect((await sb.api(first.access_token, "/me", { companyId: null })).status).toBe(401);

    const reuse = await sb.token({ grant_type: "refresh_token", refresh_token: first.refresh_token! });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toEqual({ error: "invalid_grant", error_description: "The refresh token is invalid" });
  });

  it("kills the old refresh token even when the refresh response never arrives", async () => {
    const tokens = await sb.userTokens();
    await sb.admin("POST", "/faults", { dropResponseAfterCommit: { pathContains: "/oauth/token", count: 1 } });
    await expect(sb.token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token! })).rejects.toThrow();
    const retry = await sb.token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token! });
    expect(retry.status).toBe(400);
    expect(await retry.json()).toMatchObject({ error: "invalid_grant", error_description: "The refresh token is invalid" });
  });

  it("verifies a PKCE S256 code_verifier when the authorize request sent a challenge", async () => {
    const verifier = "a".repeat(50);
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const params = { code_challenge: challenge, code_challenge_method: "S256" };
    const cookie = await sb.signIn();
    const bad = (await sb.authorize(cookie, params)).searchParams.get("code")!;
    expect((await sb.token({ grant_type: "authorization_code", code: bad, redirect_uri: REDIRECT_URI, code_verifier: "b".repeat(50) })).status).toBe(400);
    const good = (await sb.authorize(cookie, params)).searchParams.get("code")!;
    expect((await sb.token({ grant_type: "authorization_code", code: good, redirect_uri: REDIRECT_URI, code_verifier: verifier })).status).toBe(200);
  });
});

describe("token info, revoke and expiry", () => {
  it("describes a live token at /oauth/token/info", async () => {
    const { access_token } = await sb.userTokens();
    const res = await fetch(`${sb.url}/oauth/token/info`, { headers: { Authorization: `Bearer ${access_token}` } });
    expect(await res.json()).toMatchObject({ resource_owner_id: IDS.admin, scopes: [], application: { uid: CLIENT_ID } });
  });

  it("revokes both tokens of a pair and always answers 200", async () => {
    const tokens = await sb.userTokens();
    const revoke = (token: string) =>
      fetch(`${sb.url}/oauth/revoke`, { method: "POST", body: new URLSearchParams({ token, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect((await revoke(tokens.access_token)).status).toBe(200);
    expect((await sb.api(tokens.access_token, "/me", { companyId: null })).status).toBe(401);
    expect((await sb.token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token! })).status).toBe(400);
    expect((await revoke(tokens.access_token)).status).toBe(200);
    expect((await revoke("never-issued")).status).toBe(200);
  });

  it("answers 401 with the documented message and WWW-Authenticate once a token has expired", async () => {
    await sb.admin("POST", "/config", { tokenTtlSeconds: 0.3 });
    try {
      const { access_token, expires_in } = await sb.userTokens();
      expect(expires_in).toBe(0.3);
      expect((await sb.api(access_token, "/me", { companyId: null })).status).toBe(200);
      await sleep(400);
      const res = await sb.api(access_token, "/me", { companyId: null });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: "The access token is invalid" });
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
    } finally {
      await sb.admin("POST", "/config", { tokenTtlSeconds: 5400 });
    }
  });
});
