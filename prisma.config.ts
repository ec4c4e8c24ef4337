// Prisma 6.19.3 CLI, fully offline: the JS/WASM schema engine ("engine: js") talks to
// Postgres through a driver adapter, so no schema-engine / query-engine binary is downloaded.
import pg from "pg";
import { defineConfig } from "prisma/config";
// @prisma/adapter-pg 7.x under an npm alias, for the CLI only: with adapter-pg 6.19.3 every
// migrate command fails with "Column type 'name' could not be deserialized from the database".
// The app keeps @prisma/adapter-pg@6.19.3, which matches @prisma/client@6.19.3 (with 7.x at
// runtime, $queryRaw returning bytea fails: "Cannot serialize value of type object as Bytes").
import { PrismaPg } from "prisma-adapter-pg-migrate";

// `prisma generate` tries to download libquery_engine when env("DATABASE_URL") in
// schema.prisma cannot be resolved, so always give it a value.
process.env.DATABASE_URL ??= "postgresql://postgres:postgres@127.0.0.1:5432/smartapp";
const url = new URL(process.env.DATABASE_URL);

// Discrete fields, not connectionString: adapter-pg's connectToShadowDb() opens
// new Pool({ ...config, database: shadowDb }), and a connectionString would override that
// database, so `migrate dev` would replay the migrations into the main database (P3006).
const poolConfig: pg.PoolConfig = {
  host: url.hostname,
  port: Number(url.port || 5432),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  database: url.pathname.slice(1),
  allowExitOnIdle: true,
  // The shadow pool inherits this. The adapter drops the shadow database before it ends that
  // pool, so idle connections must close at once or the drop fails ("being accessed by other users").
  idleTimeoutMillis: 1,
};

// adapter-pg has no column type for Postgres' internal "char" type (OID 18), which the schema
// engine's catalog queries return (migrate dev): hand it over as text (OID 25), same wire format.
// This file is only loaded by the Prisma CLI.
const poolQuery = pg.Pool.prototype.query;
pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
  const out = (poolQuery as (...a: unknown[]) => unknown).apply(this, args);
  if (!(out instanceof Promise)) return out;
  return out.then((res: pg.QueryResult) => {
    for (const f of res?.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
    return res;
  });
} as typeof poolQuery;

// The WASM schema engine leaves a 10 s / 60 s timer running after the command is done, so the
// CLI would idle that long before exiting. Unref long timers.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
  const t = realSetTimeout(fn, ms, ...rest);
  if ((ms ?? 0) >= 5000) t.unref();
  return t;
}) as typeof setTimeout;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg(poolConfig),
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
});
