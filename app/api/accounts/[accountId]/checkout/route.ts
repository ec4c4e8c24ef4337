import { z } from "zod";
import { withAccount } from "@/lib/auth/guard";
import { startCheckout } from "@/lib/billing/checkout";

export const POST = withAccount({ role: "ADMIN", body: z.object({ interval: z.enum(["MONTH", "YEAR"]) }) }, ({ account, user, body }) =>
  startCheckout(account, user, body.interval),
);
