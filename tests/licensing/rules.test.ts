import { describe, expect, it } from "vitest";
import {
  applyOption,
  emptySelection,
  indexProjects,
  keepSelectable,
  OPTION_LABEL,
  rowCheckboxes,
  setOption,
  setProjectSelected,
  summary,
  toSelectionMap,
  validateSelection,
  viewProjects,
  type LicenceState,
  type MappableProject,
  type Selection,
  type SelectionMap,
} from "@/lib/licensing/rules";

const sel = (procoreProjectId: string, options: Partial<Omit<Selection, "procoreProjectId">> = {}): Selection => ({
  ...emptySelection(procoreProjectId),
  ...options,
});

const licence = (options: Partial<Omit<LicenceState, "projectId">> = {}): LicenceState => ({
  projectId: "p1",
  planner: false,
  safety: false,
  plannerBoard: false,
  safetyBadge: false,
  ...options,
});

const project = (procoreProjectId: string, name: string, extra: Partial<MappableProject> = {}): MappableProject => ({
  procoreProjectId,
  name,
  active: true,
  licence: null,
  ...extra,
});

describe("checkbox transitions", () => {
  it("selecting a project adds a blank row; selecting it again changes nothing", () => {
    const empty: SelectionMap = new Map();
    const one = setProjectSelected(empty, "1", true);
    expect([...one.values()]).toEqual([emptySelection("1")]);
    expect(setProjectSelected(one, "1", true)).toBe(one);
    expect(empty.size).toBe(0); // immutable
  });

  it("unselecting a project clears its modules and add-ons", () => {
    let map = setProjectSelected(new Map(), "1", true);
    map = setOption(map, "1", "planner", true);
    map = setOption(map, "1", "plannerBoard", true);
    map = setProjectSelected(map, "1", false);
    expect(map.has("1")).toBe(false);
    expect([...setProjectSelected(map, "1", true).values()]).toEqual([emptySelection("1")]);
  });

  it("module checkboxes do nothing until the project is selected", () => {
    const empty: SelectionMap = new Map();
    expect(setOption(empty, "1", "planner", true)).toBe(empty);
    expect(setOption(empty, "1", "safety", true)).toBe(empty);
  });

  it("toggles Planner and Safety independently", () => {
    let s = applyOption(emptySelection("1"), "planner", true);
    s = applyOption(s, "safety", true);
    expect(s).toEqual(sel("1", { planner: true, safety: true }));
    s = applyOption(s, "planner", false);
    expect(s).toEqual(sel("1", { safety: true }));
  });

  it("an add-on can be checked only while its module is checked", () => {
    const blank = emptySelection("1");
    expect(applyOption(blank, "plannerBoard", true)).toBe(blank);
    expect(applyOption(blank, "safetyBadge", true)).toBe(blank);
    const safetyOnly = sel("1", { safety: true });
    expect(applyOption(safetyOnly, "plannerBoard", true)).toBe(safetyOnly);
    expect(applyOption(sel("1", { planner: true }), "plannerBoard", true)).toEqual(sel("1", { planner: true, plannerBoard: true }));
    expect(applyOption(safetyOnly, "safetyBadge", true)).toEqual(sel("1", { safety: true, safetyBadge: true }));
  });

  it("unchecking a module unchecks its add-on, and only its own", () => {
    const full = sel("1", { planner: true, safety: true, plannerBoard: true, safetyBadge: true });
    expect(applyOption(full, "planner", false)).toEqual(sel("1", { safety: true, safetyBadge: true }));
    expect(applyOption(full, "safety", false)).toEqual(sel("1", { planner: true, plannerBoard: true }));
  });

  it("an add-on can be unchecked on its own", () => {
    const s = sel("1", { planner: true, plannerBoard: true });
    expect(applyOption(s, "plannerBoard", false)).toEqual(sel("1", { planner: true }));
  });

  it("a click that changes nothing returns the same map, so rows do not re-render", () => {
    const map = toSelectionMap([sel("1", { planner: true })]);
    expect(setOption(map, "1", "planner", true)).toBe(map);
    expect(setOption(map, "1", "safetyBadge", true)).toBe(map);
    expect(setOption(map, "1", "safety", true)).not.toBe(map);
  });

  it("rows keep their selection order", () => {
    let map = setProjectSelected(new Map(), "2", true);
    map = setProjectSelected(map, "1", true);
    map = setOption(map, "2", "planner", true);
    expect([...map.keys()]).toEqual(["2", "1"]);
  });
});

describe("row checkbox states", () => {
  it("an unselected row: only Select is enabled", () => {
    expect(rowCheckboxes(undefined)).toEqual({
      select: { checked: false, disabled: false },
      planner: { checked: false, disabled: true },
      safety: { checked: false, disabled: true },
      plannerBoard: { checked: false, disabled: true },
      safetyBadge: { checked: false, disabled: true },
    });
  });

  it("a selected row enables the modules; each add-on waits for its module", () => {
    const boxes = rowCheckboxes(sel("1", { planner: true }));
    expect(boxes.select).toEqual({ checked: true, disabled: false });
    expect(boxes.planner).toEqual({ checked: true, disabled: false });
    expect(boxes.safety).toEqual({ checked: false, disabled: false });
    expect(boxes.plannerBoard).toEqual({ checked: false, disabled: false });
    expect(boxes.safetyBadge).toEqual({ checked: false, disabled: true });
    expect(rowCheckboxes(sel("1", { safety: true, safetyBadge: true })).safetyBadge).toEqual({ checked: true, disabled: false });
  });
});

describe("summary", () => {
  it("counts selected projects, Planner modules and Safety modules", () => {
    expect(summary([])).toEqual({ projects: 0, planner: 0, safety: 0 });
    const counts = summary([
      sel("1", { planner: true, plannerBoard: true }),
      sel("2", { planner: true, safety: true }),
      sel("3", { safety: true, safetyBadge: true }),
      sel("4"),
    ]);
    expect(counts).toEqual({ projects: 4, planner: 2, safety: 2 });
  });

  it("reads a selection map directly", () => {
    expect(summary(toSelectionMap([sel("1", { planner: true })]).values())).toEqual({ projects: 1, planner: 1, safety: 0 });
  });
});

describe("validateSelection", () => {
  const projects = indexProjects([
    project("1", "Tower A"),
    project("2", "Hospital Wing"),
    project("3", "Old Depot", { active: false }),
    project("4", "Bridge 7"),
  ]);
  const licensed = new Set(["4"]);
  const check = (selections: Selection[]) => validateSelection(selections, projects, licensed);

  it("accepts complete rows and an empty selection", () => {
    expect(check([])).toEqual([]);
    expect(check([sel("1", { planner: true, plannerBoard: true }), sel("2", { safety: true, safetyBadge: true })])).toEqual([]);
  });

  it("a selected project needs Planner or Safety, and the problem names it", () => {
    expect(check([sel("1", { planner: true }), sel("2")])).toEqual([
      { index: 1, procoreProjectId: "2", code: "no_module", message: "Hospital Wing needs Planner or Safety" },
    ]);
  });

  it("refuses each add-on without its module", () => {
    const problems = check([sel("1", { safety: true, plannerBoard: true }), sel("2", { planner: true, safetyBadge: true })]);
    expect(problems.map((p) => [p.procoreProjectId, p.code, p.message])).toEqual([
      ["1", "add_on_without_module", "Tower A: Planner Board needs Planner"],
      ["2", "add_on_without_module", "Hospital Wing: Safety Badge needs Safety"],
    ]);
  });

  it("lists every module problem of a row", () => {
    expect(check([sel("1", { plannerBoard: true, safetyBadge: true })]).map((p) => p.message)).toEqual([
      "Tower A needs Planner or Safety",
      "Tower A: Planner Board needs Planner",
      "Tower A: Safety Badge needs Safety",
    ]);
  });

  it("refuses a project that is not one of the company's (another company's, or made up)", () => {
    expect(check([sel("999", { planner: true })])).toEqual([
      { index: 0, procoreProjectId: "999", code: "unknown_project", message: "Procore project 999 is not one of this company's Procore projects" },
    ]);
  });

  it("refuses an inactive Procore project", () => {
    expect(check([sel("3", { planner: true })])[0]).toMatchObject({ code: "inactive_project", message: "Old Depot is inactive in Procore" });
  });

  it("refuses a project that is already licensed, pointing to Manage Subscriptions", () => {
    const [problem] = check([sel("4", { safety: true })]);
    expect(problem.code).toBe("already_licensed");
    expect(problem.message).toContain("Bridge 7 is already licensed");
    expect(problem.message).toContain("Manage Subscriptions");
  });

  it("a row that cannot be licensed gets that one problem, not its module problems too", () => {
    expect(check([sel("4", { plannerBoard: true })]).map((p) => p.code)).toEqual(["already_licensed"]);
    expect(check([sel("999")]).map((p) => p.code)).toEqual(["unknown_project"]);
  });

  it("refuses a project selected twice", () => {
    expect(check([sel("1", { planner: true }), sel("1", { safety: true })])).toEqual([
      { index: 1, procoreProjectId: "1", code: "duplicate", message: "Tower A is selected more than once" },
    ]);
  });
});

describe("keepSelectable", () => {
  it("drops rows licensed since, gone from Procore or inactive, and keeps incomplete ones for the admin", () => {
    const projects = indexProjects([
      project("1", "A"),
      project("2", "B", { licence: licence({ planner: true }) }),
      project("3", "C", { active: false }),
      project("4", "D"),
    ]);
    const kept = keepSelectable([sel("1", { planner: true }), sel("2"), sel("3"), sel("4"), sel("5")], projects);
    expect(kept).toEqual([sel("1", { planner: true }), sel("4")]);
  });
});

describe("viewProjects (filter and search)", () => {
  const projects = [
    project("1", "Tower A"),
    project("2", "Harbour Tower", { licence: licence({ planner: true, plannerBoard: true }) }),
    project("3", "School", { licence: licence({ safety: true }) }),
    project("4", "Stadium", { licence: licence({ planner: true, safety: true }) }),
    project("5", "Old Tower", { active: false }),
    project("6", "Old Licensed Depot", { active: false, licence: licence({ safety: true }) }),
  ];
  const names = (view: Parameters<typeof viewProjects>[1]) => {
    const { licensed, notLicensed } = viewProjects(projects, view);
    return { licensed: licensed.map((p) => p.name), notLicensed: notLicensed.map((p) => p.name) };
  };

  it("All: licensed projects in one section, active not-licensed ones in the other; inactive ones only while licensed", () => {
    expect(names({ search: "", filter: "all", modules: "any" })).toEqual({
      licensed: ["Harbour Tower", "School", "Stadium", "Old Licensed Depot"],
      notLicensed: ["Tower A"],
    });
  });

  it("Licensed and Not licensed", () => {
    expect(names({ search: "", filter: "licensed", modules: "any" }).notLicensed).toEqual([]);
    expect(names({ search: "", filter: "not_licensed", modules: "any" })).toEqual({ licensed: [], notLicensed: ["Tower A"] });
  });

  it("Licensed narrowed by Planner, Safety or Both (Planner and Safety include projects that have both)", () => {
    expect(names({ search: "", filter: "licensed", modules: "planner" }).licensed).toEqual(["Harbour Tower", "Stadium"]);
    expect(names({ search: "", filter: "licensed", modules: "safety" }).licensed).toEqual(["School", "Stadium", "Old Licensed Depot"]);
    expect(names({ search: "", filter: "licensed", modules: "both" }).licensed).toEqual(["Stadium"]);
  });

  it("the module sub-filter applies only to Licensed", () => {
    expect(names({ search: "", filter: "all", modules: "both" }).licensed).toHaveLength(4);
  });

  it("search is a case-insensitive substring of the name, ignoring surrounding spaces, combined with the filter", () => {
    expect(names({ search: "  tOWer ", filter: "all", modules: "any" })).toEqual({ licensed: ["Harbour Tower"], notLicensed: ["Tower A"] });
    expect(names({ search: "tower", filter: "licensed", modules: "safety" }).licensed).toEqual([]);
    expect(names({ search: "nothing like it", filter: "all", modules: "any" })).toEqual({ licensed: [], notLicensed: [] });
  });

  it("filters 5,000 projects fast enough to run on every keystroke", () => {
    const many = Array.from({ length: 5_000 }, (_, i) =>
      project(String(i + 1), `Project ${i}`, i % 3 === 0 ? { licence: licence({ planner: true }) } : {}),
    );
    const started = performance.now();
    const { licensed, notLicensed } = viewProjects(many, { search: "project 12", filter: "all", modules: "any" });
    expect(performance.now() - started).toBeLessThan(50);
    expect(licensed.length + notLicensed.length).toBe(111); // 12, 120–129, 1200–1299
  });
});

describe("labels", () => {
  it("match the accessible names of SPEC §9", () => {
    expect(OPTION_LABEL).toEqual({ planner: "Planner", safety: "Safety", plannerBoard: "Planner Board", safetyBadge: "Safety Badge" });
  });
});
