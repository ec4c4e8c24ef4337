// Demo data for a fresh database, run by `npm start` (it does nothing once an account exists).
// With the local Procore sandbox, "Second Builders Inc." starts with two licensed projects, so the
// mapping page's Licensed / Not licensed view and Project Central have something to show; the demo
// login (admin@demo.test) becomes its owner on first setup. Ids are the sandbox's fixed demo ids
// (emulators/procore/README.md). Against real Procore nothing is seeded: ids would mean nothing there.
import { db } from "@/lib/db";
import { env } from "@/lib/env";

const SECOND_BUILDERS = 4_300_000_002n;
const PROJECTS = [
  { procoreProjectId: 4_400_000_037n, name: "Second Street Duplexes", module: "PLANNER" as const, addOn: true },
  { procoreProjectId: 4_400_000_038n, name: "Lincoln High Stadium", module: "SAFETY" as const, addOn: false },
];

async function main() {
  if ((await db().account.count()) > 0 || env().procore.mode !== "sandbox") return;
  await db().account.create({
    data: {
      procoreCompanyId: SECOND_BUILDERS,
      name: "Second Builders Inc.",
      projects: {
        create: PROJECTS.map((p) => ({
          procoreProjectId: p.procoreProjectId,
          name: p.name,
          licences: { create: { module: p.module, addOn: p.addOn } },
        })),
      },
    },
  });
  console.log("[seed] demo data: Second Builders Inc. with 2 licensed projects");
}

await main();
await db().$disconnect();
