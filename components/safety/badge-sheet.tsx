import Link from "next/link";
import type { Badge } from "@/lib/safety/badges";
import { PrintButton } from "./print-button";

type PrintedBadge = Badge & { qrDataUrl: string };

// Printing shows the badges only: the site header and this page's toolbar stay on screen.
const PRINT_CSS = "@media print { body:has([data-badge-sheet]) > header { display: none } body:has([data-badge-sheet]) main { padding: 0 } }";

/** The project's badges, print-ready (cards never split across pages), with Print and the PDF download. */
export function BadgeSheet({ project, badges }: { project: { id: string; name: string }; badges: readonly PrintedBadge[] }) {
  return (
    <div data-badge-sheet className="space-y-6">
      <style>{PRINT_CSS}</style>
      <div className="space-y-4 print:hidden">
        <Link href={`/projects/${project.id}`} className="text-sm text-slate-500 hover:text-ink">
          ← {project.name}
        </Link>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-semibold">Safety Badges</h1>
          <div className="flex gap-2">
            <PrintButton />
            <a
              href={`/api/projects/${project.id}/safety/badges/pdf`}
              download
              className="inline-flex items-center rounded-md bg-brand px-4 py-2 text-sm font-medium text-white hover:bg-brand-dark"
            >
              Download PDF
            </a>
          </div>
        </div>
        <p className="text-sm text-slate-600">
          One badge per active member of the project team. Its QR code opens the badge&apos;s page, which says whether the member is still on the team.
        </p>
      </div>
      {badges.length === 0 ? (
        <p className="text-slate-600">
          No active team members yet.{" "}
          <Link href={`/projects/${project.id}/team`} className="font-medium text-brand hover:underline">
            Add them on the Project Team page
          </Link>{" "}
          or sync them from Procore.
        </p>
      ) : (
        <ul aria-label="Badges" className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3 print:grid-cols-2">
          {badges.map((badge) => (
            <li
              key={badge.memberId}
              aria-labelledby={`badge-${badge.memberId}`}
              className="flex break-inside-avoid flex-col items-center overflow-hidden rounded-xl bg-white text-center shadow-sm ring-1 ring-slate-300 [print-color-adjust:exact] print:shadow-none"
            >
              <div className="w-full bg-brand px-3 py-2 text-white">
                <p className="text-xs font-semibold uppercase tracking-widest">Safety Badge</p>
                <p className="truncate text-sm">{badge.projectName}</p>
              </div>
              <div aria-hidden className="mt-4 grid h-14 w-14 place-items-center rounded-full bg-orange-100 text-xl font-bold text-brand">
                {badge.initials}
              </div>
              <h2 id={`badge-${badge.memberId}`} className="mt-2 px-3 text-lg font-semibold text-ink">
                {badge.name}
              </h2>
              <p className="px-3 text-sm text-ink">{badge.company ?? "No company"}</p>
              {badge.role && <p className="px-3 text-sm text-slate-500">{badge.role}</p>}
              {/* eslint-disable-next-line @next/next/no-img-element -- a generated data URL: nothing for next/image to optimise */}
              <img src={badge.qrDataUrl} alt={`QR code of ${badge.name}'s badge`} width={176} height={176} className="my-3 [image-rendering:pixelated]" />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
