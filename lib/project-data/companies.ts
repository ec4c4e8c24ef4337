import { z } from "zod";
import { db } from "@/lib/db";
import { nameKey } from "@/lib/sync/policy";
import { conflict, found, optionalEmail, optionalText, requiredText } from "./shared";

/*
 * The project's companies (Procore's vendors). Names are unique among active companies, compared the way the sync
 * links them (case and spacing ignored), so a company typed here never becomes a second copy of a Procore vendor.
 * Companies are deactivated, never deleted: their members and sync links keep pointing at them.
 */

export const companyCreateSchema = z.object({
  name: requiredText("a name"),
  email: optionalEmail,
  phone: optionalText(50),
});

export const companyUpdateSchema = companyCreateSchema.partial().extend({ active: z.boolean().optional() });

export type CompanyCreate = z.output<typeof companyCreateSchema>;
export type CompanyUpdate = z.output<typeof companyUpdateSchema>;

export interface CompanyView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  active: boolean;
  /** Active team members of this company. */
  memberCount: number;
}

const select = {
  id: true,
  name: true,
  email: true,
  phone: true,
  active: true,
  _count: { select: { members: { where: { active: true } } } },
} as const;

function view({ _count, ...company }: { _count: { members: number } } & Omit<CompanyView, "memberCount">): CompanyView {
  return { ...company, memberCount: _count.members };
}

export async function listCompanies(projectId: string): Promise<CompanyView[]> {
  const companies = await db().company.findMany({ where: { projectId }, select, orderBy: [{ active: "desc" }, { name: "asc" }] });
  return companies.map(view);
}

async function assertNameFree(projectId: string, name: string, exceptId?: string): Promise<void> {
  const active = await db().company.findMany({ where: { projectId, active: true, id: { not: exceptId } }, select: { name: true } });
  if (active.some((c) => nameKey(c.name) === nameKey(name))) throw conflict("name", `A company named "${name}" is already on this project`);
}

export async function createCompany(projectId: string, input: CompanyCreate): Promise<CompanyView> {
  await assertNameFree(projectId, input.name);
  return view(await db().company.create({ data: { projectId, ...input }, select }));
}

/** Edits, deactivates (`active: false`) or reactivates a company. */
export async function updateCompany(projectId: string, companyId: string, input: CompanyUpdate): Promise<CompanyView> {
  const current = found(await db().company.findFirst({ where: { id: companyId, projectId } }), "Company");
  const name = input.name ?? current.name;
  const active = input.active ?? current.active;
  if (active && (name !== current.name || !current.active)) await assertNameFree(projectId, name, companyId);
  return view(await db().company.update({ where: { id: companyId }, data: input, select }));
}
