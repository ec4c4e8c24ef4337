import type { SyncEntity } from "@/lib/generated/prisma/enums";
import type { AnyEntityAdapter, SyncContext } from "../types";
import { companiesAdapter } from "./companies";
import { locationsAdapter } from "./locations";
import { rolesAdapter } from "./roles";
import { usersAdapter } from "./users";

/** One adapter per synced entity; a new entity (e.g. Schedule) is one more line here and one more file. */
const ADAPTERS: Record<SyncEntity, (ctx: SyncContext) => AnyEntityAdapter> = {
  LOCATIONS: locationsAdapter,
  COMPANIES: companiesAdapter,
  ROLES: rolesAdapter,
  USERS: usersAdapter,
};

export function createAdapter(entity: SyncEntity, ctx: SyncContext): AnyEntityAdapter {
  return ADAPTERS[entity](ctx);
}
