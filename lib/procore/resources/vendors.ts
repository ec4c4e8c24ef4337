import { collect, type ProcoreHttp } from "../http";
import { syncResultSchema, toWire, vendorSchema, wireId, type ProcoreId, type SyncResult, type Vendor } from "../schemas";
import { companyOf, syncInBatches, updatedAtFilter } from "./shared";

/** Directory "companies" (Procore calls them vendors). All optional so the same type serves updates. */
export interface VendorFields {
  name?: string;
  abbreviatedName?: string | null;
  tradeName?: string | null;
  legalName?: string | null;
  address?: string | null;
  city?: string | null;
  stateCode?: string | null;
  zip?: string | null;
  countryCode?: string | null;
  businessPhone?: string | null;
  mobilePhone?: string | null;
  faxNumber?: string | null;
  emailAddress?: string | null;
  website?: string | null;
  licenseNumber?: string | null;
  notes?: string | null;
  /** false deactivates (Procore's soft delete). */
  isActive?: boolean;
  /** Our own id for the record, unique per company; lets `sync` create-or-update. */
  originId?: string | null;
  originCode?: string | null;
  originData?: string | null;
}

export type VendorCreate = VendorFields & { name: string };

/** A sync item: matched by `id` (update), else by `originId` (update or create). */
export type VendorSyncItem = VendorFields & { id?: ProcoreId };

export interface VendorListOptions {
  updatedSince?: Date;
  search?: string;
}

function vendorWire({ id, ...fields }: VendorSyncItem): Record<string, unknown> {
  return toWire({ ...fields, id: id === undefined ? undefined : wireId(id) });
}

/** The company directory's vendors, and which of them are on a project. */
export function vendorsResource(http: ProcoreHttp) {
  const company = () => wireId(companyOf(http));
  const list = (opts: VendorListOptions = {}): AsyncGenerator<Vendor> =>
    http.pages(
      {
        path: "/rest/v1.0/vendors",
        query: { company_id: companyOf(http), ...updatedAtFilter(opts.updatedSince), "filters[search]": opts.search },
      },
      vendorSchema,
    );
  const listProject = (projectId: ProcoreId, opts: { search?: string } = {}): AsyncGenerator<Vendor> =>
    http.pages({ path: `/rest/v1.0/projects/${wireId(projectId)}/vendors`, query: { "filters[search]": opts.search } }, vendorSchema);
  const membership = (projectId: ProcoreId, vendorId: ProcoreId, action: "add" | "remove") =>
    `/rest/v1.0/projects/${wireId(projectId)}/vendors/${wireId(vendorId)}/actions/${action}`;

  return {
    list,
    listAll: (opts?: VendorListOptions): Promise<Vendor[]> => collect(list(opts)),
    create: (input: VendorCreate): Promise<Vendor> =>
      http.request({ method: "POST", path: "/rest/v1.0/vendors", body: { company_id: company(), vendor: vendorWire(input) } }, vendorSchema),
    update: (vendorId: ProcoreId, input: VendorFields): Promise<Vendor> =>
      http.request(
        { method: "PATCH", path: `/rest/v1.0/vendors/${wireId(vendorId)}`, body: { company_id: company(), vendor: vendorWire(input) } },
        vendorSchema,
      ),
    /** Creates or updates any number of vendors, ≤1000 per call; item failures come back in `errors`. */
    sync: (items: readonly VendorSyncItem[]): Promise<SyncResult<Vendor>> =>
      syncInBatches(items, (batch) =>
        http.request(
          { method: "PATCH", path: "/rest/v1.0/vendors/sync", body: { company_id: company(), updates: batch.map(vendorWire) } },
          syncResultSchema(vendorSchema),
        ),
      ),
    project: {
      list: listProject,
      listAll: (projectId: ProcoreId, opts?: { search?: string }): Promise<Vendor[]> => collect(listProject(projectId, opts)),
      /** Puts an existing company vendor on the project. */
      add: async (projectId: ProcoreId, vendorId: ProcoreId): Promise<void> => {
        await http.send({ method: "POST", path: membership(projectId, vendorId, "add"), idempotent: true });
      },
      remove: async (projectId: ProcoreId, vendorId: ProcoreId): Promise<void> => {
        await http.send({ method: "DELETE", path: membership(projectId, vendorId, "remove") });
      },
    },
  };
}

