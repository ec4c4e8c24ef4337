"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { LocationView } from "@/lib/project-data/locations";
import { RecordForm } from "./record-form";
import { RecordsSection, RowActions, StatusBadge } from "./records-ui";
import { toggleActive, useRecords } from "./use-records";

interface Node {
  location: LocationView;
  children: Node[];
}

/** The list (in path order) as a tree; a location whose parent is missing is shown at the top. */
function tree(locations: readonly LocationView[]): Node[] {
  const nodes = new Map(locations.map((l) => [l.id, { location: l, children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.location.parentId ? nodes.get(node.location.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

function subtreeIds(node: Node, into = new Set<string>()): Set<string> {
  into.add(node.location.id);
  for (const child of node.children) subtreeIds(child, into);
  return into;
}

type Editing = { kind: "new"; parentId: string } | { kind: "edit"; node: Node } | null;

/** The location tree: add (at the top or under a location), rename or move, deactivate (with its subtree), reactivate. */
export function LocationsManager({ projectId }: { projectId: string }) {
  const { records, loading, loadError, save } = useRecords(projectId, "locations");
  const [editing, setEditing] = useState<Editing>(null);
  const roots = tree(records);

  const excluded = editing?.kind === "edit" ? subtreeIds(editing.node) : new Set<string>();
  const parentOptions = records.filter((l) => l.active && !excluded.has(l.id)).map((l) => ({ value: l.id, label: l.path }));
  const fields = [
    { name: "name", label: "Name", required: true },
    { name: "parentId", label: "Parent location", type: "select" as const, options: parentOptions },
  ];

  const actions = (node: Node) => {
    const l = node.location;
    return (
      <div className="flex gap-2">
        {l.active && (
          <Button variant="secondary" className="px-3 py-1" aria-label={`Add location under ${l.path}`} onClick={() => setEditing({ kind: "new", parentId: l.id })}>
            Add
          </Button>
        )}
        <RowActions name={l.path} active={l.active} onEdit={() => setEditing({ kind: "edit", node })} onToggle={() => toggleActive(save.mutateAsync, l, l.path)} />
      </div>
    );
  };

  return (
    <RecordsSection
      title="Locations"
      addLabel="Add location"
      onAdd={() => setEditing({ kind: "new", parentId: "" })}
      loading={loading}
      loadError={loadError}
      empty={records.length === 0}
    >
      {editing && (
        <RecordForm
          key={editing.kind === "new" ? `new-${editing.parentId}` : editing.node.location.id}
          title={editing.kind === "new" ? "New location" : `Edit ${editing.node.location.path}`}
          fields={fields}
          initial={
            editing.kind === "new"
              ? { parentId: editing.parentId }
              : { name: editing.node.location.name, parentId: editing.node.location.parentId ?? "" }
          }
          submitLabel={editing.kind === "new" ? "Add location" : "Save location"}
          onSubmit={(input) => save.mutateAsync({ id: editing.kind === "edit" ? editing.node.location.id : undefined, input })}
          onDone={() => setEditing(null)}
        />
      )}
      {roots.length > 0 && (
        <nav aria-label="Location tree">
          <Branch nodes={roots} actions={actions} />
        </nav>
      )}
    </RecordsSection>
  );
}

function Branch({ nodes, actions }: { nodes: Node[]; actions: (node: Node) => React.ReactNode }) {
  return (
    <ul className="space-y-1 border-l border-slate-200 pl-4">
      {nodes.map((node) => (
        <li key={node.location.id}>
          <div className={`flex items-center justify-between gap-4 rounded px-2 py-1 hover:bg-slate-50 ${node.location.active ? "" : "text-slate-400"}`}>
            <span>
              {node.location.name}
              {!node.location.active && (
                <span className="ml-2">
                  <StatusBadge active={false} />
                </span>
              )}
            </span>
            {actions(node)}
          </div>
          {node.children.length > 0 && <Branch nodes={node.children} actions={actions} />}
        </li>
      ))}
    </ul>
  );
}
