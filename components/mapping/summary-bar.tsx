"use client";

import { Button } from "@/components/ui/button";
import type { SelectionProblem, SelectionSummary } from "@/lib/licensing/rules";
import type { SaveStatus } from "./use-draft-autosave";

const PROBLEMS_SHOWN = 3;

const SAVE_TEXT: Record<SaveStatus, string> = {
  idle: "",
  saving: "Saving draft…",
  saved: "Draft saved",
  error: "The draft could not be saved; it will be retried on your next change",
};

type SummaryBarProps = {
  counts: SelectionSummary;
  problems: readonly SelectionProblem[];
  saveStatus: SaveStatus;
  busy: boolean;
  onNext: () => void;
};

/** The counts the seed asks for, what stops Next, and Next itself. */
export function SummaryBar({ counts, problems, saveStatus, busy, onNext }: SummaryBarProps) {
  const blocked = counts.projects === 0 || problems.length > 0;
  const hidden = problems.length - PROBLEMS_SHOWN;
  return (
    <section aria-labelledby="mapping-summary" className="mt-6 rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center gap-x-8 gap-y-2">
        <h2 id="mapping-summary" className="font-semibold">
          Summary
        </h2>
        <p>{`Procore projects selected: ${counts.projects}`}</p>
        <p>{`Planner: ${counts.planner}`}</p>
        <p>{`Safety: ${counts.safety}`}</p>
        <p aria-live="polite" className="ml-auto text-sm text-slate-500">
          {SAVE_TEXT[saveStatus]}
        </p>
        <Button onClick={onNext} disabled={blocked || busy} aria-describedby="mapping-next-hint">
          Next
        </Button>
      </div>
      <div id="mapping-next-hint" aria-live="polite" className="mt-2 text-sm">
        {counts.projects === 0 ? (
          <p className="text-slate-500">Select at least one Procore project, then choose Planner, Safety or both.</p>
        ) : (
          problems.length > 0 && (
            <ul className="list-disc pl-5 text-red-700">
              {problems.slice(0, PROBLEMS_SHOWN).map((p) => (
                <li key={`${p.index}-${p.code}-${p.message}`}>{p.message}</li>
              ))}
              {hidden > 0 && <li>{`and ${hidden} more`}</li>}
            </ul>
          )
        )}
      </div>
    </section>
  );
}
