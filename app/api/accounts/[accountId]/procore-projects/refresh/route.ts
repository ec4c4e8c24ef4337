import { withAccount } from "@/lib/auth/guard";
import { refreshFromProcore } from "@/lib/licensing/procore-source";

/** "Refresh from Procore": re-reads the company's projects and answers the fresh listing. */
export const POST = withAccount({ role: "ADMIN" }, ({ account, user }) => refreshFromProcore(account.id, user.id));
