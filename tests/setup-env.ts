// Runs in every test worker: point lib/db at the run's freshly migrated database.
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.LOG_LEVEL ??= "silent";
