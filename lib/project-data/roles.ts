import { z } from "zod";
import { db } from "@/lib/db";
import { nameKey } from "@/lib/sync/policy";
import { conflict, found, requiredText } from "./shared";

/*
 * The project's roles (Procore's company roles, assigned per project). Names are unique among active roles, compared
 * as the sync links them (case and spacing ignored). Roles are deactivated, never deleted.
 */

export const roleCreateSchema = z.object({ name: requiredText("a name", 100) });

export const roleUpdateSchema = roleCreateSchema.partial().extend({ active: z.boolean().optional() });

export type RoleCreate = z.output<typeof roleCreateSchema>;
export type RoleUpdate = z.output<typeof roleUpdateSchema>;

export interface RoleView {
  id: string;
  name: string;
  active: boolean;
  /** Active team members with this role. */
  memberCount: number;
}

const select = { id: true, name: true, active: true, _count: { select: { members: { where: { active: true } } } } } as const;

function view({ _count, ...role }: { _count: { members: number } } & Omit<RoleView, "memberCount">): RoleView {
  return { ...role, memberCount: _count.members };
}

export async function listRoles(projectId: string): Promise<RoleView[]> {
  const roles = await db().role.findMany({ where: { projectId }, select, orderBy: [{ active: "desc" }, { name: "asc" }] });
  return roles.map(view);
}

async function assertNameFree(projectId: string, name: string, exceptId?: string): Promise<void> {
  const active = await db().role.findMany({ where: { projectId, active: true, id: { not: exceptId } }, select: { name: true } });
  if (active.some((r) => nameKey(r.name) === nameKey(name))) throw conflict("name", `The role "${name}" already exists on this project`);
}

export async function createRole(projectId: string, input: RoleCreate): Promise<RoleView> {
  await assertNameFree(projectId, input.name);
  return view(await db().role.create({ data: { projectId, ...input }, select }));
}

/** Renames, deactivates (`active: false`) or reactivates a role. */
export async function updateRole(projectId: string, roleId: string, input: RoleUpdate): Promise<RoleView> {
  const current = found(await db().role.findFirst({ where: { id: roleId, projectId } }), "Role");
  const name = input.name ?? current.name;
  const active = input.active ?? current.active;
  if (active && (name !== current.name || !current.active)) await assertNameFree(projectId, name, roleId);
  return view(await db().role.update({ where: { id: roleId }, data: input, select }));
}
