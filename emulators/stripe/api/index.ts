import { billingPortalRoutes } from "./billing-portal";
import { checkoutRoutes } from "./checkout";
import type { ApiRoute } from "./context";
import { customerRoutes } from "./customers";
import { eventRoutes } from "./events";
import { invoiceRoutes } from "./invoices";
import { priceRoutes } from "./prices";
import { productRoutes } from "./products";
import { subscriptionRoutes } from "./subscriptions";

/** Every emulated `/v1` endpoint. Order matters only where a literal segment shadows `:id` (customers/search first). */
export const apiRoutes: ApiRoute[] = [
  ...customerRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...checkoutRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...billingPortalRoutes,
  ...eventRoutes,
];
