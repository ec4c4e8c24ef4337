import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_ID, IDS, sleep, startSandbox, type SandboxClient } from "./helpers.ts";

interface Received {
  at: number;
  authorization: string | undefined;
  body: {
    id: number;
    ulid: string;
    timestamp: string;
    user_id: number | null;
    company_id: number;
    project_id: number | null;
    api_version: string;
    event_type: string;
    resource_name: string;
    resource_id: number;
    metadata: Record<string, unknown>;
  };
}

/** A webhook receiver that fails the first `failNext` deliveries with 500. */
class Receiver {
  received: Received[] = [];
  failNext = 0;
  private server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => {
        if (this.failNext > 0) {
          this.failNext -= 1;
          res.writeHead(500).end("receiver down");
          return;
        }
        this.received.push({ at: Date.now(), authorization: req.headers.authorization, body: JSON.parse(data) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/procore/webhook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.received.length} of ${count} webhooks arrived`);
      await sleep(20);
    }
    return this.received;
  }
}

const SECRET = "Bearer hook-secret-12345";
let sb: SandboxClient;
let token: string;
const receiver = new Receiver();
let companyHook: number;

beforeAll(async () => {
  await receiver.start();
  sb = await startSandbox({ PROCORE_SANDBOX_WEBHOOK_RETRY_BASE_MS: "50" });
  await sb.admin("POST", "/install", { companyId: IDS.demo, app: "planner" });
  token = (await sb.userTokens()).access_token;
  const hook = await sb.apiJson<{ id: number; destination_headers: Record<string, string> }>(token, "/webhooks/hooks", {
    method: "POST",
    body: { company_id: IDS.demo, hook: { api_version: "v2", namespace: "smartapp", destination_url: receiver.url, destination_headers: { Authorization: SECRET } } },
  });
  companyHook = hook.id;
  expect(hook.destination_headers.Authorization).toBe(`${"*".repeat(SECRET.length - 5)}12345`);
  const bulk = await sb.api(token, `/webhooks/hooks/${hook.id}/triggers/bulk`, {
    method: "POST",
    body: {
      company_id: IDS.demo,
      api_version: "v2",
      triggers: [
        { resource_name: "Company Vendors", event_type: "create" },
        { resource_name: "Company Vendors", event_type: "update" },
        { resource_name: "Locations", event_type: "create" },
      ],
    },
  });
  expect(bulk.status).toBe(200);
});
afterAll(async () => {
  await sb?.stop();
  await receiver.stop();
});
beforeEach(() => {
  receiver.received = [];
  receiver.failNext = 0;
});

describe("webhook deliveries", () => {
  it("POSTs a v2 event with the configured Authorization header and the acting app's client id", async () => {
    const vendor = await sb.apiJson<{ id: number }>(token, "/vendors", { method: "POST", body: { company_id: IDS.demo, vendor: { name: "Webhook Welding" } } });
    const [event] = await receiver.waitFor(1);
    expect(event!.authorization).toBe(SECRET);
    expect(event!.body).toMatchObject({
      user_id: IDS.admin,
      company_id: IDS.demo,
      project_id: null,
      api_version: "v2",
      event_type: "create",
      resource_name: "Company Vendors",
      resource_id: vendor.id,
      metadata: { source_user_id: IDS.admin, source_company_id: IDS.demo, source_project_id: null, source_application_id: CLIENT_ID, source_operation_id: null },
    });
    expect(event!.body.ulid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(Object.keys(event!.body).sort()).toEqual(
      ["api_version", "company_id", "event_type", "id", "metadata", "project_id", "resource_id", "resource_name", "timestamp", "ulid", "user_id"],
    );
  });

  it("marks changes a person made in Procore (admin API) with source_application_id null", async () => {
    const vendor = await sb.admin<{ id: number }>("POST", "/records/vendors", { company_id: IDS.demo, name: "Person-made Paving" });
    await sb.admin("PATCH", `/records/vendors/${vendor.id}`, { name: "Person-made Paving Co." });
    const events = await receiver.waitFor(2);
    expect(events.map((e) => [e.body.event_type, e.body.resource_id, e.body.metadata.source_application_id])).toEqual([
      ["create", vendor.id, null],
      ["update", vendor.id, null],
    ]);
  });

  it("delivers project-level events (with project_id) to a company hook", async () => {
    await sb.apiJson(token, `/projects/${IDS.demoProject}/locations`, { method: "POST", body: { location: { node_name: "Hooked Hall" } } });
    const [event] = await receiver.waitFor(1);
    expect(event!.body).toMatchObject({ resource_name: "Locations", event_type: "create", project_id: IDS.demoProject, company_id: IDS.demo });
  });

  it("delivers to a project hook only the events of its project", async () => {
    const project = IDS.demoProject + 1;
    const hook = await sb.apiJson<{ id: number; owned_by_project_id: number }>(token, "/webhooks/hooks", {
      method: "POST",
      body: { project_id: project, hook: { namespace: "smartapp", destination_url: receiver.url, destination_headers: { Authorization: SECRET } } },
    });
    expect(hook.owned_by_project_id).toBe(project);
    await sb.apiJson(token, `/webhooks/hooks/${hook.id}/triggers`, {
      method: "POST",
      body: { project_id: project, api_version: "v2", trigger: { resource_name: "Tasks", event_type: "CREATE" } },
    });
    await sb.apiJson(token, "/tasks", { method: "POST", body: { project_id: IDS.demoProject, task: { name: "Elsewhere" } } });
    const task = await sb.apiJson<{ id: number }>(token, "/tasks", { method: "POST", body: { project_id: project, task: { name: "Here" } } });
    const [event] = await receiver.waitFor(1);
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
    expect(event!.body).toMatchObject({ resource_name: "Tasks", event_type: "create", resource_id: task.id, project_id: project });
  });

  it("retries with exponential backoff while the receiver fails, in order, and records every attempt", async () => {
    receiver.failNext = 3;
    const a = await sb.admin<{ id: number }>("POST", "/records/vendors", { company_id: IDS.demo, name: "Retry A" });
    const b = await sb.admin<{ id: number }>("POST", "/records/vendors", { company_id: IDS.demo, name: "Retry B" });
    const started = Date.now();
    const events = await receiver.waitFor(2);
    expect(events.map((e) => e.body.resource_id)).toEqual([a.id, b.id]);
    // Backoff 50 + 100 + 200 ms before the fourth attempt succeeds.
    expect(events[0]!.at - started).toBeGreaterThanOrEqual(300);

    const deliveries = await sb.apiJson<{ event_id: number; outcome: string; response_status: number }[]>(
      token,
      `/webhooks/hooks/${companyHook}/deliveries?company_id=${IDS.demo}`,
    );
    const forA = deliveries.filter((d) => d.event_id === events[0]!.body.id);
    expect(forA.map((d) => [d.outcome, d.response_status])).toEqual([
      ["retried", 500],
      ["retried", 500],
      ["retried", 500],
      ["ok", 204],
    ]);
    const failing = await sb.apiJson<unknown[]>(token, `/webhooks/hooks/${companyHook}/deliveries?company_id=${IDS.demo}&filters[status]=failing`);
    expect(failing.length).toBeGreaterThanOrEqual(3);
  });

  it("delivers every event twice under the duplicateWebhooks fault (same ulid)", async () => {
    await sb.admin("POST", "/faults", { duplicateWebhooks: true });
    try {
      await sb.admin("POST", "/records/vendors", { company_id: IDS.demo, name: "Twice Tiling" });
      const events = await receiver.waitFor(2);
      expect(events[0]!.body.ulid).toBe(events[1]!.body.ulid);
    } finally {
      await sb.admin("DELETE", "/faults");
    }
  });

  it("sends nothing for resources without a matching trigger, and limits bulk triggers to 500", async () => {
    await sb.admin("POST", "/records/users", { company_id: IDS.demo, last_name: "Quiet", email_address: "quiet@demo.test" });
    await sleep(200);
    expect(receiver.received).toEqual([]);
    const tooMany = Array.from({ length: 501 }, () => ({ resource_name: "Tasks", event_type: "create" }));
    const res = await sb.api(token, `/webhooks/hooks/${companyHook}/triggers/bulk`, { method: "POST", body: { company_id: IDS.demo, triggers: tooMany } });
    expect(res.status).toBe(413);
  });
});
