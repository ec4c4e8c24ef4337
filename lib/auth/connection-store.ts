import { AsyncLocalStorage } from "node:async_hooks";
import { db, type Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import type { TokenSet } from "@/lib/procore/oauth";
import type { TokenStore } from "@/lib/procore/tokens";
import { decryptToken, encryptToken } from "./token-crypto";

type Tx = Prisma.TransactionClient;

/**
 * A user's Procore connection in the database, tokens AES-256-GCM encrypted.
 * The refresh lock is a row lock (SELECT … FOR UPDATE) held in a transaction for the length of the
 * refresh, so web and worker processes never spend one single-use refresh token twice. Reads and
 * writes made inside the lock go through that same transaction (AsyncLocalStorage), which also keeps
 * the embedded database, which runs one transaction at a time, from waiting on itself.
 */
export class DbTokenStore implements TokenStore {
  private readonly inLock = new AsyncLocalStorage<Tx>();

  constructor(
    readonly connectionId: string,
    private readonly key: Buffer = env().tokenEncryptionKey,
  ) {}

  private client(): Tx {
    return this.inLock.getStore() ?? db();
  }

  async load(): Promise<TokenSet> {
    const row = await this.client().procoreConnection.findUniqueOrThrow({ where: { id: this.connectionId } });
    return {
      accessToken: decryptToken(row.accessTokenEncrypted, this.key),
      refreshToken: decryptToken(row.refreshTokenEncrypted, this.key),
      expiresAt: row.expiresAt,
    };
  }

  async save(tokens: TokenSet): Promise<void> {
    await this.client().procoreConnection.update({
      where: { id: this.connectionId },
      data: {
        accessTokenEncrypted: encryptToken(tokens.accessToken, this.key),
        refreshTokenEncrypted: encryptToken(tokens.refreshToken, this.key),
        expiresAt: tokens.expiresAt,
        status: "ACTIVE",
        version: { increment: 1 },
      },
    });
  }

  async markReconnectNeeded(): Promise<void> {
    await this.client().procoreConnection.update({ where: { id: this.connectionId }, data: { status: "RECONNECT_NEEDED" } });
  }

  async withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inLock.getStore()) return fn();
    return db().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "ProcoreConnection" WHERE id = ${this.connectionId} FOR UPDATE`;
        return this.inLock.run(tx, fn);
      },
      // The token endpoint is given 30 s by the client; the lock must outlive that.
      { timeout: 45_000, maxWait: 45_000 },
    );
  }
}

/** Stores the tokens of a fresh sign-in (or reconnect): the connection is active again. */
export async function saveConnection(userId: string, tokens: TokenSet, key: Buffer = env().tokenEncryptionKey): Promise<void> {
  const data = {
    accessTokenEncrypted: encryptToken(tokens.accessToken, key),
    refreshTokenEncrypted: encryptToken(tokens.refreshToken, key),
    expiresAt: tokens.expiresAt,
    status: "ACTIVE" as const,
  };
  await db().procoreConnection.upsert({
    where: { userId },
    create: { userId, ...data },
    update: { ...data, version: { increment: 1 } },
  });
}
