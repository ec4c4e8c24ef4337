import { z } from "zod";
import { procoreFor } from "@/lib/auth/procore";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { SyncDirection, SyncFrequency, type SyncEntity } from "@/lib/generated/prisma/enums";
import { log } from "@/lib/log";
import { NotFoundError, type ProcoreClient, type TriggerInput, type WebhookScope } from "@/lib/procore";

/*
 * A project's Procore settings: the "Procore sync" switch and, per entity, a direction and a frequency.
 *
 * Scheduling: one cluster-wide scheduler job (lib/jobs/sync-jobs.ts) runs every few minutes and enqueues the syncs
 * that are due (`dueSyncs`), instead of one pg-boss schedule per project and entity. pg-boss 10 keys a schedule by
 * its queue name, so per-project schedules would need a queue per project and entity, each polled by every worker.
 * Saving therefore only writes the settings: a switched-on entity is due at once (it has no scheduled run yet),
 * then at each slot of its frequency. Switching off stops it and keeps the choices.
 *
 * Webhooks: switching on registers, in the `smartapp` namespace, a project hook (Locations, Project Users and
 * Project Vendors changes) and the company's hook (Company Users and Company Vendors changes, which Procore only
 * sends to company hooks), shared by the company's synced projects and found again by listing. Switching off deletes
 * the project hook, and the company hook once no project of the company syncs.
 */

const SYNC_ENTITIES = ["LOCATIONS", "COMPANIES", "ROLES", "USERS"] as const satisfies readonly SyncEntity[];

const entitySettingSchema = z.object({
  direction: z.enum(SyncDirection, { error: "Choose Procore to Smartapp, Smartapp to Procore or Both" }),
  frequency: z.enum(SyncFrequency, { error: "Choose Hourly, Daily or Weekly" }),
});

export const procoreSettingsSchema = z.object({
  enabled: z.boolean({ error: "Say whether Procore sync is on" }),
  entities: z.object({
    LOCATIONS: entitySettingSchema,
    COMPANIES: entitySettingSchema,
    ROLES: entitySettingSchema,
    USERS: entitySettingSchema,
  }),
});

export type ProcoreSettings = z.output<typeof procoreSettingsSchema>;
type EntitySetting = z.output<typeof entitySettingSchema>;

const DEFAULT_SETTING: EntitySetting = { direction: "BOTH", frequency: "DAILY" };

export async function getProcoreSettings(projectId: string): Promise<ProcoreSettings> {
  const [config, settings] = await Promise.all([
    db().procoreSyncConfig.findUnique({ where: { projectId } }),
    db().syncSetting.findMany({ where: { projectId } }),
  ]);
  const of = (entity: SyncEntity): EntitySetting => {
    const saved = settings.find((s) => s.entity === entity);
    return saved ? { direction: saved.direction, frequency: saved.frequency } : DEFAULT_SETTING;
  };
  return {
    enabled: config?.enabled ?? false,
    entities: { LOCATIONS: of("LOCATIONS"), COMPANIES: of("COMPANIES"), ROLES: of("ROLES"), USERS: of("USERS") },
  };
}

/**
 * Saves the settings; `userId` is the owner or admin saving them, whose Procore connection (re)registers the
 * webhooks. Switching on fails, and saves nothing, when Procore refuses the webhooks. Switching off always succeeds:
 * a webhook Procore would not delete now is logged, kept on record, and its deliveries are ignored.
 */
export async function saveProcoreSettings(projectId: string, userId: string, input: ProcoreSettings): Promise<ProcoreSettings> {
  const project = await db().project.findUniqueOrThrow({ where: { id: projectId }, include: { account: true, syncConfig: true } });
  const hookId = project.syncConfig?.procoreHookId ?? null;
  const wasEnabled = project.syncConfig?.enabled ?? false;
  const procoreProjectId = String(project.procoreProjectId);
  const procore = () => procoreFor(userId, project.account.procoreCompanyId);

  const registeredHookId = input.enabled && hookId === null ? BigInt(await registerWebhooks(await procore(), procoreProjectId)) : hookId;
  await db().$transaction([
    db().procoreSyncConfig.upsert({
      where: { projectId },
      create: { projectId, enabled: input.enabled, procoreHookId: registeredHookId },
      update: { enabled: input.enabled, procoreHookId: registeredHookId },
    }),
    ...SYNC_ENTITIES.map((entity) =>
      db().syncSetting.upsert({
        where: { projectId_entity: { projectId, entity } },
        create: { projectId, entity, ...input.entities[entity] },
        update: input.entities[entity],
      }),
    ),
  ]);

  if (!input.enabled && wasEnabled && hookId !== null) {
    try {
      const companyStillSyncs = await db().procoreSyncConfig.count({
        where: { enabled: true, project: { accountId: project.accountId } },
      });
      await unregisterWebhooks(await procore(), procoreProjectId, String(hookId), companyStillSyncs === 0);
      await db().procoreSyncConfig.update({ where: { projectId }, data: { procoreHookId: null } });
    } catch (err) {
      log.warn({ projectId, hookId: String(hookId), err: err instanceof Error ? err.message : String(err) }, "could not remove Procore webhooks");
    }
  }
  return getProcoreSettings(projectId);
}

// ---------------------------------------------------------------- webhooks

const WEBHOOK_NAMESPACE = "smartapp";

const PROJECT_TRIGGERS: TriggerInput[] = ["Locations", "Project Users", "Project Vendors"].flatMap((resourceName) =>
  (["create", "update", "delete"] as const).map((eventType) => ({ resourceName, eventType })),
);
const COMPANY_TRIGGERS: TriggerInput[] = ["Company Users", "Company Vendors"].flatMap((resourceName) =>
  (["create", "update"] as const).map((eventType) => ({ resourceName, eventType })),
);

function webhookDestination(): string {
  return `${env().appUrl}/api/procore/webhook`;
}

/** Ours: same namespace and destination. Listing first makes registration safe to repeat after a partial failure. */
async function ensureHook(procore: ProcoreClient, scope: WebhookScope, triggers: readonly TriggerInput[]): Promise<string> {
  const destinationUrl = webhookDestination();
  const existing = (await procore.webhooks.hooks.list({ namespace: WEBHOOK_NAMESPACE }, scope)).find((h) => h.destinationUrl === destinationUrl);
  const hook =
    existing ??
    (await procore.webhooks.hooks.create({ namespace: WEBHOOK_NAMESPACE, destinationUrl, authorization: env().procore.webhookSecret }, scope));
  const { failed } = await procore.webhooks.triggers.createBulk(hook.id, triggers, scope);
  if (failed > 0) log.warn({ hookId: hook.id, failed }, "Procore refused some webhook triggers");
  return hook.id;
}

/** Registers the project's hook and the company's; returns the project hook's id. */
async function registerWebhooks(procore: ProcoreClient, procoreProjectId: string): Promise<string> {
  const projectHookId = await ensureHook(procore, { projectId: procoreProjectId }, PROJECT_TRIGGERS);
  await ensureHook(procore, undefined, COMPANY_TRIGGERS);
  return projectHookId;
}

async function deleteHook(procore: ProcoreClient, hookId: string, scope: WebhookScope): Promise<void> {
  try {
    await procore.webhooks.hooks.delete(hookId, scope);
  } catch (err) {
    // Already gone (deleted in Procore): that is what we wanted.
    if (!(err instanceof NotFoundError)) throw err;
  }
}

async function unregisterWebhooks(procore: ProcoreClient, procoreProjectId: string, hookId: string, lastInCompany: boolean): Promise<void> {
  await deleteHook(procore, hookId, { projectId: procoreProjectId });
  if (!lastInCompany) return;
  const destinationUrl = webhookDestination();
  for (const hook of await procore.webhooks.hooks.list({ namespace: WEBHOOK_NAMESPACE })) {
    if (hook.destinationUrl === destinationUrl) await deleteHook(procore, hook.id, undefined);
  }
}

// ---------------------------------------------------------------- scheduling

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Daily and weekly syncs run at 03:00 UTC (weekly: on Mondays), when construction sites are quiet. */
const NIGHTLY_HOUR_UTC = 3;

/**
 * The start of the frequency's current slot: the last time at or before `now` that the cron would fire —
 * hourly `0 * * * *`, daily `0 3 * * *`, weekly `0 3 * * 1` (UTC).
 */
export function slotStart(frequency: SyncFrequency, now: Date): Date {
  const t = now.getTime();
  if (frequency === "HOURLY") return new Date(t - (t % HOUR_MS));
  const midnight = t - (t % DAY_MS);
  let slot = midnight + NIGHTLY_HOUR_UTC * HOUR_MS;
  if (slot > t) slot -= DAY_MS;
  if (frequency === "WEEKLY") {
    const daysSinceMonday = (new Date(slot).getUTCDay() + 6) % 7;
    slot -= daysSinceMonday * DAY_MS;
  }
  return new Date(slot);
}

/**
 * Due when no scheduled run was started in the current slot. A slot missed while no worker ran is caught up on the
 * next tick, and a newly switched-on entity runs at once.
 */
export function isDue(frequency: SyncFrequency, now: Date, lastScheduledAt: Date | null): boolean {
  return lastScheduledAt === null || lastScheduledAt < slotStart(frequency, now);
}

/** Every project and entity whose scheduled sync is due now. */
export async function dueSyncs(now: Date): Promise<{ projectId: string; entity: SyncEntity }[]> {
  const settings = await db().syncSetting.findMany({
    where: { project: { syncConfig: { is: { enabled: true } } } },
    select: { projectId: true, entity: true, frequency: true },
  });
  if (settings.length === 0) return [];
  const latest = await db().syncRun.groupBy({
    by: ["projectId", "entity"],
    // No slot is longer than a week: an older scheduled run makes no difference.
    where: { trigger: "SCHEDULE", createdAt: { gte: new Date(now.getTime() - 8 * DAY_MS) }, project: { syncConfig: { is: { enabled: true } } } },
    _max: { createdAt: true },
  });
  const lastRun = new Map(latest.map((r) => [`${r.projectId}:${r.entity}`, r._max.createdAt]));
  return settings
    .filter((s) => isDue(s.frequency, now, lastRun.get(`${s.projectId}:${s.entity}`) ?? null))
    .map(({ projectId, entity }) => ({ projectId, entity }));
}
