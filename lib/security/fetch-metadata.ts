import { isApiPath, isEmbeddedPath } from "./headers";

/**
 * Fetch Metadata resource isolation for pages. Over HTTPS the session cookie is SameSite=None (Procore frames the
 * embedded view from its own site), so another site's <img>, <script>, fetch or hidden iframe would reach a page
 * signed in — and some pages act on a GET (setup joins an account, the embedded view joins its project's account, a
 * cancelled checkout expires). Another site may open a page only by navigating to it: at the top level, or, for the
 * embedded view, in a frame (which frame-ancestors limits to Procore). Same-origin requests (Next.js' own fetches),
 * the browser's own (`none`: typed URL, bookmark) and browsers that send no Fetch Metadata pass. API routes check the
 * Origin of every state-changing request themselves (lib/auth/guard.ts).
 */
export function allowedCrossSite(method: string, pathname: string, headers: Headers): boolean {
  if (isApiPath(pathname)) return true;
  const site = headers.get("sec-fetch-site");
  if (site === null || site === "same-origin" || site === "none") return true;
  if (method !== "GET" && method !== "HEAD") return false;
  if (headers.get("sec-fetch-mode") !== "navigate") return false;
  const dest = headers.get("sec-fetch-dest");
  return dest === "document" || (dest === "iframe" && isEmbeddedPath(pathname));
}
