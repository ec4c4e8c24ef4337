"use client";

import { useState } from "react";
import type { CompanyView } from "@/lib/project-data/companies";
import { RecordForm, type FieldSpec } from "./record-form";
import { RecordsSection, RowActions, StatusBadge, TABLE, TD, TH } from "./records-ui";
import { toggleActive, useRecords } from "./use-records";

const FIELDS: FieldSpec[] = [
  { name: "name", label: "Name", required: true },
  { name: "email", label: "Email", type: "email" },
  { name: "phone", label: "Phone" },
];

/** The project's companies: add, edit, deactivate and reactivate. */
export function CompaniesManager({ projectId }: { projectId: string }) {
  const { records, loading, loadError, save } = useRecords(projectId, "companies");
  const [editing, setEditing] = useState<CompanyView | "new" | null>(null);

  return (
    <RecordsSection title="Companies" addLabel="Add company" onAdd={() => setEditing("new")} loading={loading} loadError={loadError} empty={records.length === 0}>
      {editing && (
        <RecordForm
          key={editing === "new" ? "new" : editing.id}
          title={editing === "new" ? "New company" : `Edit ${editing.name}`}
          fields={FIELDS}
          initial={editing === "new" ? {} : { name: editing.name, email: editing.email ?? "", phone: editing.phone ?? "" }}
          submitLabel={editing === "new" ? "Add company" : "Save company"}
          onSubmit={(input) => save.mutateAsync({ id: editing === "new" ? undefined : editing.id, input })}
          onDone={() => setEditing(null)}
        />
      )}
      {records.length > 0 && (
        <table className={TABLE}>
          <thead>
            <tr>
              <th className={TH}>Name</th>
              <th className={TH}>Email</th>
              <th className={TH}>Phone</th>
              <th className={TH}>Members</th>
              <th className={TH}>Status</th>
              <th className={TH}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {records.map((c) => (
              <tr key={c.id} className={c.active ? "" : "text-slate-400"}>
                <td className={TD}>{c.name}</td>
                <td className={TD}>{c.email}</td>
                <td className={TD}>{c.phone}</td>
                <td className={TD}>{c.memberCount}</td>
                <td className={TD}>
                  <StatusBadge active={c.active} />
                </td>
                <td className={TD}>
                  <RowActions name={c.name} active={c.active} onEdit={() => setEditing(c)} onToggle={() => toggleActive(save.mutateAsync, c, c.name)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </RecordsSection>
  );
}
