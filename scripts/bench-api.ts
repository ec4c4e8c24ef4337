// `npm run bench:api`: the JSON API under load, with autocannon, against the real stack.
//
// Starts the whole product on its own ports (BENCH_PORT, default 3400; a fresh data folder) unless BENCH_URL names a
// running one (e.g. `npm start` → BENCH_URL=http://localhost:3000, with its sandboxes on PROCORE_SANDBOX_PORT /
// STRIPE_SANDBOX_PORT). Seeds the Procore sandbox with a large company (BENCH_PROJECTS projects, default 5,000),
// installs the app there, signs admin@demo.test in through Procore OAuth (Chromium), licenses BENCH_LICENSED projects
// (default 20) through Stripe Checkout, then, at BENCH_CONNECTIONS (default 50) concurrent connections for
// BENCH_DURATION seconds (default 10) each, prints p50/p95/p99 latency, throughput and errors of:
//   GET /api/accounts/:id/procore-projects   the mapping page's project list
//   GET /api/accounts/:id/draft              the saved selection
//   PUT /api/accounts/:id/draft              saving the selection (BENCH_SELECTED projects, default 50)
//   GET /projects                            Project Central (server-rendered HTML)
//   POST /api/procore/webhook                Procore webhook deliveries, each a new event: events accepted per second
import { createRequire } from "node:module";
import { chromium } from "@playwright/test";
import { parseEnv } from "@/lib/env";
import { percentile, startStack } from "./bench/stack";

// autocannon ships no types: the part of its API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonOptions extends AutocannonRequest {
  url: string;
  connections?: number;
  duration?: number;
  timeout?: number;
  requests?: AutocannonRequest[];
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (
  opts: AutocannonOptions,
  done: (err: Error | null, result: AutocannonResult) => void,
) => { on(event: "response", fn: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void };
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 5000);
const LICENSED = Number(process.env.BENCH_LICENSED ?? 20);
const SELECTED = Number(process.env.BENCH_SELECTED ?? 50);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

interface Figures {
  name: string;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  detail: string;
}

/** One autocannon run; latencies are recorded per response so p95 is exact (autocannon's summary has p97.5). */
function load(name: string, opts: AutocannonOptions): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const instance = autocannon({ connections: CONNECTIONS, duration: DURATION, timeout: 30, ...opts }, (err, result) => {
      if (err) return reject(err);
      const ok = [...statuses].filter(([s]) => s >= 200 && s < 400).reduce((n, [, c]) => n + c, 0);
      const bad = [...statuses].filter(([s]) => s >= 400);
      const errors = result.errors + result.timeouts + bad.reduce((n, [, c]) => n + c, 0);
      resolve({
        name,
        requests: latencies.length,
        perSecond: ok / (result.duration || DURATION),
        p50: Math.round(percentile(latencies, 50)),
        p95: Math.round(percentile(latencies, 95)),
        p99: Math.round(percentile(latencies, 99)),
        errors,
        detail: [
          ...bad.map(([s, c]) => `${c}× ${s}`),
          ...(result.errors ? [`${result.errors} socket errors`] : []),
          ...(result.timeouts ? [`${result.timeouts} timeouts`] : []),
        ].join(", "),
      });
    });
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
}

async function signIn(appUrl: string, companyId: string): Promise<{ cookie: string; accountId: string }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/procore/setup?company_id=${companyId}`);
    await page.getByRole("button", { name: "Continue with Procore" }).click();
    await page.getByLabel("Email").fill("admin@demo.test");
    await page.getByLabel("Password").fill("demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL((u) => u.origin === appUrl && u.pathname === "/setup/projects", { timeout: 120_000 });
    const accountId = new URL(page.url()).searchParams.get("account");
    if (!accountId) throw new Error(`no account in ${page.url()}`);
    const cookie = (await context.cookies(appUrl)).map((c) => `${c.name}=${c.value}`).join("; ");
    return { cookie, accountId };
  } finally {
    await browser.close();
  }
}

const given = process.env.BENCH_URL?.replace(/\/$/, "");
const stack = given
  ? {
      appUrl: given,
      procoreUrl: `http://localhost:${process.env.PROCORE_SANDBOX_PORT ?? 4001}`,
      stripeUrl: `http://localhost:${process.env.STRIPE_SANDBOX_PORT ?? 4002}`,
      stop: async () => undefined,
    }
  : await startStack(Number(process.env.BENCH_PORT ?? 3400), {
      // The stack's output, to look at after a run (the bench prints only figures).
      SMARTAPP_LOG_FILE: `.data/bench-${Number(process.env.BENCH_PORT ?? 3400)}/stack.log`,
    });

try {
  const { appUrl, procoreUrl, stripeUrl } = stack;
  const started = Date.now();
  const seeded = await json<{ companyId: number | string }>(await post(`${procoreUrl}/__admin/seed`, { kind: "large", projects: PROJECTS }), "seed");
  const companyId = String(seeded.companyId);
  await json(await post(`${procoreUrl}/__admin/install`, { companyId, app: "planner" }), "install");
  const { cookie, accountId } = await signIn(appUrl, companyId);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${appUrl}${path}`, { ...init, redirect: "manual", headers: { cookie, origin: appUrl, "content-type": "application/json", ...init.headers } });

  // The account: its Procore projects cached, LICENSED of them licensed through Checkout, SELECTED in the draft.
  const listing = await json<{ projects: { procoreProjectId: string; active: boolean; licence: unknown }[] }>(await api(`/api/accounts/${accountId}/procore-projects`), "project list");
  const free = listing.projects.filter((p) => p.active && p.licence === null);
  const selection = (ids: { procoreProjectId: string }[]) => ids.map((p) => ({ procoreProjectId: p.procoreProjectId, planner: true, safety: false, plannerBoard: false, safetyBadge: false }));
  await json(await api(`/api/accounts/${accountId}/draft`, { method: "PUT", body: JSON.stringify({ selections: selection(free.slice(0, LICENSED)) }) }), "draft to license");
  const { url } = await json<{ url: string }>(await api(`/api/accounts/${accountId}/checkout`, { method: "POST", body: JSON.stringify({ interval: "MONTH" }) }), "checkout");
  const sessionId = new URL(url).pathname.split("/").pop()!;
  const paid = await json<{ redirectUrl: string }>(await post(`${stripeUrl}/__admin/checkout/${sessionId}/complete`, { card: "4242424242424242" }), "pay");
  await fetch(paid.redirectUrl, { headers: { cookie }, redirect: "manual" });
  const draftBody = JSON.stringify({ selections: selection(free.slice(LICENSED, LICENSED + SELECTED)) });
  await json(await api(`/api/accounts/${accountId}/draft`, { method: "PUT", body: draftBody }), "draft");
  const central = await (await api("/projects")).text();
  const tiles = (central.match(/<li aria-labelledby=/g) ?? []).length;
  console.log(`bench:api — ${PROJECTS} Procore projects, ${LICENSED} licensed (${tiles} tiles in Project Central), ${SELECTED} in the draft; ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`  ${CONNECTIONS} connections, ${DURATION} s per endpoint, against ${appUrl}\n`);

  const headers = { cookie, origin: appUrl, "content-type": "application/json" };
  const webhookSecret = parseEnv({ ...process.env, APP_URL: appUrl }).procore.webhookSecret;
  let eventId = Date.now() * 1000;
  const results: Figures[] = [];
  results.push(await load(`GET  /api/accounts/:id/procore-projects`, { url: `${appUrl}/api/accounts/${accountId}/procore-projects`, headers }));
  results.push(await load(`GET  /api/accounts/:id/draft`, { url: `${appUrl}/api/accounts/${accountId}/draft`, headers }));
  results.push(await load(`PUT  /api/accounts/:id/draft`, { url: `${appUrl}/api/accounts/${accountId}/draft`, method: "PUT", headers, body: draftBody }));
  results.push(await load(`GET  /projects (Project Central)`, { url: `${appUrl}/projects`, headers: { cookie, accept: "text/html" } }));
  results.push(
    await load(`POST /api/procore/webhook`, {
      url: `${appUrl}/api/procore/webhook`,
      method: "POST",
      headers: { authorization: webhookSecret, "content-type": "application/json" },
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              id: String(eventId++),
              api_version: "v2",
              event_type: "update",
              resource_name: "Locations",
              resource_id: "5200000001",
              company_id: companyId,
              project_id: listing.projects[0]?.procoreProjectId ?? null,
              metadata: { source_application_id: null },
            }),
          }),
        },
      ],
    }),
  );

  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`${"endpoint".padEnd(40)} ${pad("req/s", 8)} ${pad("p50 ms", 8)} ${pad("p95 ms", 8)} ${pad("p99 ms", 8)} ${pad("requests", 9)} ${pad("errors", 7)}`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(40)} ${pad(r.perSecond.toFixed(1), 8)} ${pad(r.p50, 8)} ${pad(r.p95, 8)} ${pad(r.p99, 8)} ${pad(r.requests, 9)} ${pad(r.errors, 7)}${r.detail ? `  (${r.detail})` : ""}`,
    );
  }
  const hooks = results.at(-1)!;
  console.log(`\nProcore webhook events accepted: ${hooks.perSecond.toFixed(1)} per second`);
} finally {
  await stack.stop();
}
