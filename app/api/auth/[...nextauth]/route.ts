import NextAuth from "next-auth";
import { NextResponse, type NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";

const handler = NextAuth(authOptions);

/**
 * next-auth reads a JSON POST body with `req.json()` and answers a malformed one with a 500 (its own client posts
 * forms). That is the caller's mistake: a 400 before next-auth sees it (found by e2e/security.spec.ts).
 */
async function POST(req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) {
  if ((req.headers.get("content-type") ?? "").includes("application/json")) {
    try {
      JSON.parse(await req.clone().text());
    } catch {
      return NextResponse.json({ error: "Request body is not valid JSON" }, { status: 400 });
    }
  }
  return handler(req, ctx);
}

export { handler as GET, POST };
