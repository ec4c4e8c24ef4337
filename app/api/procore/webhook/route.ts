import { NextResponse, type NextRequest } from "next/server";
import { errorResponse } from "@/lib/auth/guard";
import { enqueueProcoreEvent } from "@/lib/jobs/sync-jobs";
import { readProcoreEvent } from "@/lib/sync/webhooks";

// Server to server: authenticated by the secret Authorization header we registered, not by a session or an Origin
// header, so it does not go through the route guard. Answers at once; the event's syncs are enqueued by a job.
export async function POST(req: NextRequest) {
  try {
    const event = readProcoreEvent(req.headers.get("authorization"), await req.text());
    return NextResponse.json({ received: true, queued: event !== null && (await enqueueProcoreEvent(event)) });
  } catch (err) {
    return errorResponse(err);
  }
}
