"use client";

import Link from "next/link";
import { useParams } from "next/navigation";

/**
 * The not-found page of a licensed feature: the project has no licence for it (or is not one of the person's
 * projects, which must look the same). Links to where the project's modules and add-ons are bought.
 */
export function LicenceUpsell({ heading, licence }: { heading: string; licence: string }) {
  const { projectId } = useParams<{ projectId: string }>();
  return (
    <section className="mx-auto max-w-lg space-y-4 rounded-xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
      <h1 className="text-xl font-semibold">{heading}</h1>
      <p className="text-slate-600">
        This project&apos;s licence does not include {licence}, or the project belongs to another company. An owner or admin of the project&apos;s company
        can add {licence} to its subscription.
      </p>
      <Link href={`/projects/${projectId}/subscription`} className="inline-block rounded-md bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark">
        Add {licence}
      </Link>
    </section>
  );
}
