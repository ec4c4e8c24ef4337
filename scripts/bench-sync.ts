/*
 * npm run bench:sync — the Procore sync at volume, against the local Procore sandbox.
 *
 * One Procore project (A) is seeded with 20,000 users, 2,000 companies, 5,000 locations and 200 roles; project B is
 * empty in Procore and seeded with the same volume in Smartapp. Phases, each one sync of all four entities (Companies,
 * Roles, Locations, Users, in that order) run in its own process as a worker would run it:
 *
 *   (a) first full sync Procore → Smartapp (project A)
 *   (b) first full sync Smartapp → Procore (project B, empty in Procore)
 *   (c) an unchanged sync (project A)
 *   (d) a sync after 1% of the records changed on each side (project A, direction Both)
 *
 * For each: API requests made (the sandbox's request log) against a lower bound (pages needed to read + write calls
 * needed), records per second, wall time and the worker's peak RSS, beside the same figures for a naive per-record
 * client (scripts/bench/sync-naive.ts) on the same data, in a fresh sandbox and database.
 *
 * BENCH_SCALE=0.1 shrinks every count; BENCH_PROFILE=<dir> writes a CPU profile of each worker there.
 * BENCH_DATABASE_URL or DATABASE_URL: the PostgreSQL server to create the throwaway databases on (else the machine's
 * on 127.0.0.1:5432, else PGlite; BENCH_DATABASE=pglite forces PGlite). Commits there skip the fsync wait
 * (synchronous_commit=off; BENCH_SYNCHRONOUS_COMMIT=on keeps it).
 */
import { spawn } from "node:child_process";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { buildWorld, changeOnePercent, startDatabases, switchDatabase, type Sizes, type World } from "./bench/sync-env";
import type { WorkerReport, WorkerTask } from "./bench/sync-worker";
import { startSandbox, type Sandbox } from "./support/procore-sandbox";

process.env.LOG_LEVEL ??= "warn";

const SCALE = Number(process.env.BENCH_SCALE ?? "1");
if (!(SCALE > 0)) throw new Error("BENCH_SCALE must be a positive number");
const sizes: Sizes = {
  users: Math.max(1, Math.round(20_000 * SCALE)),
  vendors: Math.max(1, Math.round(2_000 * SCALE)),
  locations: Math.max(1, Math.round(5_000 * SCALE)),
  roles: Math.max(1, Math.round(200 * SCALE)),
};
const ENTITIES: SyncEntity[] = ["COMPANIES", "ROLES", "LOCATIONS", "USERS"];
/** The Procore client's page size (lib/procore/http.ts). */
const PER_PAGE = 100;
/** Procore's cap on items per /sync call. */
const SYNC_BATCH = 1000;
/** The engine pulls incrementally from 60 s before its last pull started (lib/sync/engine.ts PULL_OVERLAP_MS). */
const PULL_OVERLAP_MS = 60_000;

type PhaseKey = "a" | "b" | "c" | "d";
const PHASES: Record<PhaseKey, string> = {
  a: "(a) first sync Procore → Smartapp",
  b: "(b) first sync Smartapp → Procore",
  c: "(c) unchanged",
  d: "(d) 1% changed on each side",
};

interface Measured {
  report: WorkerReport;
  gets: number;
  writes: number;
  /** Requests per endpoint ("GET /rest/v1.0/projects/:id/users"). */
  byEndpoint: Map<string, number>;
  bound: { reads: number; writes: number };
}

const pages = (n: number) => Math.max(1, Math.ceil(n / PER_PAGE));
const batches = (n: number) => (n === 0 ? 0 : Math.ceil(n / SYNC_BATCH));

/**
 * What any client must send, at the client's page size: one page per PER_PAGE records of every list it has to read
 * (a list Procore cannot filter by updated_at is read whole every time; an incremental one only for what changed),
 * and per write either one /sync batch per 1,000 records, where Procore has a bulk endpoint (company users and
 * vendors), or one call per record where it has none (location create/rename, putting a person or vendor on a
 * project). A first push also reads the company directory, to link people and vendors already in it.
 */
function lowerBound(phase: PhaseKey, changed: { local: Record<string, number>; procore: Record<string, number> }) {
  const { users: U, vendors: V, locations: L } = sizes;
  const always = pages(V) /* project vendors: no updated_at filter */ + 1 /* company roles: one list */ + 1; /* project roles: no filter, none here */
  switch (phase) {
    case "a":
      return { reads: always + pages(L) + pages(U), writes: 0 };
    case "b":
      return {
        // Project B's lists are empty (one page each); the directory holds A's people (and the admin) and vendors.
        reads: 1 + 1 + 1 + 1 + 1 + pages(V) + pages(U + 1),
        writes: batches(V) + V + L + batches(U) + U,
      };
    case "c":
      return { reads: always + 1 + 1, writes: 0 };
    case "d":
      return {
        reads: always + pages(changed.procore.locations ?? 0) + pages(changed.procore.users ?? 0),
        writes: batches(changed.local.vendors ?? 0) + batches(changed.local.users ?? 0) + (changed.local.locations ?? 0),
      };
  }
}

function runWorker(task: WorkerTask): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    // BENCH_PROFILE=<dir>: a V8 CPU profile of every worker, for finding where a phase's time goes.
    const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE] : [];
    const child = spawn(process.execPath, [...profile, "--import", "tsx", "scripts/bench/sync-worker.ts"], {
      env: { ...process.env, BENCH_TASK: JSON.stringify(task) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const line = /^BENCH_REPORT (.*)$/m.exec(out)?.[1];
      if (code === 0 && line) resolve(JSON.parse(line) as WorkerReport);
      else reject(new Error(`the ${task.mode} worker exited ${code}:\n${out.slice(-4000)}`));
    });
  });
}

async function measure(sb: Sandbox, world: World, mode: WorkerTask["mode"], project: "a" | "b", phase: PhaseKey, changed: Parameters<typeof lowerBound>[1]): Promise<Measured> {
  await sb.admin("DELETE", "/__admin/requests");
  const report = await runWorker({
    mode,
    entities: ENTITIES,
    projectId: world.projects[project],
    procoreProjectId: world.procoreProjects[project],
    companyId: world.companyId,
    sandboxUrl: sb.url,
    connectionId: world.connectionId,
  });
  const log = await sb.requests((r) => r.path.startsWith("/rest/")); // API calls, not OAuth
  const gets = log.filter((r) => r.method === "GET").length;
  const byEndpoint = new Map<string, number>();
  for (const r of log) {
    const endpoint = `${r.method} ${r.path.replace(/\/\d+/g, "/:id")}`;
    byEndpoint.set(endpoint, (byEndpoint.get(endpoint) ?? 0) + 1);
  }
  return { report, gets, writes: log.length - gets, byEndpoint, bound: lowerBound(phase, changed) };
}

/** Smartapp and Procore hold the same number of records per entity (a cheap check that a pass really synced). */
async function checkCounts(sb: Sandbox, world: World, project: "a" | "b"): Promise<string> {
  const pid = world.procoreProjects[project];
  const projectId = world.projects[project];
  // Everyone the benchmark puts on a project is active: memberships count the people.
  const users = (await sb.admin<unknown[]>("GET", `/__admin/records/project_users?project_id=${pid}`)).length;
  const vendors = (await sb.admin<unknown[]>("GET", `/__admin/records/project_vendors?project_id=${pid}`)).length;
  const locations = (await sb.admin<unknown[]>("GET", `/__admin/records/locations?project_id=${pid}`)).length;
  const here = {
    users: await db().teamMember.count({ where: { projectId, active: true } }),
    vendors: await db().company.count({ where: { projectId, active: true } }),
    locations: await db().location.count({ where: { projectId, active: true } }),
  };
  const there = { users, vendors, locations };
  const ok = here.users === there.users && here.vendors === there.vendors && here.locations === there.locations;
  return `${ok ? "ok" : "MISMATCH"} (Smartapp ${JSON.stringify(here)}, Procore ${JSON.stringify(there)})`;
}

async function pass(mode: WorkerTask["mode"], databaseUrl: string): Promise<Record<PhaseKey, Measured>> {
  await switchDatabase(databaseUrl);
  const sb = await startSandbox();
  try {
    const t0 = Date.now();
    const world = await buildWorld(sb, sizes);
    console.log(`[${mode}] seeded both sides in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const none = { local: {}, procore: {} };
    const out = {} as Record<PhaseKey, Measured>;

    // (b) first: project A's seed must be older than the engine's incremental overlap when (a) runs, as data in
    // Procore would be; otherwise (c) would re-read the whole seed as "changed in the last minute".
    out.b = await measure(sb, world, mode, "b", "b", none);
    console.log(`[${mode}] ${PHASES.b}: ${(out.b.report.wallMs / 1000).toFixed(1)} s, check ${await checkCounts(sb, world, "b")}`);
    const wait = world.seededAt + PULL_OVERLAP_MS + 2000 - Date.now();
    if (wait > 0) {
      console.log(`[${mode}] waiting ${(wait / 1000).toFixed(0)} s until the seed is older than the incremental overlap`);
      await new Promise((r) => setTimeout(r, wait));
    }
    out.a = await measure(sb, world, mode, "a", "a", none);
    console.log(`[${mode}] ${PHASES.a}: ${(out.a.report.wallMs / 1000).toFixed(1)} s, check ${await checkCounts(sb, world, "a")}`);
    out.c = await measure(sb, world, mode, "a", "c", none);
    console.log(`[${mode}] ${PHASES.c}: ${(out.c.report.wallMs / 1000).toFixed(1)} s`);
    const changed = await changeOnePercent(world, sizes);
    console.log(`[${mode}] changed ${changed.local} records in Smartapp and ${changed.procore} in Procore`);
    const pct = (n: number) => Math.max(1, Math.round(n / 100));
    const perEntity = {
      local: { users: pct(sizes.users), vendors: pct(sizes.vendors), locations: pct(sizes.locations) },
      procore: { users: pct(sizes.users), vendors: pct(sizes.vendors), locations: pct(sizes.locations), roles: pct(sizes.roles) },
    };
    out.d = await measure(sb, world, mode, "a", "d", perEntity);
    console.log(`[${mode}] ${PHASES.d}: ${(out.d.report.wallMs / 1000).toFixed(1)} s, check ${await checkCounts(sb, world, "a")}`);
    return out;
  } finally {
    await sb.stop();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const hours = (requests: number) => {
  const minutes = Math.round((requests / 3600) * 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}`;
};

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`bench:sync — scale ${SCALE}: ${fmt(sizes.users)} users, ${fmt(sizes.vendors)} companies, ${fmt(sizes.locations)} locations, ${fmt(sizes.roles)} roles`);
  const dbs = await startDatabases();
  console.log(`database: ${dbs.kind}`);
  try {
    const engine = await pass("engine", dbs.urls[0]);
    const naive = await pass("naive", dbs.urls[1]);
    await db().$disconnect();

    const rows = [["phase", "client", "requests", "GET", "write", "lower bound", "× bound", "records", "wall s", "records/s", "SQL queries", "peak RSS MB", "at 3,600 req/h"]];
    for (const key of ["a", "b", "c", "d"] as PhaseKey[]) {
      for (const [name, m] of [["engine", engine[key]], ["naive", naive[key]]] as const) {
        const requests = m.gets + m.writes;
        const bound = m.bound.reads + m.bound.writes;
        rows.push([
          name === "engine" ? PHASES[key] : "",
          name,
          fmt(requests),
          fmt(m.gets),
          fmt(m.writes),
          `${fmt(bound)} (${fmt(m.bound.reads)}+${fmt(m.bound.writes)})`,
          fmt(requests / bound, 2),
          fmt(m.report.records),
          fmt(m.report.wallMs / 1000, 1),
          fmt(m.report.records / (m.report.wallMs / 1000)),
          fmt(m.report.queries),
          fmt(m.report.peakRssMb),
          hours(requests),
        ]);
      }
    }
    console.log(`\n${table(rows)}`);
    console.log(
      `\nlower bound = pages to read (${PER_PAGE} per page) + write calls (one /sync batch per ${SYNC_BATCH} people or vendors; one call per location` +
        " created or renamed and per person or vendor put on a project, which Procore's v1.0 API offers no batch for)." +
        "\nrecords = records compared (both sides, paired); SQL queries = statements the worker sent to the database (BEGIN/COMMIT included);" +
        " peak RSS = the worker process's high-water mark; at 3,600 req/h = time the requests take at" +
        " Procore's hourly limit for one token.",
    );
    const per = (m: Measured) => m.report.entities.map((e) => `${e.entity.toLowerCase()} ${fmt(e.ms / 1000, 1)} s, ${fmt(e.queries)} queries`).join(", ");
    const endpoints = (m: Measured) =>
      [...m.byEndpoint]
        .sort((x, y) => y[1] - x[1])
        .map(([endpoint, n]) => `${fmt(n)} ${endpoint.replace("/rest/v1.0", "")}`)
        .join(", ");
    console.log("\nengine, per phase: time and SQL queries per entity; requests per endpoint");
    for (const key of ["a", "b", "c", "d"] as PhaseKey[]) {
      console.log(`  ${PHASES[key]}: ${per(engine[key])}`);
      console.log(`      ${endpoints(engine[key])}`);
    }
    console.log(`\ntotal ${fmt((Date.now() - started) / 1000, 0)} s`);
  } finally {
    await dbs.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
