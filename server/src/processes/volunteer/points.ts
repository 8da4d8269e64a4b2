// The points ledger and the points mall. A balance is never stored: it is the SUM of a person's ledger entries
// in one community. Redeeming takes a per-person lock (a transaction-scoped advisory lock), checks the balance
// under it, reserves stock with a conditional UPDATE (stock >= quantity) and writes the debit, all in one
// transaction: two redemptions at once can neither oversell an item nor overdraw a balance.
import { randomInt } from 'node:crypto';
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { MallItem, PointsLedgerEntry, Redemption, VolunteerRankingEntry } from '@linli/contracts';
import type { DbOrTx } from '../../db/client.js';
import { ApiError, badRequest, conflict, notFound } from '../../http/errors.js';
import type { Services } from '../../services.js';
import { enqueueNotice } from '../shared/notify.js';
import { namesOf, partyMembers } from './domain.js';
import { linkOfRedemptions } from './links.js';
import { mallItems, pointsLedger, redemptions } from './schema.js';

export type LedgerRow = typeof pointsLedger.$inferSelect;
export type MallItemRow = typeof mallItems.$inferSelect;
export type RedemptionRow = typeof redemptions.$inferSelect;

export const insufficientPoints = (balance: number, needed: number) =>
  new ApiError(
    409,
    'insufficient_points',
    `Not enough points: this needs ${needed} and your balance is ${balance}`,
    { balance, needed },
  );
export const outOfStock = (name: string, stock: number, wanted: number) =>
  new ApiError(409, 'out_of_stock', `Not enough stock of ${name}: ${stock} left, ${wanted} wanted`, {
    stock,
    wanted,
  });

/** Serialises every balance-changing transaction of one person in one community. */
export async function lockAccount(tx: DbOrTx, userId: string, communityId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`linli.points:${userId}:${communityId}`}))`);
}

export async function balanceOf(db: DbOrTx, userId: string, communityId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${pointsLedger.amount}), 0)::int` })
    .from(pointsLedger)
    .where(and(eq(pointsLedger.userId, userId), eq(pointsLedger.communityId, communityId)));
  return Number(row?.total ?? 0);
}

export function presentEntry(r: LedgerRow): PointsLedgerEntry {
  return {
    id: r.id,
    amount: r.amount,
    kind: r.kind,
    causeKey: r.causeKey,
    instanceId: r.instanceId,
    step: r.step,
    activityId: r.activityId,
    redemptionId: r.redemptionId,
    hours: Number(r.hours),
    note: r.note,
    at: r.at.toISOString(),
  };
}

// ---- ranking ----------------------------------------------------------------------------------------------------

/** The first instant of this year in China time. */
export function yearStart(now: Date): Date {
  const china = new Date(now.getTime() + 8 * 3_600_000);
  return new Date(Date.UTC(china.getUTCFullYear(), 0, 1) - 8 * 3_600_000);
}

interface Standing {
  userId: string;
  points: number;
  hours: number;
  services: number;
}

/** Earned points (service credits only: redeeming does not lower a rank), hours and services per volunteer. */
export async function standings(db: DbOrTx, communityId: string, since: Date | null): Promise<Standing[]> {
  const rows = await db
    .select({
      userId: pointsLedger.userId,
      points: sql<number>`coalesce(sum(${pointsLedger.amount}) filter (where ${pointsLedger.kind} in ('service', 'adjustment') and ${pointsLedger.amount} > 0), 0)::int`,
      hours: sql<string>`coalesce(sum(${pointsLedger.hours}) filter (where ${pointsLedger.kind} in ('service', 'adjustment')), 0)`,
      services: sql<number>`count(*) filter (where ${pointsLedger.kind} = 'service')::int`,
    })
    .from(pointsLedger)
    .where(and(eq(pointsLedger.communityId, communityId), since ? gte(pointsLedger.at, since) : sql`true`))
    .groupBy(pointsLedger.userId);
  return rows
    .map((r) => ({
      userId: r.userId,
      points: Number(r.points),
      hours: Number(r.hours),
      services: Number(r.services),
    }))
    .filter((r) => r.points > 0 || r.hours > 0);
}

/** Competition ranking (1, 2, 2, 4) by points or hours, ties broken by the other measure. */
export function rank(list: Standing[], by: 'points' | 'hours'): (Standing & { rank: number })[] {
  const other = by === 'points' ? 'hours' : 'points';
  const sorted = [...list].sort(
    (a, b) => b[by] - a[by] || b[other] - a[other] || a.userId.localeCompare(b.userId),
  );
  let last: Standing | undefined;
  let lastRank = 0;
  return sorted.map((s, i) => {
    const tied = last && last[by] === s[by] && last[other] === s[other];
    lastRank = tied ? lastRank : i + 1;
    last = s;
    return { ...s, rank: lastRank };
  });
}

export async function ranking(
  db: DbOrTx,
  communityId: string,
  opts: { since: Date | null; by: 'points' | 'hours'; limit: number },
): Promise<VolunteerRankingEntry[]> {
  const ranked = rank(await standings(db, communityId, opts.since), opts.by).slice(0, opts.limit);
  const names = await namesOf(
    db,
    ranked.map((r) => r.userId),
  );
  const party = await partyMembers(
    db,
    ranked.map((r) => r.userId),
    communityId,
  );
  return ranked.map((r) => ({
    rank: r.rank,
    userId: r.userId,
    name: names.get(r.userId) ?? '志愿者',
    isPartyMember: party.has(r.userId),
    points: r.points,
    hours: r.hours,
    services: r.services,
  }));
}

export async function positionOf(
  db: DbOrTx,
  communityId: string,
  userId: string,
  since: Date | null,
  by: 'points' | 'hours',
): Promise<{ rank: number | null; of: number }> {
  const ranked = rank(await standings(db, communityId, since), by);
  return { rank: ranked.find((r) => r.userId === userId)?.rank ?? null, of: ranked.length };
}

// ---- the mall ---------------------------------------------------------------------------------------------------

export function presentItem(r: MallItemRow): MallItem {
  return {
    id: r.id,
    communityId: r.communityId,
    name: r.name,
    description: r.description,
    kind: r.kind,
    pointsPrice: r.pointsPrice,
    stock: r.stock,
    organisationId: r.organisationId,
    providerName: r.providerName,
    active: r.active,
  };
}

export async function presentRedemptions(
  db: DbOrTx,
  rows: RedemptionRow[],
  showCode: (r: RedemptionRow) => boolean,
): Promise<Redemption[]> {
  if (!rows.length) return [];
  const items = await db
    .select()
    .from(mallItems)
    .where(
      inArray(
        mallItems.id,
        rows.map((r) => r.itemId),
      ),
    );
  const byId = new Map(items.map((i) => [i.id, i]));
  const names = await namesOf(
    db,
    rows.map((r) => r.userId),
  );
  return rows.map((r) => ({
    id: r.id,
    itemId: r.itemId,
    itemName: byId.get(r.itemId)?.name ?? '',
    providerName: byId.get(r.itemId)?.providerName ?? '',
    userId: r.userId,
    userName: names.get(r.userId) ?? '志愿者',
    quantity: r.quantity,
    points: r.points,
    status: r.status,
    ...(showCode(r) ? { pickupCode: r.pickupCode } : {}),
    fulfilledAt: r.fulfilledAt?.toISOString() ?? null,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
    cancelReason: r.cancelReason,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** 8 characters a person reads out at the counter without mixing up 0/O or 1/I. */
function pickupCode(): string {
  const alphabet = 'ACDEFGHJKLMNPQRTUVWXY3479';
  return Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/**
 * Reserves stock and debits points in one transaction, or changes nothing and answers 409 naming the problem
 * (insufficient_points, out_of_stock). The caller has checked the person may redeem this item.
 */
export async function redeem(
  s: Services,
  userId: string,
  item: MallItemRow,
  quantity: number,
): Promise<{ redemption: RedemptionRow; balance: number }> {
  const cost = item.pointsPrice * quantity;
  return s.db.transaction(async (tx) => {
    await lockAccount(tx, userId, item.communityId);
    const balance = await balanceOf(tx, userId, item.communityId);
    if (balance < cost) throw insufficientPoints(balance, cost);
    const [reserved] = await tx
      .update(mallItems)
      .set({ stock: sql`${mallItems.stock} - ${quantity}`, updatedAt: s.now() })
      .where(and(eq(mallItems.id, item.id), eq(mallItems.active, true), gte(mallItems.stock, quantity)))
      .returning();
    if (!reserved) {
      const [now] = await tx.select().from(mallItems).where(eq(mallItems.id, item.id));
      if (!now?.active) throw conflict(`${item.name} is no longer offered`);
      throw outOfStock(item.name, now.stock, quantity);
    }
    const [redemption] = await tx
      .insert(redemptions)
      .values({
        itemId: item.id,
        userId,
        communityId: item.communityId,
        orgPath: item.orgPath,
        quantity,
        points: cost,
        pickupCode: pickupCode(),
        createdAt: s.now(),
      })
      .returning();
    await tx.insert(pointsLedger).values({
      userId,
      communityId: item.communityId,
      orgPath: item.orgPath,
      amount: -cost,
      kind: 'redemption',
      causeKey: `redemption:${redemption!.id}`,
      redemptionId: redemption!.id,
      note: `兑换${item.name}×${quantity}`,
      createdBy: userId,
      at: s.now(),
    });
    return { redemption: redemption!, balance: balance - cost };
  });
}

/** Returns the stock and the points (a compensating credit) of a reserved redemption. */
export async function cancelRedemption(
  s: Services,
  r: RedemptionRow,
  by: string,
  reason: string,
): Promise<RedemptionRow> {
  const updated = await s.db.transaction(async (tx) => {
    await lockAccount(tx, r.userId, r.communityId);
    const [row] = await tx
      .update(redemptions)
      .set({ status: 'cancelled', cancelledBy: by, cancelledAt: s.now(), cancelReason: reason })
      .where(and(eq(redemptions.id, r.id), eq(redemptions.status, 'reserved')))
      .returning();
    if (!row) throw conflict(`This redemption is already ${await statusOf(tx, r.id)}`);
    const [item] = await tx
      .update(mallItems)
      .set({ stock: sql`${mallItems.stock} + ${r.quantity}`, updatedAt: s.now() })
      .where(eq(mallItems.id, r.itemId))
      .returning();
    await tx
      .insert(pointsLedger)
      .values({
        userId: r.userId,
        communityId: r.communityId,
        orgPath: r.orgPath,
        amount: r.points,
        kind: 'refund',
        causeKey: `redemption:${r.id}:cancel`,
        redemptionId: r.id,
        note: `取消兑换${item?.name ?? ''}，退回积分`,
        createdBy: by,
        at: s.now(),
      })
      .onConflictDoNothing();
    return row;
  });
  if (by !== r.userId)
    await enqueueNotice(s.db, {
      dedupKey: `redemption:${r.id}:cancelled`,
      recipients: [r.userId],
      template: 'volunteer.redemption_cancelled',
      title: '积分兑换已取消',
      body: `您的积分兑换已被取消（${reason}），${r.points}积分已退回。`,
      link: linkOfRedemptions(),
      data: { redemptionId: r.id },
    });
  return updated;
}

export async function fulfilRedemption(
  s: Services,
  r: RedemptionRow,
  by: string,
  code: string,
): Promise<RedemptionRow> {
  if (r.status !== 'reserved') throw conflict(`This redemption is already ${r.status}`);
  if (code.trim().toUpperCase() !== r.pickupCode)
    throw badRequest('pickupCode: the pickup code does not match');
  const [row] = await s.db
    .update(redemptions)
    .set({ status: 'fulfilled', fulfilledBy: by, fulfilledAt: s.now() })
    .where(and(eq(redemptions.id, r.id), eq(redemptions.status, 'reserved')))
    .returning();
  if (!row) throw conflict(`This redemption is already ${await statusOf(s.db, r.id)}`);
  return row;
}

async function statusOf(db: DbOrTx, id: string): Promise<string> {
  const [row] = await db
    .select({ status: redemptions.status })
    .from(redemptions)
    .where(eq(redemptions.id, id));
  if (!row) throw notFound('Redemption', id);
  return row.status;
}

export async function ledgerOf(
  db: DbOrTx,
  userId: string,
  communityId: string,
  limit = 100,
): Promise<LedgerRow[]> {
  return db
    .select()
    .from(pointsLedger)
    .where(and(eq(pointsLedger.userId, userId), eq(pointsLedger.communityId, communityId)))
    .orderBy(desc(pointsLedger.at), desc(pointsLedger.id))
    .limit(limit);
}
