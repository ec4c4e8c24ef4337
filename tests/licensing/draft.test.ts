import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { errorResponse } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import { getDraft, saveDraft } from "@/lib/licensing/draft";
import { listProcoreProjects, refreshProcoreProjects, type ProcoreProjectRecord } from "@/lib/licensing/projects";
import { emptySelection, type Selection } from "@/lib/licensing/rules";
import { createAccount, createUser, procoreId } from "../support/factories";

const sel = (procoreProjectId: string, options: Partial<Omit<Selection, "procoreProjectId">> = {}): Selection => ({
  ...emptySelection(procoreProjectId),
  ...options,
});

/** What the route would answer for a failed save: status and JSON body, through the real error mapping. */
async function failedSave(accountId: string, userId: string, input: unknown) {
  const err = await saveDraft(accountId, userId, input).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "expected the save to be refused").not.toBeNull();
  const res = errorResponse(err);
  return { status: res.status, body: (await res.json()) as { error: string; fields?: Record<string, string[]>; code?: string } };
}

async function cacheProjects(accountId: string, projects: { name: string; active?: boolean }[]) {
  const rows = projects.map((p) => ({ accountId, procoreProjectId: procoreId(), name: p.name, active: p.active ?? true }));
  await db().procoreProjectCache.createMany({ data: rows });
  return rows.map((r) => r.procoreProjectId.toString());
}

async function license(accountId: string, procoreProjectId: string, name: string, licences: { module: "PLANNER" | "SAFETY"; addOn?: boolean; status?: "ACTIVE" | "PAYMENT_PENDING" | "CANCELED" }[]) {
  const project = await db().project.create({ data: { accountId, procoreProjectId: BigInt(procoreProjectId), name } });
  for (const l of licences) await db().licence.create({ data: { projectId: project.id, module: l.module, addOn: l.addOn ?? false, status: l.status ?? "ACTIVE" } });
  return project;
}

describe("selection drafts", () => {
  let accountId: string;
  let userId: string;
  let tower: string, hospital: string, depot: string, bridge: string, reopened: string, otherCompanys: string;
  const baseline = () => [sel(tower, { planner: true, plannerBoard: true })];

  beforeAll(async () => {
    const account = await createAccount("Draft Co.");
    accountId = account.id;
    userId = (await createUser()).id;
    [tower, hospital, depot, bridge, reopened] = await cacheProjects(accountId, [
      { name: "Tower A" },
      { name: "Hospital Wing" },
      { name: "Old Depot", active: false },
      { name: "Bridge 7" },
      { name: "Reopened School" },
    ]);
    await license(accountId, bridge, "Bridge 7", [{ module: "PLANNER", addOn: true }]);
    // A cancelled licence is history: the project can be licensed again.
    await license(accountId, reopened, "Reopened School", [{ module: "SAFETY", status: "CANCELED" }]);
    const other = await createAccount("Other Co.");
    [otherCompanys] = await cacheProjects(other.id, [{ name: "Someone Else's Tower" }]);
  });

  it("starts blank and monthly", async () => {
    expect(await getDraft(accountId, (await createUser()).id)).toEqual({ selections: [], interval: "MONTH" });
  });

  it("saves a valid selection and reads it back; the interval is kept unless given", async () => {
    const selections = [sel(tower, { planner: true, plannerBoard: true }), sel(hospital, { safety: true, safetyBadge: true }), sel(reopened, { safety: true })];
    expect(await saveDraft(accountId, userId, { selections, interval: "YEAR" })).toEqual({ selections, interval: "YEAR" });
    expect(await getDraft(accountId, userId)).toEqual({ selections, interval: "YEAR" });
    expect(await saveDraft(accountId, userId, { selections: baseline() })).toEqual({ selections: baseline(), interval: "YEAR" });
    expect(await db().selectionDraft.count({ where: { accountId, userId, status: "OPEN" } })).toBe(1);
  });

  it("an empty selection is a valid draft", async () => {
    const user = (await createUser()).id;
    expect(await saveDraft(accountId, user, { selections: [] })).toEqual({ selections: [], interval: "MONTH" });
  });

  const refused: [string, () => Selection[], RegExp][] = [
    ["an add-on without its module", () => [sel(tower, { safety: true, plannerBoard: true })], /Tower A: Planner Board needs Planner/],
    ["a Safety Badge without Safety", () => [sel(hospital, { planner: true, safetyBadge: true })], /Hospital Wing: Safety Badge needs Safety/],
    ["a selected project with no module", () => [sel(tower, { planner: true }), sel(hospital)], /Hospital Wing needs Planner or Safety/],
    ["a project that is already licensed", () => [sel(bridge, { safety: true })], /Bridge 7 is already licensed.*Manage Subscriptions/],
    ["another company's Procore project", () => [sel(otherCompanys, { planner: true })], /Procore project \d+ is not one of this company's/],
    ["an inactive Procore project", () => [sel(depot, { planner: true })], /Old Depot is inactive in Procore/],
    ["an unknown Procore project", () => [sel("123", { planner: true })], /Procore project 123 is not one of this company's/],
    ["the same project twice", () => [sel(tower, { planner: true }), sel(tower, { safety: true })], /Tower A is selected more than once/],
  ];

  it.each(refused)("refuses %s with a 422 naming the project, and saves nothing", async (_, selections, message) => {
    await saveDraft(accountId, userId, { selections: baseline(), interval: "MONTH" });
    const { status, body } = await failedSave(accountId, userId, { selections: [sel(reopened, { safety: true }), ...selections()], interval: "YEAR" });
    expect(status).toBe(422);
    expect(body.code).toBe("invalid_selection");
    expect(body.error).toMatch(message);
    expect(Object.keys(body.fields ?? {}).every((k) => /^selections\.\d+$/.test(k))).toBe(true);
    expect(await getDraft(accountId, userId)).toEqual({ selections: baseline(), interval: "MONTH" });
  });

  it("names another company's project by its id only: its name is not ours to show", async () => {
    const { body } = await failedSave(accountId, userId, { selections: [sel(otherCompanys, { planner: true })] });
    expect(body.error).toContain(`Procore project ${otherCompanys}`);
    expect(body.error).not.toContain("Someone Else");
  });

  it("lists the first problems in the message and all of them in the fields", async () => {
    const { body } = await failedSave(accountId, userId, { selections: [sel(tower), sel(hospital), sel(reopened), sel(depot, { planner: true })] });
    expect(body.error).toMatch(/Tower A.*Hospital Wing.*Reopened School.*\(and 1 more\)/);
    expect(Object.keys(body.fields ?? {})).toEqual(["selections.0", "selections.1", "selections.2", "selections.3"]);
  });

  const malformed: [string, unknown][] = [
    ["no body", undefined],
    ["selections missing", { interval: "MONTH" }],
    ["selections not a list", { selections: "all of them" }],
    ["a module that is not a boolean", { selections: [{ ...sel("1"), planner: "yes" }] }],
    ["a row missing a field", { selections: [{ procoreProjectId: "1", planner: true }] }],
    ["a numeric project id", { selections: [{ ...sel("1"), procoreProjectId: 1 }] }],
    ["a project id that is not a number", { selections: [sel("12; DROP TABLE")] }],
    ["a project id beyond 64 bits", { selections: [sel("9999999999999999999")] }],
    ["an unknown interval", { selections: [], interval: "WEEK" }],
    ["more than 10,000 rows", { selections: Array.from({ length: 10_001 }, (_, i) => sel(String(i + 1))) }],
  ];

  it.each(malformed)("answers 400 to a malformed body (%s), and saves nothing", async (_, input) => {
    await saveDraft(accountId, userId, { selections: baseline(), interval: "MONTH" });
    const err = await saveDraft(accountId, userId, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(z.ZodError);
    expect(errorResponse(err).status).toBe(400);
    expect(await getDraft(accountId, userId)).toEqual({ selections: baseline(), interval: "MONTH" });
  });

  it("keeps one draft per person and account: two people have their own", async () => {
    const other = (await createUser()).id;
    await saveDraft(accountId, userId, { selections: baseline() });
    await saveDraft(accountId, other, { selections: [sel(hospital, { safety: true })] });
    expect((await getDraft(accountId, userId)).selections).toEqual(baseline());
    expect((await getDraft(accountId, other)).selections).toEqual([sel(hospital, { safety: true })]);
  });

  it("concurrent saves of one person still leave exactly one open draft", async () => {
    const user = (await createUser()).id;
    const variants = [sel(tower, { planner: true }), sel(tower, { safety: true }), sel(hospital, { planner: true }), sel(hospital, { safety: true })];
    await Promise.all(variants.map((v) => saveDraft(accountId, user, { selections: [v] })));
    expect(await db().selectionDraft.count({ where: { accountId, userId: user, status: "OPEN" } })).toBe(1);
    expect(variants).toContainEqual((await getDraft(accountId, user)).selections[0]);
  });

  it("a draft that went to checkout is not the open one: the next save starts a new draft", async () => {
    const user = (await createUser()).id;
    await saveDraft(accountId, user, { selections: baseline() });
    await db().selectionDraft.updateMany({ where: { accountId, userId: user, status: "OPEN" }, data: { status: "CHECKOUT" } });
    expect(await getDraft(accountId, user)).toEqual({ selections: [], interval: "MONTH" });
    await saveDraft(accountId, user, { selections: [sel(hospital, { safety: true })] });
    expect(await db().selectionDraft.count({ where: { accountId, userId: user } })).toBe(2);
  });

  it("refuses with HttpError, not a generic error, so every route maps it the same way", async () => {
    await expect(saveDraft(accountId, userId, { selections: [sel(tower)] })).rejects.toBeInstanceOf(HttpError);
  });
});

describe("Procore project listing", () => {
  it("lists the cache by name with each project's live licence", async () => {
    const account = await createAccount("Listing Co.");
    const [zeta, alpha, both, canceled] = await cacheProjects(account.id, [
      { name: "Zeta Yard" },
      { name: "Alpha Tower" },
      { name: "Both Modules" },
      { name: "Canceled Only" },
    ]);
    const bothProject = await license(account.id, both, "Both Modules", [
      { module: "PLANNER" },
      { module: "SAFETY", addOn: true, status: "PAYMENT_PENDING" },
    ]);
    await license(account.id, canceled, "Canceled Only", [{ module: "PLANNER", addOn: true, status: "CANCELED" }]);

    const { projects, fetchedAt } = await listProcoreProjects(account.id);
    expect(fetchedAt).toBeInstanceOf(Date);
    expect(projects).toEqual([
      { procoreProjectId: alpha, name: "Alpha Tower", active: true, licence: null },
      {
        procoreProjectId: both,
        name: "Both Modules",
        active: true,
        licence: { projectId: bothProject.id, planner: true, safety: true, plannerBoard: false, safetyBadge: true },
      },
      { procoreProjectId: canceled, name: "Canceled Only", active: true, licence: null },
      { procoreProjectId: zeta, name: "Zeta Yard", active: true, licence: null },
    ]);
  });

  it("an account never refreshed has no projects and no fetch time", async () => {
    const account = await createAccount("Fresh Co.");
    expect(await listProcoreProjects(account.id)).toEqual({ projects: [], fetchedAt: null });
  });
});

describe("refreshing from Procore", () => {
  const records = (n: number, prefix = "Project"): ProcoreProjectRecord[] =>
    Array.from({ length: n }, (_, i) => ({ id: String(5_000_000_000 + i), name: `${prefix} ${String(i).padStart(5, "0")}`, active: i % 10 !== 0 }));

  it("replaces the account's cache and leaves other accounts alone", async () => {
    const account = await createAccount("Refresh Co.");
    const other = await createAccount("Bystander Co.");
    await cacheProjects(account.id, [{ name: "Gone From Procore" }]);
    const [kept] = await cacheProjects(other.id, [{ name: "Not Touched" }]);

    async function* pages() {
      yield { id: "7000000001", name: "Second", active: true };
      yield { id: "7000000000", name: "First", active: false };
      // A project that moved between pages while we read: the later read wins.
      yield { id: "7000000001", name: "Second (renamed)", active: true };
    }
    const { count, fetchedAt } = await refreshProcoreProjects(account.id, pages);
    expect(count).toBe(2);
    const listing = await listProcoreProjects(account.id);
    expect(listing.fetchedAt).toEqual(fetchedAt);
    expect(listing.projects.map((p) => [p.procoreProjectId, p.name, p.active])).toEqual([
      ["7000000000", "First", false],
      ["7000000001", "Second (renamed)", true],
    ]);
    expect((await listProcoreProjects(other.id)).projects.map((p) => p.procoreProjectId)).toEqual([kept]);
  });

  it("a Procore failure part-way leaves the previous list intact", async () => {
    const account = await createAccount("Flaky Co.");
    await refreshProcoreProjects(account.id, async () => records(3));
    async function* failing() {
      yield* records(2, "New");
      throw new Error("Procore fell over on page 2");
    }
    await expect(refreshProcoreProjects(account.id, failing)).rejects.toThrow("page 2");
    expect((await listProcoreProjects(account.id)).projects.map((p) => p.name)).toEqual(["Project 00000", "Project 00001", "Project 00002"]);
  });

  it("refuses an id that is not a Procore id before touching the cache", async () => {
    const account = await createAccount("Odd Ids Co.");
    await refreshProcoreProjects(account.id, async () => records(1));
    await expect(refreshProcoreProjects(account.id, async () => [{ id: "abc", name: "Bad", active: true }])).rejects.toThrow("Not a Procore project id");
    expect((await listProcoreProjects(account.id)).projects).toHaveLength(1);
  });

  it("two refreshes of one account at once both succeed and leave one copy of the list", async () => {
    const account = await createAccount("Racing Co.");
    await Promise.all([refreshProcoreProjects(account.id, async () => records(300)), refreshProcoreProjects(account.id, async () => records(300))]);
    expect(await db().procoreProjectCache.count({ where: { accountId: account.id } })).toBe(300);
  });

  it("stores 5,000 projects quickly, and the listing reads them back", async () => {
    const account = await createAccount("Big Co.");
    await refreshProcoreProjects(account.id, async () => records(4_000, "Old"));
    const many = records(5_000);

    const started = performance.now();
    const { count } = await refreshProcoreProjects(account.id, async () => many);
    const refreshMs = performance.now() - started;

    const listStarted = performance.now();
    const { projects } = await listProcoreProjects(account.id);
    const listMs = performance.now() - listStarted;

    console.info(`refreshProcoreProjects: 5,000 projects replaced 4,000 in ${refreshMs.toFixed(0)} ms; listProcoreProjects: ${listMs.toFixed(0)} ms`);
    expect(count).toBe(5_000);
    expect(projects).toHaveLength(5_000);
    expect(projects[0]).toEqual({ procoreProjectId: "5000000000", name: "Project 00000", active: false, licence: null });
    expect(refreshMs).toBeLessThan(10_000);
  });
});
