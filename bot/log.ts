import pino from "pino";

export type Logger = pino.Logger;

/** Structured logs (one JSON line per decision, with its reason); secrets never reach them. */
export function botLogger(destination?: pino.DestinationStream, level = "info"): Logger {
  return pino(
    {
      name: "kcibot",
      level,
      redact: {
        paths: ["secret", "token", "*.secret", "*.token", "headers.authorization"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
