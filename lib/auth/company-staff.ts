import { log } from "@/lib/log";
import { AppNotInstalledError, ForbiddenError, NotFoundError, type ProcoreClient } from "@/lib/procore";

/**
 * Whether Procore's directory of the company lists this person as one of its employees (`is_employee`). A company's
 * own staff administer its Smartapp account (licences, billing, Procore settings); people of other companies in its
 * directory — a subcontractor's foreman, say — use its projects as members. A directory Procore will not show the
 * person counts as "not staff"; a company that has not installed Smartapp throws AppNotInstalledError.
 */
export async function isCompanyStaff(procore: ProcoreClient, companyId: string): Promise<boolean> {
  const me = await procore.me();
  try {
    for await (const entry of procore.withCompany(companyId).users.list({ search: me.login })) {
      if (entry.id === me.id) return entry.isEmployee && entry.isActive;
    }
    log.info({ companyId }, "the company directory does not list the signed-in person: not staff");
    return false;
  } catch (err) {
    if ((err instanceof ForbiddenError && !(err instanceof AppNotInstalledError)) || err instanceof NotFoundError) return false;
    throw err;
  }
}
