import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// The e2e journey runs against the real start command (build, migrations, sandboxes, worker) on
// its own ports, with a fresh database: a new PostgreSQL database beside DATABASE_URL when that is
// set, otherwise an embedded PGlite in a throwaway data folder.
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
const PROCORE_PORT = APP_PORT + 1001;
const STRIPE_PORT = APP_PORT + 1002;
const baseURL = `http://localhost:${APP_PORT}`;

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(
    `No Chromium at ${chromium}. Install Debian's: \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH). ` +
      "Playwright's own browser download does not work on these machines.",
  );
}

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // One retry in CI: journeys across three servers on a 2-core machine can lose a race once.
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromium,
          args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
      },
    },
  ],
  webServer: {
    command: "node --import tsx scripts/start.ts",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "pipe",
    env: {
      PORT: String(APP_PORT),
      APP_URL: baseURL,
      PROCORE_SANDBOX_PORT: String(PROCORE_PORT),
      STRIPE_SANDBOX_PORT: String(STRIPE_PORT),
      EMBEDDED_DB_PORT: String(APP_PORT + 52000),
      SMARTAPP_DATA_DIR: ".data/e2e",
      SMARTAPP_RESET_DATA: "1",
      SMARTAPP_FRESH_DATABASE: "1",
      // The security spec scans every log line of the stack for secrets: at debug level, teed to a file.
      LOG_LEVEL: process.env.LOG_LEVEL ?? "debug",
      SMARTAPP_LOG_FILE: ".data/e2e/stack.log",
    },
  },
});
