import { withProject } from "@/lib/project-data/access";
import { createLocation, locationCreateSchema, listLocations } from "@/lib/project-data/locations";

export const GET = withProject({}, ({ project }) => listLocations(project.id));

export const POST = withProject({ body: locationCreateSchema }, ({ project, body }) => createLocation(project.id, body));
