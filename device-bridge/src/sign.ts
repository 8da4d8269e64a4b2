// The HMAC signature of the bridge → server wire contract (issue 6):
//   events:    sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
//   snapshots: sha256=<hex HMAC-SHA256(secret, timestamp + "." + sha256hex(body))>
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256hex } from './queue.js';

export function signBody(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

export function signSnapshot(secret: string, timestamp: number | string, bytes: Buffer): string {
  return signBody(secret, timestamp, sha256hex(bytes));
}

export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

let lastTs = 0;
/** Unix ms, strictly increasing within this process (two requests never share a timestamp, so never a signature). */
export function uniqueTimestamp(): number {
  lastTs = Math.max(Date.now(), lastTs + 1);
  return lastTs;
}
