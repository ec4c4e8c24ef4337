/*
 * The sync benchmark's surroundings: a throwaway database, a signed-in account owner, and the data on both sides of
 * the Procore sandbox (scripts/support starts it, as for the tests).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { saveConnection } from "@/lib/auth/connection-store";
import { db } from "@/lib/db";
import { migrateDeploy } from "@/lib/db/migrate";
import { runSql } from "../support/databases";
import { startTsProcess } from "../support/processes";
import type { Sandbox } from "../support/procore-sandbox";
import { signIn } from "../support/procore-sign-in";

// ---------------------------------------------------------------- databases

export interface Databases {
  kind: string;
  /** One freshly migrated database per pass (the engine's and the naive client's), so neither sees the other's rows. */
  urls: [string, string];
  stop: () => Promise<void>;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * BENCH_DATABASE_URL or DATABASE_URL: two throwaway databases on that server (dropped afterwards). Neither set: the
 * machine's PostgreSQL on 127.0.0.1:5432 when it answers, else (or with BENCH_DATABASE=pglite) PGlite, one per pass,
 * each in its own process so the sync process's memory is the sync's own.
 */
export async function startDatabases(): Promise<Databases> {
  const local = "postgresql://postgres@127.0.0.1:5432/postgres";
  const base =
    process.env.BENCH_DATABASE === "pglite"
      ? null
      : process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || ((await canConnect(local)) ? local : null);
  if (base) {
    const stamp = `${process.pid}_${Date.now()}`;
    const names = [`smartapp_bench_${stamp}_engine`, `smartapp_bench_${stamp}_naive`] as const;
    const at = (name: string) => {
      const u = new URL(base);
      u.pathname = `/${name}`;
      return u.toString();
    };
    await runSql(base, [`CREATE DATABASE "${names[0]}"`]);
    await migrateDeploy(at(names[0]));
    // A copy of the migrated schema: the template must have no connections, which it has not.
    await runSql(base, [`CREATE DATABASE "${names[1]}" TEMPLATE "${names[0]}"`]);
    // Throwaway data: commits need not wait for the disk (a commit's fsync costs ~3 ms on this kind of machine,
    // more than the query; every Prisma write is a commit). BENCH_SYNCHRONOUS_COMMIT=on measures with it.
    const syncCommit = process.env.BENCH_SYNCHRONOUS_COMMIT === "on" ? "on" : "off";
    await runSql(base, names.map((n) => `ALTER DATABASE "${n}" SET synchronous_commit = ${syncCommit}`));
    return {
      kind: `PostgreSQL (${new URL(base).host}, throwaway databases, synchronous_commit=${syncCommit})`,
      urls: [at(names[0]), at(names[1])],
      stop: () => runSql(base, names.map((n) => `DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`)),
    };
  }
  const servers = await Promise.all([0, 1].map(() => startTsProcess({ entry: "scripts/bench/sync-pglite.ts", readyLine: /^ready postgresql:/m, timeoutMs: 60_000 })));
  const urls = servers.map((s) => /^ready (\S+)/m.exec(s.output())![1]!) as [string, string];
  for (const url of urls) await migrateDeploy(url);
  return { kind: "PGlite (in memory, one process per pass)", urls, stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) };
}

/** Points lib/db at another database (the benchmark's two passes run in one process). */
export async function switchDatabase(url: string): Promise<void> {
  const holder = globalThis as unknown as { smartappPrisma?: { $disconnect(): Promise<void> } };
  await holder.smartappPrisma?.$disconnect();
  holder.smartappPrisma = undefined;
  process.env.DATABASE_URL = url;
}

// ---------------------------------------------------------------- the data

export interface Sizes {
  users: number;
  vendors: number;
  locations: number;
  roles: number;
}

export interface World {
  sb: Sandbox;
  companyId: string;
  /** A: seeded in Procore. B: empty in Procore, seeded in Smartapp. */
  procoreProjects: { a: string; b: string };
  projects: { a: string; b: string };
  connectionId: string;
  seededAt: number;
}

/**
 * Procore: one company with project A holding `users` people, `vendors` companies and `locations` locations (the
 * sandbox's large seed), `roles` company roles, and an empty project B. Smartapp: an account owned by the signed-in
 * person, projects A and B, and B's side seeded locally with the same volume under other names (the roles under
 * Procore's names: Procore's API cannot create roles).
 */
export async function buildWorld(sb: Sandbox, sizes: Sizes): Promise<World> {
  await sb.admin("POST", "/__admin/config", { spikeLimit: 1_000_000_000, hourlyLimit: 1_000_000_000 });
  const seeded = await sb.admin<{ companyId: number; projectIds: number[] }>("POST", "/__admin/seed", {
    kind: "large",
    projects: 2,
    users: sizes.users,
    vendors: sizes.vendors,
    locations: sizes.locations,
  });
  const seededAt = Date.now();
  const companyId = String(seeded.companyId);
  const [a, b] = seeded.projectIds.map(String) as [string, string];
  await sb.admin("POST", "/__admin/install", { companyId, app: "planner" });
  const roleNames = Array.from({ length: sizes.roles }, (_, i) => `Bench Role ${String(i + 1).padStart(3, "0")}`);
  for (let i = 0; i < roleNames.length; i += 25) {
    await Promise.all(roleNames.slice(i, i + 25).map((name) => sb.admin("POST", "/__admin/records/roles", { company_id: companyId, name })));
  }

  const tokens = await signIn({ sandboxUrl: sb.url });
  const user = await db().user.create({ data: { email: `bench-owner-${randomUUID()}@bench.test`, name: "Bench Owner" } });
  const account = await db().account.create({ data: { procoreCompanyId: BigInt(companyId), name: "Benchmark Builders LLC" } });
  await db().membership.create({ data: { accountId: account.id, userId: user.id, role: "OWNER" } });
  await saveConnection(user.id, tokens);
  const connectionId = (await db().procoreConnection.findUniqueOrThrow({ where: { userId: user.id } })).id;
  const projectA = await db().project.create({ data: { accountId: account.id, procoreProjectId: BigInt(a), name: "Bench A" } });
  const projectB = await db().project.create({ data: { accountId: account.id, procoreProjectId: BigInt(b), name: "Bench B" } });
  await seedLocal(projectB.id, sizes, roleNames);
  return { sb, companyId, procoreProjects: { a, b }, projects: { a: projectA.id, b: projectB.id }, connectionId, seededAt };
}

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>, size = 2000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/** Smartapp's side of project B: the same volume and shape as Procore's side of A, under other names. */
async function seedLocal(projectId: string, sizes: Sizes, roleNames: string[]): Promise<void> {
  await inChunks(roleNames.map((name) => ({ projectId, name })), (data) => db().role.createMany({ data }));
  const companies = Array.from({ length: sizes.vendors }, (_, i) => ({
    id: randomUUID(),
    projectId,
    name: `Local Vendor ${String(i + 1).padStart(5, "0")}`,
    email: `office${i + 1}@local-vendor.test`,
    phone: `555-${String(i).padStart(4, "0")}`,
  }));
  await inChunks(companies, (data) => db().company.createMany({ data }));
  // Buildings of 100 nodes like the sandbox's seed: the building, 9 levels, 90 rooms.
  const locations: { id: string; projectId: string; parentId: string | null; name: string; path: string }[] = [];
  let building: { id: string; path: string } | undefined;
  const levels: { id: string; path: string }[] = [];
  for (let i = 0; i < sizes.locations; i++) {
    const j = i % 100;
    const id = randomUUID();
    if (j === 0) {
      const name = `Local Building ${Math.floor(i / 100) + 1}`;
      building = { id, path: name };
      levels.length = 0;
      locations.push({ id, projectId, parentId: null, name, path: name });
    } else if (j < 10) {
      const name = `Level ${j}`;
      const path = `${building!.path} > ${name}`;
      levels.push({ id, path });
      locations.push({ id, projectId, parentId: building!.id, name, path });
    } else {
      const level = levels[(j - 10) % 9]!;
      const name = `Room ${((j - 10) % 9) + 1}${String(Math.floor((j - 10) / 9) + 1).padStart(2, "0")}`;
      locations.push({ id, projectId, parentId: level.id, name, path: `${level.path} > ${name}` });
    }
  }
  // Parents first: createMany in order keeps the foreign keys satisfied.
  await inChunks(locations, (data) => db().location.createMany({ data }));
  const members = Array.from({ length: sizes.users }, (_, i) => ({
    projectId,
    firstName: "Local",
    lastName: `User${i + 1}`,
    email: `local.user${i + 1}@bench-local.test`,
    jobTitle: i % 4 === 0 ? "Carpenter" : null,
    companyId: companies.length > 0 ? companies[i % companies.length]!.id : null,
  }));
  await inChunks(members, (data) => db().teamMember.createMany({ data }));
}

/** Changes 1% of each entity on each side of project A (disjoint records), as people would between two syncs. */
export async function changeOnePercent(world: World, sizes: Sizes): Promise<{ local: number; procore: number }> {
  const { sb, projects, companyId } = world;
  const pct = (n: number) => Math.max(1, Math.round(n / 100));
  let local = 0;
  let procore = 0;

  // Smartapp: members' job titles, companies' phones, leaf locations renamed (evens of each list).
  const members = await db().teamMember.findMany({ where: { projectId: projects.a }, orderBy: { email: "asc" }, take: pct(sizes.users) * 2 });
  for (const m of members.filter((_, i) => i % 2 === 0)) {
    await db().teamMember.update({ where: { id: m.id }, data: { jobTitle: "Changed in Smartapp" } });
    local += 1;
  }
  const companies = await db().company.findMany({ where: { projectId: projects.a }, orderBy: { name: "asc" }, take: pct(sizes.vendors) * 2 });
  for (const c of companies.filter((_, i) => i % 2 === 0)) {
    await db().company.update({ where: { id: c.id }, data: { phone: "555-LOCAL" } });
    local += 1;
  }
  const parents = new Set((await db().location.findMany({ where: { projectId: projects.a, parentId: { not: null } }, select: { parentId: true } })).map((l) => l.parentId));
  const leaves = (await db().location.findMany({ where: { projectId: projects.a }, orderBy: { path: "asc" } })).filter((l) => !parents.has(l.id) && l.parentId !== null);
  const leafPicks = leaves.filter((_, i) => i % 7 === 0).slice(0, pct(sizes.locations) * 2);
  for (const l of leafPicks.filter((_, i) => i % 2 === 0)) {
    await db().location.update({ where: { id: l.id }, data: { name: `${l.name} S`, path: `${l.path} S` } });
    local += 1;
  }

  // Procore, as people editing there (the odds of the same lists, through the sandbox's admin API).
  const links = async (entity: "USERS" | "COMPANIES" | "LOCATIONS", localIds: string[]) =>
    new Map((await db().syncLink.findMany({ where: { projectId: projects.a, entity, localId: { in: localIds } } })).map((l) => [l.localId, String(l.procoreId)]));
  const userLinks = await links("USERS", members.map((m) => m.id));
  for (const m of members.filter((_, i) => i % 2 === 1)) {
    await sb.admin("PATCH", `/__admin/records/users/${userLinks.get(m.id)}?company_id=${companyId}`, { job_title: "Changed in Procore" });
    procore += 1;
  }
  const vendorLinks = await links("COMPANIES", companies.map((c) => c.id));
  for (const c of companies.filter((_, i) => i % 2 === 1)) {
    await sb.admin("PATCH", `/__admin/records/vendors/${vendorLinks.get(c.id)}`, { business_phone: "555-PROCORE" });
    procore += 1;
  }
  const locationLinks = await links("LOCATIONS", leafPicks.map((l) => l.id));
  for (const l of leafPicks.filter((_, i) => i % 2 === 1)) {
    await sb.admin("PATCH", `/__admin/records/locations/${locationLinks.get(l.id)}`, { node_name: `${l.name} P` });
    procore += 1;
  }
  const roles = await sb.admin<{ id: number; name: string }[]>("GET", `/__admin/records/roles?company_id=${companyId}`);
  for (const r of roles.slice(0, pct(sizes.roles))) {
    await sb.admin("PATCH", `/__admin/records/roles/${r.id}`, { name: `${r.name} (renamed)` });
    procore += 1;
  }
  return { local, procore };
}
