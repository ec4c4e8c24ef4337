import { CATALOGUE } from "@/lib/billing/catalogue";

/*
 * The mapping page's rules (SPEC §3), with no I/O: the page uses them to drive the checkboxes and the summary, and
 * the server runs the same validation before it saves a draft, so the UI can never allow what the server refuses.
 */

/** One selected Procore project: being in the selection list is what "selected" means. */
export type Selection = {
  procoreProjectId: string;
  planner: boolean;
  safety: boolean;
  plannerBoard: boolean;
  safetyBadge: boolean;
};

export type ModuleKey = "planner" | "safety";
export type AddOnKey = "plannerBoard" | "safetyBadge";
export type OptionKey = ModuleKey | AddOnKey;

export const ADD_ON_OF: Readonly<Record<ModuleKey, AddOnKey>> = { planner: "plannerBoard", safety: "safetyBadge" };
export const MODULE_OF: Readonly<Record<AddOnKey, ModuleKey>> = { plannerBoard: "planner", safetyBadge: "safety" };

/** What the page and the messages call each checkbox column. */
export const OPTION_LABEL: Readonly<Record<OptionKey, string>> = {
  planner: CATALOGUE.PLANNER.name,
  safety: CATALOGUE.SAFETY.name,
  plannerBoard: CATALOGUE.PLANNER_BOARD.name,
  safetyBadge: CATALOGUE.SAFETY_BADGE.name,
};

/** The modules and add-ons live on a Smartapp project linked to a Procore project. */
export type LicenceState = {
  projectId: string;
  planner: boolean;
  safety: boolean;
  plannerBoard: boolean;
  safetyBadge: boolean;
};

/** A Procore project as the mapping page lists it: from the account's cache, with its licence if it has one. */
export type MappableProject = {
  procoreProjectId: string;
  name: string;
  active: boolean;
  licence: LicenceState | null;
};

export type ProcoreProjectRef = Pick<MappableProject, "procoreProjectId" | "name" | "active">;

// ---------------------------------------------------------------- checkbox transitions

/** Keyed by Procore project id, in selection order: the page looks rows up in O(1). */
export type SelectionMap = ReadonlyMap<string, Selection>;

export function emptySelection(procoreProjectId: string): Selection {
  return { procoreProjectId, planner: false, safety: false, plannerBoard: false, safetyBadge: false };
}

export function toSelectionMap(selections: Iterable<Selection>): SelectionMap {
  const map = new Map<string, Selection>();
  for (const s of selections) map.set(s.procoreProjectId, s);
  return map;
}

/** Selecting adds a blank row; unselecting drops the row, which clears its modules and add-ons. */
export function setProjectSelected(map: SelectionMap, procoreProjectId: string, selected: boolean): SelectionMap {
  if (selected === map.has(procoreProjectId)) return map;
  const next = new Map(map);
  if (selected) next.set(procoreProjectId, emptySelection(procoreProjectId));
  else next.delete(procoreProjectId);
  return next;
}

/**
 * One module or add-on checkbox click on a selected project. Unchecking a module also unchecks its add-on; an
 * add-on cannot be checked while its module is not. Returns the same object when nothing changes.
 */
export function applyOption(selection: Selection, key: OptionKey, checked: boolean): Selection {
  if (selection[key] === checked) return selection;
  if (key === "planner" || key === "safety") {
    return checked ? { ...selection, [key]: true } : { ...selection, [key]: false, [ADD_ON_OF[key]]: false };
  }
  if (checked && !selection[MODULE_OF[key]]) return selection;
  return { ...selection, [key]: checked };
}

/** `applyOption` on the project's row; a click on a project that is not selected changes nothing. */
export function setOption(map: SelectionMap, procoreProjectId: string, key: OptionKey, checked: boolean): SelectionMap {
  const current = map.get(procoreProjectId);
  if (!current) return map;
  const updated = applyOption(current, key, checked);
  if (updated === current) return map;
  return new Map(map).set(procoreProjectId, updated);
}

export type CheckboxState = { checked: boolean; disabled: boolean };
export type RowCheckboxes = Record<"select" | OptionKey, CheckboxState>;

/** What each checkbox of a not-licensed row shows: modules wait for the project, add-ons for their module. */
export function rowCheckboxes(selection: Selection | undefined): RowCheckboxes {
  const selected = selection !== undefined;
  return {
    select: { checked: selected, disabled: false },
    planner: { checked: selection?.planner ?? false, disabled: !selected },
    safety: { checked: selection?.safety ?? false, disabled: !selected },
    plannerBoard: { checked: selection?.plannerBoard ?? false, disabled: !selection?.planner },
    safetyBadge: { checked: selection?.safetyBadge ?? false, disabled: !selection?.safety },
  };
}

// ---------------------------------------------------------------- summary and validation

export type SelectionSummary = { projects: number; planner: number; safety: number };

export function summary(selections: Iterable<Selection>): SelectionSummary {
  const counts = { projects: 0, planner: 0, safety: 0 };
  for (const s of selections) {
    counts.projects += 1;
    if (s.planner) counts.planner += 1;
    if (s.safety) counts.safety += 1;
  }
  return counts;
}

export type SelectionProblemCode =
  | "duplicate"
  | "unknown_project"
  | "inactive_project"
  | "already_licensed"
  | "no_module"
  | "add_on_without_module";

export type SelectionProblem = {
  /** Position in the submitted list, so the server can point at `selections.<index>`. */
  index: number;
  procoreProjectId: string;
  code: SelectionProblemCode;
  /** A sentence for the admin that names the project. */
  message: string;
};

/** Keyed by Procore project id, as validateSelection and keepSelectable look projects up. */
export function indexProjects<T extends ProcoreProjectRef>(projects: Iterable<T>): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const p of projects) map.set(p.procoreProjectId, p);
  return map;
}

/**
 * Everything that stops a selection from being licensed, in list order. `projects` are the company's Procore
 * projects (unknown ids include another company's); `licensed` holds the Procore ids that already have a live
 * licence, which only Manage Subscriptions may change. A row that cannot be licensed at all gets that one problem;
 * otherwise every module problem is listed.
 */
export function validateSelection(
  selections: readonly Selection[],
  projects: ReadonlyMap<string, ProcoreProjectRef>,
  licensed: ReadonlySet<string>,
): SelectionProblem[] {
  const problems: SelectionProblem[] = [];
  const seen = new Set<string>();
  for (const [index, s] of selections.entries()) {
    const id = s.procoreProjectId;
    const project = projects.get(id);
    const name = project?.name ?? `Procore project ${id}`;
    const add = (code: SelectionProblemCode, message: string) => {
      problems.push({ index, procoreProjectId: id, code, message });
    };

    if (seen.has(id)) {
      add("duplicate", `${name} is selected more than once`);
      continue;
    }
    seen.add(id);
    if (!project) add("unknown_project", `${name} is not one of this company's Procore projects`);
    else if (!project.active) add("inactive_project", `${name} is inactive in Procore`);
    else if (licensed.has(id)) add("already_licensed", `${name} is already licensed: change it from Project Central → Manage Subscriptions`);
    else {
      if (!s.planner && !s.safety) add("no_module", `${name} needs ${OPTION_LABEL.planner} or ${OPTION_LABEL.safety}`);
      for (const addOn of ["plannerBoard", "safetyBadge"] as const) {
        const needed = MODULE_OF[addOn];
        if (s[addOn] && !s[needed]) add("add_on_without_module", `${name}: ${OPTION_LABEL[addOn]} needs ${OPTION_LABEL[needed]}`);
      }
    }
  }
  return problems;
}

/**
 * Drops rows that can no longer be licensed from this page (licensed since, gone from Procore, inactive), so a
 * restored draft or a refreshed project list starts valid. Module problems are kept for the admin to fix.
 */
export function keepSelectable(selections: Iterable<Selection>, projects: ReadonlyMap<string, MappableProject>): Selection[] {
  const kept: Selection[] = [];
  for (const s of selections) {
    const project = projects.get(s.procoreProjectId);
    if (project?.active && project.licence === null) kept.push(s);
  }
  return kept;
}

// ---------------------------------------------------------------- filter and search

export type LicenceFilter = "all" | "licensed" | "not_licensed";
/** Narrows the Licensed group. Planner and Safety include projects that have both: they do have that module. */
export type ModuleFilter = "any" | "planner" | "safety" | "both";

export type ProjectView = { search: string; filter: LicenceFilter; modules: ModuleFilter };

function matchesModules(licence: LicenceState, modules: ModuleFilter): boolean {
  switch (modules) {
    case "any":
      return true;
    case "planner":
      return licence.planner;
    case "safety":
      return licence.safety;
    case "both":
      return licence.planner && licence.safety;
  }
}

/**
 * The rows the page shows, split into its Licensed and Not licensed sections. Inactive Procore projects cannot be
 * licensed, so they only appear while they still hold a licence. Search is a case-insensitive substring of the name.
 */
export function viewProjects<T extends Pick<MappableProject, "name" | "active" | "licence">>(
  projects: readonly T[],
  view: ProjectView,
): { licensed: T[]; notLicensed: T[] } {
  const term = view.search.trim().toLowerCase();
  const licensed: T[] = [];
  const notLicensed: T[] = [];
  for (const p of projects) {
    if (term && !p.name.toLowerCase().includes(term)) continue;
    if (p.licence) {
      if (view.filter !== "not_licensed" && (view.filter === "all" || matchesModules(p.licence, view.modules))) licensed.push(p);
    } else if (p.active && view.filter !== "licensed") {
      notLicensed.push(p);
    }
  }
  return { licensed, notLicensed };
}
