/*
 * The sandbox's own in-memory database. Records are stored in the shape that is convenient to keep; the REST
 * modules turn them into Procore's response shapes. Everything here is plain JSON so it can be saved to a file.
 */

export type Id = number;
export type AppKey = "planner" | "safety";
export const APP_KEYS = ["planner", "safety"] as const;

/** Who made a change: an app (through a token) or a person in Procore (userId/clientId null for admin edits). */
export interface Actor {
  userId: Id | null;
  clientId: string | null;
}
export const PERSON_IN_PROCORE: Actor = { userId: null, clientId: null };

export const RESOURCE_NAMES = [
  "Projects",
  "Locations",
  "Project Users",
  "Project Vendors",
  "Company Users",
  "Company Vendors",
  "Tasks",
  "Project Roles",
] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];
export type EventType = "create" | "update" | "delete";

export interface Change {
  resource_name: ResourceName;
  event_type: EventType;
  resource_id: Id;
  company_id: Id;
  project_id: Id | null;
}

interface Stamped {
  created_at: string;
  updated_at: string;
}

export interface Company extends Stamped {
  id: Id;
  name: string;
  is_active: boolean;
}

export interface Project extends Stamped {
  id: Id;
  company_id: Id;
  name: string;
  display_name: string;
  project_number: string | null;
  address: string | null;
  city: string | null;
  state_code: string | null;
  zip: string | null;
  country_code: string | null;
  time_zone: string;
  stage: string;
  active: boolean;
  origin_id: string | null;
  origin_data: string | null;
  origin_code: string | null;
  start_date: string | null;
  completion_date: string | null;
}

/** A login identity. Procore user ids are global: the same person has the same id in every company directory. */
export interface Person {
  id: Id;
  email: string;
  name: string;
  password: string | null;
}

/** One person's entry in one company's directory. */
export interface CompanyUser extends Stamped {
  id: Id;
  company_id: Id;
  first_name: string | null;
  last_name: string;
  email_address: string;
  job_title: string | null;
  business_phone: string | null;
  mobile_phone: string | null;
  is_active: boolean;
  is_employee: boolean;
  /** Company admins see every project of the company; other users only their own projects. */
  is_company_admin: boolean;
  vendor_id: Id | null;
  permission_template_id: Id | null;
  company_permission_template_id: Id | null;
  origin_id: string | null;
  origin_data: string | null;
}

export interface ProjectUser extends Stamped {
  project_id: Id;
  user_id: Id;
  permission_template_id: Id | null;
}

export interface Vendor extends Stamped {
  id: Id;
  company_id: Id;
  name: string;
  abbreviated_name: string | null;
  trade_name: string | null;
  legal_name: string | null;
  address: string | null;
  city: string | null;
  state_code: string | null;
  zip: string | null;
  country_code: string | null;
  business_phone: string | null;
  mobile_phone: string | null;
  fax_number: string | null;
  email_address: string | null;
  website: string | null;
  license_number: string | null;
  notes: string | null;
  is_active: boolean;
  origin_id: string | null;
  origin_code: string | null;
  origin_data: string | null;
}

export interface ProjectVendor extends Stamped {
  project_id: Id;
  vendor_id: Id;
}

export interface Location extends Stamped {
  id: Id;
  project_id: Id;
  node_name: string;
  parent_id: Id | null;
  code: string | null;
}

export interface Role extends Stamped {
  id: Id;
  company_id: Id;
  name: string;
}

export interface ProjectRole extends Stamped {
  id: Id;
  project_id: Id;
  role: string;
  user_id: Id;
  is_active: boolean;
}

export interface PermissionTemplate extends Stamped {
  id: Id;
  company_id: Id;
  /** Set for project-specific templates. */
  project_id: Id | null;
  name: string;
  type: "project_tools" | "company_tools" | "global";
  category: "internal" | "external";
}

export interface Task extends Stamped {
  id: Id;
  project_id: Id;
  name: string;
  start: string | null;
  finish: string | null;
  percentage: number;
  milestone: boolean;
  parent_id: Id | null;
  row_number: number | null;
  source_uid: string | null;
  wbs: string | null;
  notes: string | null;
  resource_ids: Id[];
  origin_id: string | null;
  origin_data: string | null;
  manually_edited: boolean;
}

export interface Hook extends Stamped {
  id: Id;
  /** The company that owns the hook, also for project-scoped hooks. */
  company_id: Id;
  project_id: Id | null;
  api_version: string;
  namespace: string;
  destination_url: string;
  destination_headers: Record<string, string>;
  owned_by_user_id: Id | null;
}

export interface Trigger {
  id: Id;
  hook_id: Id;
  resource_name: ResourceName;
  event_type: EventType;
  company_id: Id;
  project_id: Id | null;
  user_id: Id | null;
  created_at: string;
}

export interface WebhookEvent {
  id: Id;
  ulid: string;
  timestamp: string;
  user_id: Id | null;
  company_id: Id;
  project_id: Id | null;
  api_version: "v2";
  event_type: EventType;
  resource_name: ResourceName;
  resource_id: Id;
  metadata: {
    source_user_id: Id | null;
    source_company_id: Id;
    source_project_id: Id | null;
    source_application_id: string | null;
    source_operation_id: string | null;
  };
}

export interface Delivery {
  id: Id;
  hook_id: Id;
  event_id: Id;
  event: WebhookEvent;
  outcome: "ok" | "retried" | "discarded";
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  response_error: string | null;
  started_at: string;
  completed_at: string;
}

/** An event waiting for its hook's destination; kept in the store so a restart does not lose it. */
export interface QueuedEvent {
  seq: number;
  hook_id: Id;
  event: WebhookEvent;
}

export interface Installation {
  company_id: Id;
  app: AppKey;
  installed_at: string;
}

export interface Token {
  access_token: string;
  refresh_token: string | null;
  client_id: string;
  /** null for client-credentials (service account) tokens. */
  user_id: Id | null;
  created_at: number;
  expires_at_ms: number;
}

export interface AuthCode {
  code: string;
  client_id: string;
  user_id: Id;
  redirect_uri: string;
  /** PKCE (RFC 7636), checked when the authorize request sent one. */
  code_challenge: string | null;
  code_challenge_method: string | null;
  expires_at_ms: number;
}

export interface Session {
  id: string;
  user_id: Id;
  created_at: string;
}

/** How an index files a row: one key, or null to leave the row out. */
type IndexKey<V> = (row: V) => string | null;

/**
 * An index definition: the key function, or `{ key, stable: true }` for a key made of fields that never change
 * once a row is stored (a row's project or company), which lookups then need not re-check.
 */
export type IndexDefinition<V> = IndexKey<V> | { key: IndexKey<V>; stable: true };

interface Index<V> {
  keyOf: IndexKey<V>;
  stable: boolean;
  /** index key → (primary key → row), in the order the rows were filed. */
  byKey: Map<string, Map<string, V>>;
  /** primary key → the index key it is filed under now. */
  filedAs: Map<string, string>;
}

/**
 * A keyed collection; keys are strings so composite keys (`company:user`) and numeric ids share one type.
 *
 * Secondary indexes (named in the constructor) make lookups by another field cheap at benchmark volumes. They
 * follow `put`, `delete` and `clear`; code that changes an indexed field of a stored row in place must `put` the
 * row again (the rest modules do, after `assign`). Lookups on an index that is not stable re-check each row's
 * key, so a stale entry is skipped rather than returned.
 */
export class Table<V> {
  private readonly rows = new Map<string, V>();
  private readonly indexes = new Map<string, Index<V>>();

  constructor(
    private readonly keyOf: (row: V) => string,
    indexes: Record<string, IndexDefinition<V>> = {},
    /** Told of every put, delete and clear (the store's data version). */
    private readonly onWrite: () => void = () => undefined,
  ) {
    for (const [name, def] of Object.entries(indexes)) {
      const { key, stable } = typeof def === "function" ? { key: def, stable: false } : def;
      this.indexes.set(name, { keyOf: key, stable, byKey: new Map(), filedAs: new Map() });
    }
  }

  get(key: string | number): V | undefined {
    return this.rows.get(String(key));
  }

  put(row: V): V {
    const pk = this.keyOf(row);
    this.onWrite();
    this.rows.set(pk, row);
    for (const index of this.indexes.values()) this.file(index, pk, index.keyOf(row), row);
    return row;
  }

  delete(key: string | number): boolean {
    const pk = String(key);
    this.onWrite();
    for (const index of this.indexes.values()) this.file(index, pk, null);
    return this.rows.delete(pk);
  }

  /** Rows filed under `key` in the index `name`, in the order they were filed (for a stable index: insertion order). */
  lookup(name: string, key: string): V[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`No index "${name}"`);
    const filed = index.byKey.get(key);
    if (!filed) return [];
    if (index.stable) return [...filed.values()];
    const out: V[] = [];
    for (const row of filed.values()) if (index.keyOf(row) === key) out.push(row);
    return out;
  }

  values(): V[] {
    return [...this.rows.values()];
  }

  find(predicate: (row: V) => boolean): V | undefined {
    for (const row of this.rows.values()) if (predicate(row)) return row;
    return undefined;
  }

  filter(predicate: (row: V) => boolean): V[] {
    const out: V[] = [];
    for (const row of this.rows.values()) if (predicate(row)) out.push(row);
    return out;
  }

  removeWhere(predicate: (row: V) => boolean): V[] {
    const removed = this.filter(predicate);
    for (const row of removed) this.delete(this.keyOf(row));
    return removed;
  }

  get size(): number {
    return this.rows.size;
  }

  clear(): void {
    this.onWrite();
    this.rows.clear();
    for (const index of this.indexes.values()) {
      index.byKey.clear();
      index.filedAs.clear();
    }
  }

  private file(index: Index<V>, pk: string, key: string | null, row?: V): void {
    const before = index.filedAs.get(pk);
    if (before !== undefined && before !== key) {
      const filed = index.byKey.get(before);
      filed?.delete(pk);
      if (filed?.size === 0) index.byKey.delete(before);
    }
    if (key === null || row === undefined) {
      index.filedAs.delete(pk);
      return;
    }
    index.filedAs.set(pk, key);
    let filed = index.byKey.get(key);
    if (!filed) index.byKey.set(key, (filed = new Map()));
    // Same key: the entry keeps its place (as in `rows`) and points at the row now stored.
    filed.set(pk, row);
  }
}

const byId = (row: { id: Id }) => String(row.id);

/* Every id is above 2^32 so 32-bit handling bugs in the app show up against the sandbox, not in production. */
const SEQUENCE_STARTS = {
  companies: 4_300_000_000,
  projects: 4_400_000_000,
  users: 5_000_000_000,
  vendors: 5_100_000_000,
  locations: 5_200_000_000,
  roles: 5_300_000_000,
  project_roles: 5_400_000_000,
  permission_templates: 5_500_000_000,
  tasks: 5_600_000_000,
  hooks: 5_700_000_000,
  triggers: 5_800_000_000,
  deliveries: 5_900_000_000,
  events: 6_000_000_000,
  queue: 0,
};
export type Sequence = keyof typeof SEQUENCE_STARTS;

export const key2 = (a: Id, b: Id) => `${a}:${b}`;

/* Index keys (see Table): emails and tier names compare case-insensitively, as the rest modules compare them. */
export const emailKey = (companyId: Id, email: string) => `${companyId}:${email.toLowerCase()}`;
export const originKey = (companyId: Id, originId: string) => `${companyId}:${originId}`;
export const siblingKey = (projectId: Id, parentId: Id | null, nodeName: string) => `${projectId}:${parentId ?? ""}:${nodeName.toLowerCase()}`;

function createTables(w: () => void) {
  return {
    companies: new Table<Company>(byId, {}, w),
    projects: new Table<Project>(byId, {}, w),
    people: new Table<Person>(byId, {}, w),
    companyUsers: new Table<CompanyUser>((u) => key2(u.company_id, u.id), {
      company: { key: (u) => String(u.company_id), stable: true },
      email: (u) => emailKey(u.company_id, u.email_address),
      origin: (u) => (u.origin_id === null ? null : originKey(u.company_id, u.origin_id)),
    }, w),
    projectUsers: new Table<ProjectUser>((u) => key2(u.project_id, u.user_id), {
      project: { key: (u) => String(u.project_id), stable: true },
      user: { key: (u) => String(u.user_id), stable: true },
    }, w),
    vendors: new Table<Vendor>(byId, {
      company: { key: (v) => String(v.company_id), stable: true },
      origin: (v) => (v.origin_id === null ? null : originKey(v.company_id, v.origin_id)),
    }, w),
    projectVendors: new Table<ProjectVendor>((v) => key2(v.project_id, v.vendor_id), {
      project: { key: (v) => String(v.project_id), stable: true },
      vendor: { key: (v) => String(v.vendor_id), stable: true },
    }, w),
    locations: new Table<Location>(byId, {
      project: { key: (l) => String(l.project_id), stable: true },
      sibling: (l) => siblingKey(l.project_id, l.parent_id, l.node_name),
    }, w),
    roles: new Table<Role>(byId, {}, w),
    projectRoles: new Table<ProjectRole>(byId, { project: { key: (r) => String(r.project_id), stable: true } }, w),
    permissionTemplates: new Table<PermissionTemplate>(byId, {}, w),
    tasks: new Table<Task>(byId, {}, w),
    hooks: new Table<Hook>(byId, {}, w),
    triggers: new Table<Trigger>(byId, {}, w),
    deliveries: new Table<Delivery>(byId, {}, w),
    webhookQueue: new Table<QueuedEvent>((q) => String(q.seq), {}, w),
    installations: new Table<Installation>((i) => `${i.company_id}:${i.app}`, {}, w),
    tokens: new Table<Token>((t) => t.access_token, {}, w),
    authCodes: new Table<AuthCode>((c) => c.code, {}, w),
    sessions: new Table<Session>((s) => s.id, {}, w),
  };
}
type Tables = ReturnType<typeof createTables>;
export type TableName = keyof Tables;

export interface Snapshot {
  version: 1;
  sequences: Record<Sequence, number>;
  tables: { [K in TableName]: ReturnType<Tables[K]["values"]> };
}

export type ChangeListener = (change: Change, actor: Actor) => void;

/** How many list results a store keeps for the pages that follow (a client pages through one list at a time). */
const CACHED_LISTS = 16;

export class Store {
  /** Bumped by every write to any table and every change reported: list results are reused only within a version. */
  private version = 0;
  private readonly lists = new Map<string, { version: number; items: unknown[] }>();
  readonly t: Tables = createTables(() => {
    this.version += 1;
  });
  private sequences: Record<Sequence, number> = { ...SEQUENCE_STARTS };
  private readonly emailIndex = new Map<string, Id>();
  private refreshIndex = new Map<string, string>();
  private listener: ChangeListener = () => {};

  nextId(sequence: Sequence): Id {
    this.sequences[sequence] += 1;
    return this.sequences[sequence];
  }

  now(): string {
    return new Date().toISOString();
  }

  onChange(listener: ChangeListener): void {
    this.listener = listener;
  }

  /** Every create/update/delete reports here; the webhook engine turns it into deliveries. */
  changed(change: Change, actor: Actor): void {
    this.version += 1;
    this.listener(change, actor);
  }

  /**
   * The items of a list request (`key`: its path and filters, not its page), built once per data version, so that
   * paging through a 20,000-row list filters it once rather than once per page.
   */
  cachedList<T>(key: string, build: () => T[]): T[] {
    const hit = this.lists.get(key);
    if (hit && hit.version === this.version) return hit.items as T[];
    const items = build();
    this.lists.delete(key);
    this.lists.set(key, { version: this.version, items });
    if (this.lists.size > CACHED_LISTS) this.lists.delete(this.lists.keys().next().value as string);
    return items;
  }

  addPerson(person: Person): Person {
    this.t.people.put(person);
    this.emailIndex.set(person.email.toLowerCase(), person.id);
    return person;
  }

  personByEmail(email: string): Person | undefined {
    const id = this.emailIndex.get(email.toLowerCase());
    return id === undefined ? undefined : this.t.people.get(id);
  }

  putToken(token: Token): void {
    this.t.tokens.put(token);
    if (token.refresh_token) this.refreshIndex.set(token.refresh_token, token.access_token);
  }

  tokenByRefresh(refreshToken: string): Token | undefined {
    const access = this.refreshIndex.get(refreshToken);
    return access === undefined ? undefined : this.t.tokens.get(access);
  }

  /** Removing the record kills both halves of the pair: neither token is found again. */
  deleteToken(token: Token): void {
    this.t.tokens.delete(token.access_token);
    if (token.refresh_token) this.refreshIndex.delete(token.refresh_token);
  }

  /** Installation is per company and app; installing twice keeps the first install date. */
  install(companyId: Id, app: AppKey): void {
    if (!this.isInstalled(companyId, app)) this.t.installations.put({ company_id: companyId, app, installed_at: this.now() });
  }

  uninstall(companyId: Id, app: AppKey): void {
    this.t.installations.delete(`${companyId}:${app}`);
  }

  /** Without `app`: whether either app is installed, which is what API access depends on. */
  isInstalled(companyId: Id, app?: AppKey): boolean {
    return (app ? [app] : APP_KEYS).some((a) => this.t.installations.get(`${companyId}:${a}`) !== undefined);
  }

  clear(): void {
    for (const table of Object.values(this.t)) table.clear();
    this.lists.clear();
    this.sequences = { ...SEQUENCE_STARTS };
    this.emailIndex.clear();
    this.refreshIndex.clear();
  }

  snapshot(): Snapshot {
    const tables = Object.fromEntries(Object.entries(this.t).map(([name, table]) => [name, table.values()]));
    return { version: 1, sequences: { ...this.sequences }, tables: tables as Snapshot["tables"] };
  }

  restore(snapshot: Snapshot): void {
    this.clear();
    this.sequences = { ...SEQUENCE_STARTS, ...snapshot.sequences };
    for (const name of Object.keys(this.t) as TableName[]) {
      const table = this.t[name] as Table<unknown>;
      for (const row of snapshot.tables[name] ?? []) table.put(row);
    }
    for (const person of this.t.people.values()) this.emailIndex.set(person.email.toLowerCase(), person.id);
    this.refreshIndex = new Map(
      this.t.tokens.values().flatMap((t) => (t.refresh_token ? [[t.refresh_token, t.access_token] as const] : [])),
    );
  }
}
