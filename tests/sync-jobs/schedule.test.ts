import { describe, expect, it } from "vitest";
import { isDue, slotStart } from "@/lib/sync/settings";

const at = (iso: string) => new Date(iso);

describe("sync schedule slots (hourly 0 * * * *, daily 0 3 * * *, weekly 0 3 * * 1, UTC)", () => {
  it("finds the start of the current slot", () => {
    // 2026-03-04 is a Wednesday.
    expect(slotStart("HOURLY", at("2026-03-04T10:42:13Z"))).toEqual(at("2026-03-04T10:00:00Z"));
    expect(slotStart("DAILY", at("2026-03-04T10:42:13Z"))).toEqual(at("2026-03-04T03:00:00Z"));
    expect(slotStart("DAILY", at("2026-03-04T02:59:59Z"))).toEqual(at("2026-03-03T03:00:00Z"));
    expect(slotStart("WEEKLY", at("2026-03-04T10:42:13Z"))).toEqual(at("2026-03-02T03:00:00Z"));
    expect(slotStart("WEEKLY", at("2026-03-02T02:00:00Z"))).toEqual(at("2026-02-23T03:00:00Z"));
    expect(slotStart("WEEKLY", at("2026-03-02T03:00:00Z"))).toEqual(at("2026-03-02T03:00:00Z"));
  });

  it("is due at once when never run, then once per slot, catching up a missed slot", () => {
    const now = at("2026-03-04T10:05:00Z");
    expect(isDue("WEEKLY", now, null)).toBe(true);
    expect(isDue("HOURLY", now, at("2026-03-04T10:00:30Z"))).toBe(false);
    expect(isDue("HOURLY", now, at("2026-03-04T09:00:30Z"))).toBe(true);
    expect(isDue("DAILY", now, at("2026-03-04T03:00:10Z"))).toBe(false);
    // The 03:00 run was missed (no worker): due at the next tick, not tomorrow.
    expect(isDue("DAILY", now, at("2026-03-03T03:00:10Z"))).toBe(true);
    expect(isDue("WEEKLY", now, at("2026-03-02T03:01:00Z"))).toBe(false);
  });
});
