import { z } from "zod";
import { withAccount } from "@/lib/auth/guard";
import { getDraft, saveDraft } from "@/lib/licensing/draft";

/** The signed-in person's open selection draft for the account. */
export const GET = withAccount({}, ({ account, user }) => getDraft(account.id, user.id));

// saveDraft parses the body itself (400 when malformed), so its schema and its rules live in one place.
export const PUT = withAccount({ role: "ADMIN", body: z.unknown() }, ({ account, user, body }) => saveDraft(account.id, user.id, body));
