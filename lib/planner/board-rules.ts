import type { PlanTaskStatus } from "@/lib/generated/prisma/enums";

/*
 * The plan board's calendar rules, with no I/O, shared by the page and the server. A task's dates are calendar days
 * ("YYYY-MM-DD"), computed in UTC so that no time zone ever moves a task by a day. Weeks start on Monday.
 */

export type Day = string;

const MS_PER_DAY = 86_400_000;

export const TASK_STATUS_LABEL: Readonly<Record<PlanTaskStatus, string>> = {
  PLANNED: "Planned",
  IN_PROGRESS: "In progress",
  DONE: "Done",
  BLOCKED: "Blocked",
};

export const dayToDate = (day: Day): Date => new Date(`${day}T00:00:00Z`);

export const dateToDay = (date: Date): Day => date.toISOString().slice(0, 10);

export const addDays = (day: Day, days: number): Day => dateToDay(new Date(dayToDate(day).getTime() + days * MS_PER_DAY));

export const daysBetween = (from: Day, to: Day): number => Math.round((dayToDate(to).getTime() - dayToDate(from).getTime()) / MS_PER_DAY);

/** The Monday of the day's week. */
export const weekOf = (day: Day): Day => addDays(day, -((dayToDate(day).getUTCDay() + 6) % 7));

/** `count` consecutive weeks, by their Mondays. */
export const weeksFrom = (monday: Day, count: number): Day[] => Array.from({ length: count }, (_, i) => addDays(monday, 7 * i));

export interface Span {
  start: Day;
  finish: Day;
}

/** Moved by whole weeks, a task keeps its weekdays and its length. */
export function moveByWeeks<T extends Span>(task: T, weeks: number): T {
  return { ...task, start: addDays(task.start, 7 * weeks), finish: addDays(task.finish, 7 * weeks) };
}

/**
 * The week columns (0-based, inclusive) a task covers in a window of `weeks` weeks from the Monday `windowStart`,
 * clipped to the window; null when it lies wholly outside.
 */
export function columnsInWindow(task: Span, windowStart: Day, weeks: number): { from: number; to: number } | null {
  const from = Math.floor(daysBetween(windowStart, task.start) / 7);
  const to = Math.floor(daysBetween(windowStart, task.finish) / 7);
  if (to < 0 || from >= weeks) return null;
  return { from: Math.max(from, 0), to: Math.min(to, weeks - 1) };
}

// As lib/sync/policy.ts joins location tiers (that module hashes with node:crypto, so the page cannot import it).
const PATH_SEPARATOR = " > ";

/** Location filters take the whole subtree: "Building A" matches "Building A > Level 1". */
export function inLocation(taskPath: string | null, filterPath: string): boolean {
  return taskPath !== null && (taskPath === filterPath || taskPath.startsWith(`${filterPath}${PATH_SEPARATOR}`));
}

/**
 * Lines for the tasks of one company row: each task goes on the first line where it overlaps no other, so the row is
 * as short as it can be. `columns` are the tasks' placements in the window; the answer is each one's line, in order.
 */
export function packLines(columns: readonly { from: number; to: number }[]): number[] {
  const lineEnds: number[] = [];
  const order = columns.map((_, i) => i).sort((a, b) => columns[a]!.from - columns[b]!.from || columns[a]!.to - columns[b]!.to);
  const lines = new Array<number>(columns.length);
  for (const i of order) {
    const { from, to } = columns[i]!;
    let line = lineEnds.findIndex((end) => end < from);
    if (line === -1) line = lineEnds.push(to) - 1;
    else lineEnds[line] = to;
    lines[i] = line;
  }
  return lines;
}
