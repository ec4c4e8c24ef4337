"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

type PublishAction = "settings" | "publish";

/**
 * The "Publish to Procore" menu button: Connector settings, Publish now, Open Procore (a new tab). A menu in the ARIA
 * sense: it opens on its first item, ↑/↓ move between items, Escape closes it and returns to the button.
 */
export function PublishMenu({ procoreUrl, publishing, onChoose }: { procoreUrl: string; publishing: boolean; onChoose: (action: PublishAction) => void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]:not([aria-disabled=true])") ?? [])];

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const outside = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  const close = () => {
    setOpen(false);
    root.current?.querySelector<HTMLButtonElement>("[aria-haspopup]")?.focus();
  };
  const choose = (action: PublishAction) => {
    close();
    onChoose(action);
  };

  const item = "block w-full px-4 py-2 text-left text-sm text-ink hover:bg-slate-100 focus:bg-slate-100 focus:outline-none";
  return (
    <div ref={root} className="relative">
      <Button aria-haspopup="menu" aria-expanded={open} aria-controls={`${id}-menu`} onClick={() => setOpen(!open)}>
        Publish to Procore <span aria-hidden>▾</span>
      </Button>
      {open && (
        <div
          ref={menu}
          id={`${id}-menu`}
          role="menu"
          aria-label="Publish to Procore"
          className="absolute right-0 z-30 mt-1 w-56 overflow-hidden rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200"
          onKeyDown={(e) => {
            const all = items();
            const at = all.indexOf(document.activeElement as HTMLElement);
            if (e.key === "Escape") close();
            else if (e.key === "Tab") setOpen(false);
            else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              all[(at + (e.key === "ArrowDown" ? 1 : -1) + all.length) % all.length]?.focus();
            }
          }}
        >
          <button type="button" role="menuitem" tabIndex={-1} className={item} onClick={() => choose("settings")}>
            Connector settings
          </button>
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            aria-disabled={publishing}
            className={`${item} aria-disabled:cursor-not-allowed aria-disabled:text-slate-400`}
            onClick={() => !publishing && choose("publish")}
          >
            {publishing ? "Publishing…" : "Publish now"}
          </button>
          <a role="menuitem" tabIndex={-1} className={item} href={procoreUrl} target="_blank" rel="noopener noreferrer" onClick={() => setOpen(false)}>
            Open Procore
          </a>
        </div>
      )}
    </div>
  );
}
