"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiError } from "./api";

export interface FieldSpec {
  name: string;
  label: string;
  type?: "text" | "email" | "select";
  /** For selects; the empty value means "none". */
  options?: readonly { value: string; label: string }[];
  required?: boolean;
}

export type FormValues = Record<string, string>;

/**
 * A small create/edit form. Blank optional fields are sent as "" (the API stores them as none); the API's messages
 * per field are shown beside the fields, anything else above the buttons.
 */
export function RecordForm({
  title,
  fields,
  initial,
  submitLabel,
  onSubmit,
  onDone,
}: {
  title: string;
  fields: readonly FieldSpec[];
  initial: FormValues;
  submitLabel: string;
  onSubmit: (values: FormValues) => Promise<unknown>;
  onDone: () => void;
}) {
  const id = useId();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await onSubmit(values);
      onDone();
    } catch (err) {
      const fieldErrors = err instanceof ApiError ? err.fields : {};
      setErrors(fieldErrors);
      const shownBesideFields = fields.some((f) => fieldErrors[f.name]);
      setFormError(shownBesideFields ? null : err instanceof Error ? err.message : "Could not save");
    } finally {
      setBusy(false);
    }
  }

  const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand focus:outline-none";
  return (
    <form aria-label={title} onSubmit={submit} noValidate className="space-y-3 rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200">
      <h3 className="font-medium">{title}</h3>
      <div className="grid gap-3 sm:grid-cols-2">
        {fields.map((field) => {
          const fieldId = `${id}-${field.name}`;
          const error = errors[field.name]?.[0];
          const common = {
            id: fieldId,
            name: field.name,
            value: values[field.name] ?? "",
            "aria-invalid": error ? true : undefined,
            "aria-describedby": error ? `${fieldId}-error` : undefined,
            className: input,
          };
          return (
            <div key={field.name}>
              <label htmlFor={fieldId} className="text-sm font-medium text-slate-700">
                {field.label}
                {field.required && <span aria-hidden> *</span>}
              </label>
              {field.type === "select" ? (
                <select {...common} onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}>
                  <option value="">None</option>
                  {field.options?.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  {...common}
                  type={field.type ?? "text"}
                  required={field.required}
                  onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}
                />
              )}
              {error && (
                <p id={`${fieldId}-error`} className="mt-1 text-sm text-red-700">
                  {error}
                </p>
              )}
            </div>
          );
        })}
      </div>
      {formError && (
        <p role="alert" className="text-sm text-red-700">
          {formError}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </Button>
        <Button variant="secondary" onClick={onDone} disabled={busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
