import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { escapeHtml, html, redirect, type Reply } from "./http.ts";
import type { Sandbox } from "./sandbox.ts";
import type { Person } from "./store.ts";

/** What a browser-facing handler (sign-in, OAuth, Marketplace) sees. */
export interface PageContext {
  sb: Sandbox;
  req: IncomingMessage;
  url: URL;
  body: Record<string, unknown>;
  cookies: Record<string, string>;
}
export type PageHandler = (ctx: PageContext) => Reply | Promise<Reply>;

const SESSION_COOKIE = "procore_sandbox_session";

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1f2933}
header{background:#2b2d33;color:#fff;padding:12px 24px}
footer{max-width:960px;margin:24px auto;padding:0 16px;color:#52606d}
header .brand{font-weight:700;color:#ff5200}
main{max-width:960px;margin:24px auto;padding:0 16px}
.card{background:#fff;border:1px solid #d8dce1;border-radius:8px;padding:20px;margin-bottom:16px}
label{display:block;font-weight:600;margin:12px 0 4px}
input,select{font:inherit;padding:8px;border:1px solid #b8bec6;border-radius:4px;min-width:260px}
button,.button{font:inherit;background:#ff5200;color:#fff;border:0;border-radius:4px;padding:8px 16px;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#e4e7eb;color:#1f2933}
.error{color:#b00020;font-weight:600}
.ok{color:#1b7f3b;font-weight:600}
ul.apps{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:16px}
.row{display:flex;gap:8px;align-items:end;flex-wrap:wrap}
`;

/** The sign-out form sits in the footer so each page's own form is the first one on it (scripts read it that way). */
export function layout(title: string, body: string, signedInAs?: string): string {
  const who = signedInAs
    ? `<footer><form method="post" action="/sign_out">Signed in as ${escapeHtml(signedInAs)} <button class="secondary" type="submit">Sign out</button></form></footer>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Procore Sandbox</title><style>${STYLE}</style></head>
<body><header><span class="brand">Procore Sandbox</span></header><main>${body}</main>${who}</body></html>`;
}

/** Only same-site paths, so `return_to` cannot send the browser to another site after sign-in. */
function safeReturnTo(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/marketplace";
}

export function signInUrl(returnTo: string): string {
  return `/sign_in?return_to=${encodeURIComponent(returnTo)}`;
}

export function currentUser(ctx: PageContext): Person | undefined {
  const session = ctx.sb.store.t.sessions.get(ctx.cookies[SESSION_COOKIE] ?? "");
  return session && ctx.sb.store.t.people.get(session.user_id);
}

function signInPage(returnTo: string, email = "", error?: string): string {
  return layout(
    "Sign in",
    `<section class="card" aria-labelledby="sign-in-title">
<h1 id="sign-in-title">Sign in to Procore</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/sign_in">
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">Sign in</button></p>
</form></section>`,
  );
}

export const showSignIn: PageHandler = (ctx) => html(200, signInPage(safeReturnTo(ctx.url.searchParams.get("return_to"))));

export const signIn: PageHandler = (ctx) => {
  const returnTo = safeReturnTo(ctx.body.return_to);
  const email = typeof ctx.body.email === "string" ? ctx.body.email.trim() : "";
  const person = ctx.sb.store.personByEmail(email);
  if (!person?.password || person.password !== ctx.body.password) {
    return html(401, signInPage(returnTo, email, "Invalid email or password."));
  }
  const session = ctx.sb.store.t.sessions.put({ id: randomBytes(24).toString("hex"), user_id: person.id, created_at: ctx.sb.store.now() });
  return redirect(returnTo, { "Set-Cookie": `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax` }, 303);
};

export const signOut: PageHandler = (ctx) => {
  ctx.sb.store.t.sessions.delete(ctx.cookies[SESSION_COOKIE] ?? "");
  return redirect("/sign_in", { "Set-Cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` }, 303);
};
