import { db, type Prisma } from "@/lib/db";
import type { LicenceState, MappableProject } from "./rules";

/** A Procore project as the caller read it from Procore (ids are decimal strings, see lib/procore/schemas). */
export type ProcoreProjectRecord = { id: string; name: string; active: boolean };

/** Reads every page of the company's projects; injected so this module and its tests never need Procore. */
export type ProcoreProjectSource = () => AsyncIterable<ProcoreProjectRecord> | Promise<readonly ProcoreProjectRecord[]>;

export type ProcoreProjectListing = {
  projects: MappableProject[];
  /** When the list was last read from Procore; null = never. */
  fetchedAt: Date | null;
};

const LIVE = { status: { not: "CANCELED" } } satisfies Prisma.LicenceWhereInput;

// Big enough to keep round trips few, small enough to stay far below PostgreSQL's 65,535 bind parameters.
const INSERT_CHUNK = 2_000;

/**
 * The account's live licences per Procore project id, folded into modules and add-ons. `procoreProjectIds`
 * narrows the lookup to those projects.
 */
export async function licencesByProcoreProject(accountId: string, procoreProjectIds?: readonly bigint[]): Promise<Map<string, LicenceState>> {
  const projects = await db().project.findMany({
    where: { accountId, licences: { some: LIVE }, ...(procoreProjectIds && { procoreProjectId: { in: [...procoreProjectIds] } }) },
    select: { id: true, procoreProjectId: true, licences: { where: LIVE, select: { module: true, addOn: true } } },
  });
  const byProcoreId = new Map<string, LicenceState>();
  for (const project of projects) {
    const state: LicenceState = { projectId: project.id, planner: false, safety: false, plannerBoard: false, safetyBadge: false };
    for (const licence of project.licences) {
      switch (licence.module) {
        case "PLANNER":
          state.planner = true;
          state.plannerBoard ||= licence.addOn;
          break;
        case "SAFETY":
          state.safety = true;
          state.safetyBadge ||= licence.addOn;
          break;
      }
    }
    byProcoreId.set(project.procoreProjectId.toString(), state);
  }
  return byProcoreId;
}

/** The account's Procore projects from the cache, by name, each with its licence (null when not licensed). */
export async function listProcoreProjects(accountId: string): Promise<ProcoreProjectListing> {
  const [rows, licences] = await Promise.all([
    db().procoreProjectCache.findMany({
      where: { accountId },
      orderBy: [{ name: "asc" }, { procoreProjectId: "asc" }],
      select: { procoreProjectId: true, name: true, active: true, fetchedAt: true },
    }),
    licencesByProcoreProject(accountId),
  ]);
  const projects = rows.map((row): MappableProject => {
    const procoreProjectId = row.procoreProjectId.toString();
    return { procoreProjectId, name: row.name, active: row.active, licence: licences.get(procoreProjectId) ?? null };
  });
  // One refresh writes every row with the same time. A company with no projects reads as "never fetched", so it
  // is simply asked again, which is cheap.
  return { projects, fetchedAt: rows[0]?.fetchedAt ?? null };
}

function toProcoreId(id: string): bigint {
  // Procore ids are 64-bit; anything else would fail in the database with a less helpful message.
  if (!/^\d{1,19}$/.test(id)) throw new Error(`Not a Procore project id: ${JSON.stringify(id)}`);
  return BigInt(id);
}

/**
 * Replaces the account's cached Procore projects with what `fetchAll` returns, all or nothing. Procore is read
 * completely before the transaction starts, so a slow or failing Procore never holds locks or leaves half a list.
 */
export async function refreshProcoreProjects(accountId: string, fetchAll: ProcoreProjectSource): Promise<{ count: number; fetchedAt: Date }> {
  // Keyed by id: a project that moves between pages while we read shows up twice; the later read wins.
  const byId = new Map<bigint, ProcoreProjectRecord>();
  for await (const project of await fetchAll()) byId.set(toProcoreId(project.id), project);

  const fetchedAt = new Date();
  const rows = [...byId].map(([procoreProjectId, p]) => ({ accountId, procoreProjectId, name: p.name, active: p.active, fetchedAt }));
  await db().$transaction(
    async (tx) => {
      // Two refreshes of one account at once would insert the same rows and collide: the account row lock
      // queues them. NO KEY UPDATE still lets other transactions insert rows that reference the account.
      await tx.$queryRaw`SELECT 1 FROM "Account" WHERE "id" = ${accountId} FOR NO KEY UPDATE`;
      await tx.procoreProjectCache.deleteMany({ where: { accountId } });
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx.procoreProjectCache.createMany({ data: rows.slice(i, i + INSERT_CHUNK) });
      }
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  return { count: rows.length, fetchedAt };
}
