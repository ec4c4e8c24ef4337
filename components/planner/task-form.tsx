"use client";

import { useId, useState } from "react";
import { ApiError } from "@/components/project/api";
import { Button } from "@/components/ui/button";
import { PlanTaskStatus } from "@/lib/generated/prisma/enums";
import { TASK_STATUS_LABEL } from "@/lib/planner/board-rules";
import type { BoardView, PlanTaskView } from "@/lib/planner/board";
import type { TaskInput } from "./api";

type Values = Required<Record<keyof TaskInput, string>>;

const INPUT = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand focus:outline-none";

/**
 * Adds a task or edits one (and deletes it). Companies and locations offered are the project's active ones, plus the
 * task's own if it has since been deactivated. The API's messages per field are shown beside the fields.
 */
export function TaskForm({
  board,
  task,
  initial,
  onSave,
  onDelete,
  onDone,
}: {
  board: BoardView;
  /** The task being edited; none when adding. */
  task?: PlanTaskView;
  initial: Values;
  onSave: (input: TaskInput) => Promise<unknown>;
  onDelete?: () => Promise<unknown>;
  onDone: () => void;
}) {
  const id = useId();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = task ? `Edit ${task.name}` : "Add task";

  async function act(action: () => Promise<unknown>) {
    setBusy(true);
    try {
      await action();
      onDone();
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {};
      setErrors(fields);
      const besideFields = Object.keys(values).some((name) => fields[name]);
      setFormError(besideFields ? null : err instanceof Error ? err.message : "Could not save");
    } finally {
      setBusy(false);
    }
  }

  const field = (name: keyof Values, label: string, control: (common: Record<string, unknown>) => React.ReactNode) => {
    const fieldId = `${id}-${name}`;
    const error = errors[name]?.[0];
    return (
      <div>
        <label htmlFor={fieldId} className="text-sm font-medium text-slate-700">
          {label}
        </label>
        {control({
          id: fieldId,
          name,
          value: values[name],
          className: INPUT,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": error ? `${fieldId}-error` : undefined,
          onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setValues({ ...values, [name]: e.target.value }),
        })}
        {error && (
          <p id={`${fieldId}-error`} className="mt-1 text-sm text-red-700">
            {error}
          </p>
        )}
      </div>
    );
  };

  const companies = board.companies.filter((c) => c.active || c.id === task?.companyId);
  const locations = board.locations.filter((l) => l.active || l.id === task?.locationId);
  return (
    <form
      aria-label={title}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void act(() => onSave({ ...values, companyId: values.companyId || null, locationId: values.locationId || null, status: values.status as PlanTaskStatus }));
      }}
      className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      <h2 className="font-medium">{title}</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        {field("name", "Name", (common) => <input {...common} type="text" required autoFocus />)}
        {field("companyId", "Company", (common) => (
          <select {...common}>
            <option value="">None</option>
            {companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        ))}
        {field("locationId", "Location", (common) => (
          <select {...common}>
            <option value="">None</option>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.path}
              </option>
            ))}
          </select>
        ))}
        {field("start", "Start", (common) => <input {...common} type="date" required />)}
        {field("finish", "Finish", (common) => <input {...common} type="date" required />)}
        {field("status", "Status", (common) => (
          <select {...common}>
            {Object.values(PlanTaskStatus).map((s) => (
              <option key={s} value={s}>
                {TASK_STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        ))}
      </div>
      {formError && (
        <p role="alert" className="text-sm text-red-700">
          {formError}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save task"}
        </Button>
        <Button variant="secondary" onClick={onDone} disabled={busy}>
          Cancel
        </Button>
        {onDelete && (
          <Button variant="secondary" className="ml-auto text-red-700" onClick={() => void act(onDelete)} disabled={busy}>
            Delete task
          </Button>
        )}
      </div>
    </form>
  );
}
