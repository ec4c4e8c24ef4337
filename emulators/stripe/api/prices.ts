import { z } from "zod";
import { applyMetadata } from "../billing";
import { invalidRequest, ParamError } from "../errors";
import { formBool, formInt, formList, formMetadata, parseParams } from "../form";
import { renderPrice } from "../render";
import { newId, now, type PriceRecord, type ProductRecord } from "../store";
import type { ApiRoute } from "./context";
import { pageParams, paginate } from "./list";

const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, "Invalid currency")
  .transform((c) => c.toLowerCase());

const createParams = z.strictObject({
  currency,
  unit_amount: formInt.pipe(z.number().int().min(0)),
  product: z.string().optional(),
  product_data: z.strictObject({ name: z.string().min(1), metadata: formMetadata.optional() }).optional(),
  recurring: z
    .strictObject({
      interval: z.enum(["day", "week", "month", "year"]),
      interval_count: formInt.pipe(z.number().int().min(1)).optional(),
    })
    .optional(),
  lookup_key: z.string().min(1).max(200).optional(),
  transfer_lookup_key: formBool.optional(),
  nickname: z.string().optional(),
  active: formBool.optional(),
  metadata: formMetadata.optional(),
});

const listParams = z.strictObject({
  active: formBool.optional(),
  currency: currency.optional(),
  product: z.string().optional(),
  type: z.enum(["one_time", "recurring"]).optional(),
  lookup_keys: formList(z.string()).pipe(z.array(z.string()).max(10)).optional(),
  ...pageParams,
});

export const priceRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/prices",
    handler: ({ sandbox, params }) => {
      const { store } = sandbox;
      const input = parseParams(createParams, params);
      if (input.product && input.product_data) {
        throw invalidRequest("You may only specify one of these parameters: product, product_data.", {
          param: "product",
        });
      }
      // A lookup key names one price at a time; moving it needs transfer_lookup_key, as in Stripe.
      const holder = input.lookup_key
        ? [...store.prices.values()].find((p) => p.lookupKey === input.lookup_key)
        : undefined;
      if (holder && !input.transfer_lookup_key) {
        throw invalidRequest(
          `A price (\`${holder.id}\`) already uses that lookup key. Set transfer_lookup_key=true to move it to this price.`,
          { param: "lookup_key" },
        );
      }
      const created = now();
      let productId: string;
      if (input.product) {
        productId = store.need("products", input.product, "product").id;
      } else if (input.product_data) {
        const product: ProductRecord = {
          id: newId("prod", 14),
          created,
          updated: created,
          name: input.product_data.name,
          description: null,
          active: true,
          metadata: applyMetadata({}, input.product_data.metadata),
        };
        store.products.set(product.id, product);
        productId = product.id;
      } else {
        throw new ParamError("Missing required param: product.", "product", "parameter_missing");
      }
      if (holder) holder.lookupKey = null;
      const price: PriceRecord = {
        id: newId("price"),
        created,
        product: productId,
        active: input.active ?? true,
        currency: input.currency,
        unitAmount: input.unit_amount,
        recurring: input.recurring
          ? { interval: input.recurring.interval, intervalCount: input.recurring.interval_count ?? 1 }
          : null,
        lookupKey: input.lookup_key ?? null,
        nickname: input.nickname ?? null,
        metadata: applyMetadata({}, input.metadata),
      };
      store.prices.set(price.id, price);
      return renderPrice(price);
    },
  },
  {
    method: "GET",
    path: "/v1/prices/:id",
    handler: ({ sandbox, path }) => renderPrice(sandbox.store.need("prices", path.id)),
  },
  {
    method: "GET",
    path: "/v1/prices",
    handler: ({ sandbox, params }) => {
      const { active, currency, product, type, lookup_keys, ...page } = parseParams(listParams, params);
      const prices = [...sandbox.store.prices.values()].filter(
        (p) =>
          (active === undefined || p.active === active) &&
          (currency === undefined || p.currency === currency) &&
          (product === undefined || p.product === product) &&
          (type === undefined || (type === "recurring") === (p.recurring !== null)) &&
          (lookup_keys === undefined || (p.lookupKey !== null && lookup_keys.includes(p.lookupKey))),
      );
      return paginate(prices, page, "/v1/prices", renderPrice);
    },
  },
];
