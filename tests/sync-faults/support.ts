import { spawn, type ChildProcess } from "node:child_process";
import { expect } from "vitest";
import { DbTokenStore, saveConnection } from "@/lib/auth/connection-store";
import { db } from "@/lib/db";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { createProcoreClient, type ProcoreClient } from "@/lib/procore";
import type { Sleep } from "@/lib/procore/rate-limit";
import { runSync, type RunSyncOptions, type RunSyncResult } from "@/lib/sync";
import { emailKey, nameKey, pathKey } from "@/lib/sync/policy";
import { startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { oauthConfig, signIn } from "@/scripts/support/procore-sign-in";
import { createUser, sharedAccount } from "../support/factories";

/*
 * Fault runs: the engine against the real database and the Procore sandbox over HTTP, with faults switched on in
 * the sandbox. Each test takes its own demo project (by index, unused by the other test files, which share the
 * database) after a sandbox reset, seeds a few hundred records on each side, syncs through the fault, and then
 * checks `expectInSync`: both sides hold the same records, each linked exactly once, nothing duplicated on either
 * side, and each record carries the values of the side it came from.
 *
 * The engine's Procore client is built as the worker builds it (lib/auth/procore.ts `procoreForProject`): the
 * account owner's stored connection (DbTokenStore), the company's id, and the run's rate-limit hook.
 */

export const DEMO_COMPANY = "4300000001";
/** Companies before Users, so members find their linked company; Roles before Users for the same reason. */
export const ENTITIES: SyncEntity[] = ["COMPANIES", "ROLES", "LOCATIONS", "USERS"];

/** The demo seed's company roles; local roles use these names (Procore's API cannot create roles). */
const DEMO_ROLES = ["Architect", "Project Manager", "Superintendent", "Foreman", "Project Engineer", "Safety Manager"];

export interface SeedSizes {
  /** Added to the Procore project (and company directory) by the sandbox's large seed. */
  procore: { users: number; vendors: number; locations: number };
  /** Created in Smartapp only (new names), so the first sync pushes them. */
  local: { members: number; companies: number; buildings: number };
  /** Smartapp members whose email is one of the seeded Procore users: linked, not created. */
  twins: number;
}

/** About 250 records: a few batches of each entity (Users write 100 per batch, Locations 25). */
export const MODEST: SeedSizes = {
  procore: { users: 60, vendors: 10, locations: 40 },
  local: { members: 70, companies: 10, buildings: 3 },
  twins: 5,
};

/** What each side held before the first sync: the values every record must still carry once synced. */
export interface Expected {
  members: Map<string, { firstName: string; lastName: string; jobTitle: string | null; company: string | null; role: string | null }>;
  companies: Map<string, { email: string | null; phone: string | null }>;
  paths: Set<string>;
}

export interface FaultEnv {
  sb: Sandbox;
  companyId: string;
  procoreProjectId: string;
  projectId: string;
  accountId: string;
  ownerId: string;
  connectionId: string;
  expected: Expected;
  /** The worker's client for this project's account, with an optional test sleep (backoff and rate-limit waits). */
  client: (opts?: { onRateLimitWait?: (untilMs: number) => void; sleep?: Sleep }) => ProcoreClient;
  run: (entity: SyncEntity, opts?: Partial<RunSyncOptions> & { sleep?: Sleep }) => Promise<RunSyncResult>;
  /** Env for a child process running tests/sync-faults/run-sync.ts against this project. */
  childEnv: () => Record<string, string>;
}

export function finished(result: RunSyncResult) {
  if (result.outcome !== "finished") throw new Error(`Expected the run to finish, it was skipped for ${result.activeRunId}`);
  return result;
}

/** Backoff and rate-limit waits as asked for, but capped, so a fault run takes seconds. */
export function cappedSleep(capMs: number): Sleep & { waits: number[] } {
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, capMs)));
  };
  return Object.assign(sleep, { waits });
}

export async function startFaultSandbox(): Promise<{ sb: Sandbox; env: (projectIndex: number, sizes?: SeedSizes) => Promise<FaultEnv> }> {
  const sb = await startSandbox();

  async function env(projectIndex: number, sizes: SeedSizes = MODEST): Promise<FaultEnv> {
    await sb.admin("POST", "/__admin/reset", { seed: "demo" });
    await sb.admin("POST", "/__admin/install", { companyId: DEMO_COMPANY, app: "planner" });
    const procoreProject = (await sb.admin<{ id: number; name: string; active: boolean }[]>("GET", `/__admin/records/projects?company_id=${DEMO_COMPANY}`))
      .filter((p) => p.active)
      .sort((a, b) => a.id - b.id)[projectIndex];
    if (!procoreProject) throw new Error(`The demo company has no project #${projectIndex}`);
    const procoreProjectId = String(procoreProject.id);
    await sb.admin("POST", "/__admin/seed", { kind: "large", companyId: DEMO_COMPANY, projectId: procoreProjectId, ...sizes.procore });

    // The account owner's connection, stored as the app stores it: what the worker's syncs act through.
    const account = await sharedAccount(DEMO_COMPANY, "Demo Construction Co.");
    const owner = await createUser();
    // An admin: the account is shared with other test files, and it has one owner at most.
    await db().membership.create({ data: { accountId: account.id, userId: owner.id, role: "ADMIN" } });
    await saveConnection(owner.id, await signIn({ sandboxUrl: sb.url }));
    const connectionId = (await db().procoreConnection.findUniqueOrThrow({ where: { userId: owner.id } })).id;
    const project = await db().project.create({
      data: { accountId: account.id, procoreProjectId: BigInt(procoreProjectId), name: procoreProject.name },
    });
    const expected = await seedBothSides(sb, project.id, procoreProjectId, sizes);
    await sb.admin("DELETE", "/__admin/requests");

    const client: FaultEnv["client"] = (opts = {}) =>
      createProcoreClient({
        ...oauthConfig({ sandboxUrl: sb.url }),
        apiUrl: sb.url,
        tokenStore: new DbTokenStore(connectionId),
        connectionId,
        companyId: DEMO_COMPANY,
        onRateLimitWait: opts.onRateLimitWait,
        sleep: opts.sleep,
      });
    return {
      sb,
      companyId: DEMO_COMPANY,
      procoreProjectId,
      projectId: project.id,
      accountId: account.id,
      ownerId: owner.id,
      connectionId,
      expected,
      client,
      run: (entity, { sleep, ...opts } = {}) =>
        runSync({
          projectId: project.id,
          entity,
          trigger: "MANUAL",
          procore: (hooks) => client({ onRateLimitWait: hooks.onRateLimitWait, sleep }),
          ...opts,
        }),
      childEnv: () => ({
        SANDBOX_URL: sb.url,
        CONNECTION_ID: connectionId,
        COMPANY_ID: DEMO_COMPANY,
        PROJECT_ID: project.id,
      }),
    };
  }

  return { sb, env };
}

/**
 * Procore: the demo project's own records plus the seeded users, vendors and locations. Smartapp: new companies,
 * a location tree, members with a company and a role, the demo roles (names spelled differently), and members
 * whose email is a Procore user's (with other names: Procore's win on first contact).
 */
async function seedBothSides(sb: Sandbox, projectId: string, procoreProjectId: string, sizes: SeedSizes): Promise<Expected> {
  const roles = await Promise.all(DEMO_ROLES.map((name) => db().role.create({ data: { projectId, name: `  ${name.toUpperCase()} ` } })));
  const companies = await Promise.all(
    Array.from({ length: sizes.local.companies }, (_, i) =>
      db().company.create({
        data: { projectId, name: `Local Trade ${String(i + 1).padStart(3, "0")} LLC`, email: `office${i + 1}@local-trade.test`, phone: `555-${String(2000 + i)}` },
      }),
    ),
  );
  const paths: string[] = [];
  for (let b = 1; b <= sizes.local.buildings; b++) {
    const building = await db().location.create({ data: { projectId, name: `Annex ${b}`, path: `Annex ${b}` } });
    paths.push(building.path);
    for (let f = 1; f <= 3; f++) {
      const floor = await db().location.create({
        data: { projectId, name: `Floor ${f}`, path: `Annex ${b} > Floor ${f}`, parentId: building.id },
      });
      paths.push(floor.path);
      for (const wing of ["East", "West"]) {
        const room = await db().location.create({
          data: { projectId, name: `${wing} Wing`, path: `${floor.path} > ${wing} Wing`, parentId: floor.id },
        });
        paths.push(room.path);
      }
    }
  }
  const members = Array.from({ length: sizes.local.members }, (_, i) => ({
    projectId,
    firstName: `Local${i + 1}`,
    lastName: `Member ${String(i + 1).padStart(3, "0")}`,
    email: `local.member${i + 1}@smartapp.test`,
    jobTitle: i % 3 === 0 ? "Carpenter" : null,
    companyId: companies.length > 0 ? companies[i % companies.length]!.id : null,
    roleId: i % 2 === 0 ? roles[i % roles.length]!.id : null,
  }));
  await db().teamMember.createMany({ data: members });

  // Procore's side as the seed left it.
  const procoreUsers = await sb.admin<{ id: number; first_name: string | null; last_name: string; email_address: string; job_title: string | null; vendor_id: number | null; is_active: boolean }[]>(
    "GET",
    `/__admin/records/users?company_id=${DEMO_COMPANY}&project_id=${procoreProjectId}`,
  );
  const twins = procoreUsers.filter((u) => u.email_address.startsWith("bench.")).slice(0, sizes.twins);
  await db().teamMember.createMany({
    data: twins.map((u, i) => ({ projectId, firstName: "Twin", lastName: `Of ${i}`, email: u.email_address.toUpperCase() })),
  });
  const vendors = await sb.admin<{ id: number; name: string; email_address: string | null; business_phone: string | null }[]>(
    "GET",
    `/__admin/records/vendors?company_id=${DEMO_COMPANY}&project_id=${procoreProjectId}`,
  );
  const projectRoles = await sb.admin<{ user_id: number; role: string }[]>("GET", `/__admin/records/project_roles?project_id=${procoreProjectId}`);
  const locations = await sb.admin<{ name: string }[]>("GET", `/__admin/records/locations?project_id=${procoreProjectId}`);

  const vendorNames = new Map(vendors.map((v) => [v.id, v.name]));
  const expected: Expected = { members: new Map(), companies: new Map(), paths: new Set() };
  for (const u of procoreUsers) {
    if (!u.is_active) continue;
    const role = projectRoles.filter((r) => r.user_id === u.id).map((r) => nameKey(r.role)).sort()[0] ?? null;
    const vendor = u.vendor_id === null ? undefined : vendorNames.get(u.vendor_id);
    expected.members.set(emailKey(u.email_address), {
      firstName: u.first_name ?? "",
      lastName: u.last_name,
      jobTitle: u.job_title,
      company: vendor ? nameKey(vendor) : null,
      role,
    });
  }
  members.forEach((m, i) => {
    expected.members.set(emailKey(m.email), {
      firstName: m.firstName,
      lastName: m.lastName,
      jobTitle: m.jobTitle,
      company: companies.length > 0 ? nameKey(companies[i % companies.length]!.name) : null,
      role: m.roleId ? nameKey(roles.find((r) => r.id === m.roleId)!.name) : null,
    });
  });
  for (const v of vendors) expected.companies.set(nameKey(v.name), { email: v.email_address, phone: v.business_phone });
  for (const c of companies) expected.companies.set(nameKey(c.name), { email: c.email, phone: c.phone });
  for (const l of locations) expected.paths.add(pathKey(l.name));
  for (const p of paths) expected.paths.add(pathKey(p));
  return expected;
}

// ---------------------------------------------------------------- the end state

const blank = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === "" ? null : v.trim());

/** Keys that occur more than once. */
export function duplicatesOf(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const k of keys) (seen.has(k) ? dupes : seen).add(k);
  return [...dupes];
}

interface SandboxUser {
  id: number;
  first_name: string | null;
  last_name: string;
  email_address: string;
  job_title: string | null;
  vendor_id: number | null;
  is_active: boolean;
}

interface SandboxVendor {
  id: number;
  name: string;
  email_address: string | null;
  business_phone: string | null;
  is_active: boolean;
}

/** Both sides hold the same records of `entities`, each linked exactly once, none twice on either side. */
export async function expectInSync(env: FaultEnv, entities: readonly SyncEntity[] = ENTITIES): Promise<void> {
  const { sb, projectId, companyId, procoreProjectId, expected } = env;
  const links = async (entity: SyncEntity) => {
    const all = await db().syncLink.findMany({ where: { projectId, entity } });
    expect(duplicatesOf(all.map((l) => l.localId)), `${entity} local ids linked twice`).toEqual([]);
    expect(duplicatesOf(all.map((l) => String(l.procoreId))), `${entity} Procore ids linked twice`).toEqual([]);
    return { byLocal: new Map(all.map((l) => [l.localId, String(l.procoreId)])), count: all.length };
  };
  const vendorsOnProject = (await sb.admin<SandboxVendor[]>("GET", `/__admin/records/vendors?company_id=${companyId}&project_id=${procoreProjectId}`)).filter(
    (v) => v.is_active,
  );
  const companyLinks = await links("COMPANIES");

  if (entities.includes("COMPANIES")) {
    const local = await db().company.findMany({ where: { projectId, active: true } });
    expect(duplicatesOf(local.map((c) => nameKey(c.name))), "companies twice in Smartapp").toEqual([]);
    const directory = (await sb.admin<SandboxVendor[]>("GET", `/__admin/records/vendors?company_id=${companyId}`)).filter((v) => v.is_active);
    expect(duplicatesOf(directory.map((v) => nameKey(v.name))), "vendors twice in Procore's company directory").toEqual([]);
    expect(local.map((c) => nameKey(c.name)).sort(), "companies: Smartapp vs the Procore project").toEqual(vendorsOnProject.map((v) => nameKey(v.name)).sort());
    const byName = new Map(vendorsOnProject.map((v) => [nameKey(v.name), v]));
    for (const c of local) {
      const vendor = byName.get(nameKey(c.name))!;
      expect(companyLinks.byLocal.get(c.id), `company "${c.name}" linked to its vendor`).toBe(String(vendor.id));
      expect({ email: blank(c.email), phone: blank(c.phone) }, c.name).toEqual({ email: blank(vendor.email_address), phone: blank(vendor.business_phone) });
      const want = expected.companies.get(nameKey(c.name));
      if (want) expect({ email: blank(c.email), phone: blank(c.phone) }, `${c.name} kept its values`).toEqual({ email: blank(want.email), phone: blank(want.phone) });
    }
    for (const key of expected.companies.keys()) expect(byName.has(key), `company ${key} on both sides`).toBe(true);
  }

  if (entities.includes("ROLES")) {
    const local = await db().role.findMany({ where: { projectId, active: true } });
    const remote = await sb.admin<{ id: number; name: string }[]>("GET", `/__admin/records/roles?company_id=${companyId}`);
    expect(duplicatesOf(local.map((r) => nameKey(r.name))), "roles twice in Smartapp").toEqual([]);
    expect(local.map((r) => nameKey(r.name)).sort(), "roles: Smartapp vs Procore").toEqual(remote.map((r) => nameKey(r.name)).sort());
    const roleLinks = await links("ROLES");
    const byName = new Map(remote.map((r) => [nameKey(r.name), String(r.id)]));
    for (const r of local) expect(roleLinks.byLocal.get(r.id), `role "${r.name}" linked`).toBe(byName.get(nameKey(r.name)));
  }

  if (entities.includes("LOCATIONS")) {
    const local = await db().location.findMany({ where: { projectId, active: true } });
    const remote = await sb.admin<{ id: number; name: string }[]>("GET", `/__admin/records/locations?project_id=${procoreProjectId}`);
    expect(duplicatesOf(local.map((l) => pathKey(l.path))), "locations twice in Smartapp").toEqual([]);
    expect(duplicatesOf(remote.map((l) => pathKey(l.name))), "locations twice in Procore").toEqual([]);
    expect(local.map((l) => pathKey(l.path)).sort(), "locations: Smartapp vs Procore").toEqual(remote.map((l) => pathKey(l.name)).sort());
    const locationLinks = await links("LOCATIONS");
    const byPath = new Map(remote.map((l) => [pathKey(l.name), String(l.id)]));
    for (const l of local) expect(locationLinks.byLocal.get(l.id), `location "${l.path}" linked`).toBe(byPath.get(pathKey(l.path)));
    for (const p of expected.paths) expect(byPath.has(p), `location ${p} on both sides`).toBe(true);
  }

  if (entities.includes("USERS")) {
    const local = await db().teamMember.findMany({ where: { projectId, active: true }, include: { company: true, role: true } });
    const remote = (await sb.admin<SandboxUser[]>("GET", `/__admin/records/users?company_id=${companyId}&project_id=${procoreProjectId}`)).filter((u) => u.is_active);
    const directory = await sb.admin<SandboxUser[]>("GET", `/__admin/records/users?company_id=${companyId}`);
    const projectRoles = await sb.admin<{ user_id: number; role: string }[]>("GET", `/__admin/records/project_roles?project_id=${procoreProjectId}`);
    expect(duplicatesOf(local.map((m) => emailKey(m.email))), "members twice in Smartapp").toEqual([]);
    expect(duplicatesOf(directory.map((u) => emailKey(u.email_address))), "people twice in Procore's company directory").toEqual([]);
    expect(local.map((m) => emailKey(m.email)).sort(), "members: Smartapp vs the Procore project").toEqual(remote.map((u) => emailKey(u.email_address)).sort());
    const userLinks = await links("USERS");
    const byEmail = new Map(remote.map((u) => [emailKey(u.email_address), u]));
    const vendorName = new Map(vendorsOnProject.map((v) => [String(v.id), nameKey(v.name)]));
    for (const m of local) {
      const user = byEmail.get(emailKey(m.email))!;
      expect(userLinks.byLocal.get(m.id), `member ${m.email} linked to its Procore user`).toBe(String(user.id));
      const role = projectRoles.filter((r) => r.user_id === user.id).map((r) => nameKey(r.role)).sort()[0] ?? null;
      const here = {
        firstName: blank(m.firstName),
        lastName: blank(m.lastName),
        jobTitle: blank(m.jobTitle),
        company: m.company ? nameKey(m.company.name) : null,
        role: m.role ? nameKey(m.role.name) : null,
      };
      const there = {
        firstName: blank(user.first_name),
        lastName: blank(user.last_name),
        jobTitle: blank(user.job_title),
        // Only a vendor that is one of the project's companies is a company in Smartapp.
        company: user.vendor_id === null ? null : (vendorName.get(String(user.vendor_id)) ?? null),
        role,
      };
      expect(here, `member ${m.email}: Smartapp vs Procore`).toEqual(there);
      const want = expected.members.get(emailKey(m.email));
      if (want) {
        expect(here, `member ${m.email} kept the values of the side it came from`).toEqual({
          firstName: blank(want.firstName),
          lastName: blank(want.lastName),
          jobTitle: blank(want.jobTitle),
          company: want.company,
          role: want.role,
        });
      }
    }
    for (const key of expected.members.keys()) expect(byEmail.has(key), `member ${key} on both sides`).toBe(true);
  }
}

/** No record twice on either side, and no record linked twice, whatever else is still to sync. */
export async function expectNoDuplicates(env: FaultEnv): Promise<void> {
  const { sb, projectId, companyId, procoreProjectId } = env;
  for (const entity of ENTITIES) {
    const links = await db().syncLink.findMany({ where: { projectId, entity } });
    expect(duplicatesOf(links.map((l) => l.localId)), `${entity} local ids linked twice`).toEqual([]);
    expect(duplicatesOf(links.map((l) => String(l.procoreId))), `${entity} Procore ids linked twice`).toEqual([]);
  }
  const companies = await db().company.findMany({ where: { projectId, active: true } });
  expect(duplicatesOf(companies.map((c) => nameKey(c.name))), "companies twice in Smartapp").toEqual([]);
  const vendors = (await sb.admin<SandboxVendor[]>("GET", `/__admin/records/vendors?company_id=${companyId}`)).filter((v) => v.is_active);
  expect(duplicatesOf(vendors.map((v) => nameKey(v.name))), "vendors twice in Procore").toEqual([]);
  const roles = await db().role.findMany({ where: { projectId, active: true } });
  expect(duplicatesOf(roles.map((r) => nameKey(r.name))), "roles twice in Smartapp").toEqual([]);
  const locations = await db().location.findMany({ where: { projectId, active: true } });
  expect(duplicatesOf(locations.map((l) => pathKey(l.path))), "locations twice in Smartapp").toEqual([]);
  const remoteLocations = await sb.admin<{ name: string }[]>("GET", `/__admin/records/locations?project_id=${procoreProjectId}`);
  expect(duplicatesOf(remoteLocations.map((l) => pathKey(l.name))), "locations twice in Procore").toEqual([]);
  const members = await db().teamMember.findMany({ where: { projectId } });
  expect(duplicatesOf(members.map((m) => emailKey(m.email))), "members twice in Smartapp").toEqual([]);
  const people = await sb.admin<SandboxUser[]>("GET", `/__admin/records/users?company_id=${companyId}`);
  expect(duplicatesOf(people.map((u) => emailKey(u.email_address))), "people twice in Procore").toEqual([]);
}

/** Runs every entity again with no fault: nothing is created, updated or written to Procore. */
export async function expectQuiet(env: FaultEnv): Promise<void> {
  await env.sb.admin("DELETE", "/__admin/requests");
  for (const entity of ENTITIES) {
    const again = finished(await env.run(entity, { full: true }));
    expect(again, `${entity} once more`).toMatchObject({ status: "SUCCEEDED", created: 0, updated: 0, failed: 0 });
  }
  const writes = (await env.sb.requests((r) => r.path.startsWith("/rest/") && r.method !== "GET")).map((r) => `${r.method} ${r.path}`);
  expect(writes, "writes to Procore on a run with nothing to do").toEqual([]);
}

// ---------------------------------------------------------------- a worker in a child process

export interface ChildRun {
  child: ChildProcess;
  /** JSON lines the child printed so far. */
  lines: Record<string, unknown>[];
  /** Resolves with the first line `match` accepts (rejects if the child exits first). */
  waitFor: (match: (line: Record<string, unknown>) => boolean, timeoutMs?: number) => Promise<Record<string, unknown>>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/**
 * A worker process running tests/sync-faults/run-sync.ts: `node --import tsx`, as the worker runs, on the test
 * database. `env` says which entities, whether to hang after the first checkpoint (so the test can SIGKILL it
 * there), and whether to wait for "go" on stdin.
 */
export function startChild(env: Record<string, string>): ChildRun {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/sync-faults/run-sync.ts"], {
    env: { ...process.env, LOG_LEVEL: "silent", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let out = "";
  let pending = "";
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => {
    out += d;
    pending += d;
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.on("data", (d: Buffer) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );
  const waitFor: ChildRun["waitFor"] = (match, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`timed out waiting for the child:\n${out}`)), timeoutMs);
      const check = () => {
        const line = lines.find(match);
        if (line) return done(null, line);
        if (child.exitCode !== null || child.signalCode !== null) done(new Error(`the child exited (${child.exitCode ?? child.signalCode}):\n${out}`));
      };
      function done(err: Error | null, line?: Record<string, unknown>) {
        clearTimeout(timer);
        waiters.delete(check);
        if (err) reject(err);
        else resolve(line!);
      }
      waiters.add(check);
      check();
    });
  return { child, lines, waitFor, exited, output: () => out };
}

/**
 * As if the queue's retry came: it is sent 150 s after the failure (lib/jobs/sync-jobs.ts), when the killed
 * worker's heartbeat is older than the engine's 2-minute stale limit. Moves the run's heartbeat back that far.
 */
export async function ageHeartbeat(runId: string, byMs = 150_000): Promise<void> {
  const run = await db().syncRun.findUniqueOrThrow({ where: { id: runId } });
  const checkpoint = run.checkpoint as { beatAt: string } & Record<string, unknown>;
  await db().syncRun.update({
    where: { id: runId },
    data: { checkpoint: { ...checkpoint, beatAt: new Date(Date.parse(checkpoint.beatAt) - byMs).toISOString() } },
  });
}
