import { withProject } from "@/lib/project-data/access";
import { createCompany, companyCreateSchema, listCompanies } from "@/lib/project-data/companies";

export const GET = withProject({}, ({ project }) => listCompanies(project.id));

export const POST = withProject({ body: companyCreateSchema }, ({ project, body }) => createCompany(project.id, body));
