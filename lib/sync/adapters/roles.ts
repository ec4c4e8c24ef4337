/*
 * Roles: Smartapp's project roles ↔ Procore's company roles (the role definitions, e.g. "Project Manager"), linked
 * by name (case- and space-insensitive). Who holds which role on the project (Procore's project_roles) is part of
 * each user and synced by the Users adapter.
 *
 * - Compared field: the name.
 * - Procore → Smartapp: the company's roles, always in full (a short list without filters); a role renamed in Procore
 *   is renamed here, a role gone from Procore is marked inactive here.
 * - Smartapp → Procore: Procore defines roles per company, in Company Admin, and its REST API (v1.0, which the client
 *   speaks) cannot create or rename them. A role that exists only in Smartapp, or was renamed here, is reported as a
 *   failed record saying what to do in Procore; it links as soon as Procore has a role of that name.
 * - Tombstones: a role deactivated here stays in Procore (it belongs to the whole company).
 */
import { db } from "@/lib/db";
import type { Role as LocalRole } from "@/lib/generated/prisma/client";
import type { Role as ProcoreRole } from "@/lib/procore";
import { formatPath, nameKey } from "../policy";
import type { EntityAdapter, PushResult, SyncContext } from "../types";
import { insertEach } from "./shared";

type Fields = { name: string };

const unsupported = (message: string): PushResult<never> => ({ ok: false, error: message });

export function rolesAdapter(ctx: SyncContext): EntityAdapter<LocalRole, ProcoreRole, Fields> {
  const { projectId, procore } = ctx;
  const name = (r: { name: string }) => formatPath([r.name]);

  return {
    entity: "ROLES",
    incremental: false,
    batchSize: 50,
    local: { id: (r) => r.id, key: (r) => nameKey(r.name), fields: (r) => ({ name: r.name }), active: (r) => r.active },
    procore: { id: (r) => r.id, key: (r) => nameKey(r.name), fields: (r) => ({ name: r.name }), active: () => true },

    listLocal: () => db().role.findMany({ where: { projectId } }),
    listProcore: () => procore.roles.list(),

    createLocalMany: (from) =>
      insertEach(
        from,
        async (r) => ({ projectId, name: name(r) }),
        (rows) => db().role.createManyAndReturn({ data: rows }),
      ),
    updateLocal: (record, from) => db().role.update({ where: { id: record.id }, data: { name: name(from), active: true } }),
    deactivateLocal: (record) => db().role.update({ where: { id: record.id }, data: { active: false } }),

    createProcore: async (records) =>
      records.map((r) =>
        unsupported(`Procore has no role "${name(r)}": add it in Procore (Company Admin → Roles), then sync again`),
      ),
    updateProcore: async (items) =>
      items.map(({ local, current }) =>
        unsupported(
          `Procore's role "${current?.name ?? "?"}" was renamed to "${name(local)}" in Smartapp: rename it in Procore (Company Admin → Roles)`,
        ),
      ),
  };
}
