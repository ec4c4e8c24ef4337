"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { addDays, columnsInWindow, inLocation, moveByWeeks, weekOf, weeksFrom, type Day } from "@/lib/planner/board-rules";
import type { BoardView, PlanTaskView } from "@/lib/planner/board";
import { boardKey, createTask, deleteTask, fetchBoard, fetchPublishHistory, publishKey, publishNow, updateTask, type TaskInput } from "./api";
import { BoardGrid, type BoardRow, type TaskMove } from "./board-grid";
import { formatDay } from "./format";
import { PublishMenu } from "./publish-menu";
import { ConnectorSettings, LIVE_PUBLISH, PublishHistory, type PublishTarget } from "./publish-panel";
import { TaskForm } from "./task-form";

const WEEKS = 8;
const STEP_WEEKS = 4;
const POLL_MS = 1_000;
const NO_COMPANY = "none";

/** Today in the viewer's own calendar. */
const localToday = (): Day => new Date().toLocaleDateString("en-CA");

type PublishSetup = PublishTarget & { procoreUrl: string };

/**
 * The plan board page: filters, weeks, the board, the task form, and — with the Planner Board add-on — the "Publish to
 * Procore" menu with the connector settings and the publish history (polled while a publish runs).
 */
export function PlanBoard({ projectId, publish, upgradeUrl }: { projectId: string; publish: PublishSetup | null; upgradeUrl: string }) {
  const queryClient = useQueryClient();
  const id = useId();
  const board = useQuery({ queryKey: boardKey(projectId), queryFn: () => fetchBoard(projectId) });
  const history = useQuery({
    queryKey: publishKey(projectId),
    queryFn: () => fetchPublishHistory(projectId),
    enabled: publish !== null,
    refetchInterval: (query) => (query.state.data?.some((r) => LIVE_PUBLISH.includes(r.status)) ? POLL_MS : false),
  });
  const [companyFilter, setCompanyFilter] = useState("");
  const [locationFilter, setLocationFilter] = useState("");
  const [windowStart, setWindowStart] = useState(() => weekOf(localToday()));
  const [editing, setEditing] = useState<PlanTaskView | "new" | null>(null);
  const [showSettings, setShowSettings] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const focusTask = useRef<string | null>(null);

  const refreshBoard = () => queryClient.invalidateQueries({ queryKey: boardKey(projectId) });

  // Moves show at once and reach the server one after the other, in order; the board is read back after the last
  // one, so an earlier move's answer never draws a task back where it was.
  const moveKey = ["planner", projectId, "move"];
  const move = useMutation({
    mutationKey: moveKey,
    scope: { id: moveKey.join(":") },
    mutationFn: ({ task, input }: { task: PlanTaskView; input: TaskInput; moved: PlanTaskView }) => updateTask(projectId, task.id, input),
    onMutate: async ({ moved }) => {
      await queryClient.cancelQueries({ queryKey: boardKey(projectId) });
      const before = queryClient.getQueryData<BoardView>(boardKey(projectId));
      if (before) queryClient.setQueryData<BoardView>(boardKey(projectId), { ...before, tasks: before.tasks.map((t) => (t.id === moved.id ? moved : t)) });
      return { before };
    },
    onError: (err, _vars, context) => {
      if (context?.before) queryClient.setQueryData(boardKey(projectId), context.before);
      toast.error(`Could not move the task: ${err.message}`);
    },
    onSettled: async () => {
      if (queryClient.isMutating({ mutationKey: moveKey }) > 1) return;
      await refreshBoard();
      // A move made while the board was read back owns the focus now: leave it to that move's own settling.
      if (queryClient.isMutating({ mutationKey: moveKey }) > 1) return;
      focusTask.current = null;
    },
  });

  const runPublish = useMutation({
    mutationFn: () => publishNow(projectId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: publishKey(projectId) }),
    onError: (err) => toast.error(err.message),
  });

  const runs = history.data ?? [];
  const publishing = runPublish.isPending || runs.some((r) => LIVE_PUBLISH.includes(r.status));

  // When a publish ends, the tasks' "not published" marks change.
  const wasPublishing = useRef(publishing);
  useEffect(() => {
    if (wasPublishing.current && !publishing) void queryClient.invalidateQueries({ queryKey: boardKey(projectId) });
    wasPublishing.current = publishing;
  }, [publishing, projectId, queryClient]);

  // A task that changes rows is drawn anew, and its old element takes the focus away with it: give it back.
  useEffect(() => {
    if (!focusTask.current || (document.activeElement && document.activeElement !== document.body)) return;
    document.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(focusTask.current)}"]`)?.focus();
  });

  if (board.isPending) return <p className="text-sm text-slate-500">Loading the board…</p>;
  if (board.isError)
    return (
      <p role="alert" className="text-sm text-red-700">
        {board.error.message}
      </p>
    );

  const data = board.data;
  const companyNames = new Map(data.companies.map((c) => [c.id, c.name]));
  const locationPaths = new Map(data.locations.map((l) => [l.id, l.path]));
  const filterPath = locationPaths.get(locationFilter);
  const tasks = data.tasks.filter((t) => !filterPath || inLocation(t.locationId ? (locationPaths.get(t.locationId) ?? null) : null, filterPath));
  const noCompanyRow: BoardRow = { id: null, name: "No company" };
  const rows: BoardRow[] =
    companyFilter === NO_COMPANY
      ? [noCompanyRow]
      : companyFilter
        ? data.companies.filter((c) => c.id === companyFilter)
        : [...data.companies, ...(tasks.some((t) => t.companyId === null) ? [noCompanyRow] : [])];
  const shown = tasks.filter((t) => rows.some((r) => r.id === t.companyId));
  const weeks = weeksFrom(windowStart, WEEKS);
  const windowEnd = addDays(windowStart, 7 * WEEKS);
  const earlier = shown.filter((t) => t.finish < windowStart).length;
  const later = shown.filter((t) => t.start >= windowEnd).length;

  function moveTask(task: PlanTaskView, { weeks: by, companyId }: TaskMove) {
    const moved = { ...moveByWeeks(task, by), companyId };
    const input: TaskInput = by ? { start: moved.start, finish: moved.finish } : {};
    if (companyId !== task.companyId) input.companyId = companyId;
    if (!columnsInWindow(moved, windowStart, WEEKS)) setWindowStart(weekOf(moved.start));
    focusTask.current = task.id;
    const company = companyId === task.companyId ? "" : `, ${companyId ? companyNames.get(companyId) : "no company"}`;
    setAnnouncement(`${task.name} moved to the week of ${formatDay(weekOf(moved.start))}${company}`);
    move.mutate({ task, input, moved: { ...moved, publishState: task.publishState === "unpublished" ? "unpublished" : "changed" } });
  }

  const save = async (input: TaskInput) => {
    if (editing === "new") await createTask(projectId, input);
    else if (editing) await updateTask(projectId, editing.id, input);
    await refreshBoard();
  };

  const today = localToday();
  const newStart = weekOf(today) === windowStart ? today : windowStart;
  const formValues =
    editing === "new"
      ? {
          name: "",
          companyId: companyFilter === NO_COMPANY ? "" : companyFilter,
          locationId: locationFilter,
          start: newStart,
          finish: newStart,
          status: "PLANNED",
        }
      : editing && {
          name: editing.name,
          companyId: editing.companyId ?? "",
          locationId: editing.locationId ?? "",
          start: editing.start,
          finish: editing.finish,
          status: editing.status,
        };

  const select = "rounded-md border border-slate-300 px-3 py-2 text-sm";
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={`${id}-company`} className="block text-sm font-medium text-slate-700">
            Filter by company
          </label>
          <select id={`${id}-company`} className={select} value={companyFilter} onChange={(e) => setCompanyFilter(e.target.value)}>
            <option value="">All companies</option>
            {data.companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
            <option value={NO_COMPANY}>No company</option>
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-location`} className="block text-sm font-medium text-slate-700">
            Filter by location
          </label>
          <select id={`${id}-location`} className={select} value={locationFilter} onChange={(e) => setLocationFilter(e.target.value)}>
            <option value="">All locations</option>
            {data.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.path}
              </option>
            ))}
          </select>
        </div>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <Button variant="secondary" onClick={() => setWindowStart(addDays(windowStart, -7 * STEP_WEEKS))}>
            Earlier weeks{earlier > 0 && ` (${earlier} ${earlier === 1 ? "task" : "tasks"})`}
          </Button>
          <Button variant="secondary" onClick={() => setWindowStart(weekOf(localToday()))}>
            This week
          </Button>
          <Button variant="secondary" onClick={() => setWindowStart(addDays(windowStart, 7 * STEP_WEEKS))}>
            Later weeks{later > 0 && ` (${later} ${later === 1 ? "task" : "tasks"})`}
          </Button>
          <Button onClick={() => setEditing("new")}>Add task</Button>
          {publish ? (
            <PublishMenu
              procoreUrl={publish.procoreUrl}
              publishing={publishing}
              onChoose={(action) => (action === "settings" ? setShowSettings(true) : runPublish.mutate())}
            />
          ) : (
            <Link href={upgradeUrl} className="text-sm font-medium text-brand hover:underline">
              Publish to Procore needs the Planner Board add-on
            </Link>
          )}
        </div>
      </div>

      {publish && showSettings && <ConnectorSettings target={publish} onClose={() => setShowSettings(false)} />}
      {formValues && (
        <TaskForm
          key={editing === "new" ? "new" : editing?.id}
          board={data}
          task={editing === "new" ? undefined : (editing ?? undefined)}
          initial={formValues}
          onSave={save}
          onDelete={editing && editing !== "new" ? () => deleteTask(projectId, editing.id).then(refreshBoard) : undefined}
          onDone={() => setEditing(null)}
        />
      )}

      {data.companies.length === 0 && (
        <p className="text-sm text-slate-600">
          This project has no companies yet.{" "}
          <Link href={`/projects/${projectId}/companies`} className="font-medium text-brand hover:underline">
            Add them, or sync them from Procore
          </Link>
          , to plan their work.
        </p>
      )}
      <p className="text-xs text-slate-500">
        Drag a task to another week or company, or focus it and use the arrow keys: ←/→ move it a week, ↑/↓ to the company above or below.
      </p>
      <BoardGrid rows={rows} tasks={shown} weeks={weeks} locationPaths={locationPaths} showPublishState={publish !== null} onMove={moveTask} onOpen={setEditing} />
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>
      {publish && <PublishHistory runs={runs} />}
    </div>
  );
}
