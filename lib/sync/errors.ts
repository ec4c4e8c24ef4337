import { isUniqueViolation } from "@/lib/db";
import {
  AppNotInstalledError,
  NetworkError,
  ProcoreError,
  RateLimitedError,
  ReconnectNeededError,
  ServerError,
  UnauthorizedError,
} from "@/lib/procore";

/**
 * A problem with one record that an adapter found before or instead of calling Procore (no email, a parent that
 * is not synced yet, an operation Procore's API does not offer). The engine records it against the record and goes on.
 */
export class SyncRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncRecordError";
  }
}

/**
 * Failures that stop the whole run: the connection or installation is gone, or Procore is unreachable or out of
 * rate-limit patience even after the client's retries. Every other record would fail the same way.
 */
export function isFatal(err: unknown): boolean {
  return (
    err instanceof ReconnectNeededError ||
    err instanceof AppNotInstalledError ||
    err instanceof UnauthorizedError ||
    err instanceof RateLimitedError ||
    err instanceof ServerError ||
    err instanceof NetworkError
  );
}

/** Failures that concern one record (Procore refused it, or it clashes with another link); the run goes on. */
export function isRecordError(err: unknown): boolean {
  return (err instanceof ProcoreError && !isFatal(err)) || err instanceof SyncRecordError || isUniqueViolation(err);
}

export function recordErrorMessage(err: unknown): string {
  if (isUniqueViolation(err)) return "Clashes with another Smartapp record or link (a value that must be unique is taken)";
  return err instanceof Error ? err.message : String(err);
}
