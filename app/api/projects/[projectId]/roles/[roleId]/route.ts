import { withProject } from "@/lib/project-data/access";
import { updateRole, roleUpdateSchema } from "@/lib/project-data/roles";

/** Edits, deactivates (`{"active": false}`) or reactivates; nothing is ever deleted. */
export const PATCH = withProject({ body: roleUpdateSchema }, ({ project, params, body }) => updateRole(project.id, params.roleId ?? "", body));
