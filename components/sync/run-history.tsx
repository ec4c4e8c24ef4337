"use client";

/*
 * The parts of a run history that the sync panel and the plan board's publish history show alike: a live run's
 * progress, a finished run's outcome, a run's status with its error, and its issues folded away.
 */

export const formatTime = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : "—");

/** A live run: what it is doing (in bold), how far it has got and a progress bar named `label`. */
export function RunProgress({ doing, done, total, unit, label }: { doing: string; done: number; total: number; unit: string; label: string }) {
  return (
    <div className="space-y-1">
      <p>
        <strong>{doing}</strong> {done} of {total} {unit} done
      </p>
      <progress className="w-64" max={Math.max(total, 1)} value={done} aria-label={label} />
    </div>
  );
}

/** A finished run: "{lead} {time}: {status} — {counts}", and its error. */
export function RunOutcome({ lead, at, status, error, children }: { lead: string; at: string | null; status: string; error: string | null; children: React.ReactNode }) {
  return (
    <p>
      {lead} {formatTime(at)}: <strong>{status}</strong> — {children}
      {error && <span className="block text-red-700">{error}</span>}
    </p>
  );
}

/** A history row's status, with the error that ended the run. */
export function RunStatus({ status, error }: { status: string; error: string | null }) {
  return (
    <>
      {status}
      {error && <span className="block text-xs text-red-700">{error}</span>}
    </>
  );
}

/** A run's issues, folded: "{count} {noun}", and how many are listed when the run recorded more. */
export function RunIssues({ count, shown, noun, children }: { count: number; shown: number; noun: { one: string; other: string }; children: React.ReactNode }) {
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs font-medium text-brand-dark">
        {count} {count === 1 ? noun.one : noun.other}
        {count > shown && ` (first ${shown} shown)`}
      </summary>
      {children}
    </details>
  );
}
