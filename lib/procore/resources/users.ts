import { collect, type ProcoreHttp } from "../http";
import { syncResultSchema, toWire, userSchema, wireId, type ProcoreId, type SyncResult, type User } from "../schemas";
import { companyOf, optionalWireId, syncInBatches, updatedAtFilter } from "./shared";

/** A directory user's attributes. All optional so the same type serves updates. */
export interface UserFields {
  firstName?: string | null;
  lastName?: string;
  emailAddress?: string;
  jobTitle?: string | null;
  businessPhone?: string | null;
  mobilePhone?: string | null;
  isEmployee?: boolean;
  employeeId?: string | null;
  /** false deactivates (Procore's soft delete). */
  isActive?: boolean;
  /** The directory company (vendor) the person works for. */
  vendorId?: ProcoreId | null;
  /** Project permission template given when they are added to projects. */
  defaultPermissionTemplateId?: ProcoreId | null;
  companyPermissionTemplateId?: ProcoreId | null;
  /** Our own id for the person, unique per company; lets `sync` create-or-update. */
  originId?: string | null;
  originData?: string | null;
}

/** Procore requires a last name and an email address. */
export type UserCreate = UserFields & { lastName: string; emailAddress: string };

/** A sync item: matched by `id` (update), else by `originId` (update or create). */
export type UserSyncItem = UserFields & { id?: ProcoreId };

export interface UserListOptions {
  updatedSince?: Date;
  search?: string;
  /** Project lists only: just these users (`filters[id][]`); keep it to a page's worth, it goes in the URL. */
  ids?: readonly ProcoreId[];
}

function userWire({ id, vendorId, defaultPermissionTemplateId, companyPermissionTemplateId, ...fields }: UserSyncItem) {
  return toWire({
    ...fields,
    id: id === undefined ? undefined : wireId(id),
    vendorId: optionalWireId(vendorId),
    defaultPermissionTemplateId: optionalWireId(defaultPermissionTemplateId),
    companyPermissionTemplateId: optionalWireId(companyPermissionTemplateId),
  });
}

/** The company directory's people, and who is on each project. Procore has no project-users sync. */
export function usersResource(http: ProcoreHttp) {
  const base = () => `/rest/v1.0/companies/${wireId(companyOf(http))}/users`;
  const list = (opts: UserListOptions = {}): AsyncGenerator<User> =>
    http.pages({ path: base(), query: { ...updatedAtFilter(opts.updatedSince), "filters[search]": opts.search } }, userSchema);
  const listProject = (projectId: ProcoreId, opts: UserListOptions = {}): AsyncGenerator<User> =>
    http.pages(
      {
        path: `/rest/v1.0/projects/${wireId(projectId)}/users`,
        query: {
          ...updatedAtFilter(opts.updatedSince),
          "filters[search]": opts.search,
          "filters[id][]": opts.ids?.map((id) => String(wireId(id))),
        },
      },
      userSchema,
    );
  const membership = (projectId: ProcoreId, userId: ProcoreId, action: "add" | "remove") =>
    `/rest/v1.0/projects/${wireId(projectId)}/users/${wireId(userId)}/actions/${action}`;

  return {
    list,
    listAll: (opts?: UserListOptions): Promise<User[]> => collect(list(opts)),
    create: (input: UserCreate): Promise<User> => http.request({ method: "POST", path: base(), body: { user: userWire(input) } }, userSchema),
    update: (userId: ProcoreId, input: UserFields): Promise<User> =>
      http.request({ method: "PATCH", path: `${base()}/${wireId(userId)}`, body: { user: userWire(input) } }, userSchema),
    /** Creates or updates any number of users, ≤1000 per call; item failures come back in `errors`. */
    sync: (items: readonly UserSyncItem[]): Promise<SyncResult<User>> =>
      syncInBatches(items, (batch) =>
        http.request({ method: "PATCH", path: `${base()}/sync`, body: { updates: batch.map(userWire) } }, syncResultSchema(userSchema)),
      ),
    project: {
      list: listProject,
      listAll: (projectId: ProcoreId, opts?: UserListOptions): Promise<User[]> => collect(listProject(projectId, opts)),
      /** Puts a company user on the project with that project permission template. */
      add: async (projectId: ProcoreId, userId: ProcoreId, opts: { permissionTemplateId?: ProcoreId } = {}): Promise<void> => {
        await http.send({
          method: "POST",
          path: membership(projectId, userId, "add"),
          body: { user: { permission_template_id: optionalWireId(opts.permissionTemplateId) } },
          idempotent: true,
        });
      },
      remove: async (projectId: ProcoreId, userId: ProcoreId): Promise<void> => {
        await http.send({ method: "DELETE", path: membership(projectId, userId, "remove") });
      },
    },
  };
}
