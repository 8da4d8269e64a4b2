import { pino, type Logger } from 'pino';

// Personal data and secrets never reach the log, at whatever depth they appear in a logged object.
const SECRET_KEYS = new Set([
  'password',
  'idnumber',
  'phone',
  'code',
  'refreshtoken',
  'accesstoken',
  'sessionkey',
  'session_key',
  'secret',
  'authorization',
  'cookie',
]);
const CENSOR = '[redacted]';

function scrub(value: unknown, depth: number): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEYS.has(key.toLowerCase()) ? CENSOR : scrub(v, depth + 1);
  }
  return out;
}

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'linli-server' },
      formatters: { log: (object) => scrub(object, 0) as Record<string, unknown> },
    },
    destination ?? process.stdout,
  );
}
