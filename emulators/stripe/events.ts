import { createHmac } from "node:crypto";
import type { EventRecord, Store } from "./store";
import { now } from "./store";

/** The API version stripe-node 23.1.0 pins; events carry it like Stripe's do. */
export const API_VERSION = "2026-10-28.endive";

export interface WebhookSettings {
  /** Where events are POSTed; null turns delivery off (events are still recorded). */
  url: string | null;
  secret: string;
  /** First retry delay; each further retry doubles it. */
  retryBaseMs: number;
}

export interface Faults {
  /** Deliver every event twice (same event id), as Stripe may. */
  duplicateEvents: boolean;
  /** Deliver the events one operation produced in reverse order. */
  outOfOrder: boolean;
  /** Fail this many upcoming delivery attempts without calling the endpoint (they are retried). */
  webhookFailures: number;
}

export const NO_FAULTS: Faults = { duplicateEvents: false, outOfOrder: false, webhookFailures: 0 };

export interface DeliveryRecord {
  eventId: string;
  type: string;
  attempt: number;
  /** The endpoint's HTTP status, or null when it could not be reached or a fault was injected. */
  status: number | null;
  ok: boolean;
  error: string | null;
  at: string;
}

interface PendingDelivery {
  event: EventRecord;
  attempt: number;
}

// Stripe retries for days; a sandbox gives up sooner so a stopped app does not collect retries forever.
const MAX_ATTEMPTS = 8;
const ENDPOINT_TIMEOUT_MS = 10_000;
// The delivery log is for assertions on recent traffic, not an audit trail.
const DELIVERY_LOG_LIMIT = 2000;

/** Stripe's header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed with the endpoint secret>`. */
function signPayload(payload: string, secret: string): string {
  const timestamp = now();
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

/**
 * Sends events to the webhook endpoint one at a time, in the order they happened; a failed attempt
 * is retried later with exponential backoff without holding up the events behind it (so, as with
 * Stripe, a retried event can arrive after newer ones).
 */
export class Webhooks {
  faults: Faults = { ...NO_FAULTS };
  private deliveries: DeliveryRecord[] = [];
  private batch: EventRecord[] = [];
  private queue: PendingDelivery[] = [];
  private sending = false;
  private timers = new Set<NodeJS.Timeout>();
  // Bumped by reset/stop so attempts already in flight do not record into the new state.
  private generation = 0;

  constructor(
    readonly settings: WebhookSettings,
    private readonly store: Store,
  ) {}

  /**
   * Events emitted while one request runs are collected and handed over together once it returns,
   * so the out-of-order fault can reorder what one operation produced.
   */
  publish(event: EventRecord): void {
    this.batch.push(event);
    if (this.batch.length === 1) queueMicrotask(() => this.flushBatch());
  }

  /** After a restart, events that were never delivered are sent again, as Stripe keeps retrying. */
  resumePending(): void {
    for (const event of this.store.events.values()) if (event.pending_webhooks > 0) this.queue.push({ event, attempt: 1 });
    void this.pump();
  }

  list(): DeliveryRecord[] {
    return this.deliveries;
  }

  reset(): void {
    this.stop();
    this.deliveries = [];
    this.faults = { ...NO_FAULTS };
  }

  stop(): void {
    this.generation++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.queue = [];
    this.batch = [];
  }

  private flushBatch(): void {
    const events = this.batch;
    this.batch = [];
    if (this.settings.url === null) {
      for (const event of events) event.pending_webhooks = 0;
      this.store.changed();
      return;
    }
    if (this.faults.outOfOrder) events.reverse();
    for (const event of events) {
      this.queue.push({ event, attempt: 1 });
      if (this.faults.duplicateEvents) this.queue.push({ event, attempt: 1 });
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) await this.attempt(next);
    } finally {
      this.sending = false;
    }
  }

  private async attempt({ event, attempt }: PendingDelivery): Promise<void> {
    const generation = this.generation;
    const url = this.settings.url;
    if (url === null) {
      // Delivery was turned off while this event waited: it is dropped, not failed.
      event.pending_webhooks = 0;
      this.store.changed();
      return;
    }
    let status: number | null = null;
    let error: string | null = null;
    if (this.faults.webhookFailures > 0) {
      this.faults.webhookFailures--;
      error = "injected failure (fault webhookFailures)";
    } else {
      const payload = JSON.stringify(event, null, 2);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signPayload(payload, this.settings.secret),
          },
          body: payload,
          signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch (err) {
        error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      }
    }
    if (generation !== this.generation) return;
    const ok = status !== null && status >= 200 && status < 300;
    this.deliveries.push({ eventId: event.id, type: event.type, attempt, status, ok, error, at: new Date().toISOString() });
    if (this.deliveries.length > DELIVERY_LOG_LIMIT) this.deliveries.shift();
    if (ok || attempt >= MAX_ATTEMPTS) {
      event.pending_webhooks = 0;
      this.store.changed();
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.queue.push({ event, attempt: attempt + 1 });
        void this.pump();
      },
      this.settings.retryBaseMs * 2 ** (attempt - 1),
    );
    this.timers.add(timer);
  }
}
