import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import { Prisma, type BillingInterval } from "@/lib/generated/prisma/client";
import { draftInputSchema, selectionListSchema, type Draft } from "./draft-schema";
import { licencesByProcoreProject } from "./projects";
import { indexProjects, validateSelection, type Selection, type SelectionProblem } from "./rules";

/** The person's open draft for the account; a blank monthly one (the schema's default) when there is none. */
export async function getDraft(accountId: string, userId: string): Promise<Draft> {
  const draft = await db().selectionDraft.findFirst({
    where: { accountId, userId, status: "OPEN" },
    select: { selections: true, interval: true },
  });
  if (!draft) return { selections: [], interval: "MONTH" };
  return { selections: selectionListSchema.parse(draft.selections), interval: draft.interval };
}

/** The selection's problems against the account's cached Procore projects and its live licences. */
async function selectionProblems(accountId: string, selections: readonly Selection[]): Promise<SelectionProblem[]> {
  if (selections.length === 0) return [];
  const ids = [...new Set(selections.map((s) => BigInt(s.procoreProjectId)))];
  const [cached, licences] = await Promise.all([
    db().procoreProjectCache.findMany({
      where: { accountId, procoreProjectId: { in: ids } },
      select: { procoreProjectId: true, name: true, active: true },
    }),
    licencesByProcoreProject(accountId, ids),
  ]);
  const projects = indexProjects(cached.map((p) => ({ procoreProjectId: p.procoreProjectId.toString(), name: p.name, active: p.active })));
  return validateSelection(selections, projects, new Set(licences.keys()));
}

// A 422 with thousands of lines helps nobody: the message names the first few, `fields` carries them all.
const PROBLEMS_IN_MESSAGE = 3;

function selectionError(problems: readonly SelectionProblem[]): HttpError {
  const shown = problems.slice(0, PROBLEMS_IN_MESSAGE).map((p) => p.message);
  const more = problems.length - shown.length;
  const message = `The selection cannot be saved: ${shown.join("; ")}${more > 0 ? ` (and ${more} more)` : ""}`;
  const fields: Record<string, string[]> = {};
  for (const p of problems) (fields[`selections.${p.index}`] ??= []).push(p.message);
  return new HttpError(422, message, fields, "invalid_selection");
}

/**
 * Writes the person's one open draft in one statement. "One open draft per person and account" is a partial unique
 * index, which Prisma's upsert cannot target; ON CONFLICT can, and it is atomic, so concurrent saves cannot race.
 * An absent interval keeps the saved one (or takes the column default on first save).
 */
async function writeOpenDraft(accountId: string, userId: string, selections: Selection[], interval: BillingInterval | undefined): Promise<Draft> {
  const intervalValue = interval ? Prisma.sql`${interval}::"BillingInterval"` : Prisma.sql`DEFAULT`;
  const [saved] = await db().$queryRaw<{ selections: unknown; interval: BillingInterval }[]>`
    INSERT INTO "SelectionDraft" ("id", "accountId", "userId", "selections", "interval", "updatedAt")
    VALUES (${randomUUID()}, ${accountId}, ${userId}, ${JSON.stringify(selections)}::jsonb, ${intervalValue}, now() AT TIME ZONE 'UTC')
    ON CONFLICT ("accountId", "userId") WHERE "status" = 'OPEN'
    DO UPDATE SET "selections" = EXCLUDED."selections", "updatedAt" = EXCLUDED."updatedAt"${interval ? Prisma.sql`, "interval" = EXCLUDED."interval"` : Prisma.empty}
    RETURNING "selections", "interval"`;
  return { selections: selectionListSchema.parse(saved.selections), interval: saved.interval };
}

/**
 * Saves the selection (and the billing interval when given) as the person's open draft, after the same rules the
 * page applies. Malformed input throws a ZodError (400); any problem throws a 422 naming the projects, and then
 * nothing is saved.
 */
export async function saveDraft(accountId: string, userId: string, input: unknown): Promise<Draft> {
  const { selections, interval } = draftInputSchema.parse(input);
  const problems = await selectionProblems(accountId, selections);
  if (problems.length > 0) throw selectionError(problems);
  return writeOpenDraft(accountId, userId, selections, interval);
}
