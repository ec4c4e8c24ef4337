import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { HttpError } from "@/lib/errors";
import { canManageSettings } from "@/lib/project-data/access";
import { companyCreateSchema, companyUpdateSchema, createCompany, listCompanies, updateCompany } from "@/lib/project-data/companies";
import { createRole, listRoles, roleCreateSchema, updateRole } from "@/lib/project-data/roles";
import { createMember, listMembers, memberCreateSchema, memberUpdateSchema, updateMember } from "@/lib/project-data/team";
import { projectForUser } from "@/lib/licensing/projects-of-account";
import { createAccount, createProject, createUser } from "../support/factories";

let projectId: string;
beforeEach(async () => {
  projectId = (await createProject((await createAccount()).id)).id;
});

const member = (input: Record<string, unknown>) =>
  createMember(projectId, memberCreateSchema.parse({ firstName: "Ada", lastName: "Lovelace", email: "ada@example.test", ...input }));

describe("companies and roles", () => {
  it("creates, edits, deactivates and reactivates a company, never deleting it", async () => {
    const acme = await createCompany(projectId, companyCreateSchema.parse({ name: " Acme Inc ", email: "", phone: "555" }));
    expect(acme).toMatchObject({ name: "Acme Inc", email: null, phone: "555", active: true, memberCount: 0 });
    expect(await updateCompany(projectId, acme.id, companyUpdateSchema.parse({ email: "office@acme.test" }))).toMatchObject({ email: "office@acme.test", phone: "555" });
    expect(await updateCompany(projectId, acme.id, { active: false })).toMatchObject({ active: false });
    expect(await listCompanies(projectId)).toHaveLength(1);
    expect(await updateCompany(projectId, acme.id, { active: true })).toMatchObject({ active: true });
  });

  it("answers 409 for a second active company or role of the same name (case and spacing ignored)", async () => {
    const acme = await createCompany(projectId, companyCreateSchema.parse({ name: "Acme Inc" }));
    await expect(createCompany(projectId, companyCreateSchema.parse({ name: "ACME  inc" }))).rejects.toMatchObject({
      status: 409,
      fields: { name: [expect.stringContaining("already")] },
    });
    await updateCompany(projectId, acme.id, { active: false });
    const second = await createCompany(projectId, companyCreateSchema.parse({ name: "acme inc" }));
    await expect(updateCompany(projectId, acme.id, { active: true })).rejects.toMatchObject({ status: 409 });
    expect(second.active).toBe(true);

    const foreman = await createRole(projectId, roleCreateSchema.parse({ name: "Foreman" }));
    await expect(createRole(projectId, roleCreateSchema.parse({ name: " foreman" }))).rejects.toMatchObject({ status: 409 });
    expect(await updateRole(projectId, foreman.id, { name: "Site Foreman" })).toMatchObject({ name: "Site Foreman" });
    expect(await updateRole(projectId, foreman.id, { active: false })).toMatchObject({ active: false });
    expect((await listRoles(projectId)).map((r) => r.name)).toEqual(["Site Foreman"]);
  });

  it("validates input with a message per field", () => {
    const result = companyCreateSchema.safeParse({ name: "", email: "not-an-email" });
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["name", "Enter a name"],
      ["email", "Enter a valid email address"],
    ]);
  });
});

describe("team members", () => {
  it("creates a member with a company and a role, and lists them with both", async () => {
    const company = await createCompany(projectId, companyCreateSchema.parse({ name: "Acme Inc" }));
    const role = await createRole(projectId, roleCreateSchema.parse({ name: "Foreman" }));
    const ada = await member({ jobTitle: "  ", companyId: company.id, roleId: role.id });
    expect(ada).toMatchObject({ jobTitle: null, company: { id: company.id, name: "Acme Inc" }, role: { id: role.id, name: "Foreman" } });
    expect(await listMembers(projectId)).toEqual([ada]);
    expect((await listCompanies(projectId))[0]?.memberCount).toBe(1);
  });

  it("answers 409 with a message for an email already on the team, whatever its case, inactive members included", async () => {
    const ada = await member({});
    await expect(member({ email: "ADA@example.test" })).rejects.toMatchObject({
      status: 409,
      message: "ADA@example.test is already on this project's team",
      fields: { email: ["ADA@example.test is already on this project's team"] },
    });
    await updateMember(projectId, ada.id, { active: false });
    await expect(member({})).rejects.toMatchObject({ status: 409, message: expect.stringContaining("reactivate") });
    const bob = await member({ firstName: "Bob", email: "bob@example.test" });
    await expect(updateMember(projectId, bob.id, memberUpdateSchema.parse({ email: "Ada@Example.test" }))).rejects.toMatchObject({ status: 409 });
  });

  it("edits only the fields sent, and deactivates without deleting", async () => {
    const role = await createRole(projectId, roleCreateSchema.parse({ name: "Foreman" }));
    const ada = await member({ roleId: role.id, jobTitle: "Engineer" });
    const edited = await updateMember(projectId, ada.id, memberUpdateSchema.parse({ lastName: "King" }));
    expect(edited).toMatchObject({ firstName: "Ada", lastName: "King", jobTitle: "Engineer", role: { id: role.id } });
    expect(await updateMember(projectId, ada.id, memberUpdateSchema.parse({ roleId: null }))).toMatchObject({ role: null });
    expect(await updateMember(projectId, ada.id, { active: false })).toMatchObject({ active: false });
    expect(await db().teamMember.count({ where: { projectId } })).toBe(1);
  });

  it("refuses a company or role of another project, and another project's member", async () => {
    const otherProject = await createProject((await createAccount()).id);
    const foreignCompany = await createCompany(otherProject.id, companyCreateSchema.parse({ name: "Elsewhere" }));
    await expect(member({ companyId: foreignCompany.id })).rejects.toMatchObject({ status: 422, fields: { companyId: [expect.any(String)] } });
    const foreigner = await createMember(otherProject.id, memberCreateSchema.parse({ firstName: "F", lastName: "G", email: "f@g.test" }));
    await expect(updateMember(projectId, foreigner.id, { active: false })).rejects.toMatchObject({ status: 404 });
  });
});

describe("tenancy", () => {
  it("another account's project is 404; members may edit project data, only owners and admins the settings", async () => {
    const project = await db().project.findUniqueOrThrow({ where: { id: projectId } });
    const [member, outsider] = await Promise.all([createUser(), createUser()]);
    // A member on the project in Procore (tests/member-projects.test.ts reads that from Procore).
    await db().membership.create({ data: { accountId: project.accountId, userId: member.id, role: "MEMBER", projects: { create: { projectId } } } });
    const outsiderAccount = await createAccount("Other Co.");
    await db().membership.create({ data: { accountId: outsiderAccount.id, userId: outsider.id, role: "OWNER" } });

    const access = await projectForUser(member.id, projectId);
    expect(access).toMatchObject({ project: { id: projectId }, role: "MEMBER" });
    expect(canManageSettings(access.role)).toBe(false);
    expect(canManageSettings("ADMIN")).toBe(true);
    const refused = await projectForUser(outsider.id, projectId).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 404 });
  });
});
