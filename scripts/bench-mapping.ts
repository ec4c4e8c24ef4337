// `npm run bench:mapping`: the mapping page with 5,000 Procore projects, in Chromium.
// Prints: navigation → list interactive (cold: first visit reads Procore; warm: from the cache),
// p95 of a search keystroke until the list updates, p95 of a checkbox click until the summary
// updates, and the page's JavaScript bytes (compressed, as transferred).
import { chromium } from "@playwright/test";
import { percentile, startStack } from "./bench/stack";

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 5000);
const stack = await startStack(Number(process.env.BENCH_PORT ?? 3300));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const seeded = await (await fetch(`${stack.procoreUrl}/__admin/seed`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "large", projects: PROJECTS }) })).json();
  const companyId = String(seeded.companyId);
  await fetch(`${stack.procoreUrl}/__admin/install`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ companyId, app: "planner" }) });

  const page = await browser.newPage();
  await page.goto(`${stack.appUrl}/procore/setup`);
  await page.getByRole("button", { name: "Continue with Procore" }).click();
  await page.getByLabel("Email").fill("admin@demo.test");
  await page.getByLabel("Password").fill("demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL((u) => u.origin === stack.appUrl);

  const firstRow = page.getByRole("checkbox", { name: /^Select / }).first();
  const measureLoad = async (url: string) => {
    const t0 = Date.now();
    await page.goto(url);
    await firstRow.waitFor({ state: "visible", timeout: 120_000 });
    await page.waitForFunction(() => !(document.querySelector('input[type="checkbox"]') as HTMLInputElement | null)?.disabled);
    return Date.now() - t0;
  };
  const mappingUrl = `${stack.appUrl}/procore/setup?company_id=${companyId}`;
  const cold = await measureLoad(mappingUrl);
  const warm = await measureLoad(page.url());
  const rows = await page.getByRole("checkbox", { name: /^Select / }).count();

  // In-page timing: from the input/click event to the next frame after the DOM changed.
  await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __start: number | null };
    w.__lat = [];
    w.__start = null;
    const observer = new MutationObserver(() => {
      if (w.__start === null) return;
      const start = w.__start;
      w.__start = null;
      requestAnimationFrame(() => w.__lat.push(performance.now() - start));
    });
    observer.observe(document.querySelector("main")!, { subtree: true, childList: true, characterData: true, attributes: true });
    document.addEventListener("input", () => (w.__start = performance.now()), true);
    document.addEventListener("click", () => (w.__start = performance.now()), true);
  });
  const lat = () => page.evaluate(() => (window as unknown as { __lat: number[] }).__lat.splice(0));
  const search = page.getByRole("searchbox", { name: "Search projects" });
  for (const term of ["Bench", "Project 4", "Project 49", "Project 499"]) {
    await search.fill("");
    await search.pressSequentially(term, { delay: 60 });
    await page.waitForTimeout(200);
  }
  await search.fill("");
  await page.waitForTimeout(300);
  const searchLat = await lat();

  const boxes = page.getByRole("checkbox", { name: /^Select / });
  for (let i = 0; i < 20; i++) {
    await boxes.nth(i % 10).click();
    await page.waitForTimeout(80);
  }
  const clickLat = await lat();
  const jsBytes = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((e) => (e as PerformanceResourceTiming).name.endsWith(".js") || (e as PerformanceResourceTiming).initiatorType === "script")
      .reduce((sum, e) => sum + (e as PerformanceResourceTiming).encodedBodySize, 0),
  );

  console.log(`bench:mapping — ${PROJECTS} Procore projects, ${rows} rows rendered (virtualised)`);
  console.log(`  navigation → list interactive, cold (reads every Procore page): ${cold} ms`);
  console.log(`  navigation → list interactive, warm (cached):                  ${warm} ms`);
  console.log(`  search keystroke → list updated: p50 ${percentile(searchLat, 50).toFixed(1)} ms, p95 ${percentile(searchLat, 95).toFixed(1)} ms (${searchLat.length} keystrokes)`);
  console.log(`  checkbox click → summary updated: p50 ${percentile(clickLat, 50).toFixed(1)} ms, p95 ${percentile(clickLat, 95).toFixed(1)} ms (${clickLat.length} clicks)`);
  console.log(`  JavaScript transferred (compressed): ${(jsBytes / 1024).toFixed(1)} KiB`);
} finally {
  await browser.close();
  await stack.stop();
}
