import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { SyncRunStatus } from "@/lib/generated/prisma/enums";
import type { RunSyncResult } from "@/lib/sync";
import { cappedSleep, ENTITIES, expectInSync, expectQuiet, finished, startFaultSandbox, type FaultEnv } from "./support";

/*
 * Procore misbehaving for a whole first sync, both directions, all four entities: one answer in five a 5xx, and
 * 429 storms on top of a tight rate limit. Runs that give up (a call that still fails after the client's retries)
 * end FAILED and are run again, as the next trigger would; the end state must be the same as without faults.
 */

let sandbox: Awaited<ReturnType<typeof startFaultSandbox>>;
beforeAll(async () => {
  sandbox = await startFaultSandbox();
});
afterAll(async () => {
  await sandbox?.sb.stop();
});

/** Runs an entity until a run succeeds, as the next trigger would after a FAILED one; returns every run. */
async function untilSucceeded(env: FaultEnv, run: () => Promise<RunSyncResult>, maxRuns = 6) {
  const results = [];
  for (let i = 0; i < maxRuns; i++) {
    const result = finished(await run());
    results.push(result);
    if (result.status === "SUCCEEDED") return results;
    // Giving up is only ever because Procore kept failing, never a per-record problem.
    expect(result, JSON.stringify(await db().syncRunIssue.findMany({ where: { runId: result.runId } }))).toMatchObject({ status: "FAILED", failed: 0 });
    expect(result.error).toMatch(/Procore|server|5\d\d/i);
  }
  throw new Error(`No run succeeded in ${maxRuns}: ${JSON.stringify(results)}`);
}

describe("Procore failing", () => {
  it("20% of answers a 5xx: every entity converges, nothing duplicated, nothing lost", { timeout: 120_000 }, async () => {
    const env = await sandbox.env(21);
    await env.sb.admin("POST", "/__admin/faults", { errorRate: 0.2 });
    // Real backoff is 0.25 s doubling to 30 s; the test keeps the retries and shortens the waits.
    const sleep = cappedSleep(5);
    for (const entity of ENTITIES) await untilSucceeded(env, () => env.run(entity, { sleep }));
    const log = await env.sb.requests((r) => r.path.startsWith("/rest/"));
    await env.sb.admin("DELETE", "/__admin/faults");

    const failedAnswers = log.filter((r) => r.status >= 500).length;
    expect(failedAnswers).toBeGreaterThan(log.length * 0.1);
    // Each failed answer was retried after a backoff, but the last of a call that gave up (which ended its run).
    expect(sleep.waits.length).toBeGreaterThan(failedAnswers / 2);
    expect(await db().syncRun.count({ where: { projectId: env.projectId, status: { in: ["RUNNING", "WAITING_RATE_LIMIT"] } } })).toBe(0);
    await expectInSync(env);
    await expectQuiet(env);
  });

  it("429 storms over a tight rate limit: runs wait them out (WAITING_RATE_LIMIT) and never exceed the limit themselves", { timeout: 120_000 }, async () => {
    const env = await sandbox.env(22);
    await env.sb.admin("POST", "/__admin/config", { spikeLimit: 60, spikeWindowSeconds: 1 });
    await env.sb.admin("POST", "/__admin/faults", { rateLimitStorm: 3 });
    let storms = 1;
    const seen = new Set<SyncRunStatus>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const run of await db().syncRun.findMany({ where: { projectId: env.projectId }, select: { status: true } })) seen.add(run.status);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    for (const entity of ENTITIES) {
      const result = finished(
        await env.run(entity, {
          // Another storm in the middle of the largest run.
          afterCheckpoint: async ({ done }) => {
            if (entity === "USERS" && storms === 1 && done > 0) {
              storms += 1;
              await env.sb.admin("POST", "/__admin/faults", { rateLimitStorm: 3 });
            }
          },
        }),
      );
      expect(result, entity).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    }
    watching = false;
    await watch;
    const log = await env.sb.requests((r) => r.path.startsWith("/rest/"));
    await env.sb.admin("DELETE", "/__admin/faults");

    expect(storms).toBe(2);
    expect(seen).toContain("WAITING_RATE_LIMIT");
    // Every 429 was an injected one: paced by the rate-limit headers, the client never ran into the limit itself.
    expect(log.filter((r) => r.status === 429)).toHaveLength(3 * storms);
    expect((await db().syncRun.findMany({ where: { projectId: env.projectId } })).every((r) => r.waitingUntil === null)).toBe(true);
    await expectInSync(env);
    await expectQuiet(env);
  });
});
