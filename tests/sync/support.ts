import { PrismaPg } from "@prisma/adapter-pg";
import { db } from "@/lib/db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import type { SyncDirection, SyncEntity } from "@/lib/generated/prisma/enums";
import { createProcoreClient, type ProcoreClient } from "@/lib/procore";
import { runSync, type RunSyncOptions } from "@/lib/sync";
import { startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { oauthConfig } from "@/scripts/support/procore-sign-in";
import { connect, demoCompanies } from "../procore-client/sandbox";
import { sharedAccount } from "../support/factories";

/*
 * One Procore sandbox per test file, reset to the demo seed for every test. Each test syncs its own demo project
 * (by index) into its own Smartapp project, so the shared test database never mixes two tests' records and links.
 */

export interface SyncEnv {
  sb: Sandbox;
  /** The demo user's client, scoped to the demo company (for checking what Procore holds). */
  procore: ProcoreClient;
  companyId: string;
  procoreProjectId: string;
  /** The Smartapp project. */
  projectId: string;
  run: (entity: SyncEntity, opts?: Partial<RunSyncOptions>) => ReturnType<typeof runSync>;
  setDirection: (entity: SyncEntity, direction: SyncDirection) => Promise<void>;
  /** Writes (non-GET calls) the app made to the REST API since the last `clearRequests`. */
  writes: () => Promise<{ method: string; path: string }[]>;
  clearRequests: () => Promise<void>;
  /** Adds this many generated records to the Procore project (the sandbox's large seed). */
  seedLarge: (counts: Partial<Record<"users" | "vendors" | "locations", number>>) => Promise<void>;
}

export async function startSyncSandbox(): Promise<{ sb: Sandbox; env: (projectIndex: number) => Promise<SyncEnv> }> {
  const sb = await startSandbox();
  let connections = 0;

  async function env(projectIndex: number): Promise<SyncEnv> {
    await sb.admin("POST", "/__admin/reset", { seed: "demo" });
    const signedIn = await connect(sb);
    const { demo: companyId } = await demoCompanies(sb, signedIn.client);
    const connectionId = `sync-test-${process.pid}-${++connections}`;
    const client = (onRateLimitWait?: (untilMs: number) => void) =>
      createProcoreClient({
        ...oauthConfig({ sandboxUrl: sb.url }),
        apiUrl: sb.url,
        tokenStore: signedIn.store,
        connectionId,
        companyId,
        onRateLimitWait,
      });
    const procore = client();
    const projects = await procore.projects.listAll();
    const procoreProject = projects[projectIndex];
    if (!procoreProject) throw new Error(`The demo company has no project #${projectIndex}`);

    // Other test files may also need the demo company's account.
    const account = await sharedAccount(String(companyId), "Demo Construction Co.");
    const project = await db().project.create({
      data: { accountId: account.id, procoreProjectId: BigInt(procoreProject.id), name: procoreProject.name },
    });
    await sb.admin("DELETE", "/__admin/requests");

    return {
      sb,
      procore,
      companyId,
      procoreProjectId: procoreProject.id,
      projectId: project.id,
      run: (entity, opts = {}) =>
        runSync({ projectId: project.id, entity, trigger: "MANUAL", procore: (hooks) => client(hooks.onRateLimitWait), ...opts }),
      setDirection: async (entity, direction) => {
        await db().syncSetting.upsert({
          where: { projectId_entity: { projectId: project.id, entity } },
          create: { projectId: project.id, entity, direction },
          update: { direction },
        });
      },
      writes: async () =>
        (await sb.requests((r) => r.path.startsWith("/rest/") && r.method !== "GET")).map(({ method, path }) => ({ method, path })),
      clearRequests: async () => {
        await sb.admin("DELETE", "/__admin/requests");
      },
      seedLarge: async (counts) => {
        const target = { companyId: Number(companyId), projectId: Number(procoreProject.id) };
        await sb.admin("POST", "/__admin/seed", { kind: "large", ...target, projects: 0, users: 0, vendors: 0, locations: 0, ...counts });
      },
    };
  }

  return { sb, env };
}

/**
 * Runs `fn` with lib/db's client swapped for one that counts the SQL statements it sends (Prisma query events,
 * BEGIN/COMMIT included), against the same database.
 */
export async function countingQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }> {
  const holder = globalThis as unknown as { smartappPrisma?: PrismaClient };
  const previous = holder.smartappPrisma;
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }),
    log: [{ emit: "event", level: "query" }],
  });
  let queries = 0;
  client.$on("query", () => (queries += 1));
  holder.smartappPrisma = client;
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    holder.smartappPrisma = previous;
    await client.$disconnect();
  }
}
