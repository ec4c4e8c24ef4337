import { z } from "zod";
import { parseParams } from "../form";
import { renderPortalSession } from "../render";
import { newId, now, type PortalSessionRecord } from "../store";
import type { ApiRoute } from "./context";

const createParams = z.strictObject({
  customer: z.string(),
  return_url: z.url().optional(),
  locale: z.string().optional(),
});

export const billingPortalRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/billing_portal/sessions",
    handler: ({ sandbox, params }) => {
      const input = parseParams(createParams, params);
      const customer = sandbox.store.need("customers", input.customer, "customer");
      const session: PortalSessionRecord = {
        id: newId("bps", 24),
        created: now(),
        customer: customer.id,
        returnUrl: input.return_url ?? null,
      };
      sandbox.store.portalSessions.set(session.id, session);
      return renderPortalSession(sandbox, session);
    },
  },
];
