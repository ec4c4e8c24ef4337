"use client";

import type { Column } from "@/components/ui/table";
import type { RoleView } from "@/lib/project-data/roles";
import type { FieldSpec } from "./record-form";
import { RecordsManager } from "./records-manager";
import { RecordsTable } from "./records-ui";

const FIELDS: FieldSpec[] = [{ name: "name", label: "Name", required: true }];

const COLUMNS: Column<RoleView>[] = [
  { header: "Name", cell: (r) => r.name },
  { header: "Members", cell: (r) => r.memberCount },
];

/** The project's roles: add, rename, deactivate and reactivate. */
export function RolesManager({ projectId }: { projectId: string }) {
  return (
    <RecordsManager
      projectId={projectId}
      kind="roles"
      title="Roles"
      labels={{ add: "Add role", newTitle: "New role", save: "Save role" }}
      fields={FIELDS}
      initial={(r) => ({ name: r.name })}
      nameOf={(r) => r.name}
    >
      {(records, actions) => <RecordsTable columns={COLUMNS} records={records} actions={actions} />}
    </RecordsManager>
  );
}
