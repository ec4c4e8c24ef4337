import { z } from "zod";
import { invalidRequest, ParamError } from "./errors";

/**
 * Stripe's v1 wire format: `application/x-www-form-urlencoded` bodies (and query strings) with
 * bracketed keys — `metadata[draft_id]=d1`, `line_items[0][price]=price_x`, `expand[]=customer`.
 * Decoding yields nested objects; indexed keys stay objects (`{"0": …}`) until a schema asks for a
 * list, because only the endpoint knows whether `metadata[0]` is a list entry or a metadata key.
 */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

// Keys that would reach Object.prototype when assigned on a plain object.
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

export function decodeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const [head, ...rest] = parseKey(key);
    assign(root, head, rest, value, key);
  }
  return root;
}

function parseKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) throw invalidRequest(`Invalid parameter name: ${key}`);
  const segments = [match[1]];
  for (const part of match[2].matchAll(/\[([^[\]]*)\]/g)) segments.push(part[1]);
  if (segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) throw invalidRequest(`Invalid parameter name: ${key}`);
  return segments;
}

function conflict(key: string): Error {
  return invalidRequest(`Invalid array or hash for parameter: ${key}`, { param: key });
}

function assign(parent: FormObject | FormValue[], head: string, rest: string[], value: string, key: string): void {
  if (head === "") {
    // `expand[]=a&expand[]=b`: an empty segment appends.
    if (!Array.isArray(parent)) throw conflict(key);
    if (rest.length === 0) {
      parent.push(value);
      return;
    }
    const child: FormObject = {};
    parent.push(child);
    assign(child, rest[0], rest.slice(1), value, key);
    return;
  }
  if (Array.isArray(parent)) throw conflict(key);
  if (rest.length === 0) {
    if (typeof parent[head] === "object") throw conflict(key);
    parent[head] = value;
    return;
  }
  let child = Object.hasOwn(parent, head) ? parent[head] : undefined;
  if (child === undefined) {
    child = rest[0] === "" ? [] : {};
    parent[head] = child;
  }
  if (typeof child === "string") throw conflict(key);
  assign(child, rest[0], rest.slice(1), value, key);
}

/** `{"1": b, "0": a}` (from `x[0]=a&x[1]=b`) → `[a, b]`; anything else is left for the schema to judge. */
function indexedToArray(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  if (!entries.every(([k]) => /^\d+$/.test(k))) return value;
  return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
}

export const formInt = z
  .string()
  .regex(/^-?\d+$/, "Invalid integer")
  .transform(Number);
export const formBool = z.enum(["true", "false"], "Invalid boolean").transform((v) => v === "true");
export const formList = <T extends z.ZodType>(item: T) => z.preprocess(indexedToArray, z.array(item));
/** `metadata[k]=v` sets a key, `metadata[k]=` removes it, `metadata=` clears all (null). */
export const formMetadata = z.union([
  z.literal("").transform(() => null),
  z.record(z.string().max(40), z.string().max(500)),
]);
export type MetadataInput = z.output<typeof formMetadata>;

function paramName(path: ReadonlyArray<PropertyKey>): string {
  const [head, ...rest] = path.map(String);
  return head + rest.map((p) => `[${p}]`).join("");
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = root;
  for (const key of path) {
    node = indexedToArray(node);
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Parses request parameters with a schema and reports the first problem the way Stripe words it. */
export function parseParams<T extends z.ZodType>(schema: T, params: unknown): z.output<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    const param = paramName([...issue.path, issue.keys[0]]);
    throw new ParamError(`Received unknown parameter: ${param}`, param, "parameter_unknown");
  }
  const param = paramName(issue.path);
  const value = valueAt(params, issue.path);
  if (value === undefined) throw new ParamError(`Missing required param: ${param}.`, param, "parameter_missing");
  if (issue.code === "invalid_value") {
    throw new ParamError(`Invalid ${param}: must be one of ${issue.values.join(", ")}`, param, "parameter_invalid");
  }
  const shown = typeof value === "string" ? `: ${value}` : "";
  throw new ParamError(`${issue.message} for ${param}${shown}`, param, "parameter_invalid");
}
