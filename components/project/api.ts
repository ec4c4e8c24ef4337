import type { CompanyView } from "@/lib/project-data/companies";
import type { LocationView } from "@/lib/project-data/locations";
import type { RoleView } from "@/lib/project-data/roles";
import type { MemberView } from "@/lib/project-data/team";

/** An API answer that was not 2xx, with the messages per field that the route guard sends for bad input. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string[]>,
  ) {
    super(message);
  }
}

export async function request<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { "content-type": "application/json", ...init?.headers } });
  const body = (await res.json().catch(() => null)) as { error?: unknown; fields?: Record<string, string[]> } | null;
  if (!res.ok) {
    throw new ApiError(res.status, typeof body?.error === "string" ? body.error : `The server answered ${res.status}`, body?.fields ?? {});
  }
  return body as T;
}

export const projectApi = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}`;

/** The project data a page lists, by its API path segment. */
export interface ProjectRecords {
  locations: LocationView;
  companies: CompanyView;
  roles: RoleView;
  team: MemberView;
}
export type RecordKind = keyof ProjectRecords;

export const recordsKey = (projectId: string, kind: RecordKind) => ["project", projectId, kind] as const;

export const fetchRecords = <K extends RecordKind>(projectId: string, kind: K) => request<ProjectRecords[K][]>(`${projectApi(projectId)}/${kind}`);

export const createRecord = <K extends RecordKind>(projectId: string, kind: K, input: object) =>
  request<ProjectRecords[K]>(`${projectApi(projectId)}/${kind}`, { method: "POST", body: JSON.stringify(input) });

export const updateRecord = <K extends RecordKind>(projectId: string, kind: K, id: string, input: object) =>
  request<ProjectRecords[K]>(`${projectApi(projectId)}/${kind}/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify(input) });
