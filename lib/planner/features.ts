import { notFound } from "next/navigation";
import { NextResponse } from "next/server";
import { z, type ZodType } from "zod";
import type { Licence, Module } from "@/lib/generated/prisma/client";
import { projectPage, withProject, type ProjectAccess, type ProjectRouteContext } from "@/lib/project-data/access";

/*
 * What each licence unlocks, checked on the server for every page and API call of the Planner Board and the Safety
 * Badge: the plan board needs Planner, publishing it to Procore the Planner Board add-on, badges the Safety Badge
 * add-on. A project without it answers 404 and says where to buy it: never a crash, never the feature.
 */

const FEATURES = {
  planBoard: { module: "PLANNER", addOn: false, licence: "Planner" },
  publish: { module: "PLANNER", addOn: true, licence: "Planner Board" },
  badges: { module: "SAFETY", addOn: true, licence: "Safety Badge" },
} as const satisfies Record<string, { module: Module; addOn: boolean; licence: string }>;

export type Feature = keyof typeof FEATURES;

/** Whether the project's live licences unlock the feature. */
export function hasFeature(licences: readonly Pick<Licence, "module" | "addOn">[], feature: Feature): boolean {
  const { module, addOn } = FEATURES[feature];
  return licences.some((l) => l.module === module && (l.addOn || !addOn));
}

/** Where a project's modules and add-ons are bought. */
export const upgradeUrl = (projectId: string): string => `/projects/${projectId}/subscription`;

/** The answer of an API call the project's licences do not cover. */
function featureMissing(projectId: string, feature: Feature): NextResponse {
  return NextResponse.json(
    { error: `This project's licence does not include ${FEATURES[feature].licence}`, upgradeUrl: upgradeUrl(projectId) },
    { status: 404 },
  );
}

/**
 * `withProject` plus the licence, checked before the body is read: a project without the feature answers 404 with
 * `{error, upgradeUrl}` whatever was sent.
 */
export function withFeature<B = undefined>(
  feature: Feature,
  opts: { body?: ZodType<B> },
  handler: (ctx: ProjectRouteContext<B>) => Promise<unknown>,
) {
  return withProject<unknown>({ body: opts.body && z.unknown() }, async (ctx) => {
    if (!hasFeature(ctx.project.licences, feature)) return featureMissing(ctx.project.id, feature);
    const body = opts.body ? opts.body.parse(ctx.body) : (undefined as B);
    return handler({ ...ctx, body });
  });
}

/** A page of the feature: the project as `projectPage` finds it, or the segment's not-found page (which upsells). */
export async function featurePage(projectId: string, feature: Feature): Promise<ProjectAccess> {
  const access = await projectPage(projectId);
  if (!hasFeature(access.project.licences, feature)) notFound();
  return access;
}
