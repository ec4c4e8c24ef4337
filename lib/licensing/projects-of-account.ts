import { refreshMemberProjects } from "@/lib/auth/member-projects";
import { db, type Prisma } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import type { Licence, Membership, Module, Project } from "@/lib/generated/prisma/client";

export type ProjectWithLicences = Project & { licences: Licence[] };

const LIVE = { status: { not: "CANCELED" as const } };

/** The modules footer of a Project Central tile: "Planner", "Safety" or "Planner & Safety". */
export function modulesLabel(modules: Module[]): string {
  const has = (m: Module) => modules.includes(m);
  if (has("PLANNER") && has("SAFETY")) return "Planner & Safety";
  return has("PLANNER") ? "Planner" : has("SAFETY") ? "Safety" : "No modules";
}

/** The account's Smartapp projects that this membership uses: all of them for an owner or admin, a member's own. */
function usedBy(membership: Pick<Membership, "id" | "accountId" | "role">): Prisma.ProjectWhereInput {
  return { accountId: membership.accountId, ...(membership.role === "MEMBER" && { members: { some: { membershipId: membership.id } } }) };
}

/** The projects this membership uses (lib/auth/member-projects.ts for a member's), with their live licences, by name. */
export function projectsOfMembership(membership: Pick<Membership, "id" | "accountId" | "role">): Promise<ProjectWithLicences[]> {
  return db().project.findMany({ where: usedBy(membership), include: { licences: { where: LIVE, orderBy: { module: "asc" } } }, orderBy: { name: "asc" } });
}

/**
 * A project as seen by this person: it must belong to an account they are an owner or admin of, or one of their
 * projects as a member. Otherwise 404, never 403, so ids of other companies' projects, and of projects a member is
 * not on, reveal nothing.
 */
export async function projectForUser(userId: string, projectId: string) {
  const membership = await db().membership.findFirst({ where: { userId, account: { projects: { some: { id: projectId } } } }, include: { account: true } });
  if (!membership) throw new HttpError(404, "Project not found");
  // A member's projects are read from Procore again once the last read is old, whichever page or route they use.
  await refreshMemberProjects(membership);
  const project = await db().project.findFirst({
    where: { id: projectId, ...usedBy(membership) },
    include: { licences: { where: LIVE, orderBy: { module: "asc" } } },
  });
  if (!project) throw new HttpError(404, "Project not found");
  return { project, account: membership.account, role: membership.role };
}
