import { env } from "@/lib/env";

// Procore's API hosts and the hosts people browse (API-FACTS §1.1); the developer sandbox and our local sandbox serve both.
const WEB_HOST_OF_API_HOST: Readonly<Record<string, string>> = {
  "api.procore.com": "app.procore.com",
  "api-monthly.procore.com": "api-sandbox-monthly.procore.com",
};

/** "Open Procore": the Procore project's home page. */
export function procoreProjectUrl(procoreProjectId: bigint): string {
  const web = new URL(env().procore.apiUrl);
  web.hostname = WEB_HOST_OF_API_HOST[web.hostname] ?? web.hostname;
  return `${web.origin}/${procoreProjectId}/project/home`;
}
