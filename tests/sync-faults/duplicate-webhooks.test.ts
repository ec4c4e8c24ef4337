import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { SyncEntity } from "@/lib/generated/prisma/enums";
import { runSync, type RunSyncResult } from "@/lib/sync";
import { nameKey, pathKey } from "@/lib/sync/policy";
import { saveProcoreSettings } from "@/lib/sync/settings";
import { readProcoreEvent, syncsForEvent } from "@/lib/sync/webhooks";
import { freePort } from "@/scripts/support/processes";
import { DEMO_COMPANY, ENTITIES, expectInSync, expectQuiet, finished, startFaultSandbox, type FaultEnv } from "./support";

/*
 * Duplicate webhook deliveries: the sandbox delivers every event twice (Procore delivers at least once). Each
 * delivery goes through the receiver path of lib/sync/webhooks.ts (authenticate and read the event, drop our own
 * writes, find the projects and entity it concerns) and triggers an incremental WEBHOOK sync at once, so a
 * duplicate meets the sync its first copy started. A trigger that finds a sync running waits for it and runs
 * again, as the follow-up job enqueueSync leaves behind a live run does. Changes are made in Procore as a person
 * would (admin API).
 *
 * The app's route queues events in pg-boss, which drops a redelivered event (tests/sync-jobs covers that); this
 * test leaves the shared queues alone, so no other test file's worker takes its jobs, and shows the engine itself
 * stays correct however many times an event arrives.
 */

let sandbox: Awaited<ReturnType<typeof startFaultSandbox>>;
let receiver: Server;
let env: FaultEnv | undefined;
const received: { eventId: string; entity: SyncEntity | null }[] = [];
const triggered: Promise<RunSyncResult[]>[] = [];
/** One per delivery, settled once the delivery has triggered its syncs. */
const handled: Promise<void>[] = [];

/** Runs the entity's sync; when another run holds it, waits for that one to end and runs again. */
async function trigger(e: FaultEnv, projectId: string, entity: SyncEntity): Promise<RunSyncResult[]> {
  const outcomes: RunSyncResult[] = [];
  for (;;) {
    const result = await runSync({ projectId, entity, trigger: "WEBHOOK", procore: (hooks) => e.client({ onRateLimitWait: hooks.onRateLimitWait }) });
    outcomes.push(result);
    if (result.outcome === "finished") return outcomes;
    while ((await db().syncRun.findUniqueOrThrow({ where: { id: result.activeRunId } })).finishedAt === null) await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  sandbox = await startFaultSandbox();
  const port = await freePort();
  // Before anything reads the environment: Procore is this sandbox, and our webhook URL is the receiver below.
  process.env.PROCORE_SANDBOX_PORT = new URL(sandbox.sb.url).port;
  process.env.APP_URL = `http://127.0.0.1:${port}`;
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handled.push(handle()));
    async function handle(): Promise<void> {
      const body = Buffer.concat(chunks).toString();
      try {
        const event = readProcoreEvent(req.headers.authorization ?? null, body);
        const delivery: (typeof received)[number] = { eventId: String((JSON.parse(body) as { id: unknown }).id), entity: null };
        received.push(delivery);
        // Answered at once, as the app's route does; the syncs run behind it.
        res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
        if (!event || !env) return;
        const current = env;
        for (const { projectId, entity } of await syncsForEvent(event)) {
          delivery.entity = entity;
          triggered.push(trigger(current, projectId, entity));
        }
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    }
  });
  await new Promise<void>((resolve) => receiver.listen(port, "127.0.0.1", resolve));
});

afterAll(async () => {
  await Promise.allSettled(triggered);
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await sandbox?.sb.stop();
});

interface SandboxDelivery {
  event_id: number;
  outcome: string;
  event: { metadata: { source_application_id: string | null } };
}

/** Waits until the sandbox has delivered everything it queued (each delivery is recorded once it has an answer). */
async function deliveriesSettled(e: FaultEnv, atLeast: number): Promise<SandboxDelivery[]> {
  let last = -1;
  for (let stable = 0; ; ) {
    const deliveries = await e.sb.admin<SandboxDelivery[]>("GET", `/__admin/records/deliveries?company_id=${DEMO_COMPANY}`);
    stable = deliveries.length === last && deliveries.length >= atLeast ? stable + 1 : 0;
    if (stable >= 3) return deliveries;
    last = deliveries.length;
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe("duplicate webhook deliveries", () => {
  it("every event delivered twice: its syncs never overlap, duplicate nothing, and leave both sides equal", { timeout: 120_000 }, async () => {
    const e = (env = await sandbox.env(24));
    const { sb, projectId, procoreProjectId, ownerId } = e;
    const both = { direction: "BOTH", frequency: "DAILY" } as const;
    await saveProcoreSettings(projectId, ownerId, { enabled: true, entities: { LOCATIONS: both, COMPANIES: both, ROLES: both, USERS: both } });
    for (const entity of ENTITIES) expect(finished(await e.run(entity)), entity).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    // Our own writes come back as events from our app: delivered, and dropped (no echo).
    const ours = await deliveriesSettled(e, 1);
    await Promise.all(handled);
    expect(ours.every((d) => d.outcome === "ok" && d.event.metadata.source_application_id === "smartapp-dev-client")).toBe(true);
    expect(received.length).toBe(ours.length);
    expect(triggered).toEqual([]);

    await sb.admin("POST", "/__admin/faults", { duplicateWebhooks: true });
    const locations = await sb.admin<{ id: number; name: string; node_name: string; parent_id: number | null }[]>(
      "GET",
      `/__admin/records/locations?project_id=${procoreProjectId}`,
    );
    const parents = new Set(locations.map((l) => l.parent_id));
    const leaves = locations.filter((l) => !parents.has(l.id) && l.parent_id !== null).slice(0, 3);
    for (const leaf of leaves) {
      await sb.admin("PATCH", `/__admin/records/locations/${leaf.id}`, { node_name: `${leaf.node_name} (renamed)` });
      e.expected.paths.delete(pathKey(leaf.name));
      e.expected.paths.add(pathKey(`${leaf.name} (renamed)`));
    }
    const building = locations.find((l) => l.parent_id === null)!;
    for (const name of ["Plant Room", "Roof Deck"]) {
      await sb.admin("POST", "/__admin/records/locations", { project_id: procoreProjectId, node_name: name, parent_id: building.id });
      e.expected.paths.add(pathKey(`${building.name} > ${name}`));
    }
    const vendors = await sb.admin<{ id: number; name: string; email_address: string | null }[]>(
      "GET",
      `/__admin/records/vendors?company_id=${DEMO_COMPANY}&project_id=${procoreProjectId}`,
    );
    for (const [i, vendor] of vendors.slice(0, 3).entries()) {
      await sb.admin("PATCH", `/__admin/records/vendors/${vendor.id}`, { business_phone: `555-77${i}` });
      e.expected.companies.set(nameKey(vendor.name), { email: vendor.email_address, phone: `555-77${i}` });
    }
    const added = await sb.admin<{ id: number; name: string }>("POST", "/__admin/records/vendors", { company_id: DEMO_COMPANY, name: "Webhook Welding Co." });
    await sb.admin("POST", "/__admin/records/project_vendors", { project_id: procoreProjectId, vendor_id: added.id });
    e.expected.companies.set(nameKey(added.name), { email: null, phone: null });

    const deliveries = (await deliveriesSettled(e, ours.length + 2)).slice(ours.length);
    await sb.admin("DELETE", "/__admin/faults");
    await Promise.all(handled);
    const outcomes = (await Promise.all(triggered)).flat();
    // Left off, so other test files' scheduler ticks pass this project by.
    await db().procoreSyncConfig.update({ where: { projectId }, data: { enabled: false } });

    // Every event twice, every delivery answered and read, each one triggering its entity's sync.
    const eventIds = [...new Set(deliveries.map((d) => String(d.event_id)))];
    expect(deliveries.every((d) => d.outcome === "ok")).toBe(true);
    for (const id of eventIds) expect(deliveries.filter((d) => String(d.event_id) === id), `deliveries of event ${id}`).toHaveLength(2);
    const changes = received.slice(ours.length);
    expect(changes).toHaveLength(deliveries.length);
    expect(new Set(changes.map((r) => r.entity))).toEqual(new Set(["LOCATIONS", "COMPANIES"]));
    expect(triggered).toHaveLength(deliveries.length);

    // Duplicates met the run their first copy started, and were skipped while it ran.
    expect(outcomes.filter((o) => o.outcome === "skipped").length).toBeGreaterThan(0);
    const runs = await db().syncRun.findMany({ where: { projectId, trigger: "WEBHOOK" }, orderBy: { startedAt: "asc" } });
    expect(runs.every((r) => r.status === "SUCCEEDED" && r.failed === 0)).toBe(true);
    for (const entity of ["LOCATIONS", "COMPANIES"] as const) {
      const spans = runs.filter((r) => r.entity === entity).map((r) => [r.startedAt!.getTime(), r.finishedAt!.getTime()] as const);
      expect(spans.length, entity).toBeGreaterThan(0);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0], `${entity} runs overlap`).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    }

    await expectInSync(e);
    await expectQuiet(e);
  });
});
