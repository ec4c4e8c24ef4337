import { NextResponse } from "next/server";

// Any /api URL no route handles: a JSON 404 like every other API answer, not the HTML not-found page.
function notFound() {
  return NextResponse.json({ error: "No such API route" }, { status: 404 });
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
