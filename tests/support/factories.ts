import { randomInt } from "node:crypto";
import { db, isUniqueViolation } from "@/lib/db";

/** A Procore-like 64-bit id above 2^32, unique enough within a test run. */
export function procoreId(): bigint {
  return 4_300_000_000n + BigInt(randomInt(1, 2 ** 47));
}

export async function createAccount(name = "Test Co.") {
  return db().account.create({ data: { name, procoreCompanyId: procoreId() } });
}

/**
 * The account of a sandbox company (its fixed demo id), which several test files use at once in one database: created
 * by the first, found by the others. (Prisma's upsert reads, then writes: two files racing get a unique violation.)
 */
export async function sharedAccount(procoreCompanyId: string, name: string) {
  try {
    return await db().account.create({ data: { procoreCompanyId: BigInt(procoreCompanyId), name } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return db().account.findUniqueOrThrow({ where: { procoreCompanyId: BigInt(procoreCompanyId) } });
  }
}

export async function createProject(accountId: string, name = "Test Project") {
  return db().project.create({ data: { accountId, name, procoreProjectId: procoreId() } });
}

export async function createUser(email = `u${randomInt(1, 2 ** 40)}@test.test`) {
  return db().user.create({ data: { email, name: email.split("@")[0] } });
}
