import { describe, expect, it } from "vitest";
import { addDays, columnsInWindow, daysBetween, inLocation, moveByWeeks, packLines, weekOf, weeksFrom } from "@/lib/planner/board-rules";

describe("plan board calendar", () => {
  it("counts in calendar days, across months, years and daylight-saving changes", () => {
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(addDays("2026-03-29", -1)).toBe("2026-03-28");
    expect(daysBetween("2026-10-20", "2026-11-03")).toBe(14);
  });

  it("starts weeks on Monday", () => {
    expect(weekOf("2026-11-30")).toBe("2026-11-30"); // a Monday
    expect(weekOf("2026-12-06")).toBe("2026-11-30"); // its Sunday
    expect(weekOf("2027-01-01")).toBe("2026-12-28");
    expect(weeksFrom("2026-11-30", 3)).toEqual(["2026-11-30", "2026-12-07", "2026-12-14"]);
  });

  it("moves a task by whole weeks, keeping its weekdays and length", () => {
    const task = { id: "t", start: "2026-12-02", finish: "2026-12-04" };
    expect(moveByWeeks(task, 1)).toEqual({ id: "t", start: "2026-12-09", finish: "2026-12-11" });
    expect(moveByWeeks(task, -2)).toEqual({ id: "t", start: "2026-11-18", finish: "2026-11-20" });
  });

  it("places a task in the week columns it covers, clipped to the window, or nowhere", () => {
    const window = "2026-11-30";
    expect(columnsInWindow({ start: "2026-12-01", finish: "2026-12-01" }, window, 8)).toEqual({ from: 0, to: 0 });
    expect(columnsInWindow({ start: "2026-12-06", finish: "2026-12-08" }, window, 8)).toEqual({ from: 0, to: 1 });
    expect(columnsInWindow({ start: "2026-11-20", finish: "2026-12-15" }, window, 8)).toEqual({ from: 0, to: 2 });
    expect(columnsInWindow({ start: "2027-01-20", finish: "2027-03-01" }, window, 8)).toEqual({ from: 7, to: 7 });
    expect(columnsInWindow({ start: "2026-11-01", finish: "2026-11-29" }, window, 8)).toBeNull();
    expect(columnsInWindow({ start: "2027-01-25", finish: "2027-01-26" }, window, 8)).toBeNull();
  });

  it("packs a row's tasks on as few lines as possible without overlaps", () => {
    expect(packLines([])).toEqual([]);
    // Two lines hold them: (0–0, 1–2) and (0–1, 2–3).
    expect(packLines([{ from: 0, to: 1 }, { from: 2, to: 3 }, { from: 1, to: 2 }, { from: 0, to: 0 }])).toEqual([1, 1, 0, 0]);
  });

  it("filters by a location and everything inside it", () => {
    expect(inLocation("Building A > Level 1", "Building A")).toBe(true);
    expect(inLocation("Building A", "Building A")).toBe(true);
    expect(inLocation("Building AB", "Building A")).toBe(false);
    expect(inLocation(null, "Building A")).toBe(false);
  });
});
