import { NextRequest } from "next/server";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import type { Module } from "@/lib/generated/prisma/enums";
import { featurePage, hasFeature } from "@/lib/planner/features";
import { createAccount, createProject, createUser } from "../support/factories";

/*
 * Every entry point of the Planner Board and the Safety Badge checks the project's licences on the server. The routes
 * and pages run for real against the database; only the session is faked (as next-auth would read it from the cookie).
 */

const session = vi.hoisted(() => ({ user: null as { id: string; email: string; name: string } | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.user ? { user: session.user } : null),
}));

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
let routes: Record<"board" | "createTask" | "history" | "publish" | "badgesPdf", Handler>;

beforeAll(async () => {
  const [board, tasks, publish, badges] = await Promise.all([
    import("@/app/api/projects/[projectId]/planner/board/route"),
    import("@/app/api/projects/[projectId]/planner/tasks/route"),
    import("@/app/api/projects/[projectId]/planner/publish/route"),
    import("@/app/api/projects/[projectId]/safety/badges/pdf/route"),
  ]);
  routes = { board: board.GET, createTask: tasks.POST, history: publish.GET, publish: publish.POST, badgesPdf: badges.GET };
});

let accountId: string;
let membershipId: string;
beforeEach(async () => {
  const user = await createUser();
  accountId = (await createAccount()).id;
  membershipId = (await db().membership.create({ data: { accountId, userId: user.id, role: "MEMBER" } })).id;
  session.user = { id: user.id, email: user.email, name: "Member" };
});

/** A project with these licences; in the member's account, one Procore lists them on. */
async function project(licences: { module: Module; addOn: boolean; status?: "ACTIVE" | "PAYMENT_PENDING" | "CANCELED" }[], inAccount = accountId) {
  const created = await createProject(inAccount);
  await db().licence.createMany({ data: licences.map((l) => ({ projectId: created.id, ...l })) });
  if (inAccount === accountId) await db().memberProject.create({ data: { membershipId, projectId: created.id } });
  return created.id;
}

async function call(route: keyof typeof routes, projectId: string, body?: unknown) {
  const write = route === "createTask" || route === "publish";
  const req = new NextRequest(`http://localhost:3000/api/projects/${projectId}`, {
    method: write ? "POST" : "GET",
    headers: { origin: "http://localhost:3000", "content-type": "application/json" },
    body: write ? JSON.stringify(body ?? {}) : undefined,
  });
  const res = await routes[route](req, { params: Promise.resolve({ projectId }) });
  const type = res.headers.get("content-type");
  return { status: res.status, type, body: type?.includes("json") ? await res.json() : null };
}

const upsell = (projectId: string, licence: string) => ({
  status: 404,
  type: "application/json",
  body: { error: `This project's licence does not include ${licence}`, upgradeUrl: `/projects/${projectId}/subscription` },
});

describe("licence gates of the APIs: 404 with where to buy the licence", () => {
  it("no plan board without Planner, whatever the request holds", async () => {
    const safetyOnly = await project([{ module: "SAFETY", addOn: true }]);
    expect(await call("board", safetyOnly)).toEqual(upsell(safetyOnly, "Planner"));
    expect(await call("createTask", safetyOnly, { name: "" })).toEqual(upsell(safetyOnly, "Planner"));
    const cancelled = await project([{ module: "PLANNER", addOn: true, status: "CANCELED" }]);
    expect(await call("board", cancelled)).toEqual(upsell(cancelled, "Planner"));
  });

  it("no publishing without the Planner Board add-on, while the board itself works", async () => {
    const planner = await project([{ module: "PLANNER", addOn: false }]);
    expect(await call("board", planner)).toMatchObject({ status: 200, body: { tasks: [] } });
    expect(await call("createTask", planner, { name: "Pour", start: "2026-12-01", finish: "2026-12-02" })).toMatchObject({ status: 200, body: { name: "Pour" } });
    expect(await call("history", planner)).toEqual(upsell(planner, "Planner Board"));
    expect(await call("publish", planner)).toEqual(upsell(planner, "Planner Board"));
    const board = await project([{ module: "PLANNER", addOn: true, status: "PAYMENT_PENDING" }]);
    expect(await call("history", board)).toEqual({ status: 200, type: "application/json", body: [] });
  });

  it("no badges without the Safety Badge add-on", async () => {
    const safety = await project([{ module: "SAFETY", addOn: false }, { module: "PLANNER", addOn: true }]);
    expect(await call("badgesPdf", safety)).toEqual(upsell(safety, "Safety Badge"));
    const badges = await project([{ module: "SAFETY", addOn: true }]);
    expect(await call("badgesPdf", badges)).toMatchObject({ status: 200, type: "application/pdf" });
  });

  it("another company's project stays a plain 404, and signed out is 401", async () => {
    const foreign = await project([{ module: "PLANNER", addOn: true }], (await createAccount()).id);
    expect(await call("board", foreign)).toEqual({ status: 404, type: "application/json", body: { error: "Project not found" } });
    session.user = null;
    expect((await call("board", foreign)).status).toBe(401);
  });
});

describe("licence gates of the pages", () => {
  it("a page of a feature the project lacks renders the segment's not-found page (404, with the upsell)", async () => {
    const planner = await project([{ module: "PLANNER", addOn: false }]);
    await expect(featurePage(planner, "planBoard")).resolves.toMatchObject({ project: { id: planner } });
    await expect(featurePage(planner, "badges")).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;404" });
  });

  it("what each licence unlocks", () => {
    const licences = (...l: [Module, boolean][]) => l.map(([module, addOn]) => ({ module, addOn }));
    expect(hasFeature(licences(["PLANNER", false]), "planBoard")).toBe(true);
    expect(hasFeature(licences(["PLANNER", false]), "publish")).toBe(false);
    expect(hasFeature(licences(["PLANNER", true]), "publish")).toBe(true);
    expect(hasFeature(licences(["SAFETY", false]), "badges")).toBe(false);
    expect(hasFeature(licences(["SAFETY", true]), "badges")).toBe(true);
    expect(hasFeature(licences(["PLANNER", true]), "badges")).toBe(false);
  });
});
