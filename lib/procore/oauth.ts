import { z } from "zod";
import {
  errorFromResponse,
  OAuthError,
  parseErrorBody,
  ReconnectNeededError,
  redact,
  toNetworkError,
  type RequestContext,
} from "./errors";

/** The login host and the app's credentials (one pair per Procore environment, API-FACTS §1.1). */
export interface OAuthConfig {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
}

/** A user connection's tokens. The refresh token is single-use: every refresh returns a new pair. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  // Absent for client-credentials grants.
  refresh_token: z.string().min(1).optional(),
});

const tokenInfoResponse = z.object({
  resource_owner_id: z.number().int().nullable().optional(),
  scopes: z.array(z.string()).default([]),
  expires_in_seconds: z.number().nullable(),
  application: z.object({ uid: z.string() }).nullable().optional(),
  created_at: z.number().int(),
});

export interface TokenInfo {
  /** The Procore user id, absent for client-credentials (service account) tokens. */
  resourceOwnerId: string | undefined;
  scopes: string[];
  expiresInSeconds: number | null;
  applicationUid: string | undefined;
  createdAt: Date;
}

// A token endpoint that hangs must not hold the refresh lock forever.
const TOKEN_TIMEOUT_MS = 30_000;

/** The URL that sends the user to Procore's sign-in and consent pages. */
export function authorizeUrl(config: OAuthConfig, opts: { redirectUri: string; state: string }): string {
  const url = new URL("/oauth/authorize", config.loginUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: opts.redirectUri,
    state: opts.state,
  }).toString();
  return url.toString();
}

/** One call to the login host; fetch failures become NetworkError (sent or not). */
async function callLogin(
  config: OAuthConfig,
  context: RequestContext,
  init: { headers: Record<string, string>; body?: URLSearchParams },
): Promise<{ res: Response; text: string }> {
  let res: Response;
  try {
    res = await fetch(new URL(context.path, config.loginUrl), {
      method: context.method,
      headers: { Accept: "application/json", ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (err) {
    throw toNetworkError(err, context);
  }
  context.requestId = res.headers.get("x-request-id") ?? undefined;
  return { res, text: await res.text() };
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

async function postToken(
  config: OAuthConfig,
  params: Record<string, string>,
  secrets: string[],
): Promise<{ accessToken: string; refreshToken: string | undefined; expiresAt: Date }> {
  const context: RequestContext = { method: "POST", path: "/oauth/token" };
  const startedAt = Date.now();
  const { res, text } = await callLogin(config, context, {
    headers: FORM,
    body: new URLSearchParams({ ...params, client_id: config.clientId, client_secret: config.clientSecret }),
  });
  const allSecrets = [...secrets, config.clientSecret];
  if (!res.ok) {
    const parsed = parseErrorBody(redact(text, allSecrets));
    if (parsed.oauthCode && res.status < 500 && res.status !== 429) {
      throw new OAuthError(`Procore OAuth ${res.status}: ${parsed.oauthCode}${parsed.message ? ` (${parsed.message})` : ""}`, {
        status: res.status,
        code: parsed.oauthCode,
        context,
      });
    }
    throw errorFromResponse({ status: res.status, body: text, context, secrets: allSecrets });
  }
  const body = tokenResponse.parse(JSON.parse(text));
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    // Counted from when we asked, not from Procore's created_at, so a skewed server clock cannot make us late.
    expiresAt: new Date(startedAt + body.expires_in * 1000),
  };
}

function requireRefreshToken(tokens: { refreshToken: string | undefined }): string {
  if (!tokens.refreshToken) throw new Error("Procore returned no refresh_token for a user grant");
  return tokens.refreshToken;
}

/** Trades the `code` from the authorize redirect for the connection's first tokens. */
export async function exchangeCode(config: OAuthConfig, opts: { code: string; redirectUri: string }): Promise<TokenSet> {
  const tokens = await postToken(
    config,
    { grant_type: "authorization_code", code: opts.code, redirect_uri: opts.redirectUri },
    [opts.code],
  );
  return { ...tokens, refreshToken: requireRefreshToken(tokens) };
}

/**
 * Spends the refresh token for a new pair. `invalid_grant` (already used or revoked) becomes
 * ReconnectNeededError: the refresh token is gone for good. Callers must persist the result before using it;
 * see tokens.ts.
 */
export async function refreshTokens(config: OAuthConfig, opts: { refreshToken: string; redirectUri?: string }): Promise<TokenSet> {
  try {
    const tokens = await postToken(
      config,
      {
        grant_type: "refresh_token",
        refresh_token: opts.refreshToken,
        ...(opts.redirectUri ? { redirect_uri: opts.redirectUri } : {}),
      },
      [opts.refreshToken],
    );
    return { ...tokens, refreshToken: requireRefreshToken(tokens) };
  } catch (err) {
    if (err instanceof OAuthError && err.code === "invalid_grant") {
      throw new ReconnectNeededError("Procore rejected the refresh token (invalid_grant): the customer must reconnect", {
        status: err.status,
        cause: err,
      });
    }
    throw err;
  }
}

/** A service-account (DMSA) token. It has no refresh token: ask for a new one when it expires. */
export async function clientCredentials(config: OAuthConfig): Promise<{ accessToken: string; expiresAt: Date }> {
  const { accessToken, expiresAt } = await postToken(config, { grant_type: "client_credentials" }, []);
  return { accessToken, expiresAt };
}

/** Who the token belongs to and how long it has left. */
export async function tokenInfo(config: OAuthConfig, accessToken: string): Promise<TokenInfo> {
  const context: RequestContext = { method: "GET", path: "/oauth/token/info" };
  const { res, text } = await callLogin(config, context, { headers: { Authorization: `Bearer ${accessToken}` } });
  if (!res.ok) throw errorFromResponse({ status: res.status, body: text, context, secrets: [accessToken] });
  const body = tokenInfoResponse.parse(JSON.parse(text));
  return {
    resourceOwnerId: body.resource_owner_id == null ? undefined : String(body.resource_owner_id),
    scopes: body.scopes,
    expiresInSeconds: body.expires_in_seconds,
    applicationUid: body.application?.uid,
    createdAt: new Date(body.created_at * 1000),
  };
}

/** Revokes the token; Procore then also revokes its pair. Succeeds even if the token was already invalid. */
export async function revoke(config: OAuthConfig, token: string): Promise<void> {
  const context: RequestContext = { method: "POST", path: "/oauth/revoke" };
  const { res, text } = await callLogin(config, context, {
    headers: FORM,
    body: new URLSearchParams({ token, client_id: config.clientId, client_secret: config.clientSecret }),
  });
  if (!res.ok) throw errorFromResponse({ status: res.status, body: text, context, secrets: [token, config.clientSecret] });
}
