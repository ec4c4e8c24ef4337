/*
 * Companies: a project's companies are Procore's vendors on that project (the project directory); a vendor's data
 * lives in the company directory, shared by all of the company's projects. Linked by name (case- and space-insensitive).
 *
 * - Compared fields: name, email, phone (Procore's business phone).
 * - Procore → Smartapp: the project's vendors, always in full (Procore's project-vendor list has no updated_at filter).
 * - Smartapp → Procore: a company already in the company directory is linked and added to the project; a new one is
 *   created through the company vendors sync endpoint (batched, with our origin id) and added to the project.
 *   Updates go through the same sync endpoint.
 * - Tombstones: a vendor removed from the project (or deactivated) in Procore is marked inactive here; a company
 *   deactivated here is removed from the Procore project, never deactivated in the company directory (other projects
 *   use it).
 */
import { db, type Prisma } from "@/lib/db";
import type { Company as LocalCompany } from "@/lib/generated/prisma/client";
import type { Vendor, VendorFields } from "@/lib/procore";
import { emailKey, nameKey } from "../policy";
import type { EntityAdapter, SyncContext } from "../types";
import { findByKeys, followUpEach, insertEach, originIdOf, pushEach, removeEach, syncResultsByItem } from "./shared";

type Fields = { name: string; email: string | null; phone: string | null };

const clean = (value: string | null) => value?.trim() || null;

export function companiesAdapter(ctx: SyncContext): EntityAdapter<LocalCompany, Vendor, Fields> {
  const { projectId, procoreProjectId, procore } = ctx;
  const vendorFields = (c: LocalCompany): VendorFields & { name: string } => ({
    name: c.name.trim(),
    emailAddress: clean(c.email),
    businessPhone: clean(c.phone),
  });
  const localData = (v: Vendor) => ({ name: v.name.trim(), email: clean(v.emailAddress), phone: clean(v.businessPhone), active: v.isActive });
  const addToProject = async (v: Vendor) => {
    await procore.vendors.project.add(procoreProjectId, v.id);
    return v;
  };

  return {
    entity: "COMPANIES",
    incremental: false,
    batchSize: 100,
    bulkUpdates: true,
    local: {
      id: (c) => c.id,
      key: (c) => nameKey(c.name),
      fields: (c) => ({ name: c.name, email: c.email ? emailKey(c.email) : null, phone: c.phone }),
      active: (c) => c.active,
    },
    procore: {
      id: (v) => v.id,
      key: (v) => nameKey(v.name),
      fields: (v) => ({ name: v.name, email: v.emailAddress ? emailKey(v.emailAddress) : null, phone: v.businessPhone }),
      active: (v) => v.isActive,
      originId: (v) => v.originId,
    },

    listLocal: () => db().company.findMany({ where: { projectId } }),
    listProcore: () => procore.vendors.project.listAll(procoreProjectId),
    findProcore: async (keys) =>
      (
        await findByKeys(keys, {
          search: (key) => procore.vendors.listAll({ search: key }),
          listAll: () => procore.vendors.listAll(),
          keyOf: (v) => nameKey(v.name),
          idOf: (v) => v.id,
        })
      ).filter((v) => v.isActive),
    attachProcore: (records) => pushEach(records, addToProject),

    createLocalMany: (from) =>
      insertEach(
        from,
        async (v) => ({ projectId, ...localData(v) }) satisfies Prisma.CompanyCreateManyInput,
        (rows) => db().company.createManyAndReturn({ data: rows }),
      ),
    updateLocal: (record, from) => db().company.update({ where: { id: record.id }, data: localData(from) }),
    deactivateLocal: (record) => db().company.update({ where: { id: record.id }, data: { active: false } }),

    async createProcore(records) {
      const sent = records.map((c) => ({ ...vendorFields(c), originId: originIdOf(c.id) }));
      const results = syncResultsByItem(sent, await procore.vendors.sync(sent));
      return followUpEach(results, addToProject, (v) => v);
    },
    async updateProcore(items) {
      const sent = items.map(({ local, procoreId }) => ({ ...vendorFields(local), id: procoreId }));
      return syncResultsByItem(sent, await procore.vendors.sync(sent));
    },
    deactivateProcore: (items) => removeEach(items.map((i) => i.procoreId), (id) => procore.vendors.project.remove(procoreProjectId, id)),
  };
}
