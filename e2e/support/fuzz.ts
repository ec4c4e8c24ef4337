/*
 * Inputs for the security spec's fuzzing: hostile ids, query strings and bodies, drawn from a seeded generator so a
 * failure can be replayed (FUZZ_SEED=<seed> npx playwright test e2e/security.spec.ts).
 */

/** mulberry32: small, fast, good enough to pick test inputs. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

const enc = encodeURIComponent;

/** Path segments in place of an id, already encoded for the request line (some deliberately malformed). */
export const HOSTILE_SEGMENTS: readonly string[] = [
  "0",
  "-1",
  "1",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551616",
  "340282366920938463463374607431768211456",
  "1e309",
  "1.5",
  "0x1F",
  "NaN",
  "null",
  "undefined",
  "true",
  enc("[]"),
  enc("{}"),
  enc("{\"$ne\":null}"),
  "%00",
  "abc%00def",
  "%2e%2e",
  enc("../../etc/passwd"),
  "..%2F..%2Fapi%2Fhealth",
  enc("' OR '1'='1"),
  enc(`1;DROP TABLE "Account"--`),
  enc("<script>alert(1)</script>"),
  enc("😀"),
  enc("ünïcödé"),
  enc("\u202Eevil"),
  enc("\u200B"),
  enc("ＡＢＣ"),
  "%ED%A0%BD", // a lone surrogate, as UTF-8 bytes
  "%E0%A4%A",
  "%FF%FE%FD",
  "%",
  "a".repeat(3000),
  "cjld2cjxh0000qzrmn831i7rn",
  "00000000-0000-0000-0000-000000000000",
  "__proto__",
  "constructor",
];

/** Query strings (with the leading "?", already encoded, some deliberately malformed). */
export const HOSTILE_QUERIES: readonly string[] = [
  "",
  "?x=1",
  "?accountId=cjld2cjxh0000qzrmn831i7rn&projectId=1",
  "?a[]=1&a[]=2&a[b]=3",
  "?__proto__[admin]=1&constructor[prototype][admin]=1",
  "?q=%00",
  "?q=%E0%A4%A",
  "?%=%",
  `?q=${"a".repeat(4000)}`,
  `?${Array.from({ length: 300 }, (_, i) => `k${i}=${i}`).join("&")}`,
  `?${enc("😀")}=${enc("😀")}`,
  "?page=-1&per_page=9223372036854775808&limit=1e309",
  "?company_id=abc&project_id=-1",
  "?session_id=cs_test_%27%3B--",
  "?callbackUrl=https%3A%2F%2Fevil.example%2F",
  "?json=true&csrf=true",
  "?=&&&==",
];

const deep = (n: number, open: string, close: string, core = "1") => open.repeat(n) + core + close.repeat(n);

/** Bodies no handler can accept: not JSON, not an object, absurdly deep or large (HUGE_BODIES too). */
export const MALFORMED_BODIES: readonly (string | Buffer)[] = [
  "{",
  '{"a":',
  "[1,2",
  "nul",
  "'single quoted'",
  '{"a":1,}',
  "\u0000",
  '{"a":"\\ud800"',
  "\uFEFF{}junk",
  '{"a":NaN}',
  "Infinity",
  "0x10",
  "01",
  '{"a" 1}',
  "[]]",
  '"unterminated',
  '{"__proto__":',
  "name=Acme&email=a%40b.co",
  "------x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAcme\r\n------x--\r\n",
  "<?xml version=\"1.0\"?><a>1</a>",
  Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x00, 0x7d, 0xc3, 0x28, 0xa0, 0xa1]),
  Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131) % 256)),
  "null",
  "true",
  "false",
  "0",
  "-1",
  "1e309",
  "9223372036854775808",
  "18446744073709551616",
  "-9223372036854775809",
  '"a string"',
  "[]",
  "[{}]",
  "[null]",
  '[{"name":"Acme"}]',
  deep(2000, "[", "]"),
  deep(500, '{"a":', "}"),
  `{"name":${deep(300, "[", "]", '"x"')}}`,
  `{"name":"${"a".repeat(5000)}"}`,
];

/** The expensive ones: sent once per route, not drawn at random. */
export const HUGE_BODIES: readonly string[] = [
  deep(100_000, "[", "]"),
  deep(20_000, '{"a":', "}"),
  `{"name":${deep(20_000, "[", "]", '"x"')}}`,
  `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(",")}}`,
  `[${Array.from({ length: 100_000 }, () => "0").join(",")}]`,
  `{"name":"${"a".repeat(300_000)}"}`,
  // Over the guard's 1 MB limit: 413.
  "x".repeat(1_100_000),
];

export const CONTENT_TYPES: readonly (string | undefined)[] = [
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----x",
  undefined,
  "application/json; charset=utf-16",
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every leaf of a JSON value with its path. */
function leaves(value: Json, path: (string | number)[] = []): { path: (string | number)[]; value: Json }[] {
  if (value !== null && typeof value === "object") {
    const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (entries.length === 0) return [{ path, value }];
    return entries.flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [{ path, value }];
}

function setAt(value: Json, path: (string | number)[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path[path.length - 1]!] = replacement;
  return copy as Json;
}

/** Values of another JSON type than the leaf's, which no schema that accepted the leaf can accept. */
function wrongTypes(leaf: Json): Json[] {
  const big = [12345, -1, 1.5, 9223372036854775807, -9223372036854775808, 1e308];
  const shapes: Json[] = [[], {}, [["deep"]], { $ne: null }];
  if (typeof leaf === "string") return [...big, true, false, ...shapes];
  if (typeof leaf === "boolean") return ["true", "false", 1, 0, ...shapes];
  if (typeof leaf === "number") return ["1", true, ...shapes];
  return [];
}

/**
 * Bodies that keep a valid sample's shape but break one leaf's type (or the whole body's): the handler must refuse
 * every one of them.
 */
export function brokenVariants(sample: unknown): string[] {
  const json = sample as Json;
  const out: string[] = [];
  for (const { path, value } of leaves(json)) {
    for (const wrong of wrongTypes(value)) out.push(JSON.stringify(setAt(json, path, wrong)));
  }
  return out;
}

/** Strings that stress text handling: NUL, lone surrogates, bidi controls, emoji, boundaries, markup, SQL. */
export const EDGE_STRINGS: readonly string[] = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffx",
  "😀".repeat(40),
  "\u202Eevil\u202C",
  "\u200B\u200C\u200D",
  "e\u0301\u0301\u0301",
  "\t\n\r\u2028",
  "ᄀ".repeat(201),
  "a".repeat(101),
  "a".repeat(200),
  "a".repeat(201),
  "   ",
  "<script>alert(1)</script>",
  `'; DROP TABLE "Account";--`,
  "ü@ü.ü",
  "9223372036854775808",
  "-1",
  "A > B > C",
];

/** Bodies that keep a valid sample but put edge strings in its string leaves: they may be accepted, never a 5xx. */
export function edgeVariants(sample: unknown, r: Rng, count: number): string[] {
  const json = sample as Json;
  const stringLeaves = leaves(json).filter((l) => typeof l.value === "string" || l.value === null);
  if (stringLeaves.length === 0) return [];
  const out: string[] = [];
  for (const edge of EDGE_STRINGS) for (const leaf of stringLeaves) out.push(JSON.stringify(setAt(json, leaf.path, edge)));
  while (out.length < count) {
    let body = json;
    for (const leaf of stringLeaves) if (r.chance(0.6)) body = setAt(body, leaf.path, r.pick(EDGE_STRINGS) + (r.chance(0.3) ? r.pick(EDGE_STRINGS) : ""));
    out.push(JSON.stringify(body));
  }
  return out;
}
