import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with status 403 (a company Procore does not list for the user).
  experimental: { authInterrupts: true },
};

export default nextConfig;
