"use client";

import type { Column } from "@/components/ui/table";
import type { CompanyView } from "@/lib/project-data/companies";
import type { FieldSpec } from "./record-form";
import { RecordsManager } from "./records-manager";
import { RecordsTable } from "./records-ui";

const FIELDS: FieldSpec[] = [
  { name: "name", label: "Name", required: true },
  { name: "email", label: "Email", type: "email" },
  { name: "phone", label: "Phone" },
];

const COLUMNS: Column<CompanyView>[] = [
  { header: "Name", cell: (c) => c.name },
  { header: "Email", cell: (c) => c.email },
  { header: "Phone", cell: (c) => c.phone },
  { header: "Members", cell: (c) => c.memberCount },
];

/** The project's companies: add, edit, deactivate and reactivate. */
export function CompaniesManager({ projectId }: { projectId: string }) {
  return (
    <RecordsManager
      projectId={projectId}
      kind="companies"
      title="Companies"
      labels={{ add: "Add company", newTitle: "New company", save: "Save company" }}
      fields={FIELDS}
      initial={(c) => ({ name: c.name, email: c.email ?? "", phone: c.phone ?? "" })}
      nameOf={(c) => c.name}
    >
      {(records, actions) => <RecordsTable columns={COLUMNS} records={records} actions={actions} />}
    </RecordsManager>
  );
}
