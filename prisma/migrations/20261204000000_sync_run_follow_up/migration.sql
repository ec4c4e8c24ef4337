-- A sync trigger (a webhook, the Sync button, the schedule) that arrives while a run of the same project and entity is
-- live is remembered on that run, and a new run starts the moment it ends.
ALTER TABLE "SyncRun" ADD COLUMN "followUp" "SyncTrigger";
