// Signed requests from device bridges (the wire contract in contracts/src/devices.ts):
//   X-Linli-Bridge: <bridge id>   X-Linli-Timestamp: <unix ms>   X-Linli-Signature: sha256=<hex>
// where the signature is HMAC-SHA256(secret, timestamp + "." + signed) and `signed` is the raw body of an event
// batch, or the sha256 hex of a snapshot's bytes. Refused with 401 and the reason: unknown_bridge,
// stale_timestamp (more than 300 s from the server clock), bad_signature, replayed (a signature seen before).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, lt, sql } from 'drizzle-orm';
import type Koa from 'koa';
import type { DbOrTx } from '../db/client.js';
import type { Services } from '../services.js';
import { deviceBridges, deviceIngestNonces } from './schema.js';

export const TIMESTAMP_WINDOW_MS = 300_000;

export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sign(secret: string, timestamp: string, signed: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(signed).digest('hex')}`;
}

export function newBridgeSecret(): string {
  return randomBytes(24).toString('base64url');
}

export interface VerifiedBridge {
  id: string;
  communityId: string;
  orgPath: string;
  signature: string;
}

/** secrets decrypted recently, per process (a rotation in this process clears its entry) */
const cache = new Map<string, { at: number; row: typeof deviceBridges.$inferSelect; secret: string }>();
const CACHE_MS = 5_000;

export function forgetBridge(id: string): void {
  cache.delete(id);
}

export async function verifyBridge(
  s: Services,
  ctx: Koa.Context,
  signed: string | Buffer,
): Promise<VerifiedBridge> {
  const bridgeId = ctx.get('x-linli-bridge');
  const timestamp = ctx.get('x-linli-timestamp');
  const signature = ctx.get('x-linli-signature');
  if (!bridgeId) throw new IngestError(401, 'unknown_bridge', 'Send the bridge id as X-Linli-Bridge');
  let entry = cache.get(bridgeId);
  if (!entry || Date.now() - entry.at > CACHE_MS) {
    const [row] = await s.db.select().from(deviceBridges).where(eq(deviceBridges.id, bridgeId));
    if (!row || !row.active) {
      cache.delete(bridgeId);
      throw new IngestError(
        401,
        'unknown_bridge',
        `There is no active device bridge "${bridgeId.slice(0, 64)}"`,
      );
    }
    entry = { at: Date.now(), row, secret: s.vault.decrypt(row.secretEnc) };
    cache.set(bridgeId, entry);
  }
  if (!/^\d{10,16}$/.test(timestamp))
    throw new IngestError(
      401,
      'stale_timestamp',
      'X-Linli-Timestamp must be the time of sending in unix milliseconds',
    );
  const skew = Math.abs(s.now().getTime() - Number(timestamp));
  if (skew > TIMESTAMP_WINDOW_MS)
    throw new IngestError(
      401,
      'stale_timestamp',
      `X-Linli-Timestamp is ${Math.round(skew / 1000)} s away from the server clock (at most ${TIMESTAMP_WINDOW_MS / 1000} s)`,
    );
  const expected = Buffer.from(sign(entry.secret, timestamp, signed));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new IngestError(
      401,
      'bad_signature',
      'X-Linli-Signature does not match: expected sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>',
    );
  return { id: entry.row.id, communityId: entry.row.communityId, orgPath: entry.row.orgPath, signature };
}

/** Records the signature; throws `replayed` when it was seen before. Run in the request's transaction. */
export async function useSignature(
  db: DbOrTx,
  bridge: VerifiedBridge,
  at: Date,
  opts: { touchBridge?: boolean } = {},
): Promise<void> {
  // touchBridge: the bridge's last-seen time is set in the same statement (an ingest's first round trip)
  const res = await db.execute(sql`
    with fresh as (
      insert into device_ingest_nonces (signature, bridge_id, seen_at)
      values (${bridge.signature}, ${bridge.id}, ${at.toISOString()}::timestamptz)
      on conflict do nothing returning signature),
    touched as (
      update device_bridges set last_seen_at = ${at.toISOString()}::timestamptz
      where ${opts.touchBridge ?? false} and id = ${bridge.id} and exists (select 1 from fresh))
    select count(*)::int as fresh from fresh`);
  const [row] = (res as unknown as { rows: { fresh: number }[] }).rows;
  if (!row?.fresh)
    throw new IngestError(
      401,
      'replayed',
      'This signature was used before: sign every request with a fresh timestamp',
    );
}

/** Signatures older than the timestamp window can no longer be replayed (their timestamp is stale). */
export async function pruneNonces(db: DbOrTx, now: Date): Promise<number> {
  const gone = await db
    .delete(deviceIngestNonces)
    .where(lt(deviceIngestNonces.seenAt, new Date(now.getTime() - 2 * TIMESTAMP_WINDOW_MS)))
    .returning({ s: deviceIngestNonces.signature });
  return gone.length;
}
