export { requestFullPull, runSync } from "./engine";
export type {
  EntityAdapter,
  ProcoreClientFactory,
  ProcoreClientHooks,
  RunCounts,
  RunSyncOptions,
  RunSyncResult,
  SyncContext,
} from "./types";
