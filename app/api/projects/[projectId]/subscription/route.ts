import { z } from "zod";
import { withUser } from "@/lib/auth/guard";
import { changeProjectSubscription, projectSubscription } from "@/lib/billing/manage";

export const GET = withUser({}, ({ user, params }) => projectSubscription(user.id, params.projectId));

// The body is parsed by lib after the tenancy and role checks, so another company's project answers 404
// (and a member 403) whatever is sent.
export const POST = withUser({ body: z.unknown() }, ({ user, params, body }) => changeProjectSubscription(user.id, params.projectId, body));
