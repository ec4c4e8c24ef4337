import { collect, type ProcoreHttp } from "../http";
import { projectSchema, type Project } from "../schemas";
import { companyOf, updatedAtFilter } from "./shared";

export interface ProjectListOptions {
  /** Procore lists only active projects unless asked otherwise. */
  status?: "Active" | "Inactive" | "All";
  updatedSince?: Date;
}

/** The company's projects; company admins see all of them, other users the ones they belong to. */
export function projectsResource(http: ProcoreHttp) {
  const list = (opts: ProjectListOptions = {}): AsyncGenerator<Project> =>
    http.pages(
      {
        path: "/rest/v1.0/projects",
        // Companies with thousands of projects: fewer, larger pages spare the hourly rate limit. Procore
        // recommends at most 2,000; if it caps lower, Per-Page says so and the pager follows.
        perPage: 1000,
        query: { company_id: companyOf(http), "filters[by_status]": opts.status ?? "Active", ...updatedAtFilter(opts.updatedSince) },
      },
      projectSchema,
    );
  return { list, listAll: (opts?: ProjectListOptions): Promise<Project[]> => collect(list(opts)) };
}
