import { pino, type Logger } from 'pino';

// Personal data and secrets never reach the log, wherever they appear in a logged object.
const REDACT = [
  'password',
  'idNumber',
  'phone',
  'code',
  'refreshToken',
  'accessToken',
  'sessionKey',
  'session_key',
  'secret',
  'authorization',
  '*.password',
  '*.idNumber',
  '*.phone',
  '*.code',
  '*.refreshToken',
  '*.accessToken',
  '*.sessionKey',
  '*.session_key',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'linli-server' }, redact: { paths: REDACT, censor: '[redacted]' } },
    destination ?? process.stdout,
  );
}
