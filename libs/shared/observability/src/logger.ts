import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs, one line per event, with the app's name on every line. */
export function createLogger(app: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: app, level, base: { app }, timestamp: pino.stdTimeFunctions.isoTime });
}
