import { DbTokenStore } from "@/lib/auth/connection-store";
import { procoreConfig } from "@/lib/auth/procore";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { createProcoreClient, ReconnectNeededError } from "@/lib/procore";
import type { ProcoreClientFactory } from "@/lib/sync";

/*
 * Where the plan board is published, and as whom: the project's Procore project, through the Procore connection of
 * one of the account's owners or admins (the one refreshed most recently), like the sync. Members may press
 * "Publish now": what it writes is the board they already edit, and the connector settings say where it goes.
 */

/** The publish's Procore client, scoped to the project's company. */
export function publishProcore(projectId: string): ProcoreClientFactory {
  return async ({ onRateLimitWait }) => {
    const { accountId, account } = await db().project.findUniqueOrThrow({ where: { id: projectId }, include: { account: true } });
    const connection = await db().procoreConnection.findFirst({
      where: { status: "ACTIVE", user: { memberships: { some: { accountId, role: { in: ["OWNER", "ADMIN"] } } } } },
      orderBy: { updatedAt: "desc" },
      select: { id: true },
    });
    if (!connection) throw new ReconnectNeededError("No owner or admin of this account has an active Procore connection: one of them should sign in with Procore again");
    return createProcoreClient({
      ...procoreConfig(),
      tokenStore: new DbTokenStore(connection.id),
      connectionId: connection.id,
      companyId: String(account.procoreCompanyId),
      logger: log,
      onRateLimitWait,
    });
  };
}

// Procore's API hosts and the hosts people browse (API-FACTS §1.1); the developer sandbox and our local sandbox serve both.
const WEB_HOST_OF_API_HOST: Readonly<Record<string, string>> = {
  "api.procore.com": "app.procore.com",
  "api-monthly.procore.com": "api-sandbox-monthly.procore.com",
};

/** "Open Procore": the Procore project's home page. */
export function procoreProjectUrl(procoreProjectId: bigint): string {
  const web = new URL(env().procore.apiUrl);
  web.hostname = WEB_HOST_OF_API_HOST[web.hostname] ?? web.hostname;
  return `${web.origin}/${procoreProjectId}/project/home`;
}
