"use client";

import type { PublishRunStatus } from "@/lib/generated/prisma/enums";
import type { PublishRunView } from "@/lib/planner/publish";
import { formatTime } from "./format";

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
      <div className="space-y-1">
        <p>
          <strong>
            {run.status === "WAITING_RATE_LIMIT" && run.waitingUntil
              ? `Waiting for Procore rate limit (until ${new Date(run.waitingUntil).toLocaleTimeString()})`
              : "Publishing…"}
          </strong>{" "}
          {run.done} of {run.total} tasks done
        </p>
        <progress className="w-64" max={Math.max(run.total, 1)} value={run.done} aria-label="Publish progress" />
      </div>
    );
  }
  return (
    <p>
      Last published {formatTime(run.finishedAt ?? run.startedAt)}: <strong>{STATUS_LABEL[run.status]}</strong> — <Counts run={run} />
      {run.error && <span className="block text-red-700">{run.error}</span>}
    </p>
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
      {runs.length > 0 && (
        <table className="w-full text-left">
          <caption className="sr-only">Publish history</caption>
          <thead>
            <tr className="text-slate-600">
              <th className="border-b border-slate-200 px-2 py-2 font-medium">Started</th>
              <th className="border-b border-slate-200 px-2 py-2 font-medium">Ended</th>
              <th className="border-b border-slate-200 px-2 py-2 font-medium">Status</th>
              <th className="border-b border-slate-200 px-2 py-2 font-medium">Tasks</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} className="align-top">
                <td className="border-b border-slate-100 px-2 py-2">{formatTime(run.startedAt)}</td>
                <td className="border-b border-slate-100 px-2 py-2">{formatTime(run.finishedAt)}</td>
                <td className="border-b border-slate-100 px-2 py-2">
                  {STATUS_LABEL[run.status]}
                  {run.error && <span className="block text-xs text-red-700">{run.error}</span>}
                </td>
                <td className="border-b border-slate-100 px-2 py-2">
                  <Counts run={run} />
                  {run.issueCount > 0 && (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs font-medium text-brand-dark">
                        {run.issueCount} task {run.issueCount === 1 ? "error" : "errors"}
                        {run.issueCount > run.issues.length && ` (first ${run.issues.length} shown)`}
                      </summary>
                      <ul className="mt-1 space-y-1">
                        {run.issues.map((issue) => (
                          <li key={issue.id} className="rounded bg-slate-50 p-2 text-xs">
                            <span className="font-medium">{issue.taskName}</span>: {issue.message}
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
