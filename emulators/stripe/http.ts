/** HTTP plumbing shared by the API, the hosted pages and the admin API: a minimal router and responses. */
export type Method = "GET" | "POST" | "DELETE";

export interface Route<H> {
  method: Method;
  path: string;
  handler: H;
}

/** The handler for a method and path, with the path's `:name` parameters; undefined when nothing matches. */
export function matchRoute<H>(
  routes: Route<H>[],
  method: string,
  pathname: string,
): { handler: H; params: Record<string, string> } | undefined {
  const segments = pathname.split("/").filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split("/").filter(Boolean);
    if (route.method !== method || pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      if (!part.startsWith(":")) return part === segments[i];
      params[part.slice(1)] = decodeURIComponent(segments[i]);
      return true;
    });
    if (matches) return { handler: route.handler, params };
  }
  return undefined;
}

/** A response built by a handler; the server writes it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): RawResponse {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(value, null, 2),
  };
}

export function html(status: number, body: string): RawResponse {
  return { status, headers: { "Content-Type": "text/html; charset=utf-8" }, body };
}

/** 303 so the browser follows with a GET, as after Stripe's hosted pages. */
export function redirect(location: string): RawResponse {
  return { status: 303, headers: { Location: location }, body: "" };
}
