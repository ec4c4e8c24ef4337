import { procoreFor } from "@/lib/auth/procore";
import { db } from "@/lib/db";
import type { Membership } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { NotFoundError, ProcoreError, RateLimitedError } from "@/lib/procore/errors";

/*
 * Which of an account's projects a member uses: the ones Procore lists for them, asked with their own token (Procore
 * lists a company's projects to its admins and, to anyone else, the projects whose directory they are on). Read on
 * their first visit, at every launch from a Procore project, and again by any page or route once the last read is this
 * old.
 * Owners and admins use every project of the account.
 */
export const MEMBER_PROJECTS_MAX_AGE_MS = 10 * 60_000;

/** Reads happen while a page or route waits: one try, no backoff, no waiting out a rate limit. */
const ONE_TRY = {
  maxRetries: 0,
  maxRateLimitRetries: 0,
  onRateLimitWait: (until: number) => {
    throw new RateLimitedError("Procore rate limit: the member's projects are not read now", { resetAt: new Date(until) });
  },
};

/**
 * Reads a member's projects from Procore and keeps them; nothing for owners and admins. A company Procore does not
 * list for them leaves them none; Procore's other errors (reconnect needed, rate limited, down) pass through.
 */
export async function readMemberProjects(userId: string, accountId: string): Promise<void> {
  const membership = await db().membership.findUnique({
    where: { accountId_userId: { accountId, userId } },
    include: { account: { select: { procoreCompanyId: true } } },
  });
  if (membership?.role !== "MEMBER") return;
  const procore = await procoreFor(userId, membership.account.procoreCompanyId, ONE_TRY);
  const listed = new Set<string>();
  try {
    // Inactive ones too: a project closed in Procore keeps its Smartapp data, and its team still reads it.
    for await (const project of procore.projects.list({ status: "All" })) listed.add(project.id);
  } catch (err) {
    // Procore no longer lists the company for them: they are on none of its projects.
    if (!(err instanceof NotFoundError)) throw err;
    listed.clear();
  }
  const projects = await db().project.findMany({ where: { accountId }, select: { id: true, procoreProjectId: true } });
  const theirs = projects.filter((p) => listed.has(String(p.procoreProjectId)));
  await db().$transaction([
    db().memberProject.deleteMany({ where: { membershipId: membership.id } }),
    // Two reads at once (two tabs): the later insert skips what the earlier one put there.
    db().memberProject.createMany({ data: theirs.map((p) => ({ membershipId: membership.id, projectId: p.id })), skipDuplicates: true }),
    db().membership.update({ where: { id: membership.id }, data: { projectsReadAt: new Date() } }),
  ]);
}

/**
 * Reads a member's projects again when the last read is older than MEMBER_PROJECTS_MAX_AGE_MS. A Procore that cannot
 * answer now (reconnect needed, rate limited, down) leaves the last read in place: Project Central still opens.
 */
export async function refreshMemberProjects(membership: Pick<Membership, "userId" | "accountId" | "role" | "projectsReadAt">): Promise<void> {
  if (membership.role !== "MEMBER") return;
  if (membership.projectsReadAt && Date.now() - membership.projectsReadAt.getTime() < MEMBER_PROJECTS_MAX_AGE_MS) return;
  try {
    await readMemberProjects(membership.userId, membership.accountId);
  } catch (err) {
    if (!(err instanceof ProcoreError)) throw err;
    log.warn({ accountId: membership.accountId, userId: membership.userId, error: err.name }, "member projects not read from Procore");
  }
}
