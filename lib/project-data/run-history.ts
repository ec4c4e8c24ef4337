import type { RunCounts } from "@/lib/sync";

/*
 * What a page shows of its runs against Procore (an entity's syncs, the plan board's publishes): the latest runs,
 * newest first, each with its progress, its counts and the first of its issues. JSON-ready: dates as ISO strings.
 */

export const HISTORY_RUNS = 10;
/** A run can record thousands of issues; the page lists the first ones and says how many there are. */
export const ISSUES_PER_RUN = 50;

/** What a sync run and a publish run show alike. */
export interface RunView<Status extends string, Issue> extends RunCounts {
  id: string;
  status: Status;
  finishedAt: string | null;
  waitingUntil: string | null;
  error: string | null;
  issueCount: number;
  issues: Issue[];
}

export const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;
