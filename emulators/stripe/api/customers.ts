import { z } from "zod";
import { applyMetadata, createCustomer } from "../billing";
import { invalidRequest } from "../errors";
import { formInt, formMetadata, parseParams } from "../form";
import { renderCustomer } from "../render";
import type { CustomerRecord, JsonObject } from "../store";
import type { ApiRoute } from "./context";
import { pageParams, paginate } from "./list";

const customerParams = z.strictObject({
  email: z.string().max(512).optional(),
  name: z.string().max(256).optional(),
  description: z.string().max(350).optional(),
  phone: z.string().max(20).optional(),
  metadata: formMetadata.optional(),
});
const listParams = z.strictObject({ email: z.string().optional(), ...pageParams });
const searchParams = z.strictObject({
  query: z.string(),
  limit: formInt.pipe(z.number().int().min(1).max(100)).optional(),
  page: z.string().regex(/^\d+$/, "Invalid page").optional(),
});

/** On update, an empty string clears a field, as in Stripe. */
const orNull = (value: string | undefined, current: string | null) =>
  value === undefined ? current : value === "" ? null : value;

/**
 * The subset of Stripe's search language the app may use: `field:'value'` clauses (exact,
 * case-insensitive) on email, name, phone and metadata['key'], joined with AND.
 */
function searchPredicate(query: string): (c: CustomerRecord) => boolean {
  const tests = query.split(/\s+AND\s+/).map((clause) => {
    const match = /^(email|name|phone|metadata\['([^']+)'\]):'((?:[^'\\]|\\.)*)'$/.exec(clause.trim());
    if (!match) {
      throw invalidRequest(`The sandbox cannot parse the search query clause: ${clause}`, { param: "query" });
    }
    const [, field, metadataKey, raw] = match;
    const wanted = raw.replace(/\\(.)/g, "$1").toLowerCase();
    return (c: CustomerRecord) => {
      const value = metadataKey !== undefined ? c.metadata[metadataKey] : c[field as "email" | "name" | "phone"];
      return value?.toLowerCase() === wanted;
    };
  });
  return (c) => tests.every((test) => test(c));
}

export const customerRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/customers",
    handler: ({ sandbox, params }) => renderCustomer(createCustomer(sandbox, parseParams(customerParams, params))),
  },
  {
    method: "GET",
    path: "/v1/customers/search",
    handler: ({ sandbox, params }) => {
      const { query, limit = 10, page = "0" } = parseParams(searchParams, params);
      const matches = [...sandbox.store.customers.values()].reverse().filter(searchPredicate(query));
      const offset = Number(page);
      const next = offset + limit < matches.length ? String(offset + limit) : null;
      const result: JsonObject = {
        object: "search_result",
        data: matches.slice(offset, offset + limit).map(renderCustomer),
        has_more: next !== null,
        next_page: next,
        url: "/v1/customers/search",
      };
      return result;
    },
  },
  {
    method: "GET",
    path: "/v1/customers/:id",
    handler: ({ sandbox, path }) => renderCustomer(sandbox.store.need("customers", path.id)),
  },
  {
    method: "POST",
    path: "/v1/customers/:id",
    handler: ({ sandbox, params, path }) => {
      const customer = sandbox.store.need("customers", path.id);
      const input = parseParams(customerParams, params);
      customer.email = orNull(input.email, customer.email);
      customer.name = orNull(input.name, customer.name);
      customer.description = orNull(input.description, customer.description);
      customer.phone = orNull(input.phone, customer.phone);
      customer.metadata = applyMetadata(customer.metadata, input.metadata);
      return renderCustomer(customer);
    },
  },
  {
    method: "GET",
    path: "/v1/customers",
    handler: ({ sandbox, params }) => {
      const { email, ...page } = parseParams(listParams, params);
      // Stripe's email filter is an exact, case-sensitive match.
      const customers = [...sandbox.store.customers.values()].filter((c) => email === undefined || c.email === email);
      return paginate(customers, page, "/v1/customers", renderCustomer);
    },
  },
];
