"use client";

import { memo, type MouseEvent } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { OPTION_LABEL, rowCheckboxes, type MappableProject, type OptionKey, type Selection } from "@/lib/licensing/rules";

export const ROW_HEIGHT = 48;

/** Name column, then one column per module and add-on; the column headings use the same template. */
export const ROW_GRID = "grid grid-cols-[minmax(0,1fr)_repeat(4,6.5rem)] items-center gap-2 px-3";

export const OPTION_COLUMNS: readonly { key: OptionKey; label: string }[] = (["planner", "safety", "plannerBoard", "safetyBadge"] as const).map(
  (key) => ({ key, label: OPTION_LABEL[key] }),
);

export type RowHandlers = {
  onSelect: (procoreProjectId: string, selected: boolean) => void;
  onOption: (procoreProjectId: string, key: OptionKey, checked: boolean) => void;
  onLicensedClick: (project: MappableProject) => void;
};

type ProjectRowProps = RowHandlers & {
  project: MappableProject;
  /** Undefined when the project is not selected. */
  selection: Selection | undefined;
  /** Offset in the virtual list, and the row's place for screen readers. */
  top: number;
  position: number;
  setSize: number;
};

// Licensed rows show their modules but never change: the browser's toggle is cancelled and the row explains why.
const keepChecked = (event: MouseEvent<HTMLInputElement>) => event.preventDefault();

/**
 * One project row. Memoised: with thousands of projects only the visible rows render, and a click re-renders only
 * the row whose selection changed (handlers are stable and selections are immutable).
 */
export const ProjectRow = memo(function ProjectRow({ project, selection, top, position, setSize, onSelect, onOption, onLicensedClick }: ProjectRowProps) {
  const { name, procoreProjectId, licence } = project;
  const rowProps = {
    "aria-posinset": position,
    "aria-setsize": setSize,
    className: `${ROW_GRID} absolute inset-x-0 top-0 border-b border-slate-100`,
    style: { height: ROW_HEIGHT, transform: `translateY(${top}px)` },
  };

  if (licence) {
    return (
      <li {...rowProps} onClick={() => onLicensedClick(project)}>
        <label className="flex min-w-0 items-center gap-3">
          <Checkbox aria-label={`Select ${name}`} aria-readonly checked readOnly onClick={keepChecked} />
          <span className="truncate text-slate-700" title={name}>
            {name}
          </span>
        </label>
        {OPTION_COLUMNS.map(({ key, label }) => (
          <span key={key} className="flex justify-center">
            <Checkbox aria-label={`${label} for ${name}`} aria-readonly checked={licence[key]} readOnly onClick={keepChecked} />
          </span>
        ))}
      </li>
    );
  }

  const boxes = rowCheckboxes(selection);
  return (
    <li {...rowProps}>
      <label className="flex min-w-0 items-center gap-3">
        <Checkbox aria-label={`Select ${name}`} checked={boxes.select.checked} onChange={(e) => onSelect(procoreProjectId, e.target.checked)} />
        <span className="truncate" title={name}>
          {name}
        </span>
      </label>
      {OPTION_COLUMNS.map(({ key, label }) => (
        <span key={key} className="flex justify-center">
          <Checkbox
            aria-label={`${label} for ${name}`}
            checked={boxes[key].checked}
            disabled={boxes[key].disabled}
            onChange={(e) => onOption(procoreProjectId, key, e.target.checked)}
          />
        </span>
      ))}
    </li>
  );
});
