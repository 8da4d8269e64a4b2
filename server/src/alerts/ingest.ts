// One signed batch of device events, in one transaction: the signature is used up (replay), every event is
// stored once per (device code, event id) — unknown devices' events too, as unmatched — devices' last-seen and
// online state move, alert-type events create an alert or fold into the open one of the same device and type
// (within the type's storm window), and new alerts are routed and announced through the outbox. After commit:
// one WebSocket push per accepted event, the alert-handling cases of new alerts are started, and repeats are
// correlated into running cases (at most one message per alert per 30 s; the count is on the alert anyway).
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { AlertType, type DeviceEvent, type AlertPush } from '@linli/contracts';
import { orgUnits } from '../db/schema.js';
import type { Services } from '../services.js';
import { alerts, deviceEvents, deviceSnapshots, devices } from './schema.js';
import { AnnounceBatch, nextNumbers, type AlertRow, type NewAlert } from './announce.js';
import { useSignature, type VerifiedBridge } from './signing.js';
import { settingsFor, typeName, type TypeSetting } from './types.js';
import { queueCaseJob } from './cases.js';

type DeviceRow = typeof devices.$inferSelect;
export type Result = {
  eventId: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  alertId: string | null;
  reason?: string;
};

const OPEN = ['open', 'acknowledged', 'verifying'] as const;
const STATUS_TYPES = new Set(['heartbeat', 'device_online']);
const MAX_PAYLOAD_BYTES = 16 * 1024;
const MAX_SNAPSHOTS = 20;

/** Groups that hear an alert's pushes at its org path: the grid's workers and the admins above it. */
export const WATCHERS = ['grid_worker', 'community_admin', 'street_admin', 'district_admin'];

export function pushAlert(s: Services, message: AlertPush, orgPath: string, forProperty: boolean): void {
  s.push.publish(message, {
    users: [],
    groups: { names: forProperty ? [...WATCHERS, 'property_staff'] : WATCHERS, orgPath },
  });
}

interface Pending {
  index: number;
  event: DeviceEvent;
  device: DeviceRow;
  rowId: string;
}

interface Work {
  alert: AlertRow | NewAlert;
  isNew: boolean;
  setting: TypeSetting;
  touched: boolean;
  device: DeviceRow;
}

export async function ingestBatch(
  s: Services,
  bridge: VerifiedBridge,
  events: DeviceEvent[],
): Promise<{ results: Result[] }> {
  const now = s.now();
  const pushes: { message: AlertPush; orgPath: string; forProperty: boolean }[] = [];
  const outcome = await s.db.transaction(async (tx) => {
    // every round trip counts here (a storm is hundreds of these a second): the nonce and the bridge's last-seen
    // time go in one statement, the devices come with their community's code
    await useSignature(tx, bridge, now, { touchBridge: true });
    const codes = [...new Set(events.map((e) => e.deviceCode))];
    const found = await tx
      .select({ device: devices, communityCode: orgUnits.code })
      .from(devices)
      .leftJoin(orgUnits, eq(orgUnits.id, devices.communityId))
      .where(inArray(devices.code, codes));
    const known = new Map(found.map((r) => [r.device.code, r.device]));
    const communityCodes = new Map(
      found.flatMap((r) => (r.communityCode ? [[r.device.communityId, r.communityCode] as const] : [])),
    );
    // snapshots must be ones a bridge uploaded
    const snapIds = [...new Set(events.flatMap((e) => e.snapshots.map((x) => x.fileId)))];
    const snaps = new Map(
      snapIds.length
        ? (await tx.select().from(deviceSnapshots).where(inArray(deviceSnapshots.fileId, snapIds))).map(
            (r) => [r.fileId, r],
          )
        : [],
    );
    // the community an event names (its MQTT topic, the bridge's configuration) must be the device's own
    const results: Result[] = [];
    const rows = events.map((e, index) => {
      const device = known.get(e.deviceCode);
      const communityCode = device ? communityCodes.get(device.communityId) : undefined;
      let reason: string | undefined;
      if (!device) reason = `unknown device code ${e.deviceCode}`;
      else if (!device.active) reason = `device ${e.deviceCode} is deactivated`;
      else if (!device.orgPath.startsWith(bridge.orgPath))
        reason = `device ${e.deviceCode} is not in the community of bridge ${bridge.id}`;
      else if (e.communityCode && communityCode && e.communityCode !== communityCode)
        reason = `device ${e.deviceCode} belongs to community ${communityCode}, not ${e.communityCode}`;
      else if (Buffer.byteLength(JSON.stringify(e.payload)) > MAX_PAYLOAD_BYTES)
        reason = 'payload is larger than 16 KB';
      results.push({
        eventId: e.eventId,
        status: reason ? 'rejected' : 'accepted',
        alertId: null,
        ...(reason ? { reason } : {}),
      });
      return {
        id: randomUUID(),
        index,
        reason,
        values: {
          deviceCode: e.deviceCode,
          eventId: e.eventId,
          deviceId: reason ? null : device!.id,
          bridgeId: bridge.id,
          matched: !reason,
          reason: reason ?? null,
          type: e.type,
          vendorCode: e.vendorCode,
          state: e.state,
          source: e.source,
          count: e.count,
          occurredAt: new Date(e.occurredAt),
          receivedAt: new Date(e.receivedAt),
          storedAt: now,
          description: e.description ?? null,
          payload: e.payload,
          snapshotFileIds: e.snapshots.map((x) => x.fileId).filter((id) => snaps.has(id)),
        },
      };
    });
    const inserted = await tx
      .insert(deviceEvents)
      .values(rows.map((r) => ({ id: r.id, ...r.values })))
      .onConflictDoNothing()
      .returning({ id: deviceEvents.id });
    const fresh = new Set(inserted.map((r) => r.id));
    for (const r of rows) {
      if (fresh.has(r.id)) continue;
      // stored before (a resend, or the same event twice in this batch)
      results[r.index] = { eventId: events[r.index]!.eventId, status: 'duplicate', alertId: null };
    }
    const accepted: Pending[] = rows
      .filter((r) => fresh.has(r.id) && !r.reason)
      .map((r) => ({
        index: r.index,
        event: events[r.index]!,
        device: known.get(events[r.index]!.deviceCode)!,
        rowId: r.id,
      }));
    const places = new Map(
      [...known.values()].map((d) => [d.code, { orgPath: d.orgPath, location: d.location }]),
    );
    if (!accepted.length) return { results, newAlerts: [] as AlertRow[], folded: [] as AlertRow[], places };

    // devices: last seen now; online unless the last status event says offline; the last event time
    const touched = new Map<string, { online: boolean; lastEventAt: Date | null; device: DeviceRow }>();
    for (const p of accepted) {
      const t = touched.get(p.device.id) ?? {
        online: true,
        lastEventAt: p.device.lastEventAt,
        device: p.device,
      };
      t.online = p.event.type !== 'device_offline';
      if (p.event.type !== 'heartbeat') {
        const at = new Date(p.event.occurredAt);
        if (!t.lastEventAt || at > t.lastEventAt) t.lastEventAt = at;
      }
      touched.set(p.device.id, t);
    }
    // one statement for all the batch's devices
    const deviceRows = [...touched].map(([id, t]) => ({
      id,
      online: t.online,
      last_event_at: t.lastEventAt?.toISOString() ?? null,
    }));
    // (written at the end, in one statement with the events' alert ids)

    // alerts: create or fold
    const alertEvents = accepted.filter((p) => !STATUS_TYPES.has(p.event.type));
    const onlineEvents = accepted.filter((p) => p.event.type === 'device_online');
    const deviceIds = [...new Set([...alertEvents, ...onlineEvents].map((p) => p.device.id))];
    const open = deviceIds.length
      ? await tx
          .select()
          .from(alerts)
          .where(and(inArray(alerts.deviceId, deviceIds), inArray(alerts.status, [...OPEN])))
      : [];
    const openBy = new Map<string, AlertRow>();
    for (const a of open) {
      const key = `${a.deviceId}:${a.type}`;
      const seen = openBy.get(key);
      if (!seen || a.lastAt > seen.lastAt) openBy.set(key, a);
    }
    const settings = await settingsFor(
      tx,
      alertEvents.map((p) => ({ communityId: p.device.communityId, type: AlertType.parse(p.event.type) })),
    );
    const work = new Map<string, Work>();
    const current = new Map<string, Work>();
    const eventAlert: { rowId: string; alertId: string }[] = [];
    for (const p of alertEvents) {
      const at = new Date(p.event.occurredAt);
      const key = `${p.device.id}:${p.event.type}`;
      const setting = settings.get(`${p.device.communityId}:${p.event.type}`)!;
      let w = current.get(key);
      if (!w) {
        const existing = openBy.get(key);
        if (existing) w = { alert: { ...existing }, isNew: false, setting, touched: false, device: p.device };
      }
      const ids = p.event.snapshots.map((x) => x.fileId).filter((id) => snaps.has(id));
      const windowMs = setting.stormWindowSeconds * 1000;
      const folds = w && Math.abs(at.getTime() - w.alert.lastAt!.getTime()) <= windowMs;
      if (w && (folds || p.event.state === 'stop')) {
        const a = w.alert;
        if (p.event.state !== 'stop') a.count = (a.count ?? 1) + p.event.count;
        if (at > a.lastAt!) a.lastAt = at;
        if (at < a.firstAt!) a.firstAt = at;
        a.snapshotFileIds = [...(a.snapshotFileIds ?? []), ...ids].slice(0, MAX_SNAPSHOTS);
        if (p.event.state === 'stop')
          a.timeline = [
            ...(a.timeline ?? []),
            { at: at.toISOString(), kind: 'stopped', actor: null, note: '设备报告已恢复' },
          ];
        w.touched = true;
      } else if (p.event.state === 'stop') {
        continue; // the end of a condition nobody was told about: kept as an event only
      } else {
        const device = p.device;
        w = {
          isNew: true,
          setting,
          touched: true,
          device,
          alert: {
            id: randomUUID(),
            number: '',
            type: p.event.type,
            severity: setting.severity,
            status: 'open',
            needsHandling: setting.needsHandling,
            deviceId: device.id,
            deviceCode: device.code,
            communityId: device.communityId,
            gridId: device.gridId,
            orgPath: device.orgPath,
            location: device.spot ? `${device.location}（${device.spot}）` : device.location,
            firstAt: at,
            lastAt: at,
            count: p.event.count,
            snapshotFileIds: ids,
            caseState: setting.needsHandling ? 'pending' : 'none',
            timeline: [
              {
                at: at.toISOString(),
                kind: 'raised',
                actor: null,
                note: `${typeName(p.event.type)}（${device.name}）`,
              },
            ],
            createdAt: now,
            updatedAt: now,
          },
        };
        work.set(w.alert.id!, w);
      }
      current.set(key, w);
      work.set(w.alert.id!, w);
      eventAlert.push({ rowId: p.rowId, alertId: w.alert.id! });
      results[p.index] = { ...results[p.index]!, alertId: w.alert.id! };
    }
    // a device back online: a note on its open offline alert
    for (const p of onlineEvents) {
      const key = `${p.device.id}:device_offline`;
      const w =
        current.get(key) ??
        (openBy.get(key)
          ? {
              alert: { ...openBy.get(key)! },
              isNew: false,
              setting: settings.get('') as TypeSetting,
              touched: false,
              device: p.device,
            }
          : undefined);
      if (!w) continue;
      w.alert.timeline = [
        ...(w.alert.timeline ?? []),
        { at: p.event.occurredAt, kind: 'online', actor: null, note: '设备已恢复在线' },
      ];
      w.touched = true;
      current.set(key, w);
      work.set(w.alert.id!, w);
    }
    const news = [...work.values()].filter((w) => w.isNew);
    const numbers = await nextNumbers(tx, now, news.length);
    news.forEach((w, i) => (w.alert.number = numbers[i]!));
    // route and announce new alerts (the escalation chain is stored for the case), before they are written
    const announcing = new AnnounceBatch(tx, s.config.notify.linkBase);
    for (const w of news) {
      const a = w.alert as NewAlert & AlertRow;
      const d = w.device;
      const { chain, forProperty } = await announcing.add(a, {
        gridId: a.gridId,
        orgPath: a.orgPath,
        buildingId: d.buildingId,
        unitId: d.unitId,
        roomId: d.roomId,
        deviceKind: d.kind,
        propertyCompanyId: d.propertyCompanyId,
        deviceName: d.name,
      });
      a.routedTo = chain;
      a.forProperty = forProperty;
    }
    await announcing.flush();
    let newRows: AlertRow[] = [];
    if (news.length)
      newRows = await tx
        .insert(alerts)
        .values(news.map((w) => w.alert as NewAlert))
        .returning();
    // folded alerts: one statement for all of them
    const foldedRows = [...work.values()]
      .filter((w) => !w.isNew && w.touched)
      .map((w) => {
        const a = w.alert as AlertRow;
        return {
          id: a.id,
          count: a.count,
          first_at: a.firstAt.toISOString(),
          last_at: a.lastAt.toISOString(),
          snapshot_file_ids: a.snapshotFileIds,
          timeline: a.timeline,
        };
      });
    const folded: AlertRow[] = foldedRows.length
      ? await tx
          .update(alerts)
          .set({
            count: sql`v.count`,
            firstAt: sql`v.first_at`,
            lastAt: sql`v.last_at`,
            snapshotFileIds: sql`v.snapshot_file_ids`,
            timeline: sql`v.timeline`,
            updatedAt: now,
          })
          .from(
            sql`jsonb_to_recordset(${JSON.stringify(foldedRows)}::jsonb)
                as v(id uuid, count integer, first_at timestamptz, last_at timestamptz,
                     snapshot_file_ids uuid[], timeline jsonb)`,
          )
          .where(sql`${alerts.id} = v.id`)
          .returning()
      : [];
    // the devices' state and the events' alerts: one statement
    await tx.execute(sql`
      with touched as (
        update devices set online = v.online, last_seen_at = ${now.toISOString()}::timestamptz,
                           last_event_at = v.last_event_at
        from jsonb_to_recordset(${JSON.stringify(deviceRows)}::jsonb)
             as v(id uuid, online boolean, last_event_at timestamptz)
        where devices.id = v.id
        returning 1),
      linked as (
        update device_events set alert_id = v.alert_id
        from (select unnest(${`{${eventAlert.map((e) => e.rowId).join(',')}}`}::uuid[]) as id,
                     unnest(${`{${eventAlert.map((e) => e.alertId).join(',')}}`}::uuid[]) as alert_id) v
        where device_events.id = v.id
        returning 1)
      select (select count(*) from touched) as devices, (select count(*) from linked) as events`);
    // snapshots take the scope of the alert they show
    for (const a of [...newRows, ...folded]) {
      if (a.snapshotFileIds.length)
        await tx
          .update(deviceSnapshots)
          .set({ alertId: a.id, orgPath: a.orgPath })
          .where(
            and(inArray(deviceSnapshots.fileId, a.snapshotFileIds), sql`${deviceSnapshots.alertId} is null`),
          );
    }
    return { results, newAlerts: newRows, folded, places };
  });

  // after commit: pushes, case starts, repeat correlation — none of them inside the request's transaction
  const byId = new Map<string, AlertRow>([...outcome.newAlerts, ...outcome.folded].map((a) => [a.id, a]));
  events.forEach((e, i) => {
    const r = outcome.results[i]!;
    if (r.status !== 'accepted') return;
    const a = r.alertId ? byId.get(r.alertId) : undefined;
    pushes.push({
      message: {
        type: 'alert',
        eventId: e.eventId,
        alertId: a?.id ?? null,
        count: a?.count ?? e.count,
        status: a?.status ?? 'event',
        alertType: e.type,
        deviceCode: e.deviceCode,
        location: a?.location ?? '',
        occurredAt: e.occurredAt,
        at: now.toISOString(),
      },
      orgPath: a?.orgPath ?? '',
      forProperty: a?.forProperty ?? false,
    });
  });
  // status events (heartbeats, online) push at the device's place
  for (const p of pushes)
    if (!p.orgPath) {
      const d = outcome.places.get(p.message.deviceCode);
      p.orgPath = d?.orgPath ?? '';
      p.message.location = d?.location ?? '';
    }
  for (const p of pushes) if (p.orgPath) pushAlert(s, p.message, p.orgPath, p.forProperty);
  const toStart = outcome.newAlerts.filter((a) => a.caseState === 'pending').map((a) => a.id);
  if (toStart.length) void queueCaseJob(s, { op: 'start', ids: toStart });
  const running = outcome.folded.filter((a) => a.instanceId);
  if (running.length)
    void queueCaseJob(s, {
      op: 'correlate',
      alerts: running.map(({ id, instanceId, status }) => ({ id, instanceId, status })),
    });
  return { results: outcome.results };
}
