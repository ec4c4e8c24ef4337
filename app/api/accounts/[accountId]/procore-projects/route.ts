import { withAccount } from "@/lib/auth/guard";
import { refreshFromProcore } from "@/lib/licensing/procore-source";
import { listProcoreProjects } from "@/lib/licensing/projects";

/** The account's Procore projects with their licences. The first call ever reads them from Procore. */
export const GET = withAccount({ role: "ADMIN" }, async ({ account, user }) => {
  const listing = await listProcoreProjects(account.id);
  return listing.fetchedAt ? listing : refreshFromProcore(account.id, user.id);
});
