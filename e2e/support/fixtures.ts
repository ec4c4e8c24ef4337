import { expect, type Browser, type BrowserContext } from "@playwright/test";
import { parseEnv } from "@/lib/env";
import { withAppDb } from "./app-db";
import { APP_URL } from "./env";
import { send, type RawResponse } from "./http";
import { companyIdByName, installApp, signInThroughSetup } from "./procore";

/*
 * Signed-in people and real ids for the security spec: user A (admin@demo.test) in "Second Builders Inc." with its
 * seeded projects and records A creates, user B (third@third.test) in "Third Party Contractors".
 */

export interface SignedIn {
  email: string;
  context: BrowserContext;
  /** The Cookie header of their session. */
  cookie: string;
  accountId: string;
}

export async function signIn(browser: Browser, who: { email: string; password: string }, companyName: string): Promise<SignedIn> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const companyId = await companyIdByName(context.request, companyName);
  await installApp(context.request, companyId);
  await signInThroughSetup(page, who, `/procore/setup?company_id=${companyId}`);
  await expect(page.getByRole("heading", { name: "Map Procore projects" })).toBeVisible();
  const accountId = new URL(page.url()).searchParams.get("account");
  expect(accountId, `account of ${who.email} in the mapping page URL`).toBeTruthy();
  const cookies = await context.cookies(APP_URL);
  expect(cookies.some((c) => c.name.endsWith("next-auth.session-token")), "session cookie").toBe(true);
  await page.close();
  return { email: who.email, context, cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "), accountId: accountId! };
}

/** The app's environment as the e2e stack sees it (secrets fall back to the same dev values). */
export const appEnv = () => parseEnv({ ...process.env, APP_URL });

export function api(who: SignedIn | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send({
    method,
    path,
    headers: {
      ...(who ? { cookie: who.cookie } : {}),
      origin: APP_URL,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const run = Date.now().toString(36);

export interface TenantIds {
  accountId: string;
  /** Two projects of the account: the first is the one fuzzed and probed. */
  projectIds: [string, string];
  /** Ids by route parameter name, for filling URL templates. */
  byParam: Record<string, string>;
}

async function created(res: RawResponse, what: string): Promise<string> {
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
  return (res.json as { id: string }).id;
}

const SETTINGS_OFF = {
  enabled: false,
  entities: Object.fromEntries(["LOCATIONS", "COMPANIES", "ROLES", "USERS"].map((e) => [e, { direction: "BOTH", frequency: "DAILY" }])),
};

/**
 * Real ids of A's tenant: the account, two of its projects (Procore sync switched off, so no background run writes
 * during the spec), and one company, location, role and team member that A creates in the first project. Licence,
 * subscription, draft and sync-run ids come from the database, for routes that may name them one day.
 */
export async function tenantIds(a: SignedIn): Promise<TenantIds> {
  // Planner first: the plan board routes answer 404 on a project without it.
  const projects = await withAppDb(async (c) =>
    (
      await c.query<{ id: string }>(
        `SELECT p."id" FROM "Project" p WHERE p."accountId" = $1
          ORDER BY EXISTS (SELECT 1 FROM "Licence" l WHERE l."projectId" = p."id" AND l."module" = 'PLANNER' AND l."status" <> 'CANCELED') DESC, p."createdAt", p."id"`,
        [a.accountId],
      )
    ).rows.map((r) => r.id),
  );
  expect(projects.length, "A's account has two projects (the seeded Second Builders licences)").toBeGreaterThanOrEqual(2);
  const [p1, p2] = projects as [string, string];
  for (const p of [p1, p2]) {
    const res = await api(a, "PUT", `/api/projects/${p}/settings/procore`, SETTINGS_OFF);
    expect(res.status, res.text).toBe(200);
  }
  const companyId = await created(await api(a, "POST", `/api/projects/${p1}/companies`, { name: `Sec Co ${run}` }), "company");
  const locationId = await created(await api(a, "POST", `/api/projects/${p1}/locations`, { name: `Sec Zone ${run}` }), "location");
  const roleId = await created(await api(a, "POST", `/api/projects/${p1}/roles`, { name: `Sec Role ${run}` }), "role");
  const memberId = await created(
    await api(a, "POST", `/api/projects/${p1}/team`, { firstName: "Sec", lastName: run, email: `sec-${run}@example.test`, companyId, roleId }),
    "team member",
  );
  const task = await api(a, "POST", `/api/projects/${p1}/planner/tasks`, { name: `Sec Task ${run}`, companyId, locationId, start: "2027-01-04", finish: "2027-01-08" });
  // The plan board is another engineer's feature: its id is used when its routes exist.
  const taskId = task.status < 300 ? (task.json as { id: string }).id : undefined;
  const fromDb = await withAppDb(async (c) => {
    const one = async (sql: string, params: unknown[]) => (await c.query<{ id: string }>(sql, params)).rows[0]?.id;
    return {
      licenceId: await one(`SELECT "id" FROM "Licence" WHERE "projectId" = ANY($1::text[]) LIMIT 1`, [[p1, p2]]),
      subscriptionId: await one(`SELECT "id" FROM "Subscription" WHERE "accountId" = $1 LIMIT 1`, [a.accountId]),
      draftId: await one(`SELECT "id" FROM "SelectionDraft" WHERE "accountId" = $1 LIMIT 1`, [a.accountId]),
      runId: await one(`SELECT "id" FROM "SyncRun" WHERE "projectId" = ANY($1::text[]) LIMIT 1`, [[p1, p2]]),
      // A's own membership (the owner's): a role change of it, or a hand-over to it, is refused, so the fuzzer writes
      // nothing through it.
      userId: await one(`SELECT "userId" AS "id" FROM "Membership" WHERE "accountId" = $1 AND "role" = 'OWNER' LIMIT 1`, [a.accountId]),
    };
  });
  const byParam: Record<string, string> = {
    accountId: a.accountId,
    projectId: p1,
    companyId,
    locationId,
    roleId,
    memberId,
    entity: "locations",
    ...(taskId ? { taskId } : {}),
    ...Object.fromEntries(Object.entries(fromDb).filter(([, v]) => v !== undefined)),
  };
  if (byParam.runId) byParam.syncRunId = byParam.runId;
  return { accountId: a.accountId, projectIds: [p1, p2], byParam };
}

/** A valid body per route method ("METHOD /template"), for the isolation checks and as the fuzzer's seeds. */
export function validBodies(ids: TenantIds, projectIds: { procore: string }): Record<string, unknown> {
  return {
    "PUT /api/accounts/[accountId]/draft": { selections: [{ procoreProjectId: projectIds.procore, planner: true, safety: false, plannerBoard: false, safetyBadge: false }], interval: "MONTH" },
    "POST /api/accounts/[accountId]/checkout": { interval: "MONTH" },
    "PATCH /api/accounts/[accountId]/members/[userId]": { role: "ADMIN" },
    // To A's owner, who has it already: refused (409), so the fuzzer's seed hands nothing over.
    "PUT /api/accounts/[accountId]/owner": { userId: ids.byParam.userId },
    "POST /api/projects/[projectId]/companies": { name: `Valid Co ${run}`, email: "valid@example.test", phone: "555" },
    "PATCH /api/projects/[projectId]/companies/[companyId]": { name: `Sec Co ${run}`, email: "co@example.test", phone: "1", active: true },
    "POST /api/projects/[projectId]/locations": { name: `Valid Zone ${run}`, parentId: ids.byParam.locationId },
    "PATCH /api/projects/[projectId]/locations/[locationId]": { name: `Sec Zone ${run}`, active: true },
    "POST /api/projects/[projectId]/roles": { name: `Valid Role ${run}` },
    "PATCH /api/projects/[projectId]/roles/[roleId]": { name: `Sec Role ${run}`, active: true },
    "POST /api/projects/[projectId]/team": { firstName: "Val", lastName: "Id", email: `valid-${run}@example.test`, jobTitle: "PM", companyId: ids.byParam.companyId, roleId: ids.byParam.roleId },
    "PATCH /api/projects/[projectId]/team/[memberId]": { firstName: "Sec", lastName: run, jobTitle: "Lead", active: true },
    "PUT /api/projects/[projectId]/settings/procore": SETTINGS_OFF,
    "POST /api/projects/[projectId]/subscription": { action: "add", item: "PLANNER_BOARD" },
    "POST /api/projects/[projectId]/planner/tasks": { name: `Valid Task ${run}`, companyId: ids.byParam.companyId, locationId: null, start: "2027-02-01", finish: "2027-02-03", status: "PLANNED" },
    "PATCH /api/projects/[projectId]/planner/tasks/[taskId]": { name: `Sec Task ${run}`, start: "2027-01-04", finish: "2027-01-08", status: "IN_PROGRESS" },
  };
}
