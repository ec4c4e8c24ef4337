import { randomBytes } from "node:crypto";
import type { Actor, Change, Delivery, Hook, Id, QueuedEvent, Store, WebhookEvent } from "./store.ts";

const RETRY_CAP_MS = 3_600_000;
const DISCARD_AFTER_MS = 12 * 3_600_000;
const RECEIVER_TIMEOUT_MS = 5000;
const KEPT_RESPONSE_CHARS = 4000;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function ulid(nowMs: number): string {
  let time = "";
  for (let t = nowMs, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  return time + [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join("");
}

export interface WebhookOptions {
  store: Store;
  retryBaseMs: () => number;
  duplicate: () => boolean;
  persist: () => void;
}

/** Per-destination delivery state; only timers and counters, the queue itself lives in the store. */
interface HookState {
  busy: boolean;
  timer: NodeJS.Timeout | null;
  failures: number;
  failingSinceMs: number | null;
}

/**
 * Procore's delivery model: each hook's events go out one at a time, in order; after a failure the hook pauses and
 * retries with exponential backoff (base .. 1 h), and after 12 h of failing its queue is discarded. At-least-once.
 */
export class Webhooks {
  private states = new Map<Id, HookState>();
  /** Bumped on reset so attempts in flight from before it do not write into the new store. */
  private generation = 0;

  constructor(private readonly o: WebhookOptions) {}

  publish(change: Change, actor: Actor): void {
    const { store } = this.o;
    const hookIds = new Set(
      store.t.triggers
        .filter((t) => t.resource_name === change.resource_name && t.event_type === change.event_type)
        .map((t) => t.hook_id),
    );
    const hooks = [...hookIds]
      .map((id) => store.t.hooks.get(id))
      .filter((h): h is Hook => h !== undefined && this.inScope(h, change));
    if (hooks.length === 0) return;
    const nowMs = Date.now();
    const event: WebhookEvent = {
      id: store.nextId("events"),
      ulid: ulid(nowMs),
      timestamp: new Date(nowMs).toISOString(),
      user_id: actor.userId,
      company_id: change.company_id,
      project_id: change.project_id,
      api_version: "v2",
      event_type: change.event_type,
      resource_name: change.resource_name,
      resource_id: change.resource_id,
      metadata: {
        source_user_id: actor.userId,
        source_company_id: change.company_id,
        source_project_id: change.project_id,
        source_application_id: actor.clientId,
        source_operation_id: null,
      },
    };
    const copies = this.o.duplicate() ? 2 : 1;
    for (const hook of hooks) {
      for (let i = 0; i < copies; i++) store.t.webhookQueue.put({ seq: store.nextId("queue"), hook_id: hook.id, event });
      this.kick(hook.id);
    }
  }

  /** After loading a saved state: send what was still queued. */
  resume(): void {
    for (const id of new Set(this.o.store.t.webhookQueue.values().map((q) => q.hook_id))) this.kick(id);
  }

  /** Forgets every timer (reset, shutdown). */
  clear(): void {
    for (const state of this.states.values()) if (state.timer) clearTimeout(state.timer);
    this.states.clear();
    this.generation += 1;
  }

  private inScope(hook: Hook, change: Change): boolean {
    return hook.project_id !== null ? hook.project_id === change.project_id : hook.company_id === change.company_id;
  }

  private state(hookId: Id): HookState {
    let state = this.states.get(hookId);
    if (!state) {
      state = { busy: false, timer: null, failures: 0, failingSinceMs: null };
      this.states.set(hookId, state);
    }
    return state;
  }

  private kick(hookId: Id): void {
    const state = this.state(hookId);
    if (state.busy || state.timer) return; // already sending, or paused after a failure
    void this.drain(hookId, state);
  }

  private head(hookId: Id): QueuedEvent | undefined {
    const queued = this.o.store.t.webhookQueue.filter((q) => q.hook_id === hookId);
    return queued.reduce<QueuedEvent | undefined>((min, q) => (!min || q.seq < min.seq ? q : min), undefined);
  }

  private async drain(hookId: Id, state: HookState): Promise<void> {
    const { store } = this.o;
    const generation = this.generation;
    state.busy = true;
    try {
      for (let next = this.head(hookId); next; next = this.head(hookId)) {
        const hook = store.t.hooks.get(hookId);
        if (!hook) {
          store.t.webhookQueue.removeWhere((q) => q.hook_id === hookId);
          return;
        }
        const delivery = await this.attempt(hook, next.event);
        if (generation !== this.generation) return;
        store.t.deliveries.put(delivery);
        if (delivery.outcome === "ok") {
          store.t.webhookQueue.delete(next.seq);
          state.failures = 0;
          state.failingSinceMs = null;
          continue;
        }
        state.failures += 1;
        state.failingSinceMs ??= Date.now();
        if (Date.now() - state.failingSinceMs >= DISCARD_AFTER_MS) {
          this.discard(hookId);
          state.failures = 0;
          state.failingSinceMs = null;
          return;
        }
        const delay = Math.min(this.o.retryBaseMs() * 2 ** (state.failures - 1), RETRY_CAP_MS);
        state.timer = setTimeout(() => {
          state.timer = null;
          void this.drain(hookId, state);
        }, delay);
        state.timer.unref();
        return;
      }
    } finally {
      state.busy = false;
      this.o.persist();
    }
  }

  private discard(hookId: Id): void {
    const { store } = this.o;
    const now = store.now();
    for (const q of store.t.webhookQueue.removeWhere((q) => q.hook_id === hookId)) {
      store.t.deliveries.put({
        id: store.nextId("deliveries"),
        hook_id: hookId,
        event_id: q.event.id,
        event: q.event,
        outcome: "discarded",
        response_status: null,
        response_headers: null,
        response_body: null,
        response_error: "Discarded after 12 hours of failed deliveries",
        started_at: now,
        completed_at: now,
      });
    }
  }

  private async attempt(hook: Hook, event: WebhookEvent): Promise<Delivery> {
    const startedAt = new Date().toISOString();
    const base = { id: this.o.store.nextId("deliveries"), hook_id: hook.id, event_id: event.id, event, started_at: startedAt };
    try {
      const res = await fetch(hook.destination_url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "Procore-Sandbox-Webhooks", ...hook.destination_headers },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
      });
      const body = (await res.text()).slice(0, KEPT_RESPONSE_CHARS);
      return {
        ...base,
        outcome: res.ok ? "ok" : "retried",
        response_status: res.status,
        response_headers: Object.fromEntries(res.headers),
        response_body: body,
        response_error: null,
        completed_at: new Date().toISOString(),
      };
    } catch (error) {
      return {
        ...base,
        outcome: "retried",
        response_status: null,
        response_headers: null,
        response_body: null,
        response_error: error instanceof Error ? error.message : String(error),
        completed_at: new Date().toISOString(),
      };
    }
  }
}
