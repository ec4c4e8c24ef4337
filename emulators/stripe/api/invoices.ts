import { z } from "zod";
import { formBool, parseParams } from "../form";
import { renderInvoice, renderInvoiceItem, renderInvoiceLine } from "../render";
import type { ApiRoute } from "./context";
import { pageParams, paginate } from "./list";

const listParams = z.strictObject({
  customer: z.string().optional(),
  subscription: z.string().optional(),
  status: z.enum(["draft", "open", "paid", "uncollectible", "void"]).optional(),
  ...pageParams,
});
const itemListParams = z.strictObject({
  customer: z.string().optional(),
  invoice: z.string().optional(),
  pending: formBool.optional(),
  ...pageParams,
});

export const invoiceRoutes: ApiRoute[] = [
  {
    method: "GET",
    path: "/v1/invoices/:id",
    handler: ({ sandbox, path }) => renderInvoice(sandbox, sandbox.store.need("invoices", path.id)),
  },
  {
    method: "GET",
    path: "/v1/invoices/:id/lines",
    handler: ({ sandbox, path, params }) => {
      const invoice = sandbox.store.need("invoices", path.id);
      const page = parseParams(z.strictObject(pageParams), params);
      // Lines are listed in invoice order; the pager expects oldest first.
      return paginate([...invoice.lines].reverse(), page, `/v1/invoices/${invoice.id}/lines`, (line) =>
        renderInvoiceLine(sandbox, invoice, line),
      );
    },
  },
  {
    method: "GET",
    path: "/v1/invoices",
    handler: ({ sandbox, params }) => {
      const { customer, subscription, status, ...page } = parseParams(listParams, params);
      const invoices = [...sandbox.store.invoices.values()].filter(
        (i) =>
          (customer === undefined || i.customer === customer) &&
          (subscription === undefined || i.subscription === subscription) &&
          (status === undefined || i.status === status),
      );
      return paginate(invoices, page, "/v1/invoices", (i) => renderInvoice(sandbox, i));
    },
  },
  {
    method: "GET",
    path: "/v1/invoiceitems/:id",
    handler: ({ sandbox, path }) => renderInvoiceItem(sandbox, sandbox.store.need("invoiceItems", path.id)),
  },
  {
    method: "GET",
    path: "/v1/invoiceitems",
    handler: ({ sandbox, params }) => {
      const { customer, invoice, pending, ...page } = parseParams(itemListParams, params);
      const items = [...sandbox.store.invoiceItems.values()].filter(
        (ii) =>
          (customer === undefined || ii.customer === customer) &&
          (invoice === undefined || ii.invoice === invoice) &&
          (pending === undefined || (ii.invoice === null) === pending),
      );
      return paginate(items, page, "/v1/invoiceitems", (ii) => renderInvoiceItem(sandbox, ii));
    },
  },
];
