/*
 * Locations: the project's location tree, linked by full path ("Building A > Floor 3", case- and space-insensitive).
 *
 * - Compared field: the full path, so a rename or a move of any tier is a change of that location.
 * - Smartapp → Procore: find_or_create_by_path creates a location with any missing ancestors and is idempotent
 *   (Procore has no locations sync endpoint); a rename or move is a PATCH of node_name/parent_id, skipped when Procore
 *   already has that tier (a parent's rename already renamed its children).
 * - Procore → Smartapp: a location takes its parent from the linked parent; renaming or moving a tier rewrites the
 *   stored paths of its whole subtree, as Procore derives its children's names.
 * - Tombstones: a location deleted in Procore is marked inactive here. Procore locations have no inactive state and
 *   deleting one is a hard delete (of its sublocations too), so a location deactivated in Smartapp stays in Procore.
 */
import { db } from "@/lib/db";
import type { Location as LocalLocation } from "@/lib/generated/prisma/client";
import type { Location as ProcoreLocation, ProcoreId } from "@/lib/procore";
import { SyncRecordError } from "../errors";
import { formatPath, pathKey, PATH_SEPARATOR, splitPath } from "../policy";
import type { EntityAdapter, PushResult, SyncContext } from "../types";
import { byPage, insertEach, pushEach } from "./shared";

type Fields = { path: string };

export function locationsAdapter(ctx: SyncContext): EntityAdapter<LocalLocation, ProcoreLocation, Fields> {
  const { projectId, procoreProjectId, procore, links } = ctx;
  /** The project's locations as listed at the start of the run, kept up to date with the run's own writes. */
  const byId = new Map<string, LocalLocation>();
  /** Their ids by path key (several locations may share a path: an inactive one and its active successor). */
  const idsByPath = new Map<string, Set<string>>();
  const remember = (location: LocalLocation) => {
    const before = byId.get(location.id);
    if (before) idsByPath.get(pathKey(before.path))?.delete(location.id);
    byId.set(location.id, location);
    const key = pathKey(location.path);
    idsByPath.set(key, (idsByPath.get(key) ?? new Set()).add(location.id));
    return location;
  };
  /** The location at a path, an active one first. */
  function atPath(tiers: readonly string[]): LocalLocation | undefined {
    const found = [...(idsByPath.get(pathKey(tiers)) ?? [])].map((id) => byId.get(id)!);
    return found.find((l) => l.active) ?? found[0];
  }

  /**
   * The Smartapp parent of a Procore location: the one created for its Procore parent in the same call (not linked
   * yet), else the linked one, else the one at its parent path.
   */
  function localParent(from: ProcoreLocation, createdNow?: ReadonlyMap<ProcoreId, LocalLocation>): LocalLocation | null {
    if (from.parentId === null) return null;
    const parentTiers = splitPath(from.name).slice(0, -1);
    const linkedId = links.localIdOf(from.parentId);
    const parent = createdNow?.get(from.parentId) ?? (linkedId ? byId.get(linkedId) : atPath(parentTiers));
    if (!parent) throw new SyncRecordError(`Its parent location "${formatPath(parentTiers)}" is not in Smartapp yet`);
    return parent;
  }

  function placement(from: ProcoreLocation, parent: LocalLocation | null) {
    const name = formatPath([from.nodeName]);
    return { name, parentId: parent?.id ?? null, path: parent ? `${formatPath(parent.path)}${PATH_SEPARATOR}${name}` : name };
  }

  /** After a rename or move, every descendant's stored path follows its ancestors'. */
  async function rewriteSubtree(root: LocalLocation): Promise<void> {
    const children = new Map<string, LocalLocation[]>();
    for (const l of byId.values()) if (l.parentId) children.set(l.parentId, [...(children.get(l.parentId) ?? []), l]);
    const queue: { id: string; path: string }[] = [{ id: root.id, path: root.path }];
    for (let next = queue.shift(); next; next = queue.shift()) {
      for (const child of children.get(next.id) ?? []) {
        const path = `${next.path}${PATH_SEPARATOR}${formatPath([child.name])}`;
        if (path !== child.path) remember(await db().location.update({ where: { id: child.id }, data: { path } }));
        queue.push({ id: child.id, path });
      }
    }
  }

  /** The Procore id of a location's parent tier: its link, else find-or-create it by path. */
  async function procoreParentId(local: LocalLocation, parentTiers: string[]): Promise<ProcoreId | null> {
    if (parentTiers.length === 0) return null;
    const linked = local.parentId ? links.procoreIdOf(local.parentId) : undefined;
    if (linked) return linked;
    return (await procore.locations.findOrCreateByPath(procoreProjectId, parentTiers)).location.id;
  }

  return {
    entity: "LOCATIONS",
    incremental: true,
    batchSize: 25,
    local: {
      id: (l) => l.id,
      key: (l) => pathKey(l.path),
      fields: (l) => ({ path: formatPath(l.path) }),
      active: (l) => l.active,
    },
    procore: {
      id: (p) => p.id,
      key: (p) => pathKey(p.name),
      fields: (p) => ({ path: formatPath(p.name) }),
      active: () => true,
    },

    async listLocal() {
      const all = await db().location.findMany({ where: { projectId } });
      byId.clear();
      idsByPath.clear();
      all.forEach(remember);
      return all;
    },
    listProcore: (since) => procore.locations.listAll(procoreProjectId, { updatedSince: since }),
    getProcore: (ids) => byPage(ids, (page) => procore.locations.listAll(procoreProjectId, { ids: page })),

    /** Parents before children: one insert per depth, so a parent created here is in place for its children. */
    async createLocalMany(from) {
      const results: PushResult<LocalLocation>[] = new Array(from.length);
      const createdNow = new Map<ProcoreId, LocalLocation>();
      const depths = new Map<number, number[]>();
      from.forEach((p, i) => {
        const depth = splitPath(p.name).length;
        depths.set(depth, [...(depths.get(depth) ?? []), i]);
      });
      for (const depth of [...depths.keys()].sort((a, b) => a - b)) {
        const indexes = depths.get(depth)!;
        const created = await insertEach(
          indexes.map((i) => from[i]!),
          async (p) => ({ projectId, ...placement(p, localParent(p, createdNow)), active: true }),
          (rows) => db().location.createManyAndReturn({ data: rows }),
        );
        created.forEach((result, k) => {
          if (result.ok) createdNow.set(from[indexes[k]!]!.id, remember(result.record));
          results[indexes[k]!] = result;
        });
      }
      return results;
    },
    async updateLocal(record, from) {
      const before = byId.get(record.id) ?? record;
      const updated = remember(
        await db().location.update({ where: { id: record.id }, data: { ...placement(from, localParent(from)), active: true } }),
      );
      if (updated.path !== before.path) await rewriteSubtree(updated);
      return updated;
    },
    deactivateLocal: async (record) => remember(await db().location.update({ where: { id: record.id }, data: { active: false } })),

    createProcore: (records) =>
      pushEach(records, async (l) => (await procore.locations.findOrCreateByPath(procoreProjectId, splitPath(l.path))).location),
    updateProcore: (items) =>
      pushEach(items, async ({ local, procoreId, current }) => {
        const tiers = splitPath(local.path);
        const nodeName = tiers[tiers.length - 1];
        if (!nodeName) throw new SyncRecordError("It has an empty path");
        const parentId = await procoreParentId(local, tiers.slice(0, -1));
        // Renaming a parent already renamed this tier in Procore: nothing left to send.
        if (current && current.nodeName === nodeName && current.parentId === parentId) return { ...current, name: formatPath(tiers) };
        return procore.locations.update(procoreProjectId, procoreId, { nodeName, parentId });
      }),
  };
}
