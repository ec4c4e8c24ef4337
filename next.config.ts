import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with status 403 (a company Procore does not list for the user).
  experimental: { authInterrupts: true },
  // The build checks the app only; `npm run typecheck` checks everything, tests and sandboxes included.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // Headers for every response, static files included. The CSP, X-Frame-Options and HSTS depend on the path and
  // the environment: proxy.ts sets them (lib/security/headers.ts).
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
