import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { SandboxConfig } from "./config.ts";
import { RateLimiter } from "./rate-limit.ts";
import { applySeed } from "./seed.ts";
import { Store, type Snapshot } from "./store.ts";
import { Webhooks } from "./webhooks.ts";

/** Fault injection set through `/__admin/faults`; never applied to `/__admin` or `/health`. */
export interface Faults {
  latencyMs: number;
  errorRate: number;
  rateLimitStorm: number;
  dropResponseAfterCommit: { pathContains: string; count: number } | null;
  duplicateWebhooks: boolean;
}

export const noFaults = (): Faults => ({
  latencyMs: 0,
  errorRate: 0,
  rateLimitStorm: 0,
  dropResponseAfterCommit: null,
  duplicateWebhooks: false,
});

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  ms: number;
  at: string;
  tokenClientId: string | null;
}

/** A long dev session must not grow without bound; tests clear the log long before this. */
const REQUEST_LOG_LIMIT = 50_000;
const SAVE_DEBOUNCE_MS = 1000;

/** The whole running sandbox: configuration, data, and the machinery around it. */
export class Sandbox {
  readonly store = new Store();
  readonly limiter: RateLimiter;
  readonly webhooks: Webhooks;
  faults = noFaults();
  requests: RequestLogEntry[] = [];
  private saveTimer: NodeJS.Timeout | null = null;

  constructor(readonly config: SandboxConfig) {
    this.limiter = new RateLimiter(() => config.runtime);
    this.webhooks = new Webhooks({
      store: this.store,
      retryBaseMs: () => config.runtime.webhookRetryBaseMs,
      duplicate: () => this.faults.duplicateWebhooks,
      persist: () => this.persist(),
    });
    this.store.onChange((change, actor) => this.webhooks.publish(change, actor));
    if (!this.load()) applySeed(this.store, config.seed, config.large);
    this.webhooks.resume();
  }

  logRequest(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > REQUEST_LOG_LIMIT) this.requests.splice(0, this.requests.length - REQUEST_LOG_LIMIT);
  }

  /** Store reset for `/__admin/reset`: data, request log, faults and rate-limit counters start over. */
  reset(seed: "demo" | "empty"): void {
    this.webhooks.clear();
    this.store.clear();
    this.limiter.reset();
    this.faults = noFaults();
    this.requests = [];
    applySeed(this.store, seed, this.config.large);
    this.persist();
  }

  /** Schedules a save of the state file (debounced); a no-op without PROCORE_SANDBOX_STATE_FILE. */
  persist(): void {
    if (!this.config.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.save(), SAVE_DEBOUNCE_MS);
    this.saveTimer.unref();
  }

  /** Writes a pending save now (shutdown). */
  flush(): void {
    if (this.saveTimer) this.save();
  }

  shutdown(): void {
    this.webhooks.clear();
    this.flush();
  }

  private save(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const file = this.config.stateFile;
    if (!file) return;
    // Write-then-rename so a crash mid-write never leaves a truncated state file behind.
    writeFileSync(`${file}.tmp`, JSON.stringify(this.store.snapshot()));
    renameSync(`${file}.tmp`, file);
  }

  private load(): boolean {
    const file = this.config.stateFile;
    if (!file || !existsSync(file)) return false;
    this.store.restore(JSON.parse(readFileSync(file, "utf8")) as Snapshot);
    return true;
  }
}
