"use client";

import { formatTime, RunIssues, RunOutcome, RunProgress, RunStatus } from "@/components/sync/run-history";
import { Table, type Column } from "@/components/ui/table";
import type { PublishRunStatus } from "@/lib/generated/prisma/enums";
import type { PublishRunView } from "@/lib/planner/publish";

/** Where the board is published, as the page knows it. */
export interface PublishTarget {
  projectName: string;
  companyName: string;
  procoreProjectId: string;
}

export const LIVE_PUBLISH: readonly PublishRunStatus[] = ["RUNNING", "WAITING_RATE_LIMIT"];

const STATUS_LABEL: Record<PublishRunStatus, string> = {
  RUNNING: "Publishing",
  WAITING_RATE_LIMIT: "Waiting for Procore rate limit",
  SUCCEEDED: "Succeeded",
  PARTIAL: "Partly succeeded",
  FAILED: "Failed",
};

/** "Connector settings": what a publish sends, where, and what it deletes. */
export function ConnectorSettings({ target, onClose }: { target: PublishTarget; onClose: () => void }) {
  return (
    <section aria-labelledby="connector-settings" className="space-y-3 rounded-xl bg-white p-5 text-sm text-slate-700 shadow-sm ring-1 ring-slate-200">
      <div className="flex items-center justify-between">
        <h2 id="connector-settings" className="text-base font-medium text-ink">
          Connector settings
        </h2>
        <button type="button" className="text-sm font-medium text-brand hover:underline" onClick={onClose}>
          Close
        </button>
      </div>
      <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium text-slate-500">Publishes to</dt>
        <dd>
          The schedule of the Procore project <strong>{target.projectName}</strong> (Procore project {target.procoreProjectId}) in {target.companyName}, as
          schedule tasks.
        </dd>
        <dt className="font-medium text-slate-500">What is sent</dt>
        <dd>
          Every task on this board: its name, its start and finish, and its status (Done is 100% complete). Procore tasks have no company or location, so
          both are written in the task&apos;s notes.
        </dd>
        <dt className="font-medium text-slate-500">Publish now</dt>
        <dd>
          Creates the tasks Procore does not have yet and updates the ones changed on the board since they were last published. Unchanged tasks are not
          sent. Each task is matched by its Smartapp id, so publishing again never duplicates a task.
        </dd>
        <dt className="font-medium text-slate-500">Deleting</dt>
        <dd>
          A task you delete on this board is deleted from the Procore schedule at the next publish. Tasks created in Procore are never changed or deleted.
        </dd>
        <dt className="font-medium text-slate-500">Edits in Procore</dt>
        <dd>A change made in Procore to a published task stays until the task changes on this board; its next publish then overwrites it.</dd>
      </dl>
    </section>
  );
}

function Counts({ run }: { run: PublishRunView }) {
  return (
    <span>
      {run.created} created, {run.updated} updated, {run.deleted} deleted, {run.unchanged} unchanged, {run.failed} failed
    </span>
  );
}

function Latest({ run }: { run: PublishRunView }) {
  if (LIVE_PUBLISH.includes(run.status)) {
    return (
      <RunProgress
        doing={
          run.status === "WAITING_RATE_LIMIT" && run.waitingUntil
            ? `Waiting for Procore rate limit (until ${new Date(run.waitingUntil).toLocaleTimeString()})`
            : "Publishing…"
        }
        done={run.done}
        total={run.total}
        unit="tasks"
        label="Publish progress"
      />
    );
  }
  return (
    <RunOutcome lead="Last published" at={run.finishedAt ?? run.startedAt} status={STATUS_LABEL[run.status]} error={run.error}>
      <Counts run={run} />
    </RunOutcome>
  );
}

const COLUMNS: Column<PublishRunView>[] = [
  { header: "Started", cell: (run) => formatTime(run.startedAt) },
  { header: "Ended", cell: (run) => formatTime(run.finishedAt) },
  { header: "Status", cell: (run) => <RunStatus status={STATUS_LABEL[run.status]} error={run.error} /> },
  {
    header: "Tasks",
    cell: (run) => (
      <>
        <Counts run={run} />
        {run.issueCount > 0 && <Issues run={run} />}
      </>
    ),
  },
];

function Issues({ run }: { run: PublishRunView }) {
  return (
    <RunIssues count={run.issueCount} shown={run.issues.length} noun={{ one: "task error", other: "task errors" }}>
      <ul className="mt-1 space-y-1">
        {run.issues.map((issue) => (
          <li key={issue.id} className="rounded bg-slate-50 p-2 text-xs">
            <span className="font-medium">{issue.taskName}</span>: {issue.message}
          </li>
        ))}
      </ul>
    </RunIssues>
  );
}

/** The latest publish (live progress while it runs) and the history with each run's counts and per-task errors. */
export function PublishHistory({ runs }: { runs: readonly PublishRunView[] }) {
  const [latest] = runs;
  return (
    <section aria-label="Publish history" className="space-y-3 rounded-xl bg-white p-5 text-sm shadow-sm ring-1 ring-slate-200">
      <div aria-live="polite" className="text-slate-700">
        {latest ? <Latest run={latest} /> : "Not published to Procore yet."}
      </div>
      {runs.length > 0 && <Table columns={COLUMNS} rows={runs} className="w-full text-left" rowClassName={() => "align-top"} caption="Publish history" />}
    </section>
  );
}
