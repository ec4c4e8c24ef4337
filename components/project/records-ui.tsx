"use client";

import { Button } from "@/components/ui/button";
import { Table, type Column } from "@/components/ui/table";

export function StatusBadge({ active }: { active: boolean }) {
  return active ? (
    <span className="rounded bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">Active</span>
  ) : (
    <span className="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">Inactive</span>
  );
}

/** "Edit {name}" and "Deactivate {name}" / "Reactivate {name}": names that say which row they act on. */
export function RowActions({ name, active, onEdit, onToggle }: { name: string; active: boolean; onEdit?: () => void; onToggle: () => void }) {
  return (
    <div className="flex justify-end gap-2">
      {onEdit && (
        <Button variant="secondary" className="px-3 py-1" aria-label={`Edit ${name}`} onClick={onEdit}>
          Edit
        </Button>
      )}
      <Button variant="secondary" className="px-3 py-1" aria-label={`${active ? "Deactivate" : "Reactivate"} ${name}`} onClick={onToggle}>
        {active ? "Deactivate" : "Reactivate"}
      </Button>
    </div>
  );
}

/** A list's frame: its heading, the "Add" button and the loading and error states. */
export function RecordsSection({
  title,
  addLabel,
  onAdd,
  loading,
  loadError,
  empty,
  children,
}: {
  title: string;
  addLabel: string;
  onAdd: () => void;
  loading: boolean;
  loadError: Error | null;
  empty: boolean;
  children: React.ReactNode;
}) {
  return (
    <section aria-label={title} className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-medium">{title}</h2>
        <Button onClick={onAdd}>{addLabel}</Button>
      </div>
      {loading ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : loadError ? (
        <p role="alert" className="text-sm text-red-700">
          {loadError.message}
        </p>
      ) : empty ? (
        <p className="text-sm text-slate-500">Nothing here yet.</p>
      ) : null}
      {children}
    </section>
  );
}

/** Records as a table: the given columns, then each record's status and its buttons; inactive rows are greyed. */
export function RecordsTable<T extends { id: string; active: boolean }>({
  columns,
  records,
  actions,
}: {
  columns: readonly Column<T>[];
  records: readonly T[];
  actions: (record: T) => React.ReactNode;
}) {
  const all: Column<T>[] = [
    ...columns,
    { header: "Status", cell: (record) => <StatusBadge active={record.active} /> },
    { header: <span className="sr-only">Actions</span>, cell: actions },
  ];
  return <Table columns={all} rows={records} className="w-full text-left text-sm" rowClassName={(record) => (record.active ? "" : "text-slate-400")} />;
}
