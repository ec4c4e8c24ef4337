import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/*
 * CSP hashes of the inline scripts of the pages `next build` prerendered (lib/security/headers.ts says why).
 * They are fixed by the build, so they are read once per process. `next dev` prerenders nothing: no hashes, and every
 * page carries the nonce.
 */

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;

/** 'sha256-…' sources of every inline script in an HTML document. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(INLINE_SCRIPT)) {
    const body = match[1] ?? "";
    if (body.length === 0) continue;
    hashes.push(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
  return hashes;
}

function htmlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(p);
    return entry.name.endsWith(".html") ? [p] : [];
  });
}

let cached: string[] | undefined;

/** The hashes of every prerendered page of the build in `<cwd>/.next`. */
export function prerenderedScriptHashes(distDir = path.join(process.cwd(), ".next")): string[] {
  if (!cached) {
    try {
      cached = [...new Set(htmlFiles(path.join(distDir, "server", "app")).flatMap((f) => inlineScriptHashes(readFileSync(f, "utf8"))))];
    } catch {
      // Unreadable build output: prerendered pages then run no inline script, which shows at once in the e2e tests.
      cached = [];
    }
  }
  return cached;
}
