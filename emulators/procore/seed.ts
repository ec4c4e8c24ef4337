import type { LargeSeedCounts } from "./config.ts";
import { fail } from "./http.ts";
import { buildProject } from "./rest/companies.ts";
import { buildLocation } from "./rest/locations.ts";
import { buildCompanyUser } from "./rest/users.ts";
import { buildVendor } from "./rest/vendors.ts";
import { type Company, type CompanyUser, type Id, type PermissionTemplate, type Project, type Store, type Vendor } from "./store.ts";

/*
 * Deterministic data: the same ids on every run (ids come from the store's sequences, which start above 2^32).
 * Seeding writes the tables directly: it is the state Procore starts in, not a change, so it fires no webhooks.
 */

const SEED_TIME = "2026-01-05T08:00:00.000Z";
const seeded = { created_at: SEED_TIME, updated_at: SEED_TIME };
const DEMO_PASSWORD = "demo";

const ROLE_NAMES = ["Architect", "Project Manager", "Superintendent", "Foreman", "Project Engineer", "Safety Manager"];
const TEMPLATE_NAMES: [string, PermissionTemplate["category"]][] = [
  ["Project Manager", "internal"],
  ["Superintendent", "internal"],
  ["Architect", "external"],
  ["Subcontractor", "external"],
  ["Read Only", "external"],
];

const DEMO_ACTIVE_PROJECTS = [
  "Riverside Medical Office Building",
  "Harbor View Apartments",
  "Oakridge Elementary School Expansion",
  "Downtown Transit Center",
  "Maple Street Parking Garage",
  "Northgate Shopping Plaza Renovation",
  "Cedar Park Fire Station No. 7",
  "Lakeshore Condominiums Phase II",
  "Summit Tech Campus Building C",
  "Westfield Public Library",
  "Pine Valley Water Treatment Plant",
  "Granite Tower Office Fit-Out",
  "Bayfront Hotel & Conference Center",
  "Eastside Community Health Clinic",
  "Willow Creek Senior Living",
  "Metro Line 4 Station Upgrades",
  "Highland Distribution Warehouse",
  "St. Mark's Hospital East Wing",
  "Copper Ridge Data Center",
  "Union Square Mixed-Use Development",
  "Brookside Middle School Gymnasium",
  "Airport Terminal B Concourse",
  "Greenway Pedestrian Bridge",
  "Sunset Boulevard Retail Center",
  "Ironworks Loft Conversion",
  "County Courthouse Annex",
  "Meadowbrook Townhomes",
  "Central Police Headquarters",
  "University Science Hall",
  "Port Authority Cold Storage",
  "Hillcrest Church Renovation",
  "Riverfront Park Pavilion",
  "Canyon Road Bridge Replacement",
];
const DEMO_INACTIVE_PROJECTS = ["Old Mill Demolition", "Warehouse 12 Roof Replacement", "Legacy Bank Branch Remodel"];

const CITIES: [string, string, string][] = [
  ["Sacramento", "CA", "95814"],
  ["Portland", "OR", "97204"],
  ["Seattle", "WA", "98101"],
  ["Denver", "CO", "80202"],
  ["Austin", "TX", "78701"],
  ["Phoenix", "AZ", "85004"],
];

interface CompanySeed {
  name: string;
  prefix: string;
  domain: string;
  admin: { email: string; name: [string, string] };
  active: string[];
  inactive: string[];
  people: [first: string, last: string, title: string][];
  vendors: [name: string, trade: string][];
}

const COMPANIES: CompanySeed[] = [
  {
    name: "Demo Construction Co.",
    prefix: "DC",
    domain: "demo.test",
    admin: { email: "admin@demo.test", name: ["Alex", "Admin"] },
    active: DEMO_ACTIVE_PROJECTS,
    inactive: DEMO_INACTIVE_PROJECTS,
    people: [
      ["Maria", "Lopez", "Project Manager"],
      ["James", "Carter", "Superintendent"],
      ["Aisha", "Khan", "Project Engineer"],
      ["Tom", "Becker", "Foreman"],
      ["Li", "Wei", "Architect"],
      ["Sofia", "Rossi", "Safety Manager"],
      ["Daniel", "Okafor", "Foreman"],
      ["Emma", "Johansson", "Project Coordinator"],
      ["Carlos", "Mendes", "Superintendent"],
      ["Hannah", "Schmidt", "Estimator"],
      ["Noah", "Williams", "Foreman"],
      ["Priya", "Patel", "Architect"],
    ],
    vendors: [
      ["Acme Concrete Inc.", "Concrete"],
      ["Brightline Electrical LLC", "Electrical"],
      ["Summit Steel Erectors", "Structural Steel"],
      ["BlueWave Plumbing Co.", "Plumbing"],
      ["Evergreen Landscaping", "Landscaping"],
      ["Precision HVAC Services", "HVAC"],
      ["Keystone Drywall & Framing", "Drywall"],
      ["Pioneer Glass & Glazing", "Glazing"],
    ],
  },
  {
    name: "Second Builders Inc.",
    prefix: "SB",
    domain: "second.test",
    admin: { email: "admin@demo.test", name: ["Alex", "Admin"] },
    active: ["Second Street Duplexes", "Lincoln High Stadium", "Bay Area Storage Facility", "Elm Grove Dental Office", "Marina Boardwalk Repairs"],
    inactive: [],
    people: [
      ["Grace", "Kim", "Project Manager"],
      ["Victor", "Nguyen", "Superintendent"],
      ["Olivia", "Brown", "Foreman"],
    ],
    vendors: [
      ["Redwood Framing Co.", "Framing"],
      ["Coastal Roofing", "Roofing"],
      ["Metro Paving", "Paving"],
    ],
  },
  {
    name: "Third Party Contractors",
    prefix: "TP",
    domain: "third.test",
    admin: { email: "third@third.test", name: ["Terry", "Third"] },
    active: ["Third Avenue Office Tower", "Lakeside Warehouse Retrofit", "Northside Clinic"],
    inactive: [],
    people: [
      ["Sam", "Rivera", "Project Manager"],
      ["Jordan", "Lee", "Foreman"],
    ],
    vendors: [
      ["Allied Electric", "Electrical"],
      ["Granite Masonry", "Masonry"],
    ],
  },
];

/** A small location tree per project: buildings, levels, rooms, plus the site. */
const LOCATION_TREE: [string, string[]][] = [
  ["Building A", ["Level 1", "Level 2"]],
  ["Site", ["Laydown Yard", "Parking Lot"]],
];
const LEVEL_ROOMS = ["Lobby", "Room 101", "Room 102"];

/** A subcontractor's user in Demo's directory (not an employee) who can sign in: Smartapp makes such people members. */
const SUBCONTRACTOR_LOGIN = "james.carter@demo.test";

function person(store: Store, email: string, first: string, last: string, password: string | null): Id {
  const existing = store.personByEmail(email);
  if (existing) return existing.id;
  return store.addPerson({ id: store.nextId("users"), email, name: `${first} ${last}`, password }).id;
}

function directoryEntry(store: Store, companyId: Id, userId: Id, attrs: Partial<CompanyUser> & { last_name: string; email_address: string }): CompanyUser {
  return store.t.companyUsers.put(buildCompanyUser(userId, companyId, attrs, seeded));
}

function seedLocations(store: Store, project: Project): void {
  for (const [building, children] of LOCATION_TREE) {
    const root = store.t.locations.put(buildLocation(store.nextId("locations"), project.id, building, null, seeded));
    for (const child of children) {
      const mid = store.t.locations.put(buildLocation(store.nextId("locations"), project.id, child, root.id, seeded));
      if (child !== "Level 1") continue;
      for (const room of LEVEL_ROOMS) store.t.locations.put(buildLocation(store.nextId("locations"), project.id, room, mid.id, seeded));
    }
  }
}

function seedCompany(store: Store, seed: CompanySeed, citiesOffset: number): Company {
  const company = store.t.companies.put({ id: store.nextId("companies"), name: seed.name, is_active: true, ...seeded });
  for (const name of ROLE_NAMES) store.t.roles.put({ id: store.nextId("roles"), company_id: company.id, name, ...seeded });
  const templates = TEMPLATE_NAMES.map(([name, category]) =>
    store.t.permissionTemplates.put({
      id: store.nextId("permission_templates"),
      company_id: company.id,
      project_id: null,
      name,
      type: "project_tools",
      category,
      ...seeded,
    }),
  );
  const vendors: Vendor[] = seed.vendors.map(([name, trade]) =>
    store.t.vendors.put(
      buildVendor(store.nextId("vendors"), company.id, {
        name,
        trade_name: trade,
        email_address: `office@${name.toLowerCase().replace(/[^a-z]+/g, "")}.test`,
        business_phone: "555-0100",
        country_code: "US",
      }, seeded),
    ),
  );

  const [adminFirst, adminLast] = seed.admin.name;
  const adminId = person(store, seed.admin.email, adminFirst, adminLast, DEMO_PASSWORD);
  directoryEntry(store, company.id, adminId, {
    first_name: adminFirst,
    last_name: adminLast,
    email_address: seed.admin.email,
    job_title: "Company Administrator",
    is_employee: true,
    is_company_admin: true,
    permission_template_id: templates[0]!.id,
  });
  const team = seed.people.map(([first, last, title], i) => {
    const email = `${first}.${last}@${seed.domain}`.toLowerCase();
    const id = person(store, email, first, last, email === SUBCONTRACTOR_LOGIN ? DEMO_PASSWORD : null);
    const employee = i % 2 === 0;
    return directoryEntry(store, company.id, id, {
      first_name: first,
      last_name: last,
      email_address: email,
      job_title: title,
      is_employee: employee,
      vendor_id: employee ? null : vendors[i % vendors.length]!.id,
      permission_template_id: templates[i % templates.length]!.id,
    });
  });

  const names = [...seed.active.map((n) => [n, true] as const), ...seed.inactive.map((n) => [n, false] as const)];
  names.forEach(([name, active], i) => {
    const [city, state, zip] = CITIES[(i + citiesOffset) % CITIES.length]!;
    const project = store.t.projects.put(
      buildProject(store.nextId("projects"), company.id, {
        name,
        project_number: `${seed.prefix}-${1001 + i}`,
        address: `${100 + i * 7} Main Street`,
        city,
        state_code: state,
        zip,
        country_code: "US",
        active,
        stage: active ? "Course of Construction" : "Closeout",
        start_date: `2025-${String((i % 12) + 1).padStart(2, "0")}-01`,
        completion_date: `2027-${String((i % 12) + 1).padStart(2, "0")}-28`,
      }, seeded),
    );
    const members = [0, 3, 6, 9].map((k) => team[(i + k) % team.length]!).filter((u, k, all) => all.indexOf(u) === k);
    for (const [k, member] of [adminId, ...members.map((m) => m.id)].entries()) {
      store.t.projectUsers.put({ project_id: project.id, user_id: member, permission_template_id: templates[k % templates.length]!.id, ...seeded });
    }
    for (const k of [0, 1, 3]) {
      store.t.projectVendors.put({ project_id: project.id, vendor_id: vendors[(i + k) % vendors.length]!.id, ...seeded });
    }
    members.slice(0, 4).forEach((member, k) => {
      store.t.projectRoles.put({
        id: store.nextId("project_roles"),
        project_id: project.id,
        role: ROLE_NAMES[(k + 1) % ROLE_NAMES.length]!,
        user_id: member.id,
        is_active: true,
        ...seeded,
      });
    });
    store.t.permissionTemplates.put({
      id: store.nextId("permission_templates"),
      company_id: company.id,
      project_id: project.id,
      name: "Owner's Representative",
      type: "project_tools",
      category: "external",
      ...seeded,
    });
    seedLocations(store, project);
  });
  return company;
}

/** SPEC §8: Demo + Second (admin@demo.test) and Third (third@third.test); the app starts installed in Third only. */
function seedDemo(store: Store): void {
  // The two sign-in accounts come first so their ids are the easy ones: 5_000_000_001 and 5_000_000_002.
  for (const { admin } of [COMPANIES[0]!, COMPANIES[2]!]) person(store, admin.email, ...admin.name, DEMO_PASSWORD);
  const [, , third] = COMPANIES.map((seed, i) => seedCompany(store, seed, i));
  store.t.installations.put({ company_id: third!.id, app: "planner", installed_at: SEED_TIME });
}

export interface LargeSeedOptions extends LargeSeedCounts {
  companyId?: Id;
  projectId?: Id;
}

export interface LargeSeedResult {
  companyId: Id;
  /** Where users, vendors and locations went (null when the company has no project). */
  projectId: Id | null;
  projectIds: Id[];
}

const PLACES = ["Riverside", "Harbor", "Oakridge", "Summit", "Lakeshore", "Granite", "Willow", "Copper", "Union", "Cedar"];
const BUILDINGS = ["Medical Office", "Apartments", "School", "Warehouse", "Parking Garage", "Retail Center", "Data Center", "Library", "Clinic", "Hotel"];

/** A fresh company for benchmarks, with admin@demo.test as its admin so the demo login reaches it. */
function benchmarkCompany(store: Store, time: typeof seeded): Company {
  const company = store.t.companies.put({ id: store.nextId("companies"), name: "Benchmark Builders LLC", is_active: true, ...time });
  const admin = store.personByEmail("admin@demo.test");
  if (admin) {
    directoryEntry(store, company.id, admin.id, { first_name: "Alex", last_name: "Admin", email_address: admin.email, is_company_admin: true, is_employee: true });
  }
  return company;
}

/**
 * Bulk data for benchmarks. Writes rows straight into the tables (no validation passes, no webhooks) so that
 * 5,000 projects and 20,000 users take well under a second.
 */
export function seedLarge(store: Store, opts: LargeSeedOptions): LargeSeedResult {
  const now = store.now();
  const time = { created_at: now, updated_at: now };
  const company = opts.companyId === undefined ? benchmarkCompany(store, time) : store.t.companies.get(opts.companyId);
  if (!company) throw fail.notFound("Company not found");

  const projectIds: Id[] = [];
  for (let i = 0; i < opts.projects; i++) {
    const id = store.nextId("projects");
    const [city, state, zip] = CITIES[i % CITIES.length]!;
    store.t.projects.put(
      buildProject(id, company.id, {
        name: `${PLACES[i % PLACES.length]} ${BUILDINGS[Math.floor(i / PLACES.length) % BUILDINGS.length]} ${String(i + 1).padStart(5, "0")}`,
        project_number: `BM-${i + 1}`,
        city,
        state_code: state,
        zip,
      }, time),
    );
    projectIds.push(id);
  }

  const target =
    opts.projectId !== undefined
      ? store.t.projects.get(opts.projectId)
      : store.t.projects.filter((p) => p.company_id === company.id).sort((a, b) => a.id - b.id)[0];
  if (opts.projectId !== undefined && target?.company_id !== company.id) throw fail.notFound("Project not found");

  for (let i = 0; i < opts.vendors; i++) {
    const vendor = store.t.vendors.put(buildVendor(store.nextId("vendors"), company.id, { name: `Benchmark Vendor ${String(i + 1).padStart(5, "0")}` }, time));
    if (target) store.t.projectVendors.put({ project_id: target.id, vendor_id: vendor.id, ...time });
  }
  for (let i = 0; i < opts.users; i++) {
    const id = store.nextId("users");
    const email = `bench.user${id}@bench.test`;
    store.addPerson({ id, email, name: `Bench User${i + 1}`, password: null });
    directoryEntry(store, company.id, id, { first_name: "Bench", last_name: `User${i + 1}`, email_address: email });
    if (target) store.t.projectUsers.put({ project_id: target.id, user_id: id, permission_template_id: null, ...time });
  }
  if (target) seedLocationTree(store, target, opts.locations, time);
  return { companyId: company.id, projectId: target?.id ?? null, projectIds };
}

/** `count` locations as buildings of 100 nodes each: the building, 9 levels, and rooms spread over the levels. */
function seedLocationTree(store: Store, project: Project, count: number, time: typeof seeded): void {
  let building: Id = 0;
  const levels: Id[] = [];
  for (let i = 0; i < count; i++) {
    const j = i % 100;
    const b = Math.floor(i / 100) + 1;
    const id = store.nextId("locations");
    if (j === 0) {
      store.t.locations.put(buildLocation(id, project.id, `Bench Building ${b}`, null, time));
      building = id;
      levels.length = 0;
    } else if (j < 10) {
      store.t.locations.put(buildLocation(id, project.id, `Level ${j}`, building, time));
      levels.push(id);
    } else {
      const level = (j - 10) % 9;
      const room = Math.floor((j - 10) / 9) + 1;
      store.t.locations.put(buildLocation(id, project.id, `Room ${level + 1}${String(room).padStart(2, "0")}`, levels[level]!, time));
    }
  }
}

export function applySeed(store: Store, kind: "demo" | "empty" | "large", large: LargeSeedCounts): void {
  if (kind === "empty") return;
  seedDemo(store);
  if (kind === "large") seedLarge(store, large);
}

