import type { FormObject } from "../form";
import type { Route } from "../http";
import type { RequestMeta, Sandbox } from "../sandbox";
import type { JsonObject } from "../store";

/** What a `/v1` handler receives: decoded parameters (without `expand`, which the server applies). */
export interface ApiContext {
  sandbox: Sandbox;
  params: FormObject;
  path: Record<string, string>;
  request: RequestMeta;
}

export type ApiRoute = Route<(ctx: ApiContext) => JsonObject>;
