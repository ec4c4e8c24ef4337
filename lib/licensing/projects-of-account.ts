import { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import type { Licence, Module, Project } from "@/lib/generated/prisma/client";

export type ProjectWithLicences = Project & { licences: Licence[] };

const LIVE = { status: { not: "CANCELED" as const } };

/** The modules footer of a Project Central tile: "Planner", "Safety" or "Planner & Safety". */
export function modulesLabel(modules: Module[]): string {
  const has = (m: Module) => modules.includes(m);
  if (has("PLANNER") && has("SAFETY")) return "Planner & Safety";
  return has("PLANNER") ? "Planner" : has("SAFETY") ? "Safety" : "No modules";
}

/** The account's Smartapp projects with their live licences, by name. */
export function projectsOfAccount(accountId: string): Promise<ProjectWithLicences[]> {
  return db().project.findMany({ where: { accountId }, include: { licences: { where: LIVE, orderBy: { module: "asc" } } }, orderBy: { name: "asc" } });
}

/**
 * A project as seen by this person: it must belong to an account they are a member of. Otherwise 404,
 * never 403, so another company's project ids reveal nothing.
 */
export async function projectForUser(userId: string, projectId: string) {
  const project = await db().project.findFirst({
    where: { id: projectId, account: { memberships: { some: { userId } } } },
    include: { licences: { where: LIVE, orderBy: { module: "asc" } }, account: { include: { memberships: { where: { userId } } } } },
  });
  if (!project) throw new HttpError(404, "Project not found");
  const { account, ...rest } = project;
  const membership = account.memberships[0];
  return { project: rest, account, role: membership.role };
}
