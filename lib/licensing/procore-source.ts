import { procoreFor } from "@/lib/auth/procore";
import { db } from "@/lib/db";
import { listProcoreProjects, refreshProcoreProjects, type ProcoreProjectListing, type ProcoreProjectRecord } from "./projects";

/**
 * Every page of the company's active Procore projects, read with `userId`'s Procore connection. Procore's typed
 * errors (ReconnectNeededError, RateLimitedError, …) pass through: the route guard turns them into 409/503.
 */
export async function* fetchActiveProcoreProjects(userId: string, procoreCompanyId: bigint): AsyncGenerator<ProcoreProjectRecord> {
  const procore = await procoreFor(userId, procoreCompanyId);
  for await (const project of procore.projects.list({ status: "Active" })) {
    yield { id: project.id, name: project.name, active: project.active };
  }
}

/** Re-reads the account's Procore projects for `userId` and answers the fresh listing. */
export async function refreshFromProcore(accountId: string, userId: string): Promise<ProcoreProjectListing> {
  const { procoreCompanyId } = await db().account.findUniqueOrThrow({ where: { id: accountId }, select: { procoreCompanyId: true } });
  await refreshProcoreProjects(accountId, () => fetchActiveProcoreProjects(userId, procoreCompanyId));
  return listProcoreProjects(accountId);
}
