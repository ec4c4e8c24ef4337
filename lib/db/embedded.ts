import { mkdir } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { PGlite } from "@electric-sql/pglite";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S'
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

interface Connection {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
}

interface Job {
  conn: Connection;
  message: Uint8Array;
}

/**
 * Serves one PGlite (a single PostgreSQL session) to many client connections over the PostgreSQL wire
 * protocol. PGlite has one session, so a connection owns it from its first message until PostgreSQL says
 * "ready for query, idle": a whole extended-protocol exchange (Parse … Sync) or transaction runs without
 * another connection's statements in between — otherwise one client's Bind can meet another's Parse.
 * (@electric-sql/pglite-socket switches connections between single messages; it mixed statements up
 * under load, which is why this exists.)
 */
class SessionServer {
  private readonly queue: Job[] = [];
  private owner: Connection | null = null;
  private pumping = false;
  private readonly connections = new Set<Connection>();

  constructor(private readonly db: PGlite) {}

  accept(socket: Socket): void {
    const conn: Connection = { socket, buffer: Buffer.alloc(0), started: false };
    this.connections.add(conn);
    socket.setNoDelay(true);
    socket.on("data", (data) => this.receive(conn, data));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => void this.release(conn));
  }

  private receive(conn: Connection, data: Buffer): void {
    conn.buffer = Buffer.concat([conn.buffer, data]);
    for (;;) {
      if (!conn.started) {
        if (conn.buffer.length < 8) return;
        const length = conn.buffer.readInt32BE(0);
        if (conn.buffer.length < length) return;
        const code = conn.buffer.readInt32BE(4);
        const message = conn.buffer.subarray(0, length);
        conn.buffer = conn.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          conn.socket.write("N"); // no encryption on a loopback socket
          continue;
        }
        if (code === CANCEL_REQUEST) {
          conn.socket.end();
          return;
        }
        conn.started = true;
        this.enqueue(conn, message);
        continue;
      }
      if (conn.buffer.length < 5) return;
      const length = 1 + conn.buffer.readInt32BE(1);
      if (conn.buffer.length < length) return;
      const message = conn.buffer.subarray(0, length);
      conn.buffer = conn.buffer.subarray(length);
      if (message[0] === TERMINATE) {
        conn.socket.end();
        return;
      }
      this.enqueue(conn, message);
    }
  }

  private enqueue(conn: Connection, message: Uint8Array): void {
    this.queue.push({ conn, message: new Uint8Array(message) });
    void this.pump();
  }

  /** Runs queued messages in arrival order, but only the owner's while a connection owns the session. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.queue.findIndex((job) => this.owner === null || job.conn === this.owner);
        if (index === -1) return;
        const [job] = this.queue.splice(index, 1);
        await this.run(job);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async run({ conn, message }: Job): Promise<void> {
    let tail: Uint8Array = new Uint8Array(0);
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (chunk) => {
            if (chunk.length === 0) return;
            if (!conn.socket.destroyed) conn.socket.write(chunk);
            tail = chunk.length >= 6 ? chunk.subarray(chunk.length - 6) : new Uint8Array([...tail, ...chunk]).slice(-6);
          },
        }),
      );
    } catch {
      conn.socket.destroy();
    }
    const idle = tail.length === 6 && tail[0] === READY_FOR_QUERY && tail[5] === IDLE;
    this.owner = idle || conn.socket.destroyed ? null : conn;
  }

  /** A connection that goes away mid-exchange or mid-transaction must not leave the session in it. */
  private async release(conn: Connection): Promise<void> {
    this.connections.delete(conn);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].conn === conn) this.queue.splice(i, 1);
    if (this.owner === conn) {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => undefined })).catch(() => undefined);
      if (this.db.isInTransaction()) await this.db.exec("ROLLBACK").catch(() => undefined);
      this.owner = null;
    }
    void this.pump();
  }

  closeAll(): void {
    for (const conn of this.connections) conn.socket.destroy();
  }
}

/**
 * PostgreSQL in-process (PGlite), served on a loopback socket so Prisma, pg-boss and the Prisma CLI use
 * ordinary connections. `dataDir` undefined → in memory (tests).
 */
export async function startEmbeddedPostgres(opts: { dataDir?: string; port: number }): Promise<EmbeddedPostgres> {
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir);
  const session = new SessionServer(db);
  const server = createServer((socket) => session.accept(socket));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port, "127.0.0.1", () => resolve());
    });
  } catch (err) {
    await db.close();
    throw new Error(
      `cannot serve the embedded database on 127.0.0.1:${opts.port} (${(err as Error).message}); ` +
        "is another instance running? Set EMBEDDED_DB_PORT or DATABASE_URL",
    );
  }
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${opts.port}/postgres`,
    async stop() {
      session.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
