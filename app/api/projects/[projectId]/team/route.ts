import { withProject } from "@/lib/project-data/access";
import { createMember, memberCreateSchema, listMembers } from "@/lib/project-data/team";

export const GET = withProject({}, ({ project }) => listMembers(project.id));

export const POST = withProject({ body: memberCreateSchema }, ({ project, body }) => createMember(project.id, body));
