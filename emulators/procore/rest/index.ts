import { Router } from "../http.ts";
import type { RecordType } from "../records.ts";
import { companyRecords, projectRecords, registerCompanies } from "./companies.ts";
import type { ApiRoute } from "./context.ts";
import { locationRecords, registerLocations } from "./locations.ts";
import { permissionTemplateRecords, projectRoleRecords, registerRoles, roleRecords } from "./roles.ts";
import { registerTasks, taskRecords } from "./tasks.ts";
import { projectUserRecords, registerUsers, userRecords } from "./users.ts";
import { projectVendorRecords, registerVendors, vendorRecords } from "./vendors.ts";
import { deliveryRecords, hookRecords, registerWebhooks, triggerRecords } from "./webhooks.ts";

export function createApiRouter(): Router<ApiRoute> {
  const router = new Router<ApiRoute>();
  for (const register of [registerCompanies, registerLocations, registerVendors, registerUsers, registerRoles, registerTasks, registerWebhooks]) {
    register(router);
  }
  return router;
}

/** The record types of `/__admin/records/:type`. */
export const recordTypes: Record<string, RecordType> = {
  companies: companyRecords,
  projects: projectRecords,
  users: userRecords,
  vendors: vendorRecords,
  locations: locationRecords,
  roles: roleRecords,
  project_roles: projectRoleRecords,
  permission_templates: permissionTemplateRecords,
  tasks: taskRecords,
  hooks: hookRecords,
  triggers: triggerRecords,
  deliveries: deliveryRecords,
  project_users: projectUserRecords,
  project_vendors: projectVendorRecords,
};
