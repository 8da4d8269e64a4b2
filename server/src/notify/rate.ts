// Sliding-window send limits shared by every process: a WeCom member takes 30 application messages a minute
// and 1000 an hour (more are dropped silently), a group robot 20 a minute. Each send takes a slot in
// notify_rate_log under a transaction-scoped advisory lock on its bucket; no slot, no send.
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { notifyRateLog } from './schema.js';

export interface Limit {
  windowMs: number;
  max: number;
}

export const WECOM_MEMBER_LIMITS: Limit[] = [
  { windowMs: 60_000, max: 30 },
  { windowMs: 3_600_000, max: 1000 },
];
export const ROBOT_LIMITS: Limit[] = [{ windowMs: 60_000, max: 20 }];

/** Takes a slot now, or says when one frees up. Call inside a transaction. */
export async function takeSlot(
  tx: DbOrTx,
  bucket: string,
  limits: Limit[],
  now: Date,
): Promise<{ ok: true } | { ok: false; retryAt: Date }> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'notify:rate:' + bucket}))`);
  let retryAt = 0;
  for (const limit of limits) {
    const since = new Date(now.getTime() - limit.windowMs);
    // the (max)th most recent send: while it lies inside the window, the window is full
    const rows = await tx
      .select({ at: notifyRateLog.at })
      .from(notifyRateLog)
      .where(and(eq(notifyRateLog.bucket, bucket), gt(notifyRateLog.at, since)))
      .orderBy(sql`${notifyRateLog.at} desc`)
      .offset(limit.max - 1)
      .limit(1);
    if (rows[0]) retryAt = Math.max(retryAt, rows[0].at.getTime() + limit.windowMs + 1);
  }
  if (retryAt) return { ok: false, retryAt: new Date(retryAt) };
  await tx.insert(notifyRateLog).values({ bucket, at: now });
  return { ok: true };
}

/** Forgets sends older than the longest window. */
export async function pruneRateLog(db: DbOrTx, now: Date): Promise<void> {
  await db.delete(notifyRateLog).where(lt(notifyRateLog.at, new Date(now.getTime() - 2 * 3_600_000)));
}
