import { db } from "@/lib/db";

/** The heartbeat job: proves a worker took a job from the queue and could write to the database. */
export async function recordHeartbeat(workerId: string, at = new Date()): Promise<void> {
  await db().workerHeartbeat.upsert({
    where: { workerId },
    create: { workerId, beatAt: at, beats: 1 },
    update: { beatAt: at, beats: { increment: 1 } },
  });
}

export async function latestHeartbeat(): Promise<Date | null> {
  const row = await db().workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" } });
  return row?.beatAt ?? null;
}
