-- A Procore deletion (seen through its webhook event) asks the next sync run of the entity to pull in full.
ALTER TABLE "SyncSetting" ADD COLUMN "fullRequestedAt" TIMESTAMP(3);
