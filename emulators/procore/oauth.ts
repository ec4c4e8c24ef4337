import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { escapeHtml, html, json, redirect, type Reply } from "./http.ts";
import { currentUser, layout, signInUrl, type PageContext, type PageHandler } from "./pages.ts";
import type { Id, Store, Token } from "./store.ts";

/*
 * The login-host half of Procore: authorization-code, refresh (rotating, single-use) and client-credentials
 * grants. Error bodies follow RFC 6749 (`{error, error_description}`) with Doorkeeper's wording, which is what
 * Procore runs.
 */

const OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob";
const AUTHORIZE_PARAMS = ["response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"];

export const INVALID_ACCESS_TOKEN = "The access token is invalid";
export const INVALID_TOKEN_HEADER = `Bearer realm="Procore", error="invalid_token", error_description="${INVALID_ACCESS_TOKEN}"`;

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error, error_description: description }, { "Cache-Control": "no-store", ...headers });
}

const INVALID_CLIENT = () =>
  oauthError(
    401,
    "invalid_client",
    "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
    { "WWW-Authenticate": 'Basic realm="Procore"' },
  );
const INVALID_GRANT = () =>
  oauthError(
    400,
    "invalid_grant",
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
  );

export function bearerToken(req: IncomingMessage): string | null {
  return /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? "")?.[1] ?? null;
}

/** The token record for a live (known, unexpired) access token. */
export function liveToken(store: Store, accessToken: string | null): Token | undefined {
  const token = accessToken === null ? undefined : store.t.tokens.get(accessToken);
  return token && token.expires_at_ms > Date.now() ? token : undefined;
}

const randomToken = () => randomBytes(32).toString("base64url");

function issueToken(ctx: PageContext, userId: Id | null): Reply {
  const { store, config } = ctx.sb;
  const now = Date.now();
  const ttl = config.runtime.tokenTtlSeconds;
  const token: Token = {
    access_token: randomToken(),
    // Client-credentials responses carry no refresh token: the service just asks for a new access token.
    refresh_token: userId === null ? null : randomToken(),
    client_id: config.clientId,
    user_id: userId,
    created_at: Math.floor(now / 1000),
    expires_at_ms: now + ttl * 1000,
  };
  store.putToken(token);
  const body: Record<string, unknown> = { access_token: token.access_token, token_type: "bearer", expires_in: ttl };
  if (token.refresh_token) body.refresh_token = token.refresh_token;
  body.created_at = token.created_at;
  return json(200, body, { "Cache-Control": "no-store", Pragma: "no-cache" });
}

function isRegisteredRedirect(ctx: PageContext, uri: string | null): uri is string {
  return uri !== null && (uri === OOB_REDIRECT || ctx.sb.config.redirectUris.includes(uri));
}

function withParams(uri: string, params: Record<string, string | null>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.toString();
}

function errorPage(status: number, message: string): Reply {
  return html(status, layout("Authorization error", `<section class="card"><h1>Authorization error</h1><p class="error" role="alert">${escapeHtml(message)}</p></section>`));
}

/**
 * Checks client and redirect_uri before anything else: like Procore (Doorkeeper), an unknown client or an
 * unregistered redirect_uri gets an error page, never a redirect to the untrusted URI.
 */
function checkAuthorizeRequest(ctx: PageContext, params: Record<string, string | null>): Reply | null {
  if (params.client_id !== ctx.sb.config.clientId) {
    return errorPage(401, "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
  }
  if (!isRegisteredRedirect(ctx, params.redirect_uri ?? null)) return errorPage(400, "The redirect uri included is not valid.");
  if (params.response_type !== "code") {
    return redirect(withParams(params.redirect_uri!, { error: "unsupported_response_type", state: params.state ?? null }));
  }
  return null;
}

function consentPage(ctx: PageContext, params: Record<string, string | null>, email: string): Reply {
  const hidden = AUTHORIZE_PARAMS.filter((k) => params[k] != null)
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params[k]!)}">`)
    .join("");
  return html(
    200,
    layout(
      "Authorize application",
      `<section class="card" aria-labelledby="consent-title">
<h1 id="consent-title">Authorize Smartapp</h1>
<p>Smartapp (<code>${escapeHtml(ctx.sb.config.clientId)}</code>) would like to access your Procore account <strong>${escapeHtml(email)}</strong>: your companies, projects and their directory, locations and schedule.</p>
<form method="post" action="/oauth/authorize">${hidden}
<div class="row"><button type="submit" name="decision" value="allow">Allow</button><button class="secondary" type="submit" name="decision" value="deny">Deny</button></div>
</form></section>`,
      email,
    ),
  );
}

export const authorize: PageHandler = (ctx) => {
  const params = Object.fromEntries(AUTHORIZE_PARAMS.map((k) => [k, ctx.url.searchParams.get(k)]));
  const problem = checkAuthorizeRequest(ctx, params);
  if (problem) return problem;
  const user = currentUser(ctx);
  if (!user) return redirect(signInUrl(ctx.url.pathname + ctx.url.search));
  return consentPage(ctx, params, user.email);
};

/** The consent form's answer. */
export const decide: PageHandler = (ctx) => {
  const params = Object.fromEntries(AUTHORIZE_PARAMS.map((k) => [k, typeof ctx.body[k] === "string" ? (ctx.body[k] as string) : null]));
  const problem = checkAuthorizeRequest(ctx, params);
  if (problem) return problem;
  const user = currentUser(ctx);
  if (!user) {
    const sent = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== null);
    return redirect(signInUrl(`/oauth/authorize?${new URLSearchParams(sent)}`), {}, 303);
  }
  const redirectUri = params.redirect_uri!;
  if (ctx.body.decision !== "allow") {
    return redirect(withParams(redirectUri, { error: "access_denied", error_description: "The resource owner denied the request.", state: params.state }), {}, 303);
  }
  const { store, config } = ctx.sb;
  const now = Date.now();
  store.t.authCodes.removeWhere((c) => c.expires_at_ms <= now); // unused codes would otherwise pile up in the state file
  const code = store.t.authCodes.put({
    code: randomBytes(20).toString("hex"),
    client_id: config.clientId,
    user_id: user.id,
    redirect_uri: redirectUri,
    code_challenge: params.code_challenge,
    code_challenge_method: params.code_challenge_method,
    expires_at_ms: now + config.runtime.authCodeTtlSeconds * 1000,
  });
  if (redirectUri === OOB_REDIRECT) {
    return html(200, layout("Authorization code", `<section class="card"><h1>Authorization code</h1><p>Copy this code into the application:</p><p><code>${escapeHtml(code.code)}</code></p></section>`, user.email));
  }
  return redirect(withParams(redirectUri, { code: code.code, state: params.state }), {}, 303);
};

/** Client id/secret from HTTP Basic or from the body (both are allowed by RFC 6749 §2.3.1). */
export function clientCredentials(req: IncomingMessage, body: Record<string, unknown>): { id: unknown; secret: unknown } {
  const basic = /^Basic\s+(\S+)/i.exec(req.headers.authorization ?? "")?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  return { id: body.client_id, secret: body.client_secret };
}

function pkceMatches(challenge: string, method: string | null, verifier: unknown): boolean {
  if (typeof verifier !== "string") return false;
  const computed = method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  return computed === challenge;
}

export const token: PageHandler = (ctx) => {
  const { store, config } = ctx.sb;
  const client = clientCredentials(ctx.req, ctx.body);
  if (client.id !== config.clientId || client.secret !== config.clientSecret) return INVALID_CLIENT();
  const grant = ctx.body.grant_type;
  if (grant === "authorization_code") {
    if (typeof ctx.body.code !== "string") return oauthError(400, "invalid_request", "The request is missing a required parameter: code.");
    const code = store.t.authCodes.get(ctx.body.code);
    if (!code || code.expires_at_ms <= Date.now() || code.client_id !== config.clientId || code.redirect_uri !== ctx.body.redirect_uri) {
      return INVALID_GRANT();
    }
    if (code.code_challenge && !pkceMatches(code.code_challenge, code.code_challenge_method, ctx.body.code_verifier)) return INVALID_GRANT();
    store.t.authCodes.delete(code.code);
    return issueToken(ctx, code.user_id);
  }
  if (grant === "refresh_token") {
    const old = typeof ctx.body.refresh_token === "string" ? store.tokenByRefresh(ctx.body.refresh_token) : undefined;
    if (!old || old.user_id === null) return oauthError(400, "invalid_grant", "The refresh token is invalid");
    // Rotation: the old pair dies now, whether or not the client ever receives the new one.
    store.deleteToken(old);
    return issueToken(ctx, old.user_id);
  }
  if (grant === "client_credentials") return issueToken(ctx, null);
  return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
};

export const tokenInfo: PageHandler = (ctx) => {
  const live = liveToken(ctx.sb.store, bearerToken(ctx.req));
  if (!live) return oauthError(401, "invalid_token", INVALID_ACCESS_TOKEN, { "WWW-Authenticate": INVALID_TOKEN_HEADER });
  return json(200, {
    resource_owner_id: live.user_id,
    scopes: [],
    expires_in_seconds: Math.max(0, Math.floor((live.expires_at_ms - Date.now()) / 1000)),
    application: { uid: live.client_id },
    created_at: live.created_at,
  });
};

/** Always 200 (RFC 7009): revoking an unknown or already dead token is not an error. Kills both halves of the pair. */
export const revoke: PageHandler = (ctx) => {
  const value = typeof ctx.body.token === "string" ? ctx.body.token : "";
  const found = ctx.sb.store.t.tokens.get(value) ?? ctx.sb.store.tokenByRefresh(value);
  if (found) ctx.sb.store.deleteToken(found);
  return json(200, {});
};
