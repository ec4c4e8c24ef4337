"use client";

import type { Column } from "@/components/ui/table";
import type { MemberView } from "@/lib/project-data/team";
import type { FieldSpec } from "./record-form";
import { RecordsManager } from "./records-manager";
import { RecordsTable, StatusBadge } from "./records-ui";
import { useRecords } from "./use-records";

const fullName = (m: MemberView) => `${m.firstName} ${m.lastName}`;

const USER_COLUMNS: Column<MemberView>[] = [
  { header: "Name", cell: fullName },
  { header: "Email", cell: (m) => m.email },
  { header: "Job title", cell: (m) => m.jobTitle },
  { header: "Company", cell: (m) => m.company?.name },
  { header: "Role", cell: (m) => m.role?.name },
];

/**
 * The project team. "team" shows the members by company with their role (Project Team); "users" is the flat list of
 * people with their details (Users). Both add, edit, deactivate and reactivate members.
 */
export function TeamManager({ projectId, view }: { projectId: string; view: "team" | "users" }) {
  const companies = useRecords(projectId, "companies").records.filter((c) => c.active);
  const roles = useRecords(projectId, "roles").records.filter((r) => r.active);

  const fields: FieldSpec[] = [
    { name: "firstName", label: "First name", required: true },
    { name: "lastName", label: "Last name", required: true },
    { name: "email", label: "Email", type: "email", required: true },
    { name: "jobTitle", label: "Job title" },
    { name: "companyId", label: "Company", type: "select", options: companies.map((c) => ({ value: c.id, label: c.name })) },
    { name: "roleId", label: "Role", type: "select", options: roles.map((r) => ({ value: r.id, label: r.name })) },
  ];

  return (
    <RecordsManager
      projectId={projectId}
      kind="team"
      title={view === "team" ? "Project Team" : "Users"}
      labels={{ add: "Add member", newTitle: "New team member", save: "Save member" }}
      fields={fields}
      initial={(m) => ({
        firstName: m.firstName,
        lastName: m.lastName,
        email: m.email,
        jobTitle: m.jobTitle ?? "",
        companyId: m.company?.id ?? "",
        roleId: m.role?.id ?? "",
      })}
      nameOf={fullName}
    >
      {(members, actions) =>
        view === "team" ? <ByCompany members={members} actions={actions} /> : <RecordsTable columns={USER_COLUMNS} records={members} actions={actions} />
      }
    </RecordsManager>
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
