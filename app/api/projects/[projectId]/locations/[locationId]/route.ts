import { withProject } from "@/lib/project-data/access";
import { updateLocation, locationUpdateSchema } from "@/lib/project-data/locations";

/** Edits, deactivates (`{"active": false}`) or reactivates; nothing is ever deleted. */
export const PATCH = withProject({ body: locationUpdateSchema }, ({ project, params, body }) => updateLocation(project.id, params.locationId ?? "", body));
