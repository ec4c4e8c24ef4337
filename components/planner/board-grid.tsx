"use client";

import { useRef } from "react";
import { columnsInWindow, packLines, TASK_STATUS_LABEL, type Day } from "@/lib/planner/board-rules";
import type { PlanTaskView } from "@/lib/planner/board";
import { formatDay, formatSpan } from "./format";

/** A company row of the board; `id` null is the row of tasks without a company. */
export interface BoardRow {
  id: string | null;
  name: string;
}

/** A move by whole weeks, into another company's row, or both. */
export interface TaskMove {
  weeks: number;
  companyId: string | null;
}

const STATUS_BORDER: Record<PlanTaskView["status"], string> = {
  PLANNED: "border-l-sky-500",
  IN_PROGRESS: "border-l-amber-500",
  DONE: "border-l-emerald-600",
  BLOCKED: "border-l-red-600",
};

const PUBLISH_NOTE = { unpublished: "Not published", changed: "Changed since publish" } as const;

/** The week column under the pointer, from the row's week cells. */
function weekAt(row: HTMLElement, clientX: number): number | null {
  for (const cell of row.querySelectorAll<HTMLElement>("[data-week]")) {
    const { left, right } = cell.getBoundingClientRect();
    if (clientX >= left && clientX < right) return Number(cell.dataset.week);
  }
  return null;
}

/**
 * The board: company rows by week columns. A task spans the weeks from its start to its finish. Tasks move by drag and
 * drop (to another week, another company's row, or both) and by keyboard: with a task focused, ←/→ move it a week
 * and ↑/↓ to the company row above or below; Enter opens it.
 */
export function BoardGrid({
  rows,
  tasks,
  weeks,
  locationPaths,
  showPublishState,
  onMove,
  onOpen,
}: {
  rows: readonly BoardRow[];
  tasks: readonly PlanTaskView[];
  weeks: readonly Day[];
  locationPaths: ReadonlyMap<string, string>;
  showPublishState: boolean;
  onMove: (task: PlanTaskView, move: TaskMove) => void;
  onOpen: (task: PlanTaskView) => void;
}) {
  const dragging = useRef<{ task: PlanTaskView; grabWeek: number } | null>(null);
  const columns = `minmax(9rem, 11rem) repeat(${weeks.length}, minmax(6.5rem, 1fr))`;
  const companyNames = new Map(rows.map((r) => [r.id, r.name]));

  function keyMove(task: PlanTaskView, key: string): TaskMove | null {
    if (key === "ArrowLeft" || key === "ArrowRight") return { weeks: key === "ArrowLeft" ? -1 : 1, companyId: task.companyId };
    if (key !== "ArrowUp" && key !== "ArrowDown") return null;
    const next = rows[rows.findIndex((r) => r.id === task.companyId) + (key === "ArrowUp" ? -1 : 1)];
    return next ? { weeks: 0, companyId: next.id } : null;
  }

  return (
    <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <div className="min-w-[60rem]">
        <div className="grid border-b border-slate-200" style={{ gridTemplateColumns: columns }}>
          <div className="px-3 py-2 text-xs font-medium uppercase tracking-wide text-slate-500">Company</div>
          {weeks.map((week) => (
            <div key={week} className="border-l border-slate-200 px-2 py-2 text-xs font-medium text-slate-600">
              Week of {formatDay(week)}
            </div>
          ))}
        </div>
        {rows.map((row) => {
          const rowTasks = tasks.flatMap((task) => {
            const placed = task.companyId === row.id ? columnsInWindow(task, weeks[0]!, weeks.length) : null;
            return placed ? [{ task, ...placed }] : [];
          });
          const lines = packLines(rowTasks);
          const lineCount = Math.max(1, ...lines.map((l) => l + 1));
          return (
            <section
              key={row.id ?? "none"}
              aria-label={row.name}
              className="grid border-b border-slate-100 last:border-b-0"
              style={{ gridTemplateColumns: columns, gridTemplateRows: `repeat(${lineCount}, minmax(3.5rem, auto))` }}
              onDragOver={(e) => {
                if (!dragging.current) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = "move";
              }}
              onDrop={(e) => {
                const drag = dragging.current;
                const week = weekAt(e.currentTarget, e.clientX);
                dragging.current = null;
                if (!drag || week === null) return;
                e.preventDefault();
                const move = { weeks: week - drag.grabWeek, companyId: row.id };
                if (move.weeks !== 0 || move.companyId !== drag.task.companyId) onMove(drag.task, move);
              }}
            >
              <h3 className="px-3 py-2 text-sm font-medium text-ink" style={{ gridColumn: 1, gridRow: `1 / span ${lineCount}` }}>
                {row.name}
              </h3>
              {weeks.map((week, i) => (
                <div key={week} data-week={i} aria-hidden className="border-l border-slate-100" style={{ gridColumn: i + 2, gridRow: `1 / span ${lineCount}` }} />
              ))}
              {rowTasks.map(({ task, from, to }, i) => {
                const location = task.locationId ? locationPaths.get(task.locationId) : undefined;
                const description = [
                  companyNames.get(task.companyId) ?? "No company",
                  formatSpan(task),
                  TASK_STATUS_LABEL[task.status],
                  location,
                  showPublishState && task.publishState !== "published" ? PUBLISH_NOTE[task.publishState] : undefined,
                ]
                  .filter(Boolean)
                  .join(", ");
                return (
                  <button
                    key={task.id}
                    type="button"
                    draggable
                    data-task-id={task.id}
                    aria-label={task.name}
                    aria-describedby={`task-${task.id}-description`}
                    title={`${task.name}: ${description}`}
                    style={{ gridColumn: `${from + 2} / ${to + 3}`, gridRow: lines[i]! + 1 }}
                    className={`relative z-10 m-1 flex min-w-0 cursor-grab flex-col rounded-md border-l-4 bg-white px-2 py-1 text-left text-xs shadow-sm ring-1 ring-slate-200 hover:ring-brand focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand ${STATUS_BORDER[task.status]}`}
                    onClick={() => onOpen(task)}
                    onKeyDown={(e) => {
                      const move = keyMove(task, e.key);
                      if (!move) return;
                      e.preventDefault();
                      onMove(task, move);
                    }}
                    onDragStart={(e) => {
                      e.dataTransfer.setData("text/plain", task.id);
                      e.dataTransfer.effectAllowed = "move";
                      dragging.current = { task, grabWeek: weekAt(e.currentTarget.parentElement!, e.clientX) ?? from };
                    }}
                    onDragEnd={() => {
                      dragging.current = null;
                    }}
                  >
                    <span className="truncate font-medium text-ink">{task.name}</span>
                    <span className="truncate text-slate-500">
                      {formatSpan(task)} · {TASK_STATUS_LABEL[task.status]}
                    </span>
                    {location && <span className="truncate text-slate-500">{location}</span>}
                    {showPublishState && task.publishState !== "published" && (
                      <span className="truncate font-medium text-brand-dark">{PUBLISH_NOTE[task.publishState]}</span>
                    )}
                    <span id={`task-${task.id}-description`} className="sr-only">
                      {description}. Arrow keys move it.
                    </span>
                  </button>
                );
              })}
            </section>
          );
        })}
      </div>
    </div>
  );
}
