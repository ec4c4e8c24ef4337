"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Table, type Column } from "@/components/ui/table";
import type { SyncRunStatus, SyncTrigger } from "@/lib/generated/prisma/enums";
import type { EntitySlug, SyncRunView } from "@/lib/project-data/sync-status";
import { fetchSyncStatus, startSync, syncStatusKey } from "./api";
import { formatTime, RunIssues, RunOutcome, RunProgress, RunStatus } from "./run-history";

/** How often the page asks for progress while a run is queued or running. */
const POLL_MS = 2_000;

const LIVE: readonly SyncRunStatus[] = ["QUEUED", "RUNNING", "WAITING_RATE_LIMIT"];

const STATUS_LABEL: Record<SyncRunStatus, string> = {
  QUEUED: "Queued",
  RUNNING: "Running",
  WAITING_RATE_LIMIT: "Waiting for Procore rate limit",
  SUCCEEDED: "Succeeded",
  PARTIAL: "Partly succeeded",
  FAILED: "Failed",
};

const TRIGGER_LABEL: Record<SyncTrigger, string> = { SCHEDULE: "Schedule", MANUAL: "Sync button", WEBHOOK: "Procore change" };

function Counts({ run }: { run: SyncRunView }) {
  return (
    <span>
      {run.created} created, {run.updated} updated, {run.unchanged} unchanged, {run.failed} failed
    </span>
  );
}

/**
 * "Sync" (run now), the latest run's time, status and counts, a live run's progress (polled, no reload needed) and
 * the run history with each run's record errors and conflicts.
 */
export function SyncPanel({ projectId, entity }: { projectId: string; entity: EntitySlug }) {
  const queryClient = useQueryClient();
  const status = useQuery({
    queryKey: syncStatusKey(projectId, entity),
    queryFn: () => fetchSyncStatus(projectId, entity),
    refetchInterval: (query) => (query.state.data?.runs.some((r) => LIVE.includes(r.status)) ? POLL_MS : false),
  });
  const sync = useMutation({
    mutationFn: () => startSync(projectId, entity),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: syncStatusKey(projectId, entity) }),
    onError: (err) => toast.error(err.message),
  });

  const runs = status.data?.runs ?? [];
  const latest = runs[0];
  const live = runs.some((r) => LIVE.includes(r.status));

  // When a run ends, the lists on the page show what it synced.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) void queryClient.invalidateQueries({ queryKey: ["project", projectId] });
    wasLive.current = live;
  }, [live, projectId, queryClient]);

  return (
    <section aria-label="Procore sync" className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div aria-live="polite" className="text-sm text-slate-700">
          {latest ? <LatestRun run={latest} /> : "Not synced with Procore yet."}
        </div>
        <Button onClick={() => sync.mutate()} disabled={live || sync.isPending}>
          Sync
        </Button>
      </div>
      {runs.length > 0 && <History runs={runs} />}
    </section>
  );
}

function LatestRun({ run }: { run: SyncRunView }) {
  if (run.status === "QUEUED") return <p>Sync queued at {formatTime(run.createdAt)}.</p>;
  if (run.status === "RUNNING" || run.status === "WAITING_RATE_LIMIT") {
    return (
      <RunProgress
        doing={
          run.status === "WAITING_RATE_LIMIT"
            ? `Waiting for Procore rate limit${run.waitingUntil ? ` (until ${new Date(run.waitingUntil).toLocaleTimeString()})` : ""}`
            : "Syncing…"
        }
        done={run.done}
        total={run.total}
        unit="records"
        label="Sync progress"
      />
    );
  }
  return (
    <RunOutcome lead="Last sync" at={run.finishedAt ?? run.createdAt} status={STATUS_LABEL[run.status]} error={run.error}>
      <Counts run={run} />
    </RunOutcome>
  );
}

const COLUMNS: Column<SyncRunView>[] = [
  {
    header: "Trigger",
    cell: (run) => (
      <>
        {TRIGGER_LABEL[run.trigger]}
        {run.fullReconcile && <span className="block text-xs text-slate-500">full reconciliation</span>}
      </>
    ),
  },
  { header: "Started", cell: (run) => formatTime(run.startedAt) },
  { header: "Ended", cell: (run) => formatTime(run.finishedAt) },
  { header: "Status", cell: (run) => <RunStatus status={STATUS_LABEL[run.status]} error={run.error} /> },
  {
    header: "Records",
    cell: (run) => (
      <>
        <Counts run={run} />
        {run.issueCount > 0 && <Issues run={run} />}
      </>
    ),
  },
];

function History({ runs }: { runs: SyncRunView[] }) {
  return (
    <details>
      <summary className="cursor-pointer text-sm font-medium text-slate-700">Sync history</summary>
      <Table columns={COLUMNS} rows={runs} className="mt-3 w-full text-left text-sm" rowClassName={() => "align-top"} />
    </details>
  );
}

const show = (value: unknown) => (value === null || value === undefined ? "—" : JSON.stringify(value));

function Issues({ run }: { run: SyncRunView }) {
  return (
    <RunIssues count={run.issueCount} shown={run.issues.length} noun={{ one: "record issue", other: "record issues" }}>
      <ul className="mt-1 space-y-2">
        {run.issues.map((issue) => (
          <li key={issue.id} className="rounded bg-slate-50 p-2 text-xs">
            <span className={`font-medium ${issue.kind === "ERROR" ? "text-red-700" : "text-amber-800"}`}>{issue.kind === "ERROR" ? "Error" : "Conflict"}</span>{" "}
            {issue.message}
            {issue.procoreId && <span className="text-slate-500"> (Procore id {issue.procoreId})</span>}
            {issue.kind === "CONFLICT" && (
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2">
                <dt className="text-slate-500">Smartapp</dt>
                <dd className="break-all font-mono">{show(issue.localValue)}</dd>
                <dt className="text-slate-500">Procore</dt>
                <dd className="break-all font-mono">{show(issue.procoreValue)}</dd>
              </dl>
            )}
          </li>
        ))}
      </ul>
    </RunIssues>
  );
}
