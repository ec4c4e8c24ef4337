import type { NextConfig } from "next";
import { API_CSP, PERMISSIONS_POLICY } from "./lib/security/headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with status 403 (a company Procore does not list for the user).
  experimental: { authInterrupts: true },
  // The build checks the app only; `npm run typecheck` checks everything, tests and sandboxes included.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // Headers for every response, static files included. Pages' CSP (a nonce per request), X-Frame-Options and HSTS
  // depend on the path and the environment: proxy.ts sets them (lib/security/headers.ts). API answers are JSON and
  // redirects, the same everywhere: their policy is static, here.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
      {
        source: "/api/:path*",
        headers: [
          { key: "Content-Security-Policy", value: API_CSP },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
        ],
      },
    ];
  },
};

export default nextConfig;
