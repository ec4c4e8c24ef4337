import { withProject } from "@/lib/project-data/access";
import { updateCompany, companyUpdateSchema } from "@/lib/project-data/companies";

/** Edits, deactivates (`{"active": false}`) or reactivates; nothing is ever deleted. */
export const PATCH = withProject({ body: companyUpdateSchema }, ({ project, params, body }) => updateCompany(project.id, params.companyId ?? "", body));
