"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useId, useRef } from "react";
import type { MappableProject, SelectionMap } from "@/lib/licensing/rules";
import { ProjectRow, ROW_HEIGHT, type RowHandlers } from "./project-row";

// Rows rendered beyond the visible ones: enough that keyboard and screen-reader users moving through the list (and
// find-in-page) reach their neighbours, while 5,000 projects still mean about a hundred rows in the DOM.
const OVERSCAN = 40;

type ProjectListProps = RowHandlers & {
  /** The region's heading; the section is announced by it. */
  title: string;
  /** Screen-reader-only heading when the page shows a single list. */
  hideTitle?: boolean;
  projects: readonly MappableProject[];
  selections: SelectionMap;
  emptyText: string;
  maxHeightClass: string;
};

/** A region with a virtualised list of project rows: only the rows in view (plus the overscan) are rendered. */
export function ProjectList({ title, hideTitle, projects, selections, emptyText, maxHeightClass, ...handlers }: ProjectListProps) {
  const headingId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is used only here, never handed to memoised children, which is what the rule warns about.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: projects.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    getItemKey: (index) => projects[index].procoreProjectId,
  });

  return (
    <section aria-labelledby={headingId} className="mt-4">
      <h2 id={headingId} className={hideTitle ? "sr-only" : "mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase"}>
        {title}
      </h2>
      {projects.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-200 px-3 py-4 text-sm text-slate-500">{emptyText}</p>
      ) : (
        <div ref={scrollRef} className={`${maxHeightClass} overflow-y-auto rounded-md border border-slate-200 bg-white`}>
          <ul className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const project = projects[item.index];
              return (
                <ProjectRow
                  key={item.key}
                  project={project}
                  selection={selections.get(project.procoreProjectId)}
                  top={item.start}
                  position={item.index + 1}
                  setSize={projects.length}
                  {...handlers}
                />
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
