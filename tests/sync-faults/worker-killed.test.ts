import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { ageHeartbeat, expectInSync, expectQuiet, finished, startChild, startFaultSandbox, type ChildRun, type FaultEnv } from "./support";

/*
 * The worker killed in the middle of a run (SIGKILL: no cleanup, no release of the run) and started again. The
 * worker is a child process running the engine; the test kills it after its first committed checkpoint, and in
 * the middle of a batch (Procore has taken some writes whose links were never stored), then starts a new worker
 * as the queue's retry would, which resumes the same run.
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

function worker(env: FaultEnv, entities: SyncEntity[], extra: Record<string, string> = {}): ChildRun {
  const run = startChild({ ...env.childEnv(), ENTITIES: entities.join(","), ...extra });
  children.push(run);
  return run;
}

async function kill(run: ChildRun): Promise<void> {
  run.child.kill("SIGKILL");
  expect((await run.exited).signal).toBe("SIGKILL");
}

const runOf = (env: FaultEnv, entity: SyncEntity) => db().syncRun.findMany({ where: { projectId: env.projectId, entity } });

describe("a worker killed mid-run and restarted", () => {
  it("resumes the same run after a kill right after a checkpoint, and after a kill in the middle of a batch", { timeout: 120_000 }, async () => {
    const env = await sandbox.env(20);
    for (const entity of ["COMPANIES", "ROLES"] as const) expect(finished(await env.run(entity))).toMatchObject({ status: "SUCCEEDED" });

    // LOCATIONS: killed once its first batch is committed.
    const locations = worker(env, ["LOCATIONS"], { HANG_AFTER_CHECKPOINT: "1" });
    await locations.waitFor((l) => "checkpoint" in l);
    await kill(locations);
    const [crashedLocations] = await runOf(env, "LOCATIONS");
    expect(crashedLocations).toMatchObject({ status: "RUNNING" });
    expect(crashedLocations!.done).toBeGreaterThan(0);
    expect(crashedLocations!.done).toBeLessThan(crashedLocations!.total);

    // A new worker while the dead one's heartbeat is fresh: it must not take the run over (it may be alive).
    expect(await env.run("LOCATIONS")).toMatchObject({ outcome: "skipped", activeRunId: crashedLocations!.id });
    await ageHeartbeat(crashedLocations!.id);
    const restarted = worker(env, ["LOCATIONS"]);
    expect((await restarted.waitFor((l) => "result" in l)).result).toMatchObject({ outcome: "finished", runId: crashedLocations!.id, status: "SUCCEEDED", failed: 0 });
    expect(await runOf(env, "LOCATIONS")).toHaveLength(1);
    await expectInSync(env, ["LOCATIONS"]);

    // USERS: killed after its first checkpoint, then again in the middle of a batch, slowed down so the kill lands
    // between Procore's /users/sync (people created in the directory) and their project membership and role.
    const users = worker(env, ["USERS"], { HANG_AFTER_CHECKPOINT: "1" });
    await users.waitFor((l) => "checkpoint" in l);
    await kill(users);
    const [crashedUsers] = await runOf(env, "USERS");
    expect(crashedUsers).toMatchObject({ status: "RUNNING" });
    const doneAtFirstKill = crashedUsers!.done;

    await ageHeartbeat(crashedUsers!.id);
    await env.sb.admin("DELETE", "/__admin/requests");
    await env.sb.admin("POST", "/__admin/faults", { latencyMs: 15 });
    const midBatch = worker(env, ["USERS"]);
    // Wait until the resumed run has created people and put a few of them on the project, not all.
    for (;;) {
      const writes = await env.sb.requests((r) => r.method !== "GET" && r.path.startsWith("/rest/"));
      if (writes.some((w) => w.path.endsWith("/users/sync")) && writes.filter((w) => w.path.endsWith("/actions/add")).length >= 5) break;
      if (midBatch.child.exitCode !== null) throw new Error(`the worker finished before it could be killed:\n${midBatch.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await kill(midBatch);
    await env.sb.admin("DELETE", "/__admin/faults");
    const killedMidBatch = await db().syncRun.findUniqueOrThrow({ where: { id: crashedUsers!.id } });
    expect(killedMidBatch.status).toBe("RUNNING");
    expect(killedMidBatch.done).toBe(doneAtFirstKill);

    await ageHeartbeat(crashedUsers!.id);
    const last = worker(env, ["USERS"]);
    expect((await last.waitFor((l) => "result" in l, 60_000)).result).toMatchObject({
      outcome: "finished",
      runId: crashedUsers!.id,
      status: "SUCCEEDED",
      failed: 0,
    });
    expect(await runOf(env, "USERS")).toHaveLength(1);
    expect((killedMidBatch.checkpoint as { attempt: number }).attempt).toBe(2);

    await expectInSync(env);
    await expectQuiet(env);
  });
});
