import { z } from "zod";
import { fail, json, parseWith, type Reply } from "../http.ts";
import { found, inScope, scopeSchema, type RecordType } from "../records.ts";
import { PERSON_IN_PROCORE, siblingKey, type Actor, type EventType, type Id, type Location, type Project, type Store } from "../store.ts";
import {
  addRoutes,
  assign,
  filterValue,
  idFilter,
  idSchema,
  matchesSearch,
  paginatedWhere,
  pathId,
  projectParam,
  stamps,
  timeFilter,
  type ApiContext,
  type ApiRouter,
} from "./context.ts";

/** Procore shows tiers joined by " > "; `name` is the full path, `node_name` the tier's own name. */
const PATH_SEPARATOR = " > ";

function locationPath(store: Store, location: Location): string {
  const names = [location.node_name];
  const seen = new Set([location.id]);
  for (let p = location.parent_id; p !== null && !seen.has(p); ) {
    const parent = store.t.locations.get(p);
    if (!parent) break;
    names.unshift(parent.node_name);
    seen.add(p);
    p = parent.parent_id;
  }
  return names.join(PATH_SEPARATOR);
}

function locationView(store: Store, l: Location) {
  return {
    id: l.id,
    name: locationPath(store, l),
    node_name: l.node_name,
    parent_id: l.parent_id,
    code: l.code,
    created_at: l.created_at,
    updated_at: l.updated_at,
  };
}

const locationAttrs = z.object({
  node_name: z.string().trim().min(1),
  parent_id: idSchema.nullable().optional(),
});
type LocationAttrs = Partial<z.output<typeof locationAttrs>>;

function emit(store: Store, actor: Actor, project: Project, location: Location, eventType: EventType): void {
  store.changed(
    { resource_name: "Locations", event_type: eventType, resource_id: location.id, company_id: project.company_id, project_id: project.id },
    actor,
  );
}

function sibling(store: Store, projectId: Id, parentId: Id | null, nodeName: string, exceptId?: Id): Location | undefined {
  return store.t.locations.lookup("sibling", siblingKey(projectId, parentId, nodeName)).find((l) => l.id !== exceptId);
}

/** Sublocations, parents before their children. */
function descendants(store: Store, location: Location): Location[] {
  const children = new Map<Id, Location[]>();
  for (const l of store.t.locations.lookup("project", String(location.project_id))) {
    if (l.parent_id === null) continue;
    const siblings = children.get(l.parent_id);
    if (siblings) siblings.push(l);
    else children.set(l.parent_id, [l]);
  }
  const out: Location[] = [];
  for (let queue = [location.id]; queue.length; ) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.id);
    }
  }
  return out;
}

function checkPlacement(store: Store, project: Project, nodeName: string, parentId: Id | null, self?: Location): void {
  if (parentId !== null) {
    const parent = store.t.locations.get(parentId);
    if (!parent || parent.project_id !== project.id) throw fail.validation({ parent_id: ["is invalid"] }, 422);
    if (self && (parentId === self.id || descendants(store, self).some((d) => d.id === parentId))) {
      throw fail.validation({ parent_id: ["cannot be the location itself or one of its sublocations"] }, 422);
    }
  }
  if (sibling(store, project.id, parentId, nodeName, self?.id)) throw fail.validation({ node_name: ["has already been taken"] }, 422);
}

export function buildLocation(id: Id, projectId: Id, nodeName: string, parentId: Id | null, time: { created_at: string; updated_at: string }): Location {
  return { id, project_id: projectId, node_name: nodeName, parent_id: parentId, code: null, ...time };
}

function createLocation(store: Store, actor: Actor, project: Project, attrs: z.output<typeof locationAttrs>): Location {
  const parentId = attrs.parent_id ?? null;
  checkPlacement(store, project, attrs.node_name, parentId);
  const location = store.t.locations.put(buildLocation(store.nextId("locations"), project.id, attrs.node_name, parentId, stamps(store)));
  emit(store, actor, project, location, "create");
  return location;
}

/** Renaming or moving a tier changes the full `name` of every sublocation, so they are updated (and announced) too. */
function updateLocation(store: Store, actor: Actor, project: Project, location: Location, attrs: LocationAttrs): Location {
  const nodeName = attrs.node_name ?? location.node_name;
  const parentId = attrs.parent_id === undefined ? location.parent_id : attrs.parent_id;
  checkPlacement(store, project, nodeName, parentId, location);
  const now = store.now();
  const pathChanged = nodeName !== location.node_name || parentId !== location.parent_id;
  assign(location, { node_name: nodeName, parent_id: parentId, updated_at: now });
  // Filed again: the sibling index follows.
  store.t.locations.put(location);
  emit(store, actor, project, location, "update");
  if (pathChanged) {
    for (const d of descendants(store, location)) {
      d.updated_at = now;
      emit(store, actor, project, d, "update");
    }
  }
  return location;
}

/** Deleting a tier deletes its sublocations with it. */
function deleteLocation(store: Store, actor: Actor, project: Project, location: Location): void {
  for (const l of [...descendants(store, location).reverse(), location]) {
    store.t.locations.delete(l.id);
    emit(store, actor, project, l, "delete");
  }
}

function projectLocation(ctx: ApiContext, project: Project): Location {
  const location = ctx.store.t.locations.get(pathId(ctx));
  if (!location || location.project_id !== project.id) throw fail.notFound("Location not found");
  return location;
}

function listLocations(ctx: ApiContext): Reply {
  const project = projectParam(ctx, ctx.params.project_id);
  const search = filterValue(ctx.query, "search");
  const parent = filterValue(ctx.query, "parent_id");
  const parentId = parent === null ? undefined : parent === "" || parent === "null" ? null : Number(parent);
  const updated = timeFilter(ctx.query, "updated_at");
  const ids = idFilter(ctx.query);
  const keep = (l: Location) =>
    (parentId === undefined || l.parent_id === parentId) &&
    (!search || matchesSearch(search, locationPath(ctx.store, l))) &&
    (updated === null || updated(l.updated_at)) &&
    (ids === null || ids.has(l.id))
      ? l
      : null;
  return paginatedWhere(ctx, () => ctx.store.t.locations.lookup("project", String(project.id)), keep, (l) => locationView(ctx.store, l));
}

const wrapped = <S extends z.ZodType>(attrs: S) => z.object({ location: attrs });

export function registerLocations(router: ApiRouter): void {
  const base = "/projects/:project_id/locations";
  addRoutes(router, [
    ["GET", base, listLocations],
    [
      "GET",
      `${base}/:id`,
      (ctx) => json(200, locationView(ctx.store, projectLocation(ctx, projectParam(ctx, ctx.params.project_id)))),
    ],
    [
      "POST",
      base,
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        const { location } = parseWith(wrapped(locationAttrs), ctx.body);
        return json(201, locationView(ctx.store, createLocation(ctx.store, ctx.actor, project, location)));
      },
    ],
    [
      "PATCH",
      `${base}/:id`,
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        const existing = projectLocation(ctx, project);
        const { location } = parseWith(wrapped(locationAttrs.partial()), ctx.body);
        return json(200, locationView(ctx.store, updateLocation(ctx.store, ctx.actor, project, existing, location)));
      },
    ],
    [
      "DELETE",
      `${base}/:id`,
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        deleteLocation(ctx.store, ctx.actor, project, projectLocation(ctx, project));
        return json(200, {});
      },
    ],
    [
      "POST",
      `${base}/find_or_create_by_path`,
      (ctx) => {
        const project = projectParam(ctx, ctx.params.project_id);
        const { location } = parseWith(wrapped(z.object({ path: z.array(z.string().trim().min(1)).min(1) })), ctx.body);
        let parentId: Id | null = null;
        let leaf: Location | undefined;
        let created = false;
        for (const nodeName of location.path) {
          leaf = sibling(ctx.store, project.id, parentId, nodeName);
          if (!leaf) {
            leaf = createLocation(ctx.store, ctx.actor, project, { node_name: nodeName, parent_id: parentId });
            created = true;
          }
          parentId = leaf.id;
        }
        return json(created ? 201 : 200, locationView(ctx.store, leaf!));
      },
    ],
  ]);
}

function recordView(store: Store, l: Location) {
  return { ...l, name: locationPath(store, l) };
}

function recordProject(store: Store, location: Location): Project {
  return found(store.t.projects.get(location.project_id));
}

export const locationRecords: RecordType = {
  list: (store, scope) =>
    store.t.locations
      .filter((l) => inScope(scope, store.t.projects.get(l.project_id)?.company_id ?? 0, l.project_id))
      .map((l) => recordView(store, l)),
  get: (store, id) => {
    const l = store.t.locations.get(id);
    return l && recordView(store, l);
  },
  create: (store, body) => {
    const project = found(store.t.projects.get(parseWith(scopeSchema.project, body).project_id));
    return recordView(store, createLocation(store, PERSON_IN_PROCORE, project, parseWith(locationAttrs, body)));
  },
  update: (store, id, body) => {
    const location = found(store.t.locations.get(id));
    const attrs = parseWith(locationAttrs.partial(), body);
    return recordView(store, updateLocation(store, PERSON_IN_PROCORE, recordProject(store, location), location, attrs));
  },
  remove: (store, id) => {
    const location = found(store.t.locations.get(id));
    deleteLocation(store, PERSON_IN_PROCORE, recordProject(store, location), location);
  },
};
