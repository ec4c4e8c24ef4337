import { describe, expect, it } from "vitest";
import { optionalId, optionalText, requiredText } from "@/lib/project-data/shared";

// Found by the e2e fuzzer: a NUL byte or an unpaired surrogate in a name crashed the write (PostgreSQL refuses NUL in
// text, Prisma cannot encode a lone surrogate). They are input errors now.
describe("text the database can store", () => {
  const name = requiredText("a name");
  it.each(["\u0000", "a\u0000b", "\ud800", "x\udfffx", "\udc00\ud800"])("refuses %j", (bad) => {
    expect(name.safeParse(bad).success).toBe(false);
    expect(optionalText().safeParse(bad).success).toBe(false);
    expect(optionalId.safeParse(bad).success).toBe(false);
  });

  it("keeps emoji, accents, bidi marks and other real text", () => {
    for (const good of ["😀 Tower", "Ünïcödé", "e\u0301", "\u202Eevil", "ＡＢＣ", "Lobby\u200B"]) expect(name.parse(good)).toBe(good.trim());
    expect(optionalText().parse("  ")).toBeNull();
    expect(optionalId.parse(null)).toBeNull();
  });
});
