import { API_VERSION, Webhooks, type WebhookSettings } from "./events";
import type { RenderContext } from "./render";
import { newId, now, Store, type EventRecord, type JsonObject } from "./store";

export interface SandboxConfig {
  secretKey: string;
  publicUrl: string;
  stateFile: string | undefined;
  webhook: WebhookSettings;
}

/** What caused a change: the API request (id + Idempotency-Key) or, for admin actions, nothing. */
export interface RequestMeta {
  id: string | null;
  idempotencyKey: string | null;
}

export const AUTOMATIC: RequestMeta = { id: null, idempotencyKey: null };

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  requestId: string | null;
  idempotencyKey: string | null;
  replayed: boolean;
  /** Decoded API parameters, so tests can assert what the app sent (e.g. proration_behavior). */
  params: JsonObject | null;
}

// The request log is for assertions on recent traffic, not an audit trail.
const REQUEST_LOG_LIMIT = 2000;

/** The running sandbox: configuration, the store, webhook delivery and the request log. */
export class Sandbox implements RenderContext {
  readonly store: Store;
  readonly webhooks: Webhooks;
  private requestLog: RequestLogEntry[] = [];
  private pendingEvents: EventRecord[] | null = null;

  constructor(readonly config: SandboxConfig) {
    this.store = new Store(config.stateFile);
    this.webhooks = new Webhooks(config.webhook, this.store);
    this.webhooks.resumePending();
  }

  get publicUrl(): string {
    return this.config.publicUrl;
  }

  emit(type: string, object: JsonObject, request: RequestMeta, previous?: JsonObject): EventRecord {
    const event: EventRecord = {
      id: newId("evt"),
      object: "event",
      api_version: API_VERSION,
      created: now(),
      data: previous ? { object, previous_attributes: previous } : { object },
      livemode: false,
      pending_webhooks: this.config.webhook.url === null ? 0 : 1,
      request: { id: request.id, idempotency_key: request.idempotencyKey },
      type,
    };
    if (this.pendingEvents) this.pendingEvents.push(event);
    else this.record(event);
    return event;
  }

  /**
   * Runs a change all-or-nothing, as a Stripe request is: if it throws (a bad `expand[]` after the
   * work was done, a validation error half-way), the store is rolled back and no event is sent.
   */
  atomically<T>(change: () => T): T {
    const snapshot = this.store.snapshot();
    this.pendingEvents = [];
    try {
      const result = change();
      for (const event of this.pendingEvents) this.record(event);
      return result;
    } catch (err) {
      this.store.restore(snapshot);
      throw err;
    } finally {
      this.pendingEvents = null;
    }
  }

  private record(event: EventRecord): void {
    this.store.events.set(event.id, event);
    this.store.changed();
    this.webhooks.publish(event);
  }

  logRequest(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
    if (this.requestLog.length > REQUEST_LOG_LIMIT) this.requestLog.shift();
  }

  requests(): RequestLogEntry[] {
    return this.requestLog;
  }

  /** Back to an empty account; the webhook endpoint and secret stay as configured. */
  reset(): void {
    this.webhooks.reset();
    this.store.reset();
    this.requestLog = [];
  }

  stop(): void {
    this.webhooks.stop();
    this.store.flush();
  }
}
