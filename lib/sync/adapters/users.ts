/*
 * Users: Smartapp's project team members ↔ Procore's project users (people in the company directory who are on the
 * project), linked by email (case-insensitive).
 *
 * - Compared fields: first and last name, email, job title, company and role.
 *   Company = the user's Procore vendor, compared by Procore id through the Companies links (so renaming a company
 *   is not a change of its people); a member whose company is not linked yet compares as "no company".
 *   Role = the user's project role (Procore's project_roles on this project). Smartapp holds one role per member;
 *   Procore may hold several, and the first by name is the one compared and pulled.
 * - Procore → Smartapp: the project's users, incrementally by updated_at. Their company is the Smartapp company linked
 *   to (or named like) their vendor, none when the vendor is not one of the project's companies. A role Smartapp does
 *   not have yet is created by name (it is a company role in Procore; the Roles sync links it). Role assignments do
 *   not change a user's updated_at, so an assignment changed alone arrives with the next full reconciliation.
 * - Smartapp → Procore: a person already in the company directory is linked and added to the project; a new one is
 *   created through the company users sync endpoint (batched, with our origin id) and added to the project.
 *   Updates go through the same endpoint; a changed role replaces the member's project roles with Smartapp's one.
 * - Tombstones: a user removed from the project (or deactivated) in Procore is marked inactive here; a member
 *   deactivated here is removed from the Procore project, never deactivated in the company directory.
 */
import { db, type Prisma } from "@/lib/db";
import type { Company, Role, TeamMember } from "@/lib/generated/prisma/client";
import type { ProcoreId, ProjectRole, User, UserFields } from "@/lib/procore";
import { SyncRecordError } from "../errors";
import { emailKey, nameKey } from "../policy";
import type { EntityAdapter, SyncContext } from "../types";
import { byPage, findByKeys, followUpEach, insertEach, linkMaps, originIdOf, pushEach, removeEach, syncResultsByItem } from "./shared";

export type LocalMember = TeamMember & { company: Company | null; role: Role | null };

export interface ProcoreMember {
  user: User;
  /** The user's roles on this project's team. */
  roles: ProjectRole[];
}

type Fields = {
  firstName: string | null;
  lastName: string | null;
  email: string;
  jobTitle: string | null;
  companyId: ProcoreId | null;
  role: string | null;
};

const include = { company: true, role: true } as const;

/** The role Smartapp's single role is compared with. */
const primaryRole = (roles: readonly ProjectRole[]) =>
  [...roles].sort((a, b) => (nameKey(a.role) < nameKey(b.role) ? -1 : nameKey(a.role) > nameKey(b.role) ? 1 : 0))[0] ?? null;

/** name key → id, the oldest record winning when names repeat. */
function oldestByName(records: readonly { id: string; name: string }[]): Map<string, string> {
  const byName = new Map<string, string>();
  for (const r of records) if (!byName.has(nameKey(r.name))) byName.set(nameKey(r.name), r.id);
  return byName;
}

export function usersAdapter(ctx: SyncContext): EntityAdapter<LocalMember, ProcoreMember, Fields> {
  const { projectId, procoreProjectId, procore } = ctx;
  // Read when the run lists each side (listLocal, then listProcore), before anything is compared.
  let companyLinks: Awaited<ReturnType<typeof linkMaps>> = { procoreIdOf: new Map(), localIdOf: new Map() };
  let rolesByUser = new Map<ProcoreId, ProjectRole[]>();
  // The project's companies and roles, read once when a member is first written: a written member is returned with
  // them from here, not re-read with a join per member.
  let localCompanies: Promise<{ byId: Map<string, Company>; byName: Map<string, string> }> | undefined;
  let localRoles: Promise<{ byId: Map<string, Role>; byName: Map<string, string> }> | undefined;
  const projectCompanies = () =>
    (localCompanies ??= db()
      .company.findMany({ where: { projectId }, orderBy: { createdAt: "asc" } })
      .then((all) => ({ byId: new Map(all.map((c) => [c.id, c])), byName: oldestByName(all) })));
  const projectRoles = () =>
    (localRoles ??= db()
      .role.findMany({ where: { projectId }, orderBy: { createdAt: "asc" } })
      .then((all) => ({ byId: new Map(all.map((r) => [r.id, r])), byName: oldestByName(all) })));

  const vendorIdOf = (m: LocalMember) => (m.companyId ? (companyLinks.procoreIdOf.get(m.companyId) ?? null) : null);

  /**
   * The Smartapp company for a Procore vendor: the linked one, else one of the same name. Never created here: a
   * vendor that is not on the project is not one of its companies, and creating it would make the Companies sync
   * add it to the Procore project.
   */
  async function localCompanyId(vendor: User["vendor"]): Promise<string | null> {
    if (!vendor) return null;
    const linked = companyLinks.localIdOf.get(vendor.id);
    if (linked) return linked;
    return vendor.name ? ((await projectCompanies()).byName.get(nameKey(vendor.name)) ?? null) : null;
  }

  /** The Smartapp role with this name, created when missing. */
  async function localRoleId(role: ProjectRole | null): Promise<string | null> {
    if (!role) return null;
    const { byId, byName } = await projectRoles();
    const key = nameKey(role.role);
    const existing = byName.get(key);
    if (existing) return existing;
    const created = await db().role.create({ data: { projectId, name: role.role.trim() } });
    byName.set(key, created.id);
    byId.set(created.id, created);
    return created.id;
  }

  /** A member as written, with its company and role. */
  async function withRelations(member: TeamMember): Promise<LocalMember> {
    const company = member.companyId ? (await projectCompanies()).byId.get(member.companyId) : null;
    const role = member.roleId ? (await projectRoles()).byId.get(member.roleId) : null;
    // A company or role made since the run read them (by someone else): read the member with them after all.
    if (company === undefined || role === undefined) return db().teamMember.findUniqueOrThrow({ where: { id: member.id }, include });
    return { ...member, company, role };
  }

  async function localData(from: ProcoreMember) {
    const { user } = from;
    if (!user.emailAddress) throw new SyncRecordError("The Procore user has no email address");
    return {
      firstName: user.firstName?.trim() ?? "",
      lastName: user.lastName?.trim() ?? "",
      email: emailKey(user.emailAddress),
      jobTitle: user.jobTitle?.trim() || null,
      companyId: await localCompanyId(user.vendor),
      roleId: await localRoleId(primaryRole(from.roles)),
      active: user.isActive,
    };
  }

  function userFields(m: LocalMember): UserFields & { lastName: string; emailAddress: string } {
    // Only a linked company is sent. Without one Procore's vendor is left alone: a member pulled from a vendor that is
    // not one of the project's companies has none here, and pushing that would erase it in Procore.
    return {
      firstName: m.firstName.trim() || null,
      lastName: m.lastName.trim(),
      emailAddress: m.email,
      jobTitle: m.jobTitle,
      vendorId: vendorIdOf(m) ?? undefined,
    };
  }

  /** Makes Procore's role for the member Smartapp's, when the compared (first) one differs. */
  async function reconcileRoles(userId: ProcoreId, member: LocalMember, current: ProjectRole[]): Promise<ProjectRole[]> {
    const wanted = member.role ? nameKey(member.role.name) : null;
    const primary = primaryRole(current);
    if ((primary ? nameKey(primary.role) : null) === wanted) return current;
    const kept: ProjectRole[] = [];
    for (const assignment of current) {
      if (nameKey(assignment.role) === wanted) kept.push(assignment);
      else await procore.roles.project.delete(procoreProjectId, assignment.id);
    }
    if (member.role && kept.length === 0) kept.push(await procore.roles.project.create(procoreProjectId, { role: member.role.name, userId }));
    return kept;
  }

  const addToProject = async (userId: ProcoreId) => procore.users.project.add(procoreProjectId, userId);

  return {
    entity: "USERS",
    incremental: true,
    batchSize: 100,
    bulkUpdates: true,
    local: {
      id: (m) => m.id,
      key: (m) => emailKey(m.email),
      fields: (m) => ({
        firstName: m.firstName,
        lastName: m.lastName,
        email: emailKey(m.email),
        jobTitle: m.jobTitle,
        companyId: vendorIdOf(m),
        role: m.role ? nameKey(m.role.name) : null,
      }),
      active: (m) => m.active,
    },
    procore: {
      id: (p) => p.user.id,
      key: (p) => emailKey(p.user.emailAddress ?? ""),
      fields: ({ user, roles }) => {
        const role = primaryRole(roles);
        return {
          firstName: user.firstName,
          lastName: user.lastName,
          email: emailKey(user.emailAddress ?? ""),
          jobTitle: user.jobTitle,
          companyId: user.vendor?.id ?? null,
          role: role ? nameKey(role.role) : null,
        };
      },
      active: (p) => p.user.isActive,
      originId: (p) => p.user.originId,
    },

    async listLocal() {
      companyLinks = await linkMaps(projectId, "COMPANIES");
      return db().teamMember.findMany({ where: { projectId }, include });
    },
    async listProcore(since) {
      const [users, roles] = await Promise.all([
        procore.users.project.listAll(procoreProjectId, { updatedSince: since }),
        procore.roles.project.listAll(procoreProjectId),
      ]);
      rolesByUser = new Map();
      for (const role of roles) if (role.userId) rolesByUser.set(role.userId, [...(rolesByUser.get(role.userId) ?? []), role]);
      return users.map((user) => ({ user, roles: rolesByUser.get(user.id) ?? [] }));
    },
    // Role assignments come from the full list listProcore read, so a changed assignment shows here too.
    getProcore: async (ids) =>
      (await byPage(ids, (page) => procore.users.project.listAll(procoreProjectId, { ids: page }))).map((user) => ({
        user,
        roles: rolesByUser.get(user.id) ?? [],
      })),
    async findProcore(keys) {
      const users = await findByKeys(keys, {
        search: (key) => procore.users.listAll({ search: key }),
        listAll: () => procore.users.listAll(),
        keyOf: (u) => emailKey(u.emailAddress ?? ""),
        idOf: (u) => u.id,
      });
      return users.filter((u) => u.isActive).map((user) => ({ user, roles: rolesByUser.get(user.id) ?? [] }));
    },
    attachProcore: (records) =>
      pushEach(records, async (member) => {
        await addToProject(member.user.id);
        return member;
      }),

    async createLocalMany(from) {
      const results = await insertEach(
        from,
        async (member) => ({ projectId, ...(await localData(member)) }) satisfies Prisma.TeamMemberCreateManyInput,
        (rows) => db().teamMember.createManyAndReturn({ data: rows }),
      );
      return Promise.all(
        results.map(async (r) => (r.ok ? { ok: true as const, record: await withRelations(r.record) } : { ok: false as const, error: r.error })),
      );
    },
    updateLocal: async (record, from) => withRelations(await db().teamMember.update({ where: { id: record.id }, data: await localData(from) })),
    deactivateLocal: async (record) => {
      const deactivated = await db().teamMember.update({ where: { id: record.id }, data: { active: false } });
      return { ...deactivated, company: record.company, role: record.role };
    },

    async createProcore(records) {
      const sent = records.map((m) => ({ ...userFields(m), originId: originIdOf(m.id) }));
      const results = syncResultsByItem(sent, await procore.users.sync(sent));
      return followUpEach(
        results,
        async (user, i) => {
          await addToProject(user.id);
          return { user, roles: await reconcileRoles(user.id, records[i]!, []) };
        },
        (user) => ({ user, roles: [] }),
      );
    },
    async updateProcore(items) {
      const sent = items.map(({ local, procoreId }) => ({ ...userFields(local), id: procoreId }));
      const results = syncResultsByItem(sent, await procore.users.sync(sent));
      return followUpEach(
        results,
        async (user, i) => ({ user, roles: await reconcileRoles(user.id, items[i]!.local, items[i]!.current?.roles ?? []) }),
        (user) => ({ user, roles: items.find((item) => item.procoreId === user.id)?.current?.roles ?? [] }),
      );
    },
    deactivateProcore: (items) => removeEach(items.map((i) => i.procoreId), (id) => procore.users.project.remove(procoreProjectId, id)),
  };
}
