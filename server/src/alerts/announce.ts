// Telling people about a NEW alert, inside the transaction that creates it: an outbox notice (the dispatcher
// turns it into the in-app inbox, WeCom application messages and WeChat subscribe messages by each person's
// preferences) to the routed people (and the property's staff for building faults), and a WeCom group robot
// message to the grid's work group mentioning the on-duty workers. Folded events tell nobody again.
// Also numbering (GJ + China date + serial) and raising alerts the server decides itself.
import { eq, sql } from 'drizzle-orm';
import type { AlertType } from '@linli/contracts';
import type { DbOrTx } from '../db/client.js';
import { notifyDeliveries } from '../notify/schema.js';
import { robotFor } from '../notify/plan.js';
import { chinaDate, chinaDateTime } from '../notify/time.js';
import { enqueueNotices, type Notice } from '../processes/shared/notify.js';
import { alertNumberCounters, alerts } from './schema.js';
import { Lookups, routeAlert, wecomIdsOf, type RouteInput } from './routing.js';
import { typeName, type TypeSetting } from './types.js';

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;

const SEVERITY_NAMES: Record<string, string> = {
  info: '提示',
  warning: '一般',
  major: '重要',
  critical: '紧急',
};

/** `n` consecutive alert numbers for the day of `at` (China time). */
export async function nextNumbers(db: DbOrTx, at: Date, n: number): Promise<string[]> {
  if (n <= 0) return [];
  const day = chinaDate(at).replace(/-/g, '');
  const [row] = await db
    .insert(alertNumberCounters)
    .values({ day, last: n })
    .onConflictDoUpdate({
      target: alertNumberCounters.day,
      set: { last: sql`${alertNumberCounters.last} + ${n}` },
    })
    .returning();
  const last = row!.last;
  return Array.from({ length: n }, (_, i) => `GJ${day}-${String(last - n + 1 + i).padStart(4, '0')}`);
}

export interface AnnounceContext extends Omit<RouteInput, 'at' | 'type'> {
  deviceName: string | null;
}

type Announced = Pick<
  AlertRow,
  'id' | 'number' | 'type' | 'severity' | 'location' | 'firstAt' | 'snapshotFileIds' | 'orgPath'
>;

/**
 * The notices of the new alerts of one transaction, written together: routing lookups are shared (Lookups)
 * and the outbox rows and robot deliveries go in one insert each, so 200 new alerts in a batch cost a few
 * statements instead of ~9 each.
 */
export class AnnounceBatch {
  readonly lookups = new Lookups();
  private readonly notices: Notice[] = [];
  private readonly robot: (typeof notifyDeliveries.$inferInsert)[] = [];

  constructor(
    private readonly db: DbOrTx,
    private readonly linkBase = '',
  ) {}

  /**
   * Routes a new alert and queues its notices. Returns the escalation chain (stored on the alert as routed_to)
   * and whether the property's staff were told.
   */
  async add(alert: Announced, ctx: AnnounceContext): Promise<{ chain: string[]; forProperty: boolean }> {
    const { db, lookups } = this;
    const routing = await routeAlert(db, { ...ctx, type: alert.type, at: alert.firstAt }, lookups);
    const name = typeName(alert.type);
    const severity = SEVERITY_NAMES[alert.severity] ?? alert.severity;
    // a page of the mini-program (grid workers open it from the message)
    const link = `/pages/alerts/detail?id=${alert.id}`;
    const lines = [
      `${severity}告警：${name}${ctx.deviceName ? `（${ctx.deviceName}）` : ''}`,
      `地点：${alert.location}`,
      `时间：${chinaDateTime(alert.firstAt)}`,
      ...(alert.snapshotFileIds.length
        ? [`抓拍：${this.linkBase}/api/v1/alert-snapshots/${alert.snapshotFileIds[0]}`]
        : []),
      `告警编号：${alert.number}`,
    ];
    const title = `【${name}】${alert.location}`;
    const body = lines.join('\n');
    // info alerts go to the inbox at normal urgency; the others are urgent (NOTIFY_URGENT_TEMPLATES: alert.*)
    const template = alert.severity === 'info' ? `device.${alert.type}` : `alert.${alert.type}`;
    const data = { alertId: alert.id, number: alert.number, type: alert.type, orgPath: alert.orgPath };
    this.notices.push({
      dedupKey: `alert:${alert.id}`,
      recipients: [...routing.routed, ...routing.property],
      template,
      title,
      body,
      link,
      data,
    });
    if (alert.severity !== 'info') {
      const robot = await lookups.get(`robot:${alert.orgPath}`, () => robotFor(db, alert.orgPath));
      if (robot) {
        const routed = routing.routed;
        const mentions = await lookups.get(`wecom:${routed.join(',')}`, () => wecomIdsOf(db, routed));
        this.robot.push({
          dedupKey: `alert:${alert.id}`,
          target: `grid:${robot.orgUnitId}`,
          channel: 'robot',
          userId: null,
          inboxId: null,
          template,
          urgency: 'urgent',
          message: { title, body, link, mentions, data },
          status: 'pending',
          nextAt: new Date(),
        });
      }
    }
    return { chain: routing.chain, forProperty: routing.property.length > 0 };
  }

  /** Writes what was queued (in the caller's transaction). */
  async flush(): Promise<void> {
    const notices = this.notices.splice(0);
    const robot = this.robot.splice(0);
    await enqueueNotices(this.db, notices);
    if (robot.length) await this.db.insert(notifyDeliveries).values(robot).onConflictDoNothing();
  }
}

/** One alert's notices, written at once (the server's own alerts, raised one at a time). */
export async function announce(
  db: DbOrTx,
  alert: Announced,
  ctx: AnnounceContext,
  linkBase = '',
): Promise<{ chain: string[]; forProperty: boolean }> {
  const batch = new AnnounceBatch(db, linkBase);
  const out = await batch.add(alert, ctx);
  await batch.flush();
  return out;
}

export interface RaiseInput {
  type: AlertType;
  setting: TypeSetting;
  dedupKey: string;
  at: Date;
  communityId: string;
  device: {
    id: string;
    code: string;
    name: string;
    kind: string;
    gridId: string | null;
    buildingId: string | null;
    unitId: string | null;
    roomId: string | null;
    propertyCompanyId: string | null;
  } | null;
  gridId: string | null;
  orgPath: string;
  location: string;
  note: string;
}

/** An alert the server raises itself (a silent device, an elderly resident's inactivity): once per dedupKey. */
export async function raiseAlert(db: DbOrTx, input: RaiseInput, linkBase = ''): Promise<AlertRow | null> {
  const [number] = await nextNumbers(db, input.at, 1);
  const [row] = await db
    .insert(alerts)
    .values({
      number: number!,
      type: input.type,
      severity: input.setting.severity,
      needsHandling: input.setting.needsHandling,
      deviceId: input.device?.id ?? null,
      deviceCode: input.device?.code ?? null,
      communityId: input.communityId,
      gridId: input.gridId,
      orgPath: input.orgPath,
      location: input.location,
      firstAt: input.at,
      lastAt: input.at,
      count: 1,
      caseState: input.setting.needsHandling ? 'pending' : 'none',
      dedupKey: input.dedupKey,
      timeline: [{ at: input.at.toISOString(), kind: 'raised', actor: null, note: input.note }],
      createdAt: input.at,
      updatedAt: input.at,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return null;
  const d = input.device;
  const { chain, forProperty } = await announce(
    db,
    row,
    {
      gridId: input.gridId,
      orgPath: input.orgPath,
      buildingId: d?.buildingId ?? null,
      unitId: d?.unitId ?? null,
      roomId: d?.roomId ?? null,
      deviceKind: d?.kind ?? null,
      propertyCompanyId: d?.propertyCompanyId ?? null,
      deviceName: d?.name ?? null,
    },
    linkBase,
  );
  await db.update(alerts).set({ routedTo: chain, forProperty }).where(eq(alerts.id, row.id));
  return { ...row, routedTo: chain, forProperty };
}
