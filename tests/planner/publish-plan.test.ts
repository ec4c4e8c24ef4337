import { describe, expect, it } from "vitest";
import { contentHash, originIdOf, planPublish, publishStateOf, scheduleContent, type BoardTask } from "@/lib/planner/publish-plan";

const task = (id: string, fields: Partial<BoardTask> = {}): BoardTask => ({
  id,
  name: `Task ${id}`,
  start: "2026-12-01",
  finish: "2026-12-03",
  status: "PLANNED",
  companyName: "Acme Concrete",
  locationPath: "Building A > Level 1",
  deleted: false,
  procoreTaskId: null,
  publishedHash: null,
  ...fields,
});

/** As a publish leaves a task: linked, with the hash of what it sent. */
const published = (t: BoardTask, procoreTaskId: string): BoardTask => ({ ...t, procoreTaskId, publishedHash: contentHash(scheduleContent(t)) });

describe("the publish diff", () => {
  it("sends a schedule task keyed by our id, with the dates as whole days and company, location and status in the notes", () => {
    const [sent] = planPublish([task("a", { status: "DONE" })]).send;
    expect(sent!.item).toEqual({
      originId: "smartapp-plan-task-a",
      name: "Task a",
      start: "2026-12-01T00:00:00Z",
      finish: "2026-12-03T23:59:59Z",
      percentage: 100,
      notes: "Company: Acme Concrete\nLocation: Building A > Level 1\nStatus: Done\nPublished from the Smartapp plan board.",
    });
    expect(sent!.hash).toBe(contentHash(scheduleContent(task("a", { status: "DONE" }))));
    expect(originIdOf("a")).toBe(sent!.item.originId);
  });

  it("skips what is unchanged since it was published and sends what is new or changed", () => {
    const same = published(task("same"), "1");
    const renamed = { ...published(task("renamed"), "2"), name: "Renamed" };
    const moved = { ...published(task("moved"), "3"), start: "2026-12-08", finish: "2026-12-10" };
    const companyRenamed = { ...published(task("company"), "4"), companyName: "Acme Concrete Ltd" };
    const fresh = task("fresh");
    const plan = planPublish([same, renamed, moved, companyRenamed, fresh]);
    expect(plan.unchanged.map((t) => t.id)).toEqual(["same"]);
    expect(plan.send.map((s) => s.task.id)).toEqual(["renamed", "moved", "company", "fresh"]);
    expect(plan.remove).toEqual([]);
    expect([same, renamed, fresh].map(publishStateOf)).toEqual(["published", "changed", "unpublished"]);
  });

  it("publishing the same board twice sends nothing the second time", () => {
    const board = Array.from({ length: 10 }, (_, i) => task(String(i), { status: i % 2 ? "IN_PROGRESS" : "PLANNED", locationPath: null }));
    const first = planPublish(board);
    expect(first.send).toHaveLength(10);
    const after = first.send.map(({ task: t, hash }, i) => ({ ...t, procoreTaskId: String(100 + i), publishedHash: hash }));
    const second = planPublish(after);
    expect(second.send).toEqual([]);
    expect(second.unchanged).toHaveLength(10);
  });

  it("deletes published tasks that were deleted on the board and forgets the ones Procore never had", () => {
    const gone = { ...published(task("gone"), "7"), deleted: true };
    const neverPublished = task("draft", { deleted: true });
    const plan = planPublish([gone, neverPublished]);
    expect(plan.remove.map((t) => [t.id, t.procoreTaskId])).toEqual([["gone", "7"]]);
    expect(plan.forget.map((t) => t.id)).toEqual(["draft"]);
    expect(plan.send).toEqual([]);
  });

  it("marks only Done as complete in Procore, and says when a task has no company or location", () => {
    expect(scheduleContent(task("x", { status: "IN_PROGRESS" })).percentage).toBe(0);
    expect(scheduleContent(task("x", { companyName: null, locationPath: null, status: "BLOCKED" })).notes).toBe(
      "Company: none\nLocation: none\nStatus: Blocked\nPublished from the Smartapp plan board.",
    );
  });
});
