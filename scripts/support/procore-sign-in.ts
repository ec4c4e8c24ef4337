import { authorizeUrl, exchangeCode, type OAuthConfig, type TokenSet } from "@/lib/procore/oauth";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } from "./procore-sandbox";

/*
 * Signs a person in to the sandbox the way a browser would, with fetch and a cookie jar: the authorize URL sends
 * us to the sign-in form ("Email", "Password", "Sign in"), then to the consent form ("Allow"), which redirects to
 * redirect_uri with the code. The forms are read from the sandbox's HTML rather than assumed.
 */

interface Form {
  action: string;
  fields: Record<string, string>;
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescapeHtml(value: string): string {
  return value
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** The page's first form: its action, hidden fields, and the labelled inputs filled from `byLabel`. */
function readForm(html: string, byLabel: Record<string, string> = {}): Form {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`No form on the page:\n${html.slice(0, 500)}`);
  const action = unescapeHtml(attr(form[0].slice(0, form[0].indexOf(">") + 1), "action") ?? "");
  const fields: Record<string, string> = {};
  for (const [input] of form[1]!.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(input, "name");
    if (name && attr(input, "type") === "hidden") fields[name] = unescapeHtml(attr(input, "value") ?? "");
  }
  for (const [label, value] of Object.entries(byLabel)) {
    const id = new RegExp(`<label for="([^"]+)">${label}</label>`).exec(form[1]!)?.[1];
    const input = id && new RegExp(`<input\\b[^>]*\\bid="${id}"[^>]*>`).exec(form[1]!)?.[0];
    const name = input && attr(input, "name");
    if (!name) throw new Error(`No input labelled "${label}"`);
    fields[name] = value;
  }
  return { action, fields };
}

/** The name/value of the submit button with this text. */
function button(html: string, text: string): Record<string, string> {
  const tag = new RegExp(`<button\\b[^>]*>${text}</button>`).exec(html)?.[0];
  if (!tag) throw new Error(`No "${text}" button`);
  const name = attr(tag, "name");
  return name ? { [name]: attr(tag, "value") ?? "" } : {};
}

class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async go(url: string, form?: Record<string, string>): Promise<Response> {
    const res = await fetch(new URL(url, this.origin), {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ? new URLSearchParams(form) : undefined,
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const eq = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return res;
  }

  /** Follows redirects on the sandbox until a page answers; stops at (and returns) a redirect leaving it. */
  async follow(res: Response): Promise<{ res: Response; location?: URL }> {
    let current = res;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get("location");
      if (current.status < 300 || current.status >= 400 || !location) return { res: current };
      const next = new URL(location, this.origin);
      if (next.origin !== new URL(this.origin).origin) return { res: current, location: next };
      current = await this.go(next.toString());
    }
    throw new Error("Too many redirects");
  }
}

export interface SignInOptions {
  sandboxUrl: string;
  email?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
}

/** The authorization code Procore hands to our callback after sign-in and consent. */
export async function authorizationCode(opts: SignInOptions): Promise<string> {
  const config = oauthConfig(opts);
  const browser = new Browser(opts.sandboxUrl);
  const state = "state-" + Math.random().toString(36).slice(2);
  let page = await browser.follow(await browser.go(authorizeUrl(config, { redirectUri: REDIRECT_URI, state })));
  let html = await page.res.text();

  if (html.includes(">Sign in</button>")) {
    const signIn = readForm(html, { Email: opts.email ?? "admin@demo.test", Password: opts.password ?? "demo" });
    page = await browser.follow(await browser.go(signIn.action, signIn.fields));
    html = await page.res.text();
    if (page.res.status !== 200) throw new Error(`Sign-in failed (${page.res.status}):\n${html.slice(0, 500)}`);
  }

  const consent = readForm(html);
  const answer = await browser.follow(await browser.go(consent.action, { ...consent.fields, ...button(html, "Allow") }));
  const callback = answer.location;
  if (!callback || callback.searchParams.get("state") !== state) {
    throw new Error(`Consent did not redirect back with our state: ${answer.res.status} ${callback}\n${(await answer.res.text()).slice(0, 800)}`);
  }
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`No code in ${callback}`);
  return code;
}

export function oauthConfig(opts: SignInOptions): OAuthConfig {
  return {
    loginUrl: opts.sandboxUrl,
    clientId: opts.clientId ?? CLIENT_ID,
    clientSecret: opts.clientSecret ?? CLIENT_SECRET,
  };
}

/** A user's first tokens, obtained exactly as the app's sign-in callback does. */
export async function signIn(opts: SignInOptions): Promise<TokenSet> {
  return exchangeCode(oauthConfig(opts), { code: await authorizationCode(opts), redirectUri: REDIRECT_URI });
}
