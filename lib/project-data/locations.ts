import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import type { Location } from "@/lib/generated/prisma/client";
import { formatPath, pathKey, PATH_SEPARATOR } from "@/lib/sync/policy";
import { conflict, found, optionalId, requiredText, unfit } from "./shared";

/*
 * The project's location tree. Each location stores its full path ("Building A > Level 1 > Room 101"), the key the
 * sync links locations by, so a rename or a move rewrites the paths of the whole subtree in the same transaction.
 * Active paths are unique (case and spacing ignored). Deactivating a location deactivates its subtree; nothing is
 * ever deleted.
 */

const nodeName = requiredText("a name", 100)
  .refine((v) => !v.includes(">"), "A name cannot contain “>” (it separates the levels of a path)")
  .transform((v) => formatPath([v]));

export const locationCreateSchema = z.object({ name: nodeName, parentId: optionalId });

export const locationUpdateSchema = z.object({ name: nodeName.optional(), parentId: optionalId.optional(), active: z.boolean().optional() });

export type LocationCreate = z.output<typeof locationCreateSchema>;
export type LocationUpdate = z.output<typeof locationUpdateSchema>;

export interface LocationView {
  id: string;
  name: string;
  parentId: string | null;
  path: string;
  active: boolean;
}

const select = { id: true, name: true, parentId: true, path: true, active: true } as const;

/** Every location of the project in path order (parents before their children). */
export function listLocations(projectId: string): Promise<LocationView[]> {
  return db().location.findMany({ where: { projectId }, select, orderBy: { path: "asc" } });
}

const childPath = (parent: Pick<Location, "path"> | null, name: string) => (parent ? `${parent.path}${PATH_SEPARATOR}${name}` : name);

async function activeParent(projectId: string, parentId: string | null): Promise<Location | null> {
  if (parentId === null) return null;
  const parent = await db().location.findFirst({ where: { id: parentId, projectId } });
  if (!parent?.active) throw unfit("parentId", "Choose an active location of this project as the parent");
  return parent;
}

async function assertPathFree(projectId: string, path: string, exceptIds: ReadonlySet<string> = new Set()): Promise<void> {
  const active = await db().location.findMany({ where: { projectId, active: true }, select: { id: true, path: true } });
  if (active.some((l) => !exceptIds.has(l.id) && pathKey(l.path) === pathKey(path))) {
    throw conflict("name", `The location "${path}" already exists`);
  }
}

export async function createLocation(projectId: string, input: LocationCreate): Promise<LocationView> {
  const parent = await activeParent(projectId, input.parentId);
  const path = childPath(parent, input.name);
  await assertPathFree(projectId, path);
  return db().location.create({ data: { projectId, parentId: parent?.id ?? null, name: input.name, path }, select });
}

/** The location and every location below it, each with its path under `rootPath`, in tree order. */
function subtree(all: readonly Location[], root: Location, rootPath: string): { location: Location; path: string }[] {
  const children = new Map<string, Location[]>();
  for (const l of all) if (l.parentId) children.set(l.parentId, [...(children.get(l.parentId) ?? []), l]);
  const out = [{ location: root, path: rootPath }];
  for (let i = 0; i < out.length; i++) {
    const { location, path } = out[i]!;
    for (const child of children.get(location.id) ?? []) out.push({ location: child, path: `${path}${PATH_SEPARATOR}${child.name}` });
  }
  return out;
}

/**
 * Renames, moves, deactivates (`active: false`, with its subtree) or reactivates (under an active parent) a location.
 * A rename or move rewrites the stored path of every location below it.
 */
export async function updateLocation(projectId: string, locationId: string, input: LocationUpdate): Promise<LocationView> {
  const all = await db().location.findMany({ where: { projectId } });
  const current = found(all.find((l) => l.id === locationId) ?? null, "Location");
  const name = input.name ?? current.name;
  const parentId = input.parentId === undefined ? current.parentId : input.parentId;
  const active = input.active ?? current.active;
  const moved = parentId !== current.parentId;

  const parent = moved || (active && !current.active) ? await activeParent(projectId, parentId) : all.find((l) => l.id === parentId) ?? null;
  const tree = subtree(all, current, childPath(parent, name));
  if (moved && tree.some((t) => t.location.id === parentId)) throw unfit("parentId", "A location cannot move below itself");
  if (active) await assertPathFree(projectId, tree[0]!.path, new Set(tree.map((t) => t.location.id)));

  const [root, ...below] = tree;
  const writes: Prisma.PrismaPromise<unknown>[] = below
    .filter((t) => t.path !== t.location.path)
    .map((t) => db().location.update({ where: { id: t.location.id }, data: { path: t.path } }));
  if (!active && current.active) {
    writes.push(db().location.updateMany({ where: { id: { in: below.map((t) => t.location.id) } }, data: { active: false } }));
  }
  const [updated] = await db().$transaction([
    db().location.update({ where: { id: locationId }, data: { name, parentId, active, path: root!.path }, select }),
    ...writes,
  ]);
  return updated;
}
