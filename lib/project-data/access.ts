import { notFound, redirect } from "next/navigation";
import { z, type ZodType } from "zod";
import { currentUser, withUser, type RouteContext } from "@/lib/auth/guard";
import { HttpError } from "@/lib/errors";
import type { AccountRole } from "@/lib/generated/prisma/enums";
import { projectForUser } from "@/lib/licensing/projects-of-account";

/*
 * Who may do what on a project. Any member of the project's account sees it; anyone else gets 404.
 * - Project data (team, locations, companies, roles) and "Sync" now: every member. Keeping the team and the
 *   locations up to date is the project team's everyday work, and a sync only runs what the schedule runs anyway.
 * - Procore settings (the sync switch, directions, frequencies, webhooks): owners and admins, because they decide
 *   what Smartapp writes into the company's Procore.
 */

export function canManageSettings(role: AccountRole): boolean {
  return role === "OWNER" || role === "ADMIN";
}

export type ProjectAccess = Awaited<ReturnType<typeof projectForUser>>;

export type ProjectRouteContext<B> = Omit<RouteContext<B, undefined>, "query"> & ProjectAccess;

/**
 * A route under /api/projects/[projectId]/…: the session and same-origin checks of `withUser`, then the project
 * (404 for another account's) before the body is validated, so a bad body never tells whether the project exists.
 */
export function withProject<B = undefined>(
  opts: { body?: ZodType<B>; settings?: boolean },
  handler: (ctx: ProjectRouteContext<B>) => Promise<unknown>,
) {
  return withUser({ body: opts.body && z.unknown() }, async (ctx) => {
    const access = await projectForUser(ctx.user.id, ctx.params.projectId ?? "");
    if (opts.settings && !canManageSettings(access.role)) {
      throw new HttpError(403, "Only the account's owners and admins can change the Procore settings");
    }
    const body = opts.body ? opts.body.parse(ctx.body) : (undefined as B);
    return handler({ ...ctx, ...access, body });
  });
}

/** A page under /projects/[projectId]: signed in (else to setup) and a member of the project's account (else 404). */
export async function projectPage(projectId: string): Promise<ProjectAccess> {
  const user = await currentUser();
  if (!user) redirect("/procore/setup");
  try {
    return await projectForUser(user.id, projectId);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) notFound();
    throw err;
  }
}
