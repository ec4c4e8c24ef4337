import { collect, type ProcoreHttp } from "../http";
import { locationSchema, wireId, type Location, type ProcoreId } from "../schemas";
import { optionalWireId, updatedAtFilter } from "./shared";

export interface LocationListOptions {
  updatedSince?: Date;
  search?: string;
  /** Only the direct children of this location. */
  parentId?: ProcoreId;
  /** Only these locations (`filters[id][]`); keep it to a page's worth, it goes in the URL. */
  ids?: readonly ProcoreId[];
}

export interface LocationInput {
  /** This tier's own name; Procore builds the full "A > B" name from the parents. */
  nodeName: string;
  /** null moves the location to the top tier. */
  parentId?: ProcoreId | null;
}

/** A project's tiered locations. Procore has no sync endpoint for them; `findOrCreateByPath` is the idempotent write. */
export function locationsResource(http: ProcoreHttp) {
  const base = (projectId: ProcoreId) => `/rest/v1.0/projects/${wireId(projectId)}/locations`;
  const body = (input: Partial<LocationInput>) => ({
    location: { node_name: input.nodeName, parent_id: optionalWireId(input.parentId) },
  });
  const list = (projectId: ProcoreId, opts: LocationListOptions = {}): AsyncGenerator<Location> =>
    http.pages(
      {
        path: base(projectId),
        query: {
          ...updatedAtFilter(opts.updatedSince),
          "filters[search]": opts.search,
          "filters[parent_id]": opts.parentId === undefined ? undefined : String(wireId(opts.parentId)),
          "filters[id][]": opts.ids?.map((id) => String(wireId(id))),
        },
      },
      locationSchema,
    );

  return {
    list,
    listAll: (projectId: ProcoreId, opts?: LocationListOptions): Promise<Location[]> => collect(list(projectId, opts)),
    create: (projectId: ProcoreId, input: LocationInput): Promise<Location> =>
      http.request({ method: "POST", path: base(projectId), body: body(input) }, locationSchema),
    update: (projectId: ProcoreId, locationId: ProcoreId, input: Partial<LocationInput>): Promise<Location> =>
      http.request({ method: "PATCH", path: `${base(projectId)}/${wireId(locationId)}`, body: body(input) }, locationSchema),
    delete: async (projectId: ProcoreId, locationId: ProcoreId): Promise<void> => {
      await http.send({ method: "DELETE", path: `${base(projectId)}/${wireId(locationId)}` });
    },
    /**
     * The leaf of `path` (outermost tier first), creating whatever tiers are missing. Safe to repeat, so it is
     * retried like a read even though it is a POST.
     */
    findOrCreateByPath: async (projectId: ProcoreId, path: readonly string[]): Promise<{ location: Location; created: boolean }> => {
      const req = { method: "POST", path: `${base(projectId)}/find_or_create_by_path`, body: { location: { path } }, idempotent: true } as const;
      const res = await http.send(req);
      return { location: http.parse(req, res, locationSchema), created: res.status === 201 };
    },
  };
}
