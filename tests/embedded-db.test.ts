import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded";
import { freePort } from "@/scripts/support/processes";

// The embedded PGlite serves several pooled connections over one PostgreSQL session: statements of
// different connections must never interleave, even when one of them fails midway.
let embedded: EmbeddedPostgres;
let pool: pg.Pool;

beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ port: await freePort() });
  pool = new pg.Pool({ connectionString: embedded.url, max: 20 });
});
afterAll(async () => {
  await pool.end();
  await embedded.stop();
});

describe("embedded database under concurrency", () => {
  it("keeps concurrent parameterised queries apart, failures included", async () => {
    const tasks = Array.from({ length: 1000 }, async (_, i) => {
      if (i % 7 === 0) {
        await expect(pool.query("SELECT 1 / $1::int AS x", [0])).rejects.toThrow(/division by zero/);
        return;
      }
      if (i % 2 === 0) {
        const { rows } = await pool.query("SELECT $1::int + $2::int AS s", [i, 1]);
        expect(rows[0].s).toBe(i + 1);
      } else {
        const { rows } = await pool.query("SELECT $1::int + $2::int + $3::int AS s", [i, 1, 2]);
        expect(rows[0].s).toBe(i + 3);
      }
    });
    await Promise.all(tasks);
  });

  it("holds other connections while one is inside a transaction", async () => {
    await pool.query("CREATE TABLE IF NOT EXISTS embedded_tx (n int)");
    const a = await pool.connect();
    await a.query("BEGIN");
    await a.query("INSERT INTO embedded_tx VALUES (1)");
    let seen: number | undefined;
    const reader = pool.query("SELECT count(*)::int AS c FROM embedded_tx").then((r) => (seen = r.rows[0].c));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toBeUndefined(); // waits for the transaction
    await a.query("ROLLBACK");
    a.release();
    await reader;
    expect(seen).toBe(0);
  });

  it("rolls back the transaction of a connection that disconnects", async () => {
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    await client.query("BEGIN");
    await client.query("INSERT INTO embedded_tx VALUES (2)");
    await client.end();
    const { rows } = await pool.query("SELECT count(*)::int AS c FROM embedded_tx WHERE n = 2");
    expect(rows[0].c).toBe(0);
  });
});
