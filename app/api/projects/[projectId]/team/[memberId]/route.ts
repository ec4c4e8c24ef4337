import { withProject } from "@/lib/project-data/access";
import { updateMember, memberUpdateSchema } from "@/lib/project-data/team";

/** Edits, deactivates (`{"active": false}`) or reactivates; nothing is ever deleted. */
export const PATCH = withProject({ body: memberUpdateSchema }, ({ project, params, body }) => updateMember(project.id, params.memberId ?? "", body));
