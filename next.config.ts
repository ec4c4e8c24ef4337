import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with status 403 (a company Procore does not list for the user).
  experimental: { authInterrupts: true },
  // The build checks the app only; `npm run typecheck` checks everything, tests and sandboxes included.
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
