import { withProject } from "@/lib/project-data/access";
import { createRole, roleCreateSchema, listRoles } from "@/lib/project-data/roles";

export const GET = withProject({}, ({ project }) => listRoles(project.id));

export const POST = withProject({ body: roleCreateSchema }, ({ project, body }) => createRole(project.id, body));
