import { describe, expect, it } from "vitest";
import type { SyncDirection } from "@/lib/generated/prisma/enums";
import {
  canonicalFields,
  contentHash,
  countAs,
  decide,
  emailKey,
  formatPath,
  nameKey,
  pathKey,
  splitPath,
  writeOf,
  type Decision,
  type DecisionInput,
  type RecordState,
} from "@/lib/sync/policy";

describe("natural keys", () => {
  it("names ignore case and spacing", () => {
    expect(nameKey("  ACME   Electric\tInc ")).toBe("acme electric inc");
    expect(nameKey("Acme Electric Inc")).toBe(nameKey("acme electric  inc"));
    expect(nameKey("Acme")).not.toBe(nameKey("Acme Inc"));
  });

  it("emails ignore case and any whitespace", () => {
    expect(emailKey(" Maria.Lopez@Demo.TEST ")).toBe("maria.lopez@demo.test");
  });

  it("paths compare tier by tier, whatever the spacing around the separators", () => {
    expect(splitPath("Building A>Floor 3 >  Room  301")).toEqual(["Building A", "Floor 3", "Room 301"]);
    expect(splitPath(" > A >> B > ")).toEqual(["A", "B"]);
    expect(formatPath("Building A>Floor 3")).toBe("Building A > Floor 3");
    expect(formatPath([" Building  A ", "Floor 3"])).toBe("Building A > Floor 3");
    expect(pathKey("building a > FLOOR 3")).toBe(pathKey(["Building A", "Floor 3"]));
    expect(pathKey("Building A > Floor 3")).not.toBe(pathKey("Building A > Floor 3 > Room 1"));
  });

  it("a parent's path key sorts before its children's, whatever their names", () => {
    const keys = ["a b", "a > b > c", "a > b", "a", "a > a", "a-b"].map(pathKey).sort();
    expect(keys.indexOf(pathKey("a"))).toBeLessThan(keys.indexOf(pathKey("a > a")));
    expect(keys.indexOf(pathKey("a > b"))).toBeLessThan(keys.indexOf(pathKey("a > b > c")));
    expect(keys.indexOf(pathKey("a"))).toBe(0);
  });
});

describe("content hash", () => {
  it("does not depend on key order, spacing, or blank versus missing", () => {
    const a = contentHash({ name: "Acme  Inc", email: null, phone: "", nested: { y: 1, x: [" a "] } });
    const b = contentHash({ nested: { x: ["a"], y: 1 }, phone: null, email: undefined as unknown as null, name: " Acme Inc " });
    expect(a).toBe(b);
  });

  it("changes with any compared value, including case and activity", () => {
    const base = { name: "Acme", active: true };
    expect(contentHash(base)).not.toBe(contentHash({ ...base, name: "ACME" }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, active: false }));
    expect(contentHash({ role: null })).not.toBe(contentHash({ role: "pm" }));
    expect(contentHash({ n: 1 })).not.toBe(contentHash({ n: "1" }));
  });

  it("is a stable sha256 of the canonical fields", () => {
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalFields({ b: "  x  y ", a: "" })).toEqual({ a: null, b: "x y" });
    expect(Object.keys(canonicalFields({ b: 1, a: 2 }))).toEqual(["a", "b"]);
  });
});

const on = (hash: string): RecordState => ({ hash, active: true });
const off = (hash: string): RecordState => ({ hash, active: false });
const link = { localHash: "L0", procoreHash: "P0" };
const DIRECTIONS: SyncDirection[] = ["BOTH", "PROCORE_TO_SMARTAPP", "SMARTAPP_TO_PROCORE"];
type Row = [label: string, input: Omit<DecisionInput, "direction">, both: Decision, toSmartapp: Decision, toProcore: Decision];

const d = (action: Exclude<Decision["action"], "conflict">) => ({ action }) as Decision;

function check(rows: Row[]) {
  const cases = rows.flatMap(([label, input, ...expected]) =>
    DIRECTIONS.map((direction, i) => ({ label, direction, input: { ...input, direction } as DecisionInput, expected: expected[i]! })),
  );
  it.each(cases)("$label, $direction", ({ input, expected }) => {
    expect(decide(input)).toEqual(expected);
  });
}

describe("decide: records that were never synced", () => {
  check([
    ["same content on both sides", { link: null, local: on("X"), procore: on("X") }, d("link-only"), d("link-only"), d("link-only")],
    ["different content: the direction's source wins, BOTH uses Procore", { link: null, local: on("A"), procore: on("B") }, d("update-local"), d("update-local"), d("update-procore")],
    ["Procore's twin is inactive", { link: null, local: on("A"), procore: off("B") }, d("tombstone-local"), d("tombstone-local"), d("update-procore")],
    ["Smartapp's twin is inactive", { link: null, local: off("A"), procore: on("B") }, d("update-local"), d("update-local"), d("tombstone-procore")],
    ["only in Smartapp", { link: null, local: on("A"), procore: null }, d("create-procore"), d("unchanged"), d("create-procore")],
    ["only in Smartapp, inactive", { link: null, local: off("A"), procore: null }, d("unchanged"), d("unchanged"), d("unchanged")],
    ["only in Procore", { link: null, local: null, procore: on("B") }, d("create-local"), d("create-local"), d("unchanged")],
    ["only in Procore, inactive", { link: null, local: null, procore: off("B") }, d("unchanged"), d("unchanged"), d("unchanged")],
    ["on neither side", { link: null, local: null, procore: null }, d("unchanged"), d("unchanged"), d("unchanged")],
  ]);

  it("a first contact under BOTH follows the conflict policy's winner, without logging a conflict", () => {
    expect(decide({ direction: "BOTH", conflictWinner: "local", link: null, local: on("A"), procore: on("B") })).toEqual(d("update-procore"));
  });
});

describe("decide: linked records", () => {
  check([
    ["nothing changed, not pulled", { link, local: on("L0"), procore: "unseen" }, d("unchanged"), d("unchanged"), d("unchanged")],
    ["nothing changed, pulled", { link, local: on("L0"), procore: on("P0") }, d("unchanged"), d("unchanged"), d("unchanged")],
    ["changed in Smartapp, not pulled", { link, local: on("L1"), procore: "unseen" }, d("update-procore"), d("unchanged"), d("update-procore")],
    ["changed in Smartapp, pulled", { link, local: on("L1"), procore: on("P0") }, d("update-procore"), d("unchanged"), d("update-procore")],
    ["changed in Procore", { link, local: on("L0"), procore: on("P1") }, d("update-local"), d("update-local"), d("unchanged")],
    ["changed on both sides to the same content", { link, local: on("S"), procore: on("S") }, d("unchanged"), d("unchanged"), d("unchanged")],
    [
      "changed on both sides differently",
      { link, local: on("L1"), procore: on("P1") },
      { action: "conflict", winner: "procore", resolution: "update-local" },
      d("update-local"),
      d("update-procore"),
    ],
    ["deactivated in Smartapp, not pulled", { link, local: off("L1"), procore: "unseen" }, d("tombstone-procore"), d("unchanged"), d("tombstone-procore")],
    ["deactivated in Smartapp", { link, local: off("L1"), procore: on("P0") }, d("tombstone-procore"), d("unchanged"), d("tombstone-procore")],
    ["deactivated in Procore", { link, local: on("L0"), procore: off("P1") }, d("tombstone-local"), d("tombstone-local"), d("unchanged")],
    ["reactivated in Smartapp", { link, local: on("L1"), procore: off("P0") }, d("update-procore"), d("unchanged"), d("update-procore")],
    ["reactivated in Procore", { link, local: off("L0"), procore: on("P1") }, d("update-local"), d("update-local"), d("unchanged")],
    ["deactivated on both sides", { link, local: off("L1"), procore: off("P1") }, { action: "conflict", winner: "procore", resolution: "update-local" }, d("update-local"), d("update-procore")],
    [
      "edited in Smartapp, deactivated in Procore",
      { link, local: on("L1"), procore: off("P1") },
      { action: "conflict", winner: "procore", resolution: "tombstone-local" },
      d("tombstone-local"),
      d("update-procore"),
    ],
    ["gone from Procore (full pull)", { link, local: on("L0"), procore: null }, d("tombstone-local"), d("tombstone-local"), d("create-procore")],
    ["gone from Procore, already inactive here", { link, local: off("L0"), procore: null }, d("unlink"), d("unlink"), d("unlink")],
    ["deleted in Smartapp, not pulled", { link, local: null, procore: "unseen" }, d("tombstone-procore"), d("unchanged"), d("tombstone-procore")],
    ["deleted in Smartapp", { link, local: null, procore: on("P0") }, d("tombstone-procore"), d("create-local"), d("tombstone-procore")],
    ["deleted in Smartapp, inactive in Procore", { link, local: null, procore: off("P0") }, d("unlink"), d("unlink"), d("unlink")],
    ["gone from both sides", { link, local: null, procore: null }, d("unlink"), d("unlink"), d("unlink")],
  ]);

  it("with Smartapp as the conflict winner, Smartapp's version is pushed", () => {
    const input = { direction: "BOTH", conflictWinner: "local", link } as const;
    expect(decide({ ...input, local: on("L1"), procore: on("P1") })).toEqual({ action: "conflict", winner: "local", resolution: "update-procore" });
    expect(decide({ ...input, local: off("L1"), procore: on("P1") })).toEqual({ action: "conflict", winner: "local", resolution: "tombstone-procore" });
  });
});

describe("counting and writes", () => {
  it.each([
    [d("create-local"), "created", "create-local"],
    [d("create-procore"), "created", "create-procore"],
    [d("update-local"), "updated", "update-local"],
    [d("update-procore"), "updated", "update-procore"],
    [d("tombstone-local"), "updated", "tombstone-local"],
    [d("tombstone-procore"), "updated", "tombstone-procore"],
    [{ action: "conflict", winner: "procore", resolution: "update-local" } as Decision, "updated", "update-local"],
    [d("link-only"), "unchanged", null],
    [d("unchanged"), "unchanged", null],
    [d("unlink"), "unchanged", null],
  ])("%o counts as %s and writes %s", (decision, count, write) => {
    expect(countAs(decision)).toBe(count);
    expect(writeOf(decision)).toBe(write);
  });
});
