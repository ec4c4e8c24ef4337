import { z } from "zod";
import { db, isUniqueViolation } from "@/lib/db";
import { conflict, found, optionalId, optionalText, requiredEmail, requiredText, unfit } from "./shared";

/*
 * The project team (the Users entity): people with their company and role. An email is on a project's team at most
 * once, case-insensitively (the sync links people by email), inactive members included: a returning person is
 * reactivated, not added twice. Members are deactivated, never deleted.
 */

export const memberCreateSchema = z.object({
  firstName: requiredText("a first name", 100),
  lastName: requiredText("a last name", 100),
  email: requiredEmail,
  jobTitle: optionalText(100),
  companyId: optionalId,
  roleId: optionalId,
});

export const memberUpdateSchema = memberCreateSchema.partial().extend({ active: z.boolean().optional() });

export type MemberCreate = z.output<typeof memberCreateSchema>;
export type MemberUpdate = z.output<typeof memberUpdateSchema>;

export interface MemberView {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  jobTitle: string | null;
  active: boolean;
  company: { id: string; name: string } | null;
  role: { id: string; name: string } | null;
}

const select = {
  id: true,
  firstName: true,
  lastName: true,
  email: true,
  jobTitle: true,
  active: true,
  company: { select: { id: true, name: true } },
  role: { select: { id: true, name: true } },
} as const;

export function listMembers(projectId: string): Promise<MemberView[]> {
  return db().teamMember.findMany({ where: { projectId }, select, orderBy: [{ active: "desc" }, { lastName: "asc" }, { firstName: "asc" }] });
}

function emailTaken(email: string, inactive: boolean) {
  const hint = inactive ? " (deactivated: reactivate them instead)" : "";
  return conflict("email", `${email} is already on this project's team${hint}`);
}

async function assertEmailFree(projectId: string, email: string, exceptId?: string): Promise<void> {
  const other = await db().teamMember.findFirst({
    where: { projectId, email: { equals: email, mode: "insensitive" }, id: { not: exceptId } },
    select: { active: true },
  });
  if (other) throw emailTaken(email, !other.active);
}

/** The company and role must be active records of this project. */
async function assertReferences(projectId: string, input: Pick<MemberUpdate, "companyId" | "roleId">): Promise<void> {
  const [company, role] = await Promise.all([
    input.companyId ? db().company.findFirst({ where: { id: input.companyId, projectId, active: true }, select: { id: true } }) : null,
    input.roleId ? db().role.findFirst({ where: { id: input.roleId, projectId, active: true }, select: { id: true } }) : null,
  ]);
  if (input.companyId && !company) throw unfit("companyId", "Choose an active company of this project");
  if (input.roleId && !role) throw unfit("roleId", "Choose an active role of this project");
}

/** The unique index still guards against two saves racing past the check. */
async function uniqueEmail<T>(email: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken(email, false);
    throw err;
  }
}

export async function createMember(projectId: string, input: MemberCreate): Promise<MemberView> {
  await Promise.all([assertEmailFree(projectId, input.email), assertReferences(projectId, input)]);
  return uniqueEmail(input.email, () => db().teamMember.create({ data: { projectId, ...input }, select }));
}

/** Edits, deactivates (`active: false`) or reactivates a member. */
export async function updateMember(projectId: string, memberId: string, input: MemberUpdate): Promise<MemberView> {
  const current = found(await db().teamMember.findFirst({ where: { id: memberId, projectId } }), "Team member");
  const email = input.email ?? current.email;
  await Promise.all([
    email.toLowerCase() !== current.email.toLowerCase() ? assertEmailFree(projectId, email, memberId) : undefined,
    assertReferences(projectId, { companyId: input.companyId, roleId: input.roleId }),
  ]);
  return uniqueEmail(email, () => db().teamMember.update({ where: { id: memberId }, data: input, select }));
}
