import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createLocation, listLocations, locationCreateSchema, locationUpdateSchema, updateLocation } from "@/lib/project-data/locations";
import { createAccount, createProject } from "../support/factories";

let projectId: string;
beforeEach(async () => {
  const account = await createAccount();
  projectId = (await createProject(account.id)).id;
});

const create = (name: string, parentId?: string) => createLocation(projectId, locationCreateSchema.parse({ name, parentId }));
const update = (id: string, input: unknown) => updateLocation(projectId, id, locationUpdateSchema.parse(input));
const paths = async () => (await listLocations(projectId)).filter((l) => l.active).map((l) => l.path);

describe("locations", () => {
  it("stores each location's full path, with the name's spacing tidied", async () => {
    const building = await create("  Building   A ");
    const level = await create("Level 1", building.id);
    const room = await create("Room 101", level.id);
    expect(building).toMatchObject({ name: "Building A", path: "Building A", parentId: null, active: true });
    expect(room.path).toBe("Building A > Level 1 > Room 101");
  });

  it("rewrites the paths of the whole subtree on a rename", async () => {
    const building = await create("Building A");
    const level = await create("Level 1", building.id);
    await create("Room 101", level.id);
    await create("Room 102", level.id);
    await create("Site");

    expect(await update(building.id, { name: "Tower A" })).toMatchObject({ name: "Tower A", path: "Tower A" });
    expect(await paths()).toEqual(["Site", "Tower A", "Tower A > Level 1", "Tower A > Level 1 > Room 101", "Tower A > Level 1 > Room 102"]);
  });

  it("rewrites the paths of the whole subtree on a move, and refuses a move below itself", async () => {
    const building = await create("Building A");
    const level = await create("Level 1", building.id);
    const room = await create("Room 101", level.id);
    const site = await create("Site");

    await update(level.id, { parentId: site.id });
    expect(await paths()).toEqual(["Building A", "Site", "Site > Level 1", "Site > Level 1 > Room 101"]);
    await update(level.id, { parentId: null });
    expect(await paths()).toEqual(["Building A", "Level 1", "Level 1 > Room 101", "Site"]);

    await expect(update(level.id, { parentId: room.id })).rejects.toMatchObject({ status: 422, fields: { parentId: [expect.any(String)] } });
    await expect(update(level.id, { parentId: level.id })).rejects.toMatchObject({ status: 422 });
  });

  it("refuses a second active location with the same path (case and spacing ignored) with 409", async () => {
    const building = await create("Building A");
    await create("Level 1", building.id);
    await expect(create("level  1", building.id)).rejects.toMatchObject({ status: 409, fields: { name: [expect.stringContaining("already exists")] } });
    const other = await create("Level 2", building.id);
    await expect(update(other.id, { name: "LEVEL 1" })).rejects.toMatchObject({ status: 409 });
  });

  it("deactivates a location with its subtree, never deleting, and reactivates under an active parent", async () => {
    const building = await create("Building A");
    const level = await create("Level 1", building.id);
    const room = await create("Room 101", level.id);

    expect(await update(building.id, { active: false })).toMatchObject({ active: false });
    expect(await db().location.count({ where: { projectId } })).toBe(3);
    expect(await paths()).toEqual([]);
    // A path freed by deactivation can be used again; the old one cannot come back beside it.
    const again = await create("Building A");
    await expect(update(building.id, { active: true })).rejects.toMatchObject({ status: 409 });
    await expect(update(room.id, { active: true })).rejects.toMatchObject({ status: 422, fields: { parentId: [expect.any(String)] } });
    await update(again.id, { active: false });
    await update(building.id, { active: true });
    expect(await paths()).toEqual(["Building A"]);
  });

  it("checks the parent and the name", async () => {
    const other = await createProject((await createAccount()).id);
    const foreign = await createLocation(other.id, { name: "Elsewhere", parentId: null });
    await expect(create("Level 1", foreign.id)).rejects.toMatchObject({ status: 422 });
    await expect(update(foreign.id, { name: "Mine" })).rejects.toMatchObject({ status: 404 });
    expect(locationCreateSchema.safeParse({ name: "A > B" }).success).toBe(false);
    expect(locationCreateSchema.safeParse({ name: "   " }).error?.issues[0]?.message).toBe("Enter a name");
  });
});
