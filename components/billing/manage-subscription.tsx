"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { CATALOGUE, formatCents, MODULES, priceFor, type ModuleCode } from "@/lib/billing/catalogue";
import type { ManagedModule, ProjectSubscriptionView, SubscriptionChange } from "@/lib/billing/manage";
import { fetchSubscription, portalAction, postChange, subscriptionKey } from "./subscription-api";

type Subscription = NonNullable<ProjectSubscriptionView["subscription"]>;

const INTERVAL = { MONTH: { word: "month", label: "Monthly" }, YEAR: { word: "year", label: "Yearly" } } as const;

// Fixed locale and UTC: the server render and the browser agree, and dates are stored in UTC.
const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });
const formatDate = (iso: string | null) => (iso ? dateFormat.format(new Date(iso)) : "—");

function statusOf(view: ProjectSubscriptionView): { label: string; className: string } {
  if (!view.subscription) return { label: "No subscription", className: "bg-slate-100 text-slate-700" };
  if (view.paymentPending) return { label: "Payment pending", className: "bg-amber-100 text-amber-800" };
  if (view.subscription.cancelAtPeriodEnd) return { label: `Ends on ${formatDate(view.subscription.renewsAt)}`, className: "bg-slate-100 text-slate-700" };
  return { label: "Active", className: "bg-green-100 text-green-800" };
}

function doneMessage(change: SubscriptionChange, view: ProjectSubscriptionView): string {
  if (change.action === "cancelAtPeriodEnd") {
    return change.cancel ? `The subscription ends on ${formatDate(view.subscription?.renewsAt ?? null)}` : "The subscription renews again";
  }
  return `${CATALOGUE[change.item].name} ${change.action === "add" ? "added" : "removed"}`;
}

/** What a destructive change does, said before it is made. */
function consequence(change: SubscriptionChange, view: ProjectSubscriptionView): string {
  const subscription = view.subscription;
  if (change.action === "cancelAtPeriodEnd") {
    const others = subscription?.otherProjects.length ?? 0;
    const scope = others > 0 ? `this project and ${others} other ${others === 1 ? "project" : "projects"}` : "this project";
    return `The subscription stops renewing: ${scope} lose their modules on ${formatDate(subscription?.renewsAt ?? null)}. You can undo this until then.`;
  }
  const name = CATALOGUE[change.item].name;
  if (change.item === "PLANNER_BOARD" || change.item === "SAFETY_BADGE") return `${name} is switched off on this project now.`;
  const lastBilled = view.modules.length === 1 && subscription?.otherProjects.length === 0;
  if (lastBilled) {
    return `${name} is the last module on this subscription: removing it ends the subscription now, without a credit for the rest of the period. To keep it until ${formatDate(subscription?.renewsAt ?? null)}, cancel at period end instead.`;
  }
  return `${name} ends on this project now; the unused time is credited on the next invoice.`;
}

function ModuleRow(props: {
  code: ModuleCode;
  licence: ManagedModule | undefined;
  subscription: Subscription | null;
  canManage: boolean;
  busy: boolean;
  onChange: (change: SubscriptionChange, confirm: boolean) => void;
}) {
  const { code, licence, subscription, canManage, busy, onChange } = props;
  const price = subscription && priceFor(code, INTERVAL[subscription.interval].word);
  const headingId = `module-${code}`;
  return (
    <li aria-labelledby={headingId} className="flex flex-col gap-3 p-5">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className="text-lg font-semibold">
          {CATALOGUE[code].name}
        </h3>
        {price && <p className="text-sm text-slate-500">{`${formatCents(price.unitCents)} per project / ${price.interval}`}</p>}
      </div>
      {licence ? (
        <>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="text-slate-700">{licence.status === "PAYMENT_PENDING" ? "On this project · payment pending" : "On this project"}</p>
            {canManage && (
              <Button variant="secondary" disabled={busy} onClick={() => onChange({ action: "remove", item: code }, true)}>
                {`Remove ${CATALOGUE[code].name}`}
              </Button>
            )}
          </div>
          <div className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-slate-50 px-3 py-2">
            <p className="text-sm text-slate-700">{`${licence.addOn.name}: ${licence.addOn.included ? "included" : "not added"} (no extra cost)`}</p>
            {canManage &&
              (licence.addOn.included ? (
                <Button variant="secondary" disabled={busy} onClick={() => onChange({ action: "remove", item: licence.addOn.code }, true)}>
                  {`Remove ${licence.addOn.name}`}
                </Button>
              ) : (
                <Button variant="secondary" disabled={busy} onClick={() => onChange({ action: "add", item: licence.addOn.code }, false)}>
                  {`Add ${licence.addOn.name}`}
                </Button>
              ))}
          </div>
        </>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p className="text-slate-500">{subscription ? "Not on this project. Added now, billed prorated for the rest of the period." : "Not on this project."}</p>
          {canManage && subscription && (
            <Button disabled={busy} onClick={() => onChange({ action: "add", item: code }, false)}>
              {`Add ${CATALOGUE[code].name}`}
            </Button>
          )}
        </div>
      )}
    </li>
  );
}

/** Manage Subscriptions (SPEC §5): the project's modules, its subscription, and the changes an admin can make. */
export function ManageSubscription({ initial }: { initial: ProjectSubscriptionView }) {
  const projectId = initial.project.id;
  const queryClient = useQueryClient();
  const { data: view } = useQuery({ queryKey: subscriptionKey(projectId), queryFn: () => fetchSubscription(projectId), initialData: initial });
  const [pending, setPending] = useState<SubscriptionChange | null>(null);
  const change = useMutation({
    mutationFn: (c: SubscriptionChange) => postChange(projectId, c),
    onSuccess: (next, c) => {
      queryClient.setQueryData(subscriptionKey(projectId), next);
      setPending(null);
      toast.success(doneMessage(c, next));
    },
    onError: (err) => toast.error(err.message),
  });
  const request = (c: SubscriptionChange, confirm: boolean) => (confirm ? setPending(c) : change.mutate(c));
  const { subscription } = view;
  const status = statusOf(view);

  return (
    <div className="space-y-6">
      <section aria-labelledby="billing-heading" className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 id="billing-heading" className="text-lg font-semibold">
          Billing
        </h2>
        {subscription ? (
          <dl className="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-3">
            <div>
              <dt className="text-sm text-slate-500">Billing interval</dt>
              <dd className="font-medium">{INTERVAL[subscription.interval].label}</dd>
            </div>
            <div>
              <dt className="text-sm text-slate-500">{subscription.cancelAtPeriodEnd ? "Ends on" : "Renews on"}</dt>
              <dd className="font-medium">{formatDate(subscription.renewsAt)}</dd>
            </div>
            <div>
              <dt className="text-sm text-slate-500">Status</dt>
              <dd>
                <span className={`rounded px-2 py-0.5 text-sm font-medium ${status.className}`}>{status.label}</span>
              </dd>
            </div>
          </dl>
        ) : (
          <p className="mt-2 text-slate-600">
            This project has no running subscription.{" "}
            {view.canManage && (
              <>
                <Link className="font-medium text-brand hover:underline" href={`/setup/projects?account=${view.project.accountId}`}>
                  License it again
                </Link>{" "}
                from your Procore projects.
              </>
            )}
          </p>
        )}
        {subscription?.billsThisProject && subscription.otherProjects.length > 0 && (
          <p className="mt-4 text-sm text-slate-600">{`This subscription also bills: ${subscription.otherProjects.join(", ")}.`}</p>
        )}
        {!subscription?.billsThisProject && subscription && (
          <p className="mt-4 text-sm text-slate-600">No module is on this project now: a module added joins the account&apos;s subscription above.</p>
        )}
      </section>

      <section aria-labelledby="modules-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <h2 id="modules-heading" className="px-6 pt-6 text-lg font-semibold">
          Modules and add-ons
        </h2>
        <ul className="divide-y divide-slate-100">
          {MODULES.map((code) => (
            <ModuleRow
              key={code}
              code={code}
              licence={view.modules.find((m) => m.code === code)}
              subscription={subscription}
              canManage={view.canManage}
              busy={change.isPending}
              onChange={request}
            />
          ))}
        </ul>
      </section>

      {pending && (
        <div role="alertdialog" aria-labelledby="confirm-heading" aria-describedby="confirm-text" className="rounded-xl bg-amber-50 p-5 ring-1 ring-amber-200">
          <h2 id="confirm-heading" className="font-semibold">
            {pending.action === "cancelAtPeriodEnd" ? "Cancel at period end?" : `Remove ${CATALOGUE[pending.item].name}?`}
          </h2>
          <p id="confirm-text" className="mt-1 text-slate-700">
            {consequence(pending, view)}
          </p>
          <div className="mt-4 flex gap-3">
            <Button disabled={change.isPending} onClick={() => change.mutate(pending)}>
              Confirm
            </Button>
            <Button variant="secondary" disabled={change.isPending} onClick={() => setPending(null)}>
              Keep it
            </Button>
          </div>
        </div>
      )}

      {view.canManage ? (
        <section aria-label="Subscription actions" className="flex flex-wrap items-center gap-3">
          {subscription?.billsThisProject &&
            (subscription.cancelAtPeriodEnd ? (
              <Button variant="secondary" disabled={change.isPending} onClick={() => change.mutate({ action: "cancelAtPeriodEnd", cancel: false })}>
                Undo cancellation
              </Button>
            ) : (
              <Button variant="secondary" disabled={change.isPending} onClick={() => request({ action: "cancelAtPeriodEnd", cancel: true }, true)}>
                Cancel at period end
              </Button>
            ))}
          {view.hasBillingAccount && (
            <form method="post" action={portalAction(projectId)}>
              <Button type="submit" variant="secondary">
                Billing portal
              </Button>
            </form>
          )}
          {view.hasBillingAccount && <p className="text-sm text-slate-500">Cards and invoices are managed on Stripe.</p>}
        </section>
      ) : (
        <p className="text-sm text-slate-500">Only the account&apos;s owner or admins can change its subscriptions.</p>
      )}
    </div>
  );
}
