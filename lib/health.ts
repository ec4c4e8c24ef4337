import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { latestHeartbeat } from "@/lib/jobs/heartbeat";

export interface Health {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; kind: "postgres" | "embedded"; error?: string };
  queue: { ok: boolean; lastHeartbeatAt: string | null; error?: string };
  procore: "sandbox" | "live";
  stripe: "sandbox" | "live";
}

// A worker beats every minute; three missed beats means no worker is taking jobs.
const HEARTBEAT_STALE_MS = 3 * 60_000;

export async function checkHealth(): Promise<Health> {
  const config = env();
  // The start script serves the embedded database through DATABASE_URL too, and says so.
  const kind = process.env.SMARTAPP_EMBEDDED_DB === "1" ? "embedded" : "postgres";
  const database: Health["database"] = { ok: false, kind };
  const queue: Health["queue"] = { ok: false, lastHeartbeatAt: null };
  try {
    await db().$queryRaw`SELECT 1`;
    database.ok = true;
  } catch (err) {
    database.error = (err as Error).message.split("\n")[0];
  }
  if (database.ok) {
    try {
      const rows = await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pgboss.queue`;
      const beat = await latestHeartbeat();
      queue.lastHeartbeatAt = beat?.toISOString() ?? null;
      queue.ok = Number(rows[0]?.n ?? 0) > 0 && beat !== null && Date.now() - beat.getTime() < HEARTBEAT_STALE_MS;
      if (!queue.ok) queue.error = beat ? "no worker heartbeat in the last 3 minutes" : "no worker has run a job yet";
    } catch {
      queue.error = "job queue not initialised (no worker has started)";
    }
  }
  return {
    status: !database.ok ? "down" : queue.ok ? "ok" : "degraded",
    database,
    queue,
    procore: config.procore.mode,
    stripe: config.stripe.mode,
  };
}
