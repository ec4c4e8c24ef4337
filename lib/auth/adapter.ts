import type { Adapter, AdapterAccount, AdapterUser } from "next-auth/adapters";
import { db } from "@/lib/db";
import type { User } from "@/lib/generated/prisma/client";

const toAdapterUser = (u: User): AdapterUser => ({ id: u.id, email: u.email, name: u.name, emailVerified: null });

/**
 * next-auth's storage on our schema: people are Users, their Procore identity is the only linked
 * "account" (provider "procore"), and sessions live in the database. Tokens are not stored here:
 * the sign-in event saves them, encrypted, as the user's ProcoreConnection.
 */
export function procoreAdapter(): Adapter {
  return {
    async createUser(user: Omit<AdapterUser, "id">) {
      return toAdapterUser(await db().user.create({ data: { email: user.email.toLowerCase(), name: user.name ?? null } }));
    },
    async getUser(id) {
      const u = await db().user.findUnique({ where: { id } });
      return u && toAdapterUser(u);
    },
    async getUserByEmail(email) {
      const u = await db().user.findUnique({ where: { email: email.toLowerCase() } });
      return u && toAdapterUser(u);
    },
    async getUserByAccount({ provider, providerAccountId }) {
      if (provider !== "procore" || !/^\d+$/.test(providerAccountId)) return null;
      const identity = await db().procoreIdentity.findUnique({ where: { procoreUserId: BigInt(providerAccountId) }, include: { user: true } });
      return identity && toAdapterUser(identity.user);
    },
    async updateUser(user) {
      const u = await db().user.update({
        where: { id: user.id },
        data: { ...(user.email ? { email: user.email.toLowerCase() } : {}), ...(user.name !== undefined ? { name: user.name } : {}) },
      });
      return toAdapterUser(u);
    },
    async linkAccount(account: AdapterAccount) {
      if (account.provider !== "procore") throw new Error(`unexpected provider ${account.provider}`);
      const user = await db().user.findUniqueOrThrow({ where: { id: account.userId } });
      await db().procoreIdentity.create({ data: { userId: account.userId, procoreUserId: BigInt(account.providerAccountId), login: user.email } });
    },
    async createSession(session) {
      return db().session.create({ data: session });
    },
    async getSessionAndUser(sessionToken) {
      const session = await db().session.findUnique({ where: { sessionToken }, include: { user: true } });
      if (!session) return null;
      const { user, ...rest } = session;
      return { session: rest, user: toAdapterUser(user) };
    },
    async updateSession({ sessionToken, ...data }) {
      return db().session.update({ where: { sessionToken }, data });
    },
    async deleteSession(sessionToken) {
      await db().session.deleteMany({ where: { sessionToken } });
    },
  };
}
