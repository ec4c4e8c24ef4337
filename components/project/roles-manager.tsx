"use client";

import { useState } from "react";
import type { RoleView } from "@/lib/project-data/roles";
import { RecordForm, type FieldSpec } from "./record-form";
import { RecordsSection, RowActions, StatusBadge, TABLE, TD, TH } from "./records-ui";
import { toggleActive, useRecords } from "./use-records";

const FIELDS: FieldSpec[] = [{ name: "name", label: "Name", required: true }];

/** The project's roles: add, rename, deactivate and reactivate. */
export function RolesManager({ projectId }: { projectId: string }) {
  const { records, loading, loadError, save } = useRecords(projectId, "roles");
  const [editing, setEditing] = useState<RoleView | "new" | null>(null);

  return (
    <RecordsSection title="Roles" addLabel="Add role" onAdd={() => setEditing("new")} loading={loading} loadError={loadError} empty={records.length === 0}>
      {editing && (
        <RecordForm
          key={editing === "new" ? "new" : editing.id}
          title={editing === "new" ? "New role" : `Edit ${editing.name}`}
          fields={FIELDS}
          initial={editing === "new" ? {} : { name: editing.name }}
          submitLabel={editing === "new" ? "Add role" : "Save role"}
          onSubmit={(input) => save.mutateAsync({ id: editing === "new" ? undefined : editing.id, input })}
          onDone={() => setEditing(null)}
        />
      )}
      {records.length > 0 && (
        <table className={TABLE}>
          <thead>
            <tr>
              <th className={TH}>Name</th>
              <th className={TH}>Members</th>
              <th className={TH}>Status</th>
              <th className={TH}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.id} className={r.active ? "" : "text-slate-400"}>
                <td className={TD}>{r.name}</td>
                <td className={TD}>{r.memberCount}</td>
                <td className={TD}>
                  <StatusBadge active={r.active} />
                </td>
                <td className={TD}>
                  <RowActions name={r.name} active={r.active} onEdit={() => setEditing(r)} onToggle={() => toggleActive(save.mutateAsync, r, r.name)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </RecordsSection>
  );
}
