"use client";

import { useState } from "react";
import type { MemberView } from "@/lib/project-data/team";
import { RecordForm, type FieldSpec } from "./record-form";
import { RecordsSection, RowActions, StatusBadge, TABLE, TD, TH } from "./records-ui";
import { toggleActive, useRecords } from "./use-records";

const fullName = (m: MemberView) => `${m.firstName} ${m.lastName}`;

/**
 * The project team. "team" shows the members by company with their role (Project Team); "users" is the flat list of
 * people with their details (Users). Both add, edit, deactivate and reactivate members.
 */
export function TeamManager({ projectId, view }: { projectId: string; view: "team" | "users" }) {
  const { records, loading, loadError, save } = useRecords(projectId, "team");
  const companies = useRecords(projectId, "companies").records.filter((c) => c.active);
  const roles = useRecords(projectId, "roles").records.filter((r) => r.active);
  const [editing, setEditing] = useState<MemberView | "new" | null>(null);

  const fields: FieldSpec[] = [
    { name: "firstName", label: "First name", required: true },
    { name: "lastName", label: "Last name", required: true },
    { name: "email", label: "Email", type: "email", required: true },
    { name: "jobTitle", label: "Job title" },
    { name: "companyId", label: "Company", type: "select", options: companies.map((c) => ({ value: c.id, label: c.name })) },
    { name: "roleId", label: "Role", type: "select", options: roles.map((r) => ({ value: r.id, label: r.name })) },
  ];
  const actions = (m: MemberView) => (
    <RowActions name={fullName(m)} active={m.active} onEdit={() => setEditing(m)} onToggle={() => toggleActive(save.mutateAsync, m, fullName(m))} />
  );

  return (
    <RecordsSection
      title={view === "team" ? "Project Team" : "Users"}
      addLabel="Add member"
      onAdd={() => setEditing("new")}
      loading={loading}
      loadError={loadError}
      empty={records.length === 0}
    >
      {editing && (
        <RecordForm
          key={editing === "new" ? "new" : editing.id}
          title={editing === "new" ? "New team member" : `Edit ${fullName(editing)}`}
          fields={fields}
          initial={
            editing === "new"
              ? {}
              : {
                  firstName: editing.firstName,
                  lastName: editing.lastName,
                  email: editing.email,
                  jobTitle: editing.jobTitle ?? "",
                  companyId: editing.company?.id ?? "",
                  roleId: editing.role?.id ?? "",
                }
          }
          submitLabel={editing === "new" ? "Add member" : "Save member"}
          onSubmit={(input) => save.mutateAsync({ id: editing === "new" ? undefined : editing.id, input })}
          onDone={() => setEditing(null)}
        />
      )}
      {records.length > 0 && (view === "team" ? <ByCompany members={records} actions={actions} /> : <UserTable members={records} actions={actions} />)}
    </RecordsSection>
  );
}

function ByCompany({ members, actions }: { members: MemberView[]; actions: (m: MemberView) => React.ReactNode }) {
  const groups = new Map<string, MemberView[]>();
  for (const m of members) {
    const company = m.company?.name ?? "No company";
    groups.set(company, [...(groups.get(company) ?? []), m]);
  }
  const names = [...groups.keys()].sort((a, b) => (a === "No company" ? 1 : b === "No company" ? -1 : a.localeCompare(b)));
  return (
    <div className="space-y-6">
      {names.map((company) => (
        <section key={company} aria-label={company}>
          <h3 className="mb-2 font-medium text-slate-700">{company}</h3>
          <ul className="divide-y divide-slate-100">
            {groups.get(company)!.map((m) => (
              <li key={m.id} className={`flex items-center justify-between gap-4 py-2 ${m.active ? "" : "text-slate-400"}`}>
                <div>
                  <span className="font-medium">{fullName(m)}</span>
                  <span className="ml-2 text-sm text-slate-500">{m.role?.name ?? "No role"}</span>
                  {!m.active && (
                    <span className="ml-2">
                      <StatusBadge active={false} />
                    </span>
                  )}
                </div>
                {actions(m)}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function UserTable({ members, actions }: { members: MemberView[]; actions: (m: MemberView) => React.ReactNode }) {
  return (
    <table className={TABLE}>
      <thead>
        <tr>
          <th className={TH}>Name</th>
          <th className={TH}>Email</th>
          <th className={TH}>Job title</th>
          <th className={TH}>Company</th>
          <th className={TH}>Role</th>
          <th className={TH}>Status</th>
          <th className={TH}>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr key={m.id} className={m.active ? "" : "text-slate-400"}>
            <td className={TD}>{fullName(m)}</td>
            <td className={TD}>{m.email}</td>
            <td className={TD}>{m.jobTitle}</td>
            <td className={TD}>{m.company?.name}</td>
            <td className={TD}>{m.role?.name}</td>
            <td className={TD}>
              <StatusBadge active={m.active} />
            </td>
            <td className={TD}>{actions(m)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
