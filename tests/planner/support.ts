import { saveConnection } from "@/lib/auth/connection-store";
import { db } from "@/lib/db";
import type { Module } from "@/lib/generated/prisma/enums";
import { startSandbox, type Sandbox } from "@/scripts/support/procore-sandbox";
import { signIn } from "@/scripts/support/procore-sign-in";
import { createUser, sharedAccount } from "../support/factories";

/*
 * The Procore side of the planner tests: a sandbox of its own, which the app reaches as its Procore, and the account of
 * "Third Party Contractors" (demo seed; the app is installed there and no other test file uses it) whose owner has a
 * Procore connection, signed in as the company's admin. Must run before anything reads the environment.
 */

export const THIRD_COMPANY = "4300000003";
/** Third Party Contractors' projects in the demo seed. */
export const THIRD_PROJECTS = ["4400000042", "4400000043", "4400000044"] as const;

export interface SandboxTask {
  id: number;
  project_id: number;
  name: string;
  origin_id: string | null;
  notes: string | null;
  updated_at: string;
}

export async function startPlannerSandbox(): Promise<{ sb: Sandbox; accountId: string; ownerId: string }> {
  const sb = await startSandbox();
  process.env.PROCORE_SANDBOX_PORT = new URL(sb.url).port;
  const account = await sharedAccount(THIRD_COMPANY, "Third Party Contractors");
  const owner = await createUser();
  // An admin: the account is shared with other test files, and it has one owner at most.
  await db().membership.create({ data: { accountId: account.id, userId: owner.id, role: "ADMIN" } });
  await saveConnection(owner.id, await signIn({ sandboxUrl: sb.url, email: "third@third.test" }));
  return { sb, accountId: account.id, ownerId: owner.id };
}

/** The account's Smartapp project for a Procore project, with exactly these live licences. */
export async function licensedProject(accountId: string, procoreProjectId: string, licences: { module: Module; addOn: boolean }[]) {
  const project = await db().project.upsert({
    where: { accountId_procoreProjectId: { accountId, procoreProjectId: BigInt(procoreProjectId) } },
    create: { accountId, procoreProjectId: BigInt(procoreProjectId), name: `Project ${procoreProjectId}` },
    update: {},
  });
  await db().licence.deleteMany({ where: { projectId: project.id } });
  await db().licence.createMany({ data: licences.map((l) => ({ projectId: project.id, ...l })) });
  return project;
}

export const scheduledTasks = (sb: Sandbox, procoreProjectId: string) => sb.admin<SandboxTask[]>("GET", `/__admin/records/tasks?project_id=${procoreProjectId}`);

/** The app's REST calls to the sandbox since the log was last cleared, as "METHOD /path". */
export async function restCalls(sb: Sandbox, writesOnly = true): Promise<string[]> {
  const calls = await sb.requests((r) => r.path.startsWith("/rest/") && (!writesOnly || r.method !== "GET"));
  return calls.map((r) => `${r.method} ${r.path}`);
}
