import { collect, type ProcoreHttp } from "../http";
import { companySchema, meSchema, type Company, type Me } from "../schemas";

/** Calls that need no company: who the token belongs to and which companies it may act for. */
export function accountResource(http: ProcoreHttp) {
  const listCompanies = (): AsyncGenerator<Company> => http.pages({ path: "/rest/v1.0/companies" }, companySchema);
  return {
    /** The signed-in Procore user (global id, the same in every company). */
    me: (): Promise<Me> => http.request({ method: "GET", path: "/rest/v1.0/me" }, meSchema),
    companies: {
      /** The user's active companies (for a service account: the companies that installed the app). */
      list: listCompanies,
      listAll: (): Promise<Company[]> => collect(listCompanies()),
    },
  };
}
