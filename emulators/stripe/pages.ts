import { completeCheckout, expireIfDue, formatMoney, successUrlFor } from "./billing";
import { StripeApiError } from "./errors";
import type { FormObject } from "./form";
import { html, redirect, type RawResponse, type Route } from "./http";
import { invoiceTotal, sessionAmount } from "./render";
import type { Sandbox } from "./sandbox";
import type { CheckoutSessionRecord, PortalSessionRecord } from "./store";

/**
 * Stand-ins for Stripe's hosted Checkout and customer portal. They are plain server-rendered forms
 * with the accessible names the product's journeys use ("Card number", "Pay", "Cancel", "Return").
 */
export type PageRoute = Route<(ctx: { sandbox: Sandbox; path: Record<string, string>; form: FormObject }) => RawResponse>;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Stripe sandbox</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f9fc; color: #30313d; }
  main { max-width: 32rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 2px 8px #0001; }
  .notice { font-size: .85rem; background: #fff8e1; padding: .5rem .75rem; border-radius: 4px; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  th, td { text-align: left; padding: .4rem 0; border-bottom: 1px solid #eee; }
  td.amount, th.amount { text-align: right; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #ccc; border-radius: 4px; }
  button { margin-top: 1rem; width: 100%; padding: .7rem; font-size: 1rem; background: #635bff; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  [role="alert"] { color: #df1b41; }
  a { color: #635bff; }
</style>
</head>
<body><main>
${body}
</main></body>
</html>`;
}

function date(unix: number): string {
  return new Date(unix * 1000).toISOString().slice(0, 10);
}

function checkoutPage(sandbox: Sandbox, session: CheckoutSessionRecord, error?: string): string {
  const { store } = sandbox;
  const rows = session.lineItems
    .map((li) => {
      const price = store.need("prices", li.price);
      const name = store.need("products", price.product).name;
      const per = price.recurring ? ` / ${price.recurring.interval}` : "";
      return `<tr><td>${escape(name)}</td><td>${li.quantity} × ${formatMoney(price.unitAmount, price.currency)}${per}</td><td class="amount">${formatMoney(price.unitAmount * li.quantity, price.currency)}</td></tr>`;
    })
    .join("\n");
  const cancel = session.cancelUrl ? `<p><a href="${escape(session.cancelUrl)}">Cancel</a></p>` : "";
  const alert = error ? `<p role="alert" id="card-error">${escape(error)}</p>` : "";
  return layout(
    "Checkout",
    `<h1>Subscribe</h1>
<p class="notice">Stripe sandbox — test mode. Pay with 4242 4242 4242 4242; 4000 0000 0000 0002 is declined.</p>
<table aria-label="Order summary">
<thead><tr><th>Item</th><th>Quantity</th><th class="amount">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p><strong>Total due today: ${formatMoney(sessionAmount(sandbox, session), session.currency)}</strong></p>
<form method="post" action="/checkout/${escape(session.id)}">
<label for="card-number">Card number</label>
<input id="card-number" name="card" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" required${error ? ' aria-invalid="true" aria-describedby="card-error"' : ""}>
${alert}
<button type="submit">Pay</button>
</form>
${cancel}`,
  );
}

function completedPage(session: CheckoutSessionRecord): string {
  if (session.status === "expired") {
    return layout("Session expired", `<h1>Session expired</h1>\n<p>This Checkout Session has expired: it can no longer be paid.</p>`);
  }
  return layout(
    "Payment complete",
    `<h1>Payment complete</h1>
<p>This Checkout Session has already been paid.</p>
<p><a href="${escape(successUrlFor(session))}">Continue</a></p>`,
  );
}

function portalPage(sandbox: Sandbox, portal: PortalSessionRecord): string {
  const { store } = sandbox;
  const customer = store.need("customers", portal.customer);
  const subscriptions = [...store.subscriptions.values()].filter((s) => s.customer === customer.id);
  const invoices = [...store.invoices.values()].filter((i) => i.customer === customer.id).reverse();
  const subRows = subscriptions
    .map((sub) => {
      const items = sub.items
        .map((item) => {
          const price = store.need("prices", item.price);
          return `${item.quantity} × ${escape(store.need("products", price.product).name)}`;
        })
        .join(", ");
      const renewal =
        sub.status === "canceled"
          ? "Ended"
          : `${sub.cancelAtPeriodEnd ? "Cancels" : "Renews"} on ${date(sub.currentPeriodEnd)}`;
      return `<tr><td>${items}</td><td>${sub.status}</td><td>${renewal}</td></tr>`;
    })
    .join("\n");
  const invoiceRows = invoices
    .map(
      (inv) =>
        `<tr><td>${escape(inv.number)}</td><td>${date(inv.created)}</td><td class="amount">${formatMoney(invoiceTotal(inv), inv.currency)}</td><td>${inv.status}</td></tr>`,
    )
    .join("\n");
  const back = portal.returnUrl ? `<p><a href="${escape(portal.returnUrl)}">Return</a></p>` : "";
  return layout(
    "Billing",
    `<h1>Billing</h1>
<p class="notice">Stripe sandbox customer portal for ${escape(customer.email ?? customer.id)}.</p>
<h2>Subscriptions</h2>
<table aria-label="Subscriptions">
<thead><tr><th>Items</th><th>Status</th><th>Renewal</th></tr></thead>
<tbody>
${subRows || '<tr><td colspan="3">No subscriptions</td></tr>'}
</tbody>
</table>
<h2>Invoices</h2>
<table aria-label="Invoices">
<thead><tr><th>Number</th><th>Date</th><th class="amount">Amount</th><th>Status</th></tr></thead>
<tbody>
${invoiceRows || '<tr><td colspan="4">No invoices</td></tr>'}
</tbody>
</table>
${back}`,
  );
}

function notFound(what: string): RawResponse {
  return html(404, layout("Not found", `<h1>Not found</h1><p>${escape(what)}</p>`));
}

export const pageRoutes: PageRoute[] = [
  {
    method: "GET",
    path: "/checkout/:id",
    handler: ({ sandbox, path }) => {
      const session = sandbox.store.checkoutSessions.get(path.id);
      if (!session) return notFound("This Checkout Session does not exist.");
      return html(200, expireIfDue(sandbox, session).status === "open" ? checkoutPage(sandbox, session) : completedPage(session));
    },
  },
  {
    method: "POST",
    path: "/checkout/:id",
    handler: ({ sandbox, path, form }) => {
      const session = sandbox.store.checkoutSessions.get(path.id);
      if (!session) return notFound("This Checkout Session does not exist.");
      if (expireIfDue(sandbox, session).status !== "open") return html(409, completedPage(session));
      try {
        completeCheckout(sandbox, session.id, typeof form.card === "string" ? form.card : "");
      } catch (err) {
        if (err instanceof StripeApiError && err.type === "card_error") {
          return html(402, checkoutPage(sandbox, session, err.message));
        }
        throw err;
      }
      return redirect(successUrlFor(session));
    },
  },
  {
    method: "GET",
    path: "/billing_portal/:id",
    handler: ({ sandbox, path }) => {
      const portal = sandbox.store.portalSessions.get(path.id);
      return portal ? html(200, portalPage(sandbox, portal)) : notFound("This portal session does not exist.");
    },
  },
];
