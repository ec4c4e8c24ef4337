"use client";

import { useState } from "react";
import type { ProjectRecords } from "./api";
import { RecordForm, type FieldSpec, type FormValues } from "./record-form";
import { RecordsSection, RowActions } from "./records-ui";
import { toggleActive, useRecords } from "./use-records";

/** The kinds edited as a flat list (locations are a tree with their own manager). */
type ListKind = "companies" | "roles" | "team";

/**
 * A project list with its "Add" button, its create/edit form and each record's Edit and Deactivate/Reactivate
 * buttons. The page says how the records are shown: `children` gets them with each one's buttons.
 */
export function RecordsManager<K extends ListKind>({
  projectId,
  kind,
  title,
  labels,
  fields,
  initial,
  nameOf,
  children,
}: {
  projectId: string;
  kind: K;
  title: string;
  /** `add` names the "Add" button and the new record form's submit button; `save` the edit form's. */
  labels: { add: string; newTitle: string; save: string };
  fields: readonly FieldSpec[];
  /** The edit form's values for a record. */
  initial: (record: ProjectRecords[K]) => FormValues;
  /** How a record is named in its buttons, form title and toasts. */
  nameOf: (record: ProjectRecords[K]) => string;
  children: (records: ProjectRecords[K][], actions: (record: ProjectRecords[K]) => React.ReactNode) => React.ReactNode;
}) {
  const { records, loading, loadError, save } = useRecords(projectId, kind);
  const [editing, setEditing] = useState<ProjectRecords[K] | "new" | null>(null);

  const actions = (record: ProjectRecords[K]) => (
    <RowActions name={nameOf(record)} active={record.active} onEdit={() => setEditing(record)} onToggle={() => toggleActive(save.mutateAsync, record, nameOf(record))} />
  );

  return (
    <RecordsSection title={title} addLabel={labels.add} onAdd={() => setEditing("new")} loading={loading} loadError={loadError} empty={records.length === 0}>
      {editing && (
        <RecordForm
          key={editing === "new" ? "new" : editing.id}
          title={editing === "new" ? labels.newTitle : `Edit ${nameOf(editing)}`}
          fields={fields}
          initial={editing === "new" ? {} : initial(editing)}
          submitLabel={editing === "new" ? labels.add : labels.save}
          onSubmit={(input) => save.mutateAsync({ id: editing === "new" ? undefined : editing.id, input })}
          onDone={() => setEditing(null)}
        />
      )}
      {records.length > 0 && children(records, actions)}
    </RecordsSection>
  );
}
