"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { createRecord, fetchRecords, recordsKey, updateRecord, type ProjectRecords, type RecordKind } from "./api";

/** A project's records of one kind, and the one mutation that creates (no id) or edits/deactivates (id) them. */
export function useRecords<K extends RecordKind>(projectId: string, kind: K) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: recordsKey(projectId, kind), queryFn: () => fetchRecords(projectId, kind) });
  const save = useMutation({
    mutationFn: ({ id, input }: { id?: string; input: object }): Promise<ProjectRecords[K]> =>
      id ? updateRecord(projectId, kind, id, input) : createRecord(projectId, kind, input),
    // Every list of the project: a deactivated company changes the team's member counts, a renamed role the team.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["project", projectId] }),
  });
  return { records: query.data ?? [], loading: query.isPending, loadError: query.error, save };
}

/** Activates or deactivates a record, saying so in a toast. */
export async function toggleActive(
  save: (change: { id: string; input: object }) => Promise<unknown>,
  record: { id: string; active: boolean },
  label: string,
): Promise<void> {
  try {
    await save({ id: record.id, input: { active: !record.active } });
    toast.success(`${label} ${record.active ? "deactivated" : "reactivated"}`);
  } catch (err) {
    toast.error(err instanceof Error ? err.message : "Could not save");
  }
}
