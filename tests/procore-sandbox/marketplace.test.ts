import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDS, startSandbox, type SandboxClient } from "./helpers.ts";

const SETUP_URL = "http://localhost:3999/procore/setup";
const stateDir = mkdtempSync(join(tmpdir(), "procore-sandbox-"));
const env = { PROCORE_SETUP_URL: SETUP_URL, PROCORE_SANDBOX_STATE_FILE: join(stateDir, "state.json") };
let sb: SandboxClient;
beforeAll(async () => {
  sb = await startSandbox(env);
});
afterAll(async () => {
  await sb?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const page = async (cookie: string, query = "") => {
  const res = await fetch(`${sb.url}/marketplace${query}`, { headers: { cookie }, redirect: "manual" });
  return { status: res.status, html: await res.text() };
};

/** The <li> card of one app, as rendered. */
const card = (html: string, name: string) => new RegExp(`<li[^>]*>(?:(?!</li>)[\\s\\S])*${name}(?:(?!</li>)[\\s\\S])*</li>`).exec(html)?.[0] ?? "";

describe("Marketplace page", () => {
  it("requires a sandbox sign-in and comes back to the Marketplace afterwards", async () => {
    const res = await fetch(`${sb.url}/marketplace`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/sign_in?return_to=%2Fmarketplace");
    const signIn = await fetch(`${sb.url}/sign_in`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ email: "admin@demo.test", password: "demo", return_to: "/marketplace" }),
    });
    expect(signIn.headers.get("location")).toBe("/marketplace");
  });

  it("shows a 'Search apps' box, both app cards with their Install buttons, and a company selector", async () => {
    const { status, html } = await page(await sb.signIn());
    expect(status).toBe(200);
    expect(html).toMatch(/<label for="search">Search apps<\/label><input id="search" type="search"/);
    expect(html).toContain('<h2 id="app-planner">Smartapp Planner</h2>');
    expect(html).toContain('<h2 id="app-safety">Smartapp Safety</h2>');
    expect(html).toContain(">Install Smartapp Planner</button>");
    expect(html).toContain(">Install Smartapp Safety</button>");
    expect(html).toMatch(/<label for="company">Company<\/label><select id="company" name="company_id">/);
    expect(html).toContain(`<option value="${IDS.demo}" selected>Demo Construction Co.</option>`);
    expect(html).toContain(`<option value="${IDS.second}">Second Builders Inc.</option>`);
    expect(html).not.toContain("App Setup Instructions");
  });

  it("filters the cards by the search text and escapes what it echoes", async () => {
    const cookie = await sb.signIn();
    const { html } = await page(cookie, "?q=safety");
    expect(card(html, "Smartapp Planner")).toMatch(/^<li [^>]*hidden>/);
    expect(card(html, "Smartapp Safety")).not.toMatch(/^<li [^>]*hidden>/);
    const none = await page(cookie, `?q=${encodeURIComponent('<script>alert("x")</script>')}`);
    expect(none.html).toContain('value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"');
    expect(none.html).toContain('<p id="no-apps">No apps match your search.</p>');
  });

  it("installs an app for the chosen company and then links to the App Setup Instructions in a new tab", async () => {
    const cookie = await sb.signIn();
    const token = (await sb.userTokens()).access_token;
    expect((await sb.api(token, `/projects?company_id=${IDS.demo}`)).status).toBe(403);

    const install = await fetch(`${sb.url}/marketplace/install`, {
      method: "POST",
      headers: { cookie },
      redirect: "manual",
      body: new URLSearchParams({ company_id: String(IDS.demo), app: "planner" }),
    });
    expect(install.status).toBe(303);
    const { html } = await page(cookie, new URL(install.headers.get("location")!, sb.url).search);
    const planner = card(html, "Smartapp Planner");
    expect(planner).toContain(
      `<a class="button" href="${SETUP_URL}?company_id=${IDS.demo}" target="_blank" rel="noopener">App Setup Instructions</a>`,
    );
    expect(card(html, "Smartapp Safety")).toContain(">Install Smartapp Safety</button>");
    expect(html).toContain('role="status">Smartapp Planner is installed in Demo Construction Co.');

    expect((await sb.api(token, `/projects?company_id=${IDS.demo}`)).status).toBe(200);
    // Installed per company: Second is still not connected.
    expect((await sb.api(token, `/projects?company_id=${IDS.second}`, { companyId: IDS.second })).status).toBe(403);
  });

  it("has no company selector for a user with one company", async () => {
    const { html } = await page(await sb.signIn("third@third.test"));
    expect(html).not.toContain('<select id="company"');
    expect(html).toContain(`<input type="hidden" name="company_id" value="${IDS.third}">`);
    // The demo seed has the app installed in Third Party Contractors.
    expect(card(html, "Smartapp Planner")).toContain("App Setup Instructions");
  });

  it("keeps installations, sessions, tokens and data across a restart with PROCORE_SANDBOX_STATE_FILE", async () => {
    const cookie = await sb.signIn();
    const tokens = await sb.userTokens();
    const vendor = await sb.admin<{ id: number }>("POST", "/records/vendors", { company_id: IDS.demo, name: "Persistent Plumbing" });
    await sb.stop();
    sb = await startSandbox(env);

    expect(await sb.admin("GET", `/records/vendors/${vendor.id}`)).toMatchObject({ name: "Persistent Plumbing" });
    expect(await sb.apiJson(tokens.access_token, `/projects/${IDS.demoProject}?company_id=${IDS.demo}`)).toMatchObject({ id: IDS.demoProject });
    const refreshed = await sb.token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token! });
    expect(refreshed.status).toBe(200);
    const { status, html } = await page(cookie);
    expect(status).toBe(200);
    expect(card(html, "Smartapp Planner")).toContain("App Setup Instructions");
  });
});
