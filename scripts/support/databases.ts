import pg from "pg";

/** Runs the statements in turn on one connection: how the tests and the benchmarks make and drop throwaway databases. */
export async function runSql(url: string, statements: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}
