// Logging (pino). Device payloads carry personal data (names, card and employee numbers, face images): nothing from
// a payload is logged except through `safePayload`, which masks those fields and drops images.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'device-bridge'): Logger {
  return pino({ name, level });
}

const SENSITIVE =
  /^(name|personName|cardNo|cardNumber|employeeNo|employeeNoString|idNumber|certificateNumber|phone|phoneNumber|certNo|userName)$/i;
const IMAGE = /(image|picture|pic|snapshot|photo|jpeg|jpg|base64|facedata)/i;

/** Mask a personal value: keep at most the last 2 characters. */
export function mask(value: unknown): string {
  const s = String(value ?? '');
  if (s.length <= 2) return '*'.repeat(s.length);
  return `${'*'.repeat(Math.min(s.length - 2, 8))}${s.slice(-2)}`;
}

/** A copy of a payload fit for a log line: personal fields masked, images and long strings dropped. */
export function safePayload(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => safePayload(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SENSITIVE.test(k)) out[k] = mask(v);
      else if (IMAGE.test(k) && typeof v === 'string') out[k] = `[image ${v.length} chars]`;
      else out[k] = safePayload(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 60)}…[${value.length} chars]`;
  return value;
}
