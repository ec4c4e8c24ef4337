import { withAccount } from "@/lib/auth/guard";
import { ownerTransferSchema, transferOwnership } from "@/lib/auth/members";

/** The owner hands the account to another of its people and stays as an admin. */
export const PUT = withAccount({ role: "OWNER", body: ownerTransferSchema }, ({ account, user, body }) => transferOwnership(account.id, user.id, body.userId));
