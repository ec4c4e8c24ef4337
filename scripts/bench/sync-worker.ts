/*
 * One benchmark phase in its own process, so its peak memory is the sync's own: `node --import tsx
 * scripts/bench/sync-worker.ts` with BENCH_TASK (JSON) in the environment. Runs the engine (as a sync job does: the
 * owner's stored connection, the company's id) or the naive client over the given entities, in order, and prints
 * one JSON line: per-entity results, wall time and peak RSS.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { DbTokenStore } from "@/lib/auth/connection-store";
import { db } from "@/lib/db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { createProcoreClient } from "@/lib/procore";
import { runSync } from "@/lib/sync";
import { oauthConfig } from "../support/procore-sign-in";
import { naiveSync, type NaiveTarget } from "./sync-naive";

export interface WorkerTask extends NaiveTarget {
  mode: "engine" | "naive";
  entities: SyncEntity[];
}

export interface WorkerReport {
  entities: { entity: SyncEntity; records: number; ms: number; queries: number; status: string; created?: number; updated?: number; unchanged?: number; failed?: number }[];
  records: number;
  wallMs: number;
  peakRssMb: number;
  /** SQL statements the worker sent (Prisma query events, transaction BEGIN/COMMIT included). */
  queries: number;
}

const task = JSON.parse(process.env.BENCH_TASK ?? "") as WorkerTask;

// lib/db's client, built here with query events on, so the report can say how many statements the phase sent.
let queries = 0;
const counted = new PrismaClient({
  adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }),
  log: [{ emit: "event", level: "query" }],
});
counted.$on("query", () => (queries += 1));
(globalThis as unknown as { smartappPrisma?: PrismaClient }).smartappPrisma = counted;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

async function main(): Promise<WorkerReport> {
  await db().$queryRaw`SELECT 1`;
  const report: WorkerReport = { entities: [], records: 0, wallMs: 0, peakRssMb: 0, queries: 0 };
  const started = performance.now();
  const queriesBefore = queries;
  for (const entity of task.entities) {
    const t0 = performance.now();
    const q0 = queries;
    if (task.mode === "naive") {
      const { records } = await naiveSync(task, entity);
      report.entities.push({ entity, records, ms: performance.now() - t0, queries: queries - q0, status: "DONE" });
      continue;
    }
    const result = await runSync({
      projectId: task.projectId,
      entity,
      trigger: "MANUAL",
      procore: ({ onRateLimitWait }) =>
        createProcoreClient({
          ...oauthConfig({ sandboxUrl: task.sandboxUrl }),
          apiUrl: task.sandboxUrl,
          tokenStore: new DbTokenStore(task.connectionId),
          connectionId: task.connectionId,
          companyId: task.companyId,
          onRateLimitWait,
        }),
    });
    if (result.outcome !== "finished") throw new Error(`${entity}: skipped`);
    const { status, total, created, updated, unchanged, failed } = result;
    report.entities.push({ entity, records: total, ms: performance.now() - t0, queries: queries - q0, status, created, updated, unchanged, failed });
  }
  report.wallMs = performance.now() - started;
  report.records = report.entities.reduce((n, e) => n + e.records, 0);
  report.queries = queries - queriesBefore;
  clearInterval(sampler);
  // The kernel's high-water mark catches peaks between samples.
  report.peakRssMb = Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  await db().$disconnect();
  return report;
}

main().then(
  (report) => {
    process.stdout.write(`BENCH_REPORT ${JSON.stringify(report)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
