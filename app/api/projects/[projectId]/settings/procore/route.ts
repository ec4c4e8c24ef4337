import { withProject } from "@/lib/project-data/access";
import { getProcoreSettings, procoreSettingsSchema, saveProcoreSettings } from "@/lib/sync/settings";

export const GET = withProject({}, ({ project }) => getProcoreSettings(project.id));

export const PUT = withProject({ body: procoreSettingsSchema, settings: true }, ({ project, user, body }) =>
  saveProcoreSettings(project.id, user.id, body),
);
