import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv as parseDotenv } from "node:util";
import pg from "pg";
import { APP_PORT } from "./env";

/*
 * The e2e stack's database, read directly by tests that must see what a request wrote (or did not). It is the one
 * scripts/start.ts gives the app under playwright.config.ts: with DATABASE_URL (from the environment, .env.local or
 * .env, like the start script), a fresh `<db>_e2e` database beside it; otherwise the embedded PGlite it serves on
 * 127.0.0.1:(APP_PORT + 52000).
 */

function configuredDatabaseUrl(): string | undefined {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  for (const file of [".env.local", ".env"]) {
    const p = path.resolve(file);
    if (!existsSync(p)) continue;
    const value = parseDotenv(readFileSync(p, "utf8")).DATABASE_URL;
    if (value) return value;
  }
  return undefined;
}

export function appDatabaseUrl(): string {
  const configured = configuredDatabaseUrl();
  if (!configured) return `postgresql://postgres:postgres@127.0.0.1:${APP_PORT + 52000}/postgres`;
  const u = new URL(configured);
  u.pathname = `/${u.pathname.slice(1) || "postgres"}_e2e`;
  return u.toString();
}

/** A connection to the app's database; a loaded machine may refuse one for a moment, so connecting is retried. */
export async function withAppDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  let client: pg.Client;
  for (let attempt = 1; ; attempt++) {
    client = new pg.Client({ connectionString: appDatabaseUrl(), connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      break;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Tables no request writes (or that only the machinery writes). */
const IGNORED = new Set(["_prisma_migrations", "WorkerHeartbeat"]);

export interface CountScope {
  accountIds: readonly string[];
  projectIds: readonly string[];
}

/**
 * Row counts of every table of the app's schema, found at run time so a new table is counted too. Tables of one
 * project or account count only the scope's rows (other specs may leave syncs running on other projects); tables
 * that hang off such a table (a run's issues) are counted through it; the rest are counted whole.
 */
export async function rowCounts(client: pg.Client, scope: CountScope): Promise<Record<string, number>> {
  const columns = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const tables = new Map<string, Set<string>>();
  for (const { table_name, column_name } of columns.rows) {
    if (IGNORED.has(table_name)) continue;
    if (!tables.has(table_name)) tables.set(table_name, new Set());
    tables.get(table_name)!.add(column_name);
  }
  const fks = await client.query<{ tbl: string; col: string; ref: string }>(
    `SELECT cl.relname AS tbl, a.attname AS col, rf.relname AS ref
       FROM pg_constraint c
       JOIN pg_class cl ON cl.oid = c.conrelid
       JOIN pg_class rf ON rf.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = cl.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const scoped = (cols: Set<string>): { column: string; ids: readonly string[] } | null => {
    if (cols.has("projectId")) return { column: "projectId", ids: scope.projectIds };
    if (cols.has("accountId")) return { column: "accountId", ids: scope.accountIds };
    return null;
  };
  const counts: Record<string, number> = {};
  for (const [table, cols] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
    let filter: string | null = null;
    let ids: readonly string[] = [];
    const own = scoped(cols);
    if (own) {
      filter = `${q(own.column)} = ANY($1::text[])`;
      ids = own.ids;
    } else {
      const parent = fks.rows.find((fk) => fk.ref !== table && fk.tbl === table && tables.has(fk.ref) && scoped(tables.get(fk.ref)!));
      if (parent) {
        const via = scoped(tables.get(parent.ref)!)!;
        filter = `${q(parent.col)} IN (SELECT "id" FROM ${q(parent.ref)} WHERE ${q(via.column)} = ANY($1::text[]))`;
        ids = via.ids;
      }
    }
    const sql = `SELECT count(*)::int AS n FROM ${q(table)}${filter ? ` WHERE ${filter}` : ""}`;
    const res = await client.query<{ n: number }>(sql, filter ? [ids] : []);
    counts[table] = res.rows[0]!.n;
  }
  return counts;
}

/** The tables whose counts differ, with before → after. */
export function countChanges(before: Record<string, number>, after: Record<string, number>): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[table] !== after[table]) changed[table] = `${before[table]} → ${after[table]}`;
  }
  return changed;
}
