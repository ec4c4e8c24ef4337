import type { NextAuthOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { exchangeCode } from "@/lib/procore/oauth";
import { procoreAdapter } from "./adapter";
import { saveConnection } from "./connection-store";
import { procoreConfig, procoreWithTokens } from "./procore";

interface ProcoreProfile {
  id: string;
  email: string;
  name: string | undefined;
}

/**
 * Procore as an OAuth 2.0 provider (authorization code with state; Procore has no scopes and no
 * OpenID). The code exchange and the profile go through lib/procore, like every other Procore call.
 */
function procoreProvider(): OAuthConfig<ProcoreProfile> {
  const config = procoreConfig();
  const redirectUri = `${env().appUrl}/api/auth/callback/procore`;
  return {
    id: "procore",
    name: "Procore",
    type: "oauth",
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    checks: ["state"],
    authorization: { url: `${config.loginUrl}/oauth/authorize`, params: { response_type: "code", scope: "" } },
    token: {
      url: `${config.loginUrl}/oauth/token`,
      async request({ params }) {
        const tokens = await exchangeCode(config, { code: String(params.code), redirectUri });
        return {
          tokens: {
            access_token: tokens.accessToken,
            refresh_token: tokens.refreshToken,
            expires_at: Math.floor(tokens.expiresAt.getTime() / 1000),
            token_type: "bearer",
          },
        };
      },
    },
    userinfo: {
      url: `${config.apiUrl}/rest/v1.0/me`,
      async request({ tokens }) {
        const me = await procoreWithTokens({
          accessToken: String(tokens.access_token),
          refreshToken: String(tokens.refresh_token),
          expiresAt: new Date(Number(tokens.expires_at) * 1000),
        }).me();
        const profile: ProcoreProfile = { id: me.id, email: me.login, name: me.name ?? undefined };
        return profile;
      },
    },
    profile(profile) {
      return { id: profile.id, email: profile.email.toLowerCase(), name: profile.name ?? null };
    },
  };
}

/**
 * Procore shows /procore/embedded in an iframe on its own site (app.procore.com): a cross-site frame, where a
 * SameSite=Lax cookie is never sent. Over HTTPS the session cookie is SameSite=None (which needs Secure), so the framed
 * view knows who signed in. Cross-site requests stay refused without SameSite: API writes by the Origin check of
 * lib/auth/guard.ts and next-auth's CSRF token (its own cookie stays Lax), pages (some act on a GET) by Fetch Metadata
 * in proxy.ts (another site may only navigate to them). Over plain HTTP
 * (local development) browsers refuse SameSite=None, so next-auth's default stays.
 */
export function sessionCookieOptions(appUrl: string): NextAuthOptions["cookies"] {
  if (!appUrl.startsWith("https://")) return undefined;
  return { sessionToken: { name: "__Secure-next-auth.session-token", options: { httpOnly: true, sameSite: "none", path: "/", secure: true } } };
}

export const authOptions: NextAuthOptions = {
  secret: env().authSecret,
  adapter: procoreAdapter(),
  session: { strategy: "database", maxAge: 30 * 24 * 60 * 60, updateAge: 24 * 60 * 60 },
  providers: [procoreProvider()],
  cookies: sessionCookieOptions(env().appUrl),
  pages: { signIn: "/procore/setup", error: "/procore/setup" },
  callbacks: {
    session({ session, user }) {
      return { ...session, user: { id: user.id, email: user.email, name: user.name } };
    },
  },
  events: {
    // Every sign-in (first or reconnect) stores the fresh tokens, encrypted: the connection is usable again.
    async signIn({ user, account }) {
      if (account?.provider !== "procore" || !account.access_token || !account.refresh_token) return;
      await saveConnection(user.id, {
        accessToken: account.access_token,
        refreshToken: account.refresh_token,
        expiresAt: new Date((account.expires_at ?? Math.floor(Date.now() / 1000) + 5400) * 1000),
      });
      log.info({ userId: user.id }, "procore connection stored");
    },
  },
  logger: {
    error: (code, metadata) => log.error({ code, err: metadata instanceof Error ? metadata.message : undefined }, "next-auth error"),
    warn: (code) => log.warn({ code }, "next-auth warning"),
    debug: (code) => log.debug({ code }, "next-auth debug"),
  },
};
