import { withAccount } from "@/lib/auth/guard";
import { changeMemberRole, roleChangeSchema } from "@/lib/auth/members";

/** The owner changes a person's role (admin or member). */
export const PATCH = withAccount({ role: "OWNER", body: roleChangeSchema }, ({ account, user, params, body }) =>
  changeMemberRole(account.id, user.id, params.userId ?? "", body.role),
);
