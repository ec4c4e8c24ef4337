import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL in-process (PGlite), served on a loopback socket so Prisma, pg-boss and the Prisma
 * CLI use ordinary connections. `dataDir` undefined → in memory (tests).
 * PGlite runs one query at a time; the socket server queues connections and keeps a transaction's
 * statements together, so several pooled connections are safe.
 */
export async function startEmbeddedPostgres(opts: { dataDir?: string; port: number }): Promise<EmbeddedPostgres> {
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  const pg = await PGlite.create(opts.dataDir);
  const server = new PGLiteSocketServer({ db: pg, port: opts.port, host: "127.0.0.1", maxConnections: 64 });
  try {
    await server.start();
  } catch (err) {
    await pg.close();
    throw new Error(
      `cannot serve the embedded database on 127.0.0.1:${opts.port} (${(err as Error).message}); ` +
        "is another instance running? Set EMBEDDED_DB_PORT or DATABASE_URL",
    );
  }
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${opts.port}/postgres`,
    async stop() {
      await server.stop();
      await pg.close();
    },
  };
}
