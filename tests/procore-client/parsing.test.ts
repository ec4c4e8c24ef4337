import { describe, expect, it } from "vitest";
import {
  AppNotInstalledError,
  ConflictError,
  errorFromResponse,
  ForbiddenError,
  NotFoundError,
  parseErrorBody,
  RateLimitedError,
  redact,
  ServerError,
  toNetworkError,
  ValidationError,
} from "@/lib/procore/errors";
import { parseLinkHeader } from "@/lib/procore/http";
import { backoffDelay, parseRateLimitHeaders, parseRetryAfter } from "@/lib/procore/rate-limit";
import { procoreId, storableProcoreId, toWire, wireId } from "@/lib/procore/schemas";

const context = { method: "GET", path: "/rest/v1.0/vendors" };

describe("Link header", () => {
  it("reads Procore's first/prev/last/next links in any order", () => {
    const header =
      '<https://api.procore.com/rest/v1.0/punch_items?page=1&per_page=5>; rel="first", ' +
      '<https://api.procore.com/rest/v1.0/punch_items?page=2&per_page=5>; rel="prev", ' +
      '<https://api.procore.com/rest/v1.0/punch_items?page=30&per_page=5>; rel="last", ' +
      '<https://api.procore.com/rest/v1.0/punch_items?page=4&per_page=5>; rel="next"';
    const links = parseLinkHeader(header);
    expect(links.next).toBe("https://api.procore.com/rest/v1.0/punch_items?page=4&per_page=5");
    expect(links.last).toContain("page=30");
    expect(links.first).toContain("page=1");
  });

  it("handles a last page without next, unquoted rels, several rels on one link and no header", () => {
    expect(parseLinkHeader('<https://x/a?page=3>; rel="last"').next).toBeUndefined();
    expect(parseLinkHeader("<https://x/a?page=2>; rel=next").next).toBe("https://x/a?page=2");
    expect(parseLinkHeader('<https://x/a?page=2>; rel="next last"')).toEqual({ next: "https://x/a?page=2", last: "https://x/a?page=2" });
    expect(parseLinkHeader(null)).toEqual({});
  });
});

describe("rate-limit headers", () => {
  it("reads limit, remaining and the epoch-seconds reset", () => {
    const headers = new Headers({ "X-Rate-Limit-Limit": "25", "X-Rate-Limit-Remaining": "3", "X-Rate-Limit-Reset": "1767225600" });
    expect(parseRateLimitHeaders(headers)).toEqual({ limit: 25, remaining: 3, resetAt: 1_767_225_600_000 });
  });

  it("ignores responses without usable headers", () => {
    expect(parseRateLimitHeaders(new Headers())).toBeUndefined();
    expect(parseRateLimitHeaders(new Headers({ "X-Rate-Limit-Remaining": "x", "X-Rate-Limit-Reset": "1" }))).toBeUndefined();
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("2", 1000)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", 0)).toBe(Date.UTC(2026, 0, 1, 0, 0, 10));
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});

describe("backoff", () => {
  it("doubles per retry, stays between half and all of the ceiling, and is capped", () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, { ...opts, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, { ...opts, random: () => 1 })).toBe(100);
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(200);
    expect(backoffDelay(3, { ...opts, random: () => 1 })).toBe(400);
    expect(backoffDelay(20, { ...opts, random: () => 1 })).toBe(1000);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(2, opts);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
  });
});

describe("error bodies", () => {
  it("reads Rails-style field errors", () => {
    const parsed = parseErrorBody(JSON.stringify({ errors: { name: ["can't be blank"], email_address: ["is invalid", "is taken"] } }));
    expect(parsed.fieldErrors).toEqual({ name: ["can't be blank"], email_address: ["is invalid", "is taken"] });
  });

  it("reads the v2 / newer v1 error object with details", () => {
    const parsed = parseErrorBody(
      JSON.stringify({
        error: {
          code: "UNPROCESSABLE_ENTITY",
          message: "Validation failed",
          details: [
            { reason_code: "blank", message: "can't be blank", source: "name" },
            { code: "invalid", message: "is invalid", source: { pointer: "/data/zip" } },
          ],
        },
      }),
    );
    expect(parsed.message).toBe("Validation failed");
    expect(parsed.fieldErrors).toEqual({ name: ["can't be blank"], zip: ["is invalid"] });
  });

  it("reads message/fields, message/exception, bare error strings, error arrays and plain text", () => {
    expect(parseErrorBody(JSON.stringify({ message: "Bad field", fields: ["vendor_id"] })).fieldErrors).toEqual({ vendor_id: ["Bad field"] });
    expect(parseErrorBody(JSON.stringify({ message: "Couldn't find Vendor", exception: "RecordNotFound" })).message).toBe("Couldn't find Vendor");
    expect(parseErrorBody(JSON.stringify({ error: "Not found" })).message).toBe("Not found");
    expect(parseErrorBody(JSON.stringify({ errors: ["Name is taken"] })).fieldErrors).toEqual({ base: ["Name is taken"] });
    expect(parseErrorBody("You have surpassed the max number of requests for an hour.").message).toMatch(/surpassed/);
    const oauth = parseErrorBody(JSON.stringify({ error: "invalid_grant", error_description: "The refresh token is invalid" }));
    expect(oauth).toMatchObject({ oauthCode: "invalid_grant", message: "The refresh token is invalid" });
  });

  it("maps statuses to typed errors", () => {
    const make = (status: number, body: unknown) => errorFromResponse({ status, body: JSON.stringify(body), context, secrets: [] });
    expect(make(404, { message: "Not Found" })).toBeInstanceOf(NotFoundError);
    expect(make(403, { message: "You do not have access" })).toBeInstanceOf(ForbiddenError);
    const notInstalled = make(403, { message: "App is not connected to this company" });
    expect(notInstalled).toBeInstanceOf(AppNotInstalledError);
    expect(notInstalled).toBeInstanceOf(ForbiddenError);
    const invalid = make(422, { errors: { name: ["can't be blank"] } });
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).fields).toEqual({ name: ["can't be blank"] });
    expect(make(400, { errors: { company_id: ["is invalid"] } })).toBeInstanceOf(ValidationError);
    expect(make(409, { message: "Role already assigned" })).toBeInstanceOf(ConflictError);
    expect(make(429, { error: "slow down" })).toBeInstanceOf(RateLimitedError);
    expect(make(502, {})).toBeInstanceOf(ServerError);
    expect(make(404, { message: "x" }).message).toBe("Procore 404 on GET /rest/v1.0/vendors: x");
  });

  it("never repeats a token that an endpoint echoed back", () => {
    const token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzUxMiJ9.secret-part";
    const err = errorFromResponse({ status: 400, body: JSON.stringify({ message: `bad token ${token}` }), context, secrets: [token] });
    expect(err.message).not.toContain(token);
    expect(err.message).toContain("[redacted]");
    expect(redact("abc", ["abc"])).toBe("abc"); // too short to be a secret: left alone
  });
});

describe("network errors", () => {
  const fetchFailed = (code: string) => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(code), { code }) });

  it("knows a refused connection never reached Procore", () => {
    expect(toNetworkError(fetchFailed("ECONNREFUSED"), context).requestSent).toBe(false);
    const aggregate = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new AggregateError([Object.assign(new Error(), { code: "ECONNREFUSED" })]), { code: "ECONNREFUSED" }),
    });
    expect(toNetworkError(aggregate, context).requestSent).toBe(false);
  });

  it("treats a dropped socket or a timeout as possibly delivered", () => {
    expect(toNetworkError(fetchFailed("UND_ERR_SOCKET"), context).requestSent).toBe(true);
    expect(toNetworkError(new DOMException("timed out", "TimeoutError"), context).requestSent).toBe(true);
  });
});

describe("ids", () => {
  it("keeps 64-bit ids as exact decimal strings both ways", () => {
    expect(procoreId.parse(5_000_000_123)).toBe("5000000123");
    expect(procoreId.parse("9223372036854775807")).toBe("9223372036854775807");
    expect(procoreId.safeParse(2 ** 53 + 2).success).toBe(false); // would already be rounded: refuse, don't guess
    expect(wireId("5000000123")).toBe(5_000_000_123);
    expect(() => wireId("12a")).toThrow(RangeError);
  });

  it("takes as a database key only an id from 1 to 2^63 − 1 in canonical digits", () => {
    expect(storableProcoreId.parse(5_000_000_123)).toBe("5000000123");
    expect(storableProcoreId.parse("9223372036854775807")).toBe("9223372036854775807");
    for (const id of [0, "0", "9223372036854775808", "12345678901234567890", "007", -1, 1.5]) expect(storableProcoreId.safeParse(id).success, String(id)).toBe(false);
  });

  it("converts camelCase inputs to Procore's snake_case and drops undefined", () => {
    expect(toWire({ abbreviatedName: "ACME", stateCode: undefined, isActive: false, parentId: null })).toEqual({
      abbreviated_name: "ACME",
      is_active: false,
      parent_id: null,
    });
  });
});
