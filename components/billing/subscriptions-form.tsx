"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { formatCents, type Quote } from "@/lib/billing/catalogue";

type Interval = "MONTH" | "YEAR";

function Group({ title, group, per }: { title: string; group: Quote["groups"]["PLANNER"]; per: string }) {
  const line = group.module;
  return (
    <section aria-labelledby={`group-${title}`} className="rounded-lg bg-white p-5 ring-1 ring-slate-200">
      <div className="flex items-baseline justify-between">
        <h2 id={`group-${title}`} className="text-lg font-semibold">
          {title}
        </h2>
        <p className="text-sm text-slate-500">
          {formatCents(line.unitCents)} per project / {per}
        </p>
      </div>
      <p className="mt-1 text-slate-700">
        {line.projectCount} {line.projectCount === 1 ? "project" : "projects"}
        {group.addOn.projectCount > 0 && ` · ${group.addOn.name} on ${group.addOn.projectCount} (included)`}
      </p>
      {line.projectNames.length > 0 && (
        <ul className="mt-2 max-h-40 list-inside list-disc overflow-auto text-sm text-slate-600">
          {line.projectNames.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <p className="mt-3 text-right font-medium">{formatCents(group.totalCents)}</p>
    </section>
  );
}

export function SubscriptionsForm({ accountId, quotes, initial, cancelled }: { accountId: string; quotes: Record<Interval, Quote>; initial: Interval; cancelled: boolean }) {
  const [interval, setInterval] = useState<Interval>(initial);
  const quote = quotes[interval];
  const per = interval === "MONTH" ? "month" : "year";
  const checkout = useMutation({
    mutationFn: async () => {
      const res = await fetch(`/api/accounts/${accountId}/checkout`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ interval }),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ?? "Checkout failed");
      return body as { url: string };
    },
    onSuccess: ({ url }) => window.location.assign(url),
    onError: (err) => toast.error(err.message),
  });
  return (
    <div className="space-y-6">
      {cancelled && <p className="rounded-md bg-amber-50 p-3 text-amber-800">Checkout was cancelled. Your selection is kept.</p>}
      <fieldset className="flex gap-6 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <legend className="sr-only">Payment type</legend>
        {(["MONTH", "YEAR"] as const).map((value) => (
          <label key={value} className="flex items-center gap-2 font-medium">
            <input type="radio" name="interval" value={value} checked={interval === value} onChange={() => setInterval(value)} className="accent-brand" />
            {value === "MONTH" ? "Monthly" : "Yearly"}
          </label>
        ))}
      </fieldset>
      <div className="grid gap-4 md:grid-cols-2">
        <Group title="Planner" group={quote.groups.PLANNER} per={per} />
        <Group title="Safety" group={quote.groups.SAFETY} per={per} />
      </div>
      <div className="flex items-center justify-between rounded-lg bg-white p-5 ring-1 ring-slate-200">
        <p className="text-lg">
          Total: <strong>{formatCents(quote.totalCents)}</strong> / {per}
        </p>
        <button
          type="button"
          disabled={checkout.isPending || quote.totalCents === 0}
          onClick={() => checkout.mutate()}
          className="rounded-md bg-brand px-6 py-2.5 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
        >
          Checkout
        </button>
      </div>
    </div>
  );
}
