import Link from "next/link";
import type { Licence } from "@/lib/generated/prisma/client";

const MODULES = {
  PLANNER: { name: "Planner", addOn: "Planner Board" },
  SAFETY: { name: "Safety", addOn: "Safety Badge" },
} as const;

/** A licensed module's settings page: its licence and whether its add-on is part of it. */
export function ModuleSettings({ projectId, licence }: { projectId: string; licence: Licence }) {
  const labels = MODULES[licence.module];
  return (
    <section aria-labelledby="module-settings" className="space-y-4">
      <h2 id="module-settings" className="text-xl font-semibold">
        {labels.name}
      </h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
        <dt className="text-slate-500">Licence</dt>
        <dd>{licence.status === "PAYMENT_PENDING" ? "Payment pending" : "Active"}</dd>
        <dt className="text-slate-500">{labels.addOn}</dt>
        <dd>{licence.addOn ? "Included" : "Not included"}</dd>
      </dl>
      <Link href={`/projects/${projectId}/subscription`} className="inline-block text-sm font-medium text-brand hover:underline">
        Manage Subscriptions
      </Link>
    </section>
  );
}
