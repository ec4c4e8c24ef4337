import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { createProcoreClient, type ProcoreClient, type ProcoreClientConfig } from "@/lib/procore";
import { ReconnectNeededError } from "@/lib/procore/errors";
import type { TokenSet } from "@/lib/procore/oauth";
import type { ProcoreClientFactory } from "@/lib/sync";
import { DbTokenStore } from "./connection-store";

function procoreConfig() {
  const { loginUrl, apiUrl, clientId, clientSecret } = env().procore;
  return { loginUrl, apiUrl, clientId, clientSecret };
}

/**
 * The Procore client acting for this person, through their stored connection. A connection that can no
 * longer refresh throws ReconnectNeededError (the UI offers "Reconnect to Procore"). `patience` limits retries and
 * waits for callers that must not hold a page up.
 */
export async function procoreFor(
  userId: string,
  procoreCompanyId?: bigint | string,
  patience: Pick<ProcoreClientConfig, "maxRetries" | "maxRateLimitRetries" | "onRateLimitWait"> = {},
): Promise<ProcoreClient> {
  const connection = await db().procoreConnection.findUnique({ where: { userId }, select: { id: true, status: true } });
  if (!connection || connection.status === "RECONNECT_NEEDED") {
    throw new ReconnectNeededError("Reconnect to Procore", { connectionId: connection?.id });
  }
  return createProcoreClient({
    ...procoreConfig(),
    tokenStore: new DbTokenStore(connection.id),
    connectionId: connection.id,
    companyId: procoreCompanyId?.toString(),
    logger: log,
    ...patience,
  });
}

/**
 * The Procore client that background work on a project (syncs, publishing the plan board) acts through: scoped to the
 * project's company, through the active connection of one of the account's owners or admins, the most recently
 * refreshed first. No schema change, and a person who leaves or disconnects is passed over.
 */
export function procoreForProject(projectId: string): ProcoreClientFactory {
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

/** A client for tokens not stored yet (the sign-in callback reads the profile with them). */
export function procoreWithTokens(tokens: TokenSet): ProcoreClient {
  let current = tokens;
  return createProcoreClient({
    ...procoreConfig(),
    connectionId: `sign-in:${Math.random().toString(36).slice(2)}`,
    logger: log,
    tokenStore: {
      load: async () => current,
      save: async (t) => {
        current = t;
      },
      markReconnectNeeded: async () => undefined,
    },
  });
}

export { procoreConfig };
