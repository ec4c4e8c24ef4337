// An in-memory PGlite on PORT for the sync benchmark when no PostgreSQL is available; prints "ready <url>".
import { startEmbeddedPostgres } from "@/lib/db/embedded";

const db = await startEmbeddedPostgres({ port: Number(process.env.PORT) });
console.log(`ready ${db.url}`);
const stop = () => void db.stop().finally(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
