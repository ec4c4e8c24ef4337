import { describe, expect, it } from "vitest";
import { allowedCrossSite } from "@/lib/security/fetch-metadata";

const meta = (site: string, mode: string, dest: string) => new Headers({ "sec-fetch-site": site, "sec-fetch-mode": mode, "sec-fetch-dest": dest });

describe("pages and other sites (Fetch Metadata)", () => {
  it("lets another site navigate to a page at the top level, and frame only the embedded view", () => {
    for (const site of ["cross-site", "same-site"]) {
      expect(allowedCrossSite("GET", "/procore/setup", meta(site, "navigate", "document"))).toBe(true);
      expect(allowedCrossSite("GET", "/procore/embedded", meta(site, "navigate", "iframe"))).toBe(true);
      expect(allowedCrossSite("GET", "/procore/setup", meta(site, "navigate", "iframe"))).toBe(false);
    }
  });

  it("refuses another site's subresource loads, fetches and form posts of a page", () => {
    expect(allowedCrossSite("GET", "/procore/setup", meta("cross-site", "no-cors", "image"))).toBe(false);
    expect(allowedCrossSite("GET", "/procore/embedded", meta("cross-site", "no-cors", "script"))).toBe(false);
    expect(allowedCrossSite("GET", "/setup/subscriptions", meta("cross-site", "cors", "empty"))).toBe(false);
    expect(allowedCrossSite("POST", "/procore/setup", meta("cross-site", "navigate", "document"))).toBe(false);
  });

  it("lets same-origin requests, the browser's own navigations and browsers without Fetch Metadata through", () => {
    expect(allowedCrossSite("GET", "/projects", meta("same-origin", "cors", "empty"))).toBe(true);
    expect(allowedCrossSite("GET", "/projects", meta("none", "navigate", "document"))).toBe(true);
    expect(allowedCrossSite("GET", "/projects", new Headers())).toBe(true);
  });

  it("leaves API routes to their own Origin check", () => {
    expect(allowedCrossSite("POST", "/api/stripe/webhook", meta("cross-site", "cors", "empty"))).toBe(true);
  });
});
