import { accountsOf, joinAsMember } from "@/lib/auth/accounts";
import type { SessionUser } from "@/lib/auth/guard";
import { readMemberProjects } from "@/lib/auth/member-projects";
import { procoreFor } from "@/lib/auth/procore";
import { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import { licencesByProcoreProject } from "@/lib/licensing/projects";
import { projectForUser, type ProjectWithLicences } from "@/lib/licensing/projects-of-account";
import { ProcoreError, ReconnectNeededError } from "@/lib/procore/errors";

/*
 * Where Procore's embedded view of Smartapp leads (the app's full-screen component, opened from a Procore project's
 * Apps menu with `?company_id={{procore.company.id}}&project_id={{procore.project.id}}`):
 * - a project of the person's company that Smartapp licenses → that Smartapp project (the page shows it);
 * - another project of a company Procore lists for them → how to license it (the setup page of that company);
 * - a licensed project of a company Procore lists for them, whose Smartapp account they are not in yet → they join
 *   it as a member (uses projects; admins join through setup) and the project opens;
 * - for a member, only a project Procore lists for them (they are on its directory), read again at every launch;
 *   another licensed project of their company → how to get onto it;
 * - a company that is not theirs, or a project licensed under another of their companies → not found, as for any
 *   other company's ids;
 * - not signed in, or their Procore connection lapsed → sign in with Procore and come back.
 */

export type EmbeddedLaunch =
  | { kind: "sign-in" }
  | { kind: "reconnect" }
  | { kind: "open"; project: ProjectWithLicences }
  | { kind: "not-licensed"; companyId: string; companyName: string }
  | { kind: "not-on-project"; companyName: string }
  | { kind: "procore-unavailable" }
  | { kind: "not-found" };

const PROCORE_ID = /^\d{1,19}$/;

export interface EmbeddedQuery {
  company_id?: string | string[];
  project_id?: string | string[];
}

export async function embeddedLaunch(user: SessionUser | null, query: EmbeddedQuery): Promise<EmbeddedLaunch> {
  const { company_id: companyId, project_id: projectId } = query;
  if (typeof companyId !== "string" || typeof projectId !== "string" || !PROCORE_ID.test(companyId) || !PROCORE_ID.test(projectId)) {
    return { kind: "not-found" };
  }
  if (!user) return { kind: "sign-in" };

  const memberships = await accountsOf(user.id);
  const licensedIn = await Promise.all(
    memberships.map(async ({ account }) => ({ account, licence: (await licencesByProcoreProject(account.id, [BigInt(projectId)])).get(projectId) })),
  );
  const own = licensedIn.find(({ account }) => account.procoreCompanyId === BigInt(companyId));
  if (own?.licence) return open(user.id, own.account.id, own.licence.projectId);
  if (licensedIn.some(({ licence }) => licence)) return { kind: "not-found" };
  if (own) return { kind: "not-licensed", companyId, companyName: own.account.name };

  // Not one of their Smartapp accounts (yet): Procore says whether the company is theirs.
  let company;
  try {
    company = (await (await procoreFor(user.id)).companies.listAll()).find((c) => c.id === companyId);
  } catch (err) {
    if (err instanceof ReconnectNeededError) return { kind: "reconnect" };
    throw err;
  }
  if (!company) return { kind: "not-found" };
  // Their company's Smartapp account licenses this project: they use it, as a member (admins join through setup).
  const account = await db().account.findUnique({ where: { procoreCompanyId: BigInt(companyId) } });
  const licence = account && (await licencesByProcoreProject(account.id, [BigInt(projectId)])).get(projectId);
  if (account && licence) {
    await joinAsMember(user.id, account.id);
    return open(user.id, account.id, licence.projectId);
  }
  return { kind: "not-licensed", companyId, companyName: company.name };
}

/**
 * Opens a licensed project for its account's owner or admin, or for a member Procore lists on it. When Procore cannot
 * answer now, the member's last read decides; with none to go on, a lapsed connection asks to reconnect.
 */
async function open(userId: string, accountId: string, projectId: string): Promise<EmbeddedLaunch> {
  let unread: ProcoreError | null = null;
  try {
    await readMemberProjects(userId, accountId);
  } catch (err) {
    if (!(err instanceof ProcoreError)) throw err;
    unread = err;
  }
  try {
    return { kind: "open", project: (await projectForUser(userId, projectId)).project };
  } catch (err) {
    if (!(err instanceof HttpError && err.status === 404)) throw err;
    if (unread instanceof ReconnectNeededError) return { kind: "reconnect" };
    // Procore could not be asked: it may well list them now.
    if (unread) return { kind: "procore-unavailable" };
    const { name } = await db().account.findUniqueOrThrow({ where: { id: accountId }, select: { name: true } });
    return { kind: "not-on-project", companyName: name };
  }
}
