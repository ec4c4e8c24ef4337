import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type { Prisma } from "@/lib/generated/prisma/client";

// Created on first use, so `next build` needs no DATABASE_URL. The start script always sets it:
// to the configured PostgreSQL, or to the embedded PGlite it serves (lib/db/embedded.ts).
function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides one");
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }) });
}

const holder = globalThis as unknown as { smartappPrisma?: PrismaClient };

export function db(): PrismaClient {
  holder.smartappPrisma ??= createClient();
  return holder.smartappPrisma;
}

/** True when Prisma reports a unique-constraint violation (P2002). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}
