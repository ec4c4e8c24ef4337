// One freshly migrated database per test run, so tests never see each other's or the developer's data:
// TEST_DATABASE_URL → that (test-only) database, wiped; DATABASE_URL → a new throwaway database on that
// server, dropped afterwards; neither → an in-memory PGlite served on a loopback socket.
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrateDeploy } from "../lib/db/migrate";
import { runSql } from "../scripts/support/databases";
import { freePort } from "../scripts/support/processes";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: "postgres" | "pglite";
  }
}

export default async function setup(project: TestProject) {
  const kind = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? "postgres" : "pglite";
  let url: string;
  let teardown: () => Promise<void> = async () => undefined;
  if (process.env.TEST_DATABASE_URL) {
    url = process.env.TEST_DATABASE_URL;
    await runSql(url, ["DROP SCHEMA IF EXISTS public CASCADE", "DROP SCHEMA IF EXISTS pgboss CASCADE", "CREATE SCHEMA public"]);
  } else if (process.env.DATABASE_URL) {
    const base = new URL(process.env.DATABASE_URL);
    const name = `smartapp_test_${process.pid}_${Date.now()}`;
    await runSql(base.toString(), [`CREATE DATABASE "${name}"`]);
    const u = new URL(base);
    u.pathname = `/${name}`;
    url = u.toString();
    teardown = () => runSql(base.toString(), [`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]);
  } else {
    const embedded = await startEmbeddedPostgres({ port: await freePort() });
    url = embedded.url;
    teardown = () => embedded.stop();
  }
  await migrateDeploy(url);
  process.env.DATABASE_URL = url;
  project.provide("databaseUrl", url);
  project.provide("databaseKind", kind);
  return teardown;
}
