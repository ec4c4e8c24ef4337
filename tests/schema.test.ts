import { describe, expect, it } from "vitest";
import { db, isUniqueViolation } from "@/lib/db";
import { createAccount, createProject, createUser, procoreId } from "./support/factories";

async function expectUniqueViolation(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "expected the database to reject a duplicate").not.toBeNull();
  expect(isUniqueViolation(err), String(err)).toBe(true);
}

describe("database rules", () => {
  it("stores Procore ids beyond 32 and 53 bits exactly", async () => {
    const big = 9_007_199_254_740_993n; // 2^53 + 1: not representable as a JS number
    const account = await db().account.create({ data: { name: "Big Ids", procoreCompanyId: big } });
    expect((await db().account.findUniqueOrThrow({ where: { id: account.id } })).procoreCompanyId).toBe(big);
  });

  it("one account per Procore company", async () => {
    const id = procoreId();
    await db().account.create({ data: { name: "A", procoreCompanyId: id } });
    await expectUniqueViolation(db().account.create({ data: { name: "B", procoreCompanyId: id } }));
  });

  it("one Smartapp project per Procore project in an account", async () => {
    const account = await createAccount();
    const project = await createProject(account.id);
    await expectUniqueViolation(
      db().project.create({ data: { accountId: account.id, name: "dup", procoreProjectId: project.procoreProjectId } }),
    );
  });

  it("at most one live licence per project and module; a cancelled one does not count", async () => {
    const account = await createAccount();
    const project = await createProject(account.id);
    const first = await db().licence.create({ data: { projectId: project.id, module: "PLANNER" } });
    await expectUniqueViolation(db().licence.create({ data: { projectId: project.id, module: "PLANNER", status: "PAYMENT_PENDING" } }));
    // Another module is fine.
    await db().licence.create({ data: { projectId: project.id, module: "SAFETY" } });
    // Once cancelled, a new live licence may be granted; cancelled history may repeat.
    await db().licence.update({ where: { id: first.id }, data: { status: "CANCELED", endedAt: new Date() } });
    await db().licence.create({ data: { projectId: project.id, module: "PLANNER" } });
    await db().licence.create({ data: { projectId: project.id, module: "PLANNER", status: "CANCELED" } });
    expect(await db().licence.count({ where: { projectId: project.id, module: "PLANNER", status: { not: "CANCELED" } } })).toBe(1);
  });

  it("two checkouts racing for the same project and module: exactly one wins", async () => {
    const account = await createAccount();
    const project = await createProject(account.id);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => db().licence.create({ data: { projectId: project.id, module: "SAFETY" } })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("one sync link per Procore id and per local record, per project and entity", async () => {
    const account = await createAccount();
    const project = await createProject(account.id);
    const base = { projectId: project.id, entity: "USERS" as const, localHash: "a", procoreHash: "b" };
    await db().syncLink.create({ data: { ...base, localId: "l1", procoreId: 42n } });
    await expectUniqueViolation(db().syncLink.create({ data: { ...base, localId: "l2", procoreId: 42n } }));
    await expectUniqueViolation(db().syncLink.create({ data: { ...base, localId: "l1", procoreId: 43n } }));
    // The same Procore id under another entity or project is a different record.
    await db().syncLink.create({ data: { ...base, entity: "COMPANIES", localId: "l1", procoreId: 42n } });
    const other = await createProject(account.id, "Other");
    await db().syncLink.create({ data: { ...base, projectId: other.id, localId: "l1", procoreId: 42n } });
  });

  it("one sync setting per project and entity, one membership per person and account, one owner per account", async () => {
    const account = await createAccount();
    const project = await createProject(account.id);
    await db().syncSetting.create({ data: { projectId: project.id, entity: "ROLES" } });
    await expectUniqueViolation(db().syncSetting.create({ data: { projectId: project.id, entity: "ROLES" } }));
    const user = await createUser();
    await db().membership.create({ data: { accountId: account.id, userId: user.id, role: "OWNER" } });
    await expectUniqueViolation(db().membership.create({ data: { accountId: account.id, userId: user.id, role: "ADMIN" } }));
    // One owner per account; admins and members are many.
    const [second, third] = [await createUser(), await createUser()];
    await expectUniqueViolation(db().membership.create({ data: { accountId: account.id, userId: second.id, role: "OWNER" } }));
    await db().membership.createMany({ data: [second, third].map((u) => ({ accountId: account.id, userId: u.id, role: "ADMIN" as const })) });
  });

  it("one running sync per project and entity", async () => {
    const account = await createAccount();
    const project = await createProject(account.id);
    const run = { projectId: project.id, entity: "LOCATIONS" as const, trigger: "MANUAL" as const };
    await db().syncRun.create({ data: { ...run, status: "RUNNING" } });
    await expectUniqueViolation(db().syncRun.create({ data: { ...run, status: "WAITING_RATE_LIMIT" } }));
    await db().syncRun.create({ data: { ...run, status: "QUEUED" } });
    await db().syncRun.create({ data: { ...run, status: "SUCCEEDED" } });
  });

  it("one open selection draft per person and account; processed Stripe events are unique", async () => {
    const account = await createAccount();
    const user = await createUser();
    await db().selectionDraft.create({ data: { accountId: account.id, userId: user.id } });
    await expectUniqueViolation(db().selectionDraft.create({ data: { accountId: account.id, userId: user.id } }));
    await db().selectionDraft.create({ data: { accountId: account.id, userId: user.id, status: "COMPLETED" } });
    await db().processedStripeEvent.create({ data: { id: "evt_1", type: "invoice.paid" } });
    await expectUniqueViolation(db().processedStripeEvent.create({ data: { id: "evt_1", type: "invoice.paid" } }));
  });
});
