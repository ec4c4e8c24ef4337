import pino from "pino";

// Every field that could carry a credential is censored wherever it appears in a log object.
const REDACT = [
  "accessToken", "refreshToken", "access_token", "refresh_token", "token", "clientSecret", "client_secret",
  "secret", "password", "authorization", "Authorization", "cookie", "card", "cardNumber", "code",
].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`]);

export const log = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: process.env.SMARTAPP_PROCESS ?? "web" },
  redact: { paths: REDACT, censor: "[redacted]" },
});

export type Logger = pino.Logger;
