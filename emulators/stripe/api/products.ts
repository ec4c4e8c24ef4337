import { z } from "zod";
import { applyMetadata } from "../billing";
import { invalidRequest } from "../errors";
import { formBool, formList, formMetadata, parseParams } from "../form";
import { renderProduct } from "../render";
import { newId, now, type ProductRecord } from "../store";
import type { ApiRoute } from "./context";
import { pageParams, paginate } from "./list";

const createParams = z.strictObject({
  // Stripe lets callers choose product ids; the app uses that to find its products again.
  id: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "Invalid id").optional(),
  name: z.string().min(1),
  active: formBool.optional(),
  description: z.string().optional(),
  metadata: formMetadata.optional(),
});
const listParams = z.strictObject({ active: formBool.optional(), ids: formList(z.string()).optional(), ...pageParams });

export const productRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/products",
    handler: ({ sandbox, params }) => {
      const input = parseParams(createParams, params);
      const id = input.id ?? newId("prod", 14);
      if (sandbox.store.products.has(id)) {
        throw invalidRequest(`Product already exists.`, { code: "resource_already_exists", param: "id" });
      }
      const created = now();
      const product: ProductRecord = {
        id,
        created,
        updated: created,
        name: input.name,
        description: input.description ?? null,
        active: input.active ?? true,
        metadata: applyMetadata({}, input.metadata),
      };
      sandbox.store.products.set(id, product);
      return renderProduct(product);
    },
  },
  {
    method: "GET",
    path: "/v1/products/:id",
    handler: ({ sandbox, path }) => renderProduct(sandbox.store.need("products", path.id)),
  },
  {
    method: "GET",
    path: "/v1/products",
    handler: ({ sandbox, params }) => {
      const { active, ids, ...page } = parseParams(listParams, params);
      const products = [...sandbox.store.products.values()].filter(
        (p) => (active === undefined || p.active === active) && (ids === undefined || ids.includes(p.id)),
      );
      return paginate(products, page, "/v1/products", renderProduct);
    },
  },
];
