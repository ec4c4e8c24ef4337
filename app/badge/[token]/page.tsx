import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { badgeStatus } from "@/lib/safety/badges";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Safety badge", robots: { index: false, follow: false }, referrer: "no-referrer" };

/** A badge's QR code opens this page: public, no sign-in, so whoever scans it on site sees whether it is valid. */
export default async function BadgePage({ params }: { params: Promise<{ token: string }> }) {
  const badge = await badgeStatus((await params).token);
  if (!badge) notFound();
  return (
    <section className="mx-auto max-w-sm overflow-hidden rounded-xl bg-white text-center shadow-sm ring-1 ring-slate-200">
      <div className="bg-brand px-4 py-3 text-white">
        <p className="text-xs font-semibold uppercase tracking-widest">Safety Badge</p>
        <p className="text-sm">{badge.projectName}</p>
      </div>
      <div className="space-y-1 p-6">
        <div aria-hidden className="mx-auto mb-3 grid h-16 w-16 place-items-center rounded-full bg-orange-100 text-2xl font-bold text-brand">
          {badge.initials}
        </div>
        <h1 className="text-xl font-semibold">{badge.name}</h1>
        <p className="text-ink">{badge.company ?? "No company"}</p>
        {badge.role && <p className="text-slate-500">{badge.role}</p>}
        <p
          role="status"
          className={`mt-4 rounded-md px-3 py-2 font-semibold ${badge.active ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800"}`}
        >
          {badge.active ? `Active: on the ${badge.projectName} team` : "This badge is no longer valid"}
        </p>
      </div>
    </section>
  );
}
