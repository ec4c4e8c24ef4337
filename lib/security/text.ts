/*
 * Text PostgreSQL can store: no NUL (refused in text and in jsonb) and no unpaired UTF-16 surrogate (Prisma cannot
 * encode one, jsonb refuses its escape). Input that reaches the database goes through this, so such characters are
 * a 400 with a message instead of a crash (both were 500s, found by e2e/security.spec.ts).
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

export const UNSTORABLE_TEXT_MESSAGE = "Remove the invisible or broken characters";
