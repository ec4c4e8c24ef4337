// Ports and URLs of the stack that playwright.config.ts starts.
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
export const APP_URL = `http://localhost:${APP_PORT}`;
export const PROCORE_URL = `http://localhost:${APP_PORT + 1001}`;
export const STRIPE_URL = `http://localhost:${APP_PORT + 1002}`;

export const DEMO = { email: "admin@demo.test", password: "demo", company: "Demo Construction Co.", second: "Second Builders Inc." };
export const THIRD = { email: "third@third.test", password: "demo", company: "Third Party Contractors" };
