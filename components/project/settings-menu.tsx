"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** The Project Settings menu: one entry per licensed module, then Procore. */
export function SettingsMenu({ projectId, entries }: { projectId: string; entries: readonly { path: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Project Settings" className="flex flex-col gap-1">
      {entries.map((entry) => {
        const href = `/projects/${projectId}/settings/${entry.path}`;
        const current = pathname === href;
        return (
          <Link
            key={entry.path}
            href={href}
            aria-current={current ? "page" : undefined}
            className={`rounded-md px-3 py-2 text-sm font-medium ${current ? "bg-white text-ink shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:bg-white"}`}
          >
            {entry.label}
          </Link>
        );
      })}
    </nav>
  );
}
