import { withAccount } from "@/lib/auth/guard";
import { listMembers } from "@/lib/auth/members";

/** The account's people and their roles (owners and admins). */
export const GET = withAccount({ role: "ADMIN" }, ({ account }) => listMembers(account.id));
