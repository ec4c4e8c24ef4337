import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ENTITIES, expectInSync, expectNoDuplicates, expectQuiet, finished, startChild, startFaultSandbox, type ChildRun } from "./support";

/*
 * Two workers at once: two processes run the same project's syncs at the same moment (as two workers would take
 * a scheduled job and a Sync-button job for the same project). The engine must never run one project+entity
 * twice at the same time: the second start is skipped while the first runs.
 */

let sandbox: Awaited<ReturnType<typeof startFaultSandbox>>;
const children: ChildRun[] = [];
beforeAll(async () => {
  sandbox = await startFaultSandbox();
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL");
  await sandbox?.sb.stop();
});

interface ResultLine {
  entity: string;
  outcome: "finished" | "skipped";
  runId: string | null;
  activeRunId?: string;
  status?: string;
}

describe("two workers at once", () => {
  it("never runs one project and entity twice at a time, duplicates nothing, and converges", { timeout: 120_000 }, async () => {
    const env = await sandbox.env(23);
    // Slow enough that the two workers' runs overlap.
    await env.sb.admin("POST", "/__admin/faults", { latencyMs: 5 });
    const workers = [0, 1].map(() => startChild({ ...env.childEnv(), ENTITIES: ENTITIES.join(","), WAIT_FOR_GO: "1" }));
    children.push(...workers);
    await Promise.all(workers.map((w) => w.waitFor((l) => l.ready === true)));
    for (const w of workers) w.child.stdin!.write("go\n");
    const exits = await Promise.race([
      Promise.all(workers.map((w) => w.exited)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(workers.map((w) => w.output()).join("\n----\n"))), 40_000)),
    ]);
    await env.sb.admin("DELETE", "/__admin/faults");
    for (const [i, exit] of exits.entries()) expect(exit.code, workers[i]!.output()).toBe(0);

    const results = workers.flatMap((w) => w.lines.filter((l) => "result" in l).map((l) => l.result as ResultLine));
    expect(results).toHaveLength(2 * ENTITIES.length);
    const runs = await db().syncRun.findMany({ where: { projectId: env.projectId }, orderBy: { startedAt: "asc" } });
    for (const entity of ENTITIES) {
      const mine = results.filter((r) => r.entity === entity);
      // A skipped start names the run that held the slot; a finished one succeeded.
      for (const r of mine) {
        if (r.outcome === "skipped") expect(runs.find((run) => run.id === r.activeRunId)?.entity).toBe(entity);
        else expect(r.status, entity).toBe("SUCCEEDED");
      }
      // No two runs of the entity overlapped in time.
      const spans = runs.filter((r) => r.entity === entity).map((r) => [r.startedAt!.getTime(), r.finishedAt!.getTime()] as const);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0], `${entity} runs overlap`).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    }
    // Started together, they did meet.
    expect(results.filter((r) => r.outcome === "skipped").length).toBeGreaterThan(0);
    await expectNoDuplicates(env);

    // A worker that skipped Companies may have synced Users before their companies were linked; the next
    // scheduled sync brings that in.
    for (const entity of ENTITIES) expect(finished(await env.run(entity)), entity).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    await expectInSync(env);
    await expectQuiet(env);
  });
});
