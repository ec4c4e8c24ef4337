import { z } from "zod";
import { collect, type ProcoreHttp } from "../http";
import {
  permissionTemplateSchema,
  projectRoleSchema,
  roleSchema,
  wireId,
  type PermissionTemplate,
  type ProcoreId,
  type ProjectRole,
  type Role,
} from "../schemas";
import { companyOf } from "./shared";

/**
 * Role definitions (company), who holds which role on a project team (project roles), and permission templates.
 * The company lists are not paginated in Procore, so they are one request each.
 */
export function rolesResource(http: ProcoreHttp) {
  const company = () => wireId(companyOf(http));
  const listProject = (projectId: ProcoreId): AsyncGenerator<ProjectRole> =>
    http.pages({ path: "/rest/v1.0/project_roles", query: { project_id: String(wireId(projectId)) } }, projectRoleSchema);

  return {
    /** The company's role names (e.g. "Project Manager", "Superintendent"). */
    list: (): Promise<Role[]> => http.request({ method: "GET", path: `/rest/v1.0/companies/${company()}/roles` }, z.array(roleSchema)),
    project: {
      list: listProject,
      listAll: (projectId: ProcoreId): Promise<ProjectRole[]> => collect(listProject(projectId)),
      /** Gives `userId` the role named `role` on the project team. */
      create: (projectId: ProcoreId, input: { role: string; userId: ProcoreId }): Promise<ProjectRole> =>
        http.request(
          {
            method: "POST",
            path: "/rest/v1.0/project_roles",
            body: { project_id: wireId(projectId), project_role: { role: input.role, user_id: wireId(input.userId) } },
          },
          projectRoleSchema,
        ),
      delete: async (projectId: ProcoreId, projectRoleId: ProcoreId): Promise<void> => {
        await http.send({
          method: "DELETE",
          path: `/rest/v1.0/project_roles/${wireId(projectRoleId)}`,
          query: { project_id: String(wireId(projectId)) },
        });
      },
    },
    permissionTemplates: {
      /** Procore lists project-tool templates unless another type is asked for. */
      list: (opts: { type?: "project_tools" | "company_tools" | "global" } = {}): Promise<PermissionTemplate[]> =>
        http.request(
          {
            method: "GET",
            path: `/rest/v1.0/companies/${company()}/permission_templates`,
            query: { "filters[type]": opts.type },
          },
          z.array(permissionTemplateSchema),
        ),
    },
  };
}
