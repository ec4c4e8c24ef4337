import jsQR from "jsqr";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { PNG } from "pngjs";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { badgesPdf, printable } from "@/lib/safety/badge-pdf";
import { badgeStatus, initials, projectBadges, qrPng } from "@/lib/safety/badges";
import { companyCreateSchema, createCompany } from "@/lib/project-data/companies";
import { createRole, roleCreateSchema } from "@/lib/project-data/roles";
import { createMember, memberCreateSchema, updateMember } from "@/lib/project-data/team";
import { createAccount, createProject } from "../support/factories";

const APP_URL = "http://badges.test";

beforeAll(() => {
  // Before anything reads the environment: badge URLs are on the app's public URL.
  process.env.APP_URL = APP_URL;
});

let projectId: string;
beforeEach(async () => {
  projectId = (await createProject((await createAccount()).id, "Riverside Clinic")).id;
});

const member = (input: Record<string, unknown>) => createMember(projectId, memberCreateSchema.parse({ lastName: "Doe", ...input }));

const tokenOf = (url: string) => url.slice(`${APP_URL}/badge/`.length);

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe("safety badges", () => {
  it("one badge per active team member: name, initials, company, role (else job title), project and an unguessable badge URL", async () => {
    const acme = await createCompany(projectId, companyCreateSchema.parse({ name: "Acme" }));
    const foreman = await createRole(projectId, roleCreateSchema.parse({ name: "Foreman" }));
    await member({ firstName: "Ada", lastName: "Lovelace", email: "ada@x.test", companyId: acme.id, roleId: foreman.id });
    await member({ firstName: "Bob", lastName: "Builder", email: "bob@x.test", jobTitle: "Apprentice" });
    const gone = await member({ firstName: "Cy", email: "cy@x.test" });
    await updateMember(projectId, gone.id, { active: false });

    const badges = await projectBadges(projectId);
    expect(badges).toEqual([
      { memberId: expect.any(String), name: "Bob Builder", initials: "BB", company: null, role: "Apprentice", projectName: "Riverside Clinic", url: expect.any(String) },
      { memberId: expect.any(String), name: "Ada Lovelace", initials: "AL", company: "Acme", role: "Foreman", projectName: "Riverside Clinic", url: expect.any(String) },
    ]);
    for (const { url } of badges) expect(url).toMatch(/^http:\/\/badges\.test\/badge\/[A-Za-z0-9_-]{32}$/);
    expect(new Set(badges.map((b) => b.url)).size).toBe(2);
    // A printed badge stays valid: its URL never changes.
    expect((await projectBadges(projectId)).map((b) => b.url)).toEqual(badges.map((b) => b.url));
  });

  it("the QR code decodes to the badge URL", async () => {
    await member({ firstName: "Ada", email: "ada@x.test" });
    const [badge] = await projectBadges(projectId);
    expect(decodeQr(await qrPng(badge!.url))).toBe(badge!.url);
  });

  it("the badge URL tells whether the member is still active", async () => {
    const ada = await member({ firstName: "Ada", email: "ada@x.test", jobTitle: "Engineer" });
    const [badge] = await projectBadges(projectId);
    const token = tokenOf(badge!.url);
    expect(await badgeStatus(token)).toEqual({ name: "Ada Doe", initials: "AD", company: null, role: "Engineer", projectName: "Riverside Clinic", active: true });
    await updateMember(projectId, ada.id, { active: false });
    expect(await badgeStatus(token)).toMatchObject({ name: "Ada Doe", active: false });
    expect(await badgeStatus("A".repeat(32))).toBeNull();
    expect(await badgeStatus("../../etc")).toBeNull();
  });

  it("initials take each name's first letter, accents and all", () => {
    expect(initials("ada", "lovelace")).toBe("AL");
    expect(initials(" Émile", "Zoë")).toBe("ÉZ");
  });
});

describe("the badges PDF", () => {
  it("has one badge-sized page per member", async () => {
    for (const [i, firstName] of ["Ada", "Bob", "Cy"].entries()) await member({ firstName, email: `${i}@x.test` });
    const badges = await projectBadges(projectId);
    const pdf = await PDFDocument.load(await badgesPdf("Riverside Clinic", badges));
    expect(pdf.getPages().map((page) => page.getSize())).toEqual(Array(3).fill({ width: 252, height: 396 }));
    expect(pdf.getTitle()).toBe("Safety badges: Riverside Clinic");
  });

  it("prints names the standard fonts cannot draw instead of failing", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    expect(printable("Zoë O’Brien-Łukasz Erdős 李", font)).toBe("Zoë O’Brien-?ukasz Erdos ?");
    const bytes = await badgesPdf("Łódź Tower", [
      { memberId: "m", name: "Łukasz 李".repeat(5), initials: "Ł", company: null, role: null, projectName: "Łódź Tower", url: `${APP_URL}/badge/x` },
    ]);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
  });
});
