// Reading alerts: who sees which (scope), loading one for a step, and presenting them.
import { and, desc, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { Alert, AlertDetail } from '@linli/contracts';
import { files } from '../../db/schema.js';
import { forbidden, notFound } from '../../http/errors.js';
import { PERMISSIONS } from '../../policy/permissions.js';
import { effectiveGrants, escapeLike, hasRole, requirePermission } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { openTasksOf } from '../../workflow/queries.js';
import { alerts, deviceEvents, deviceSnapshots, devices } from '../../alerts/schema.js';
import { typeName } from '../../alerts/types.js';
import type { AlertRow } from '../../alerts/announce.js';
import { FACE_VIEWERS } from './permissions.js';

/** SQL: the alerts this person may read (property staff: only those routed to the property). */
export function readableAlerts(p: Principal, action: 'read' | 'update' = 'read'): SQL {
  requirePermission(p, 'alerts', action);
  const parts: SQL[] = [];
  for (const g of effectiveGrants(p)) {
    if (PERMISSIONS[g.role].alerts?.[action] !== 'subtree') continue;
    const inArea = like(alerts.orgPath, `${escapeLike(g.orgPath)}%`);
    parts.push(g.role === 'property_staff' ? and(inArea, eq(alerts.forProperty, true))! : inArea);
  }
  return parts.length ? or(...parts)! : sql`false`;
}

/** One alert the caller may read (404 otherwise); with `action: 'update'` one they may act on (403). */
export async function loadAlert(
  s: Services,
  p: Principal,
  id: string,
  action: 'read' | 'update' = 'read',
): Promise<AlertRow> {
  const [row] = await s.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.id, id), readableAlerts(p, 'read')));
  if (!row) throw notFound('Alert', id);
  if (action === 'update') {
    const [ok] = await s.db
      .select({ id: alerts.id })
      .from(alerts)
      .where(and(eq(alerts.id, id), readableAlerts(p, 'update')));
    if (!ok) throw forbidden('You may not act on this alert');
  }
  return row;
}

export const mayViewFaces = (p: Principal) => hasRole(p, ...FACE_VIEWERS);

export async function presentAlerts(s: Services, rows: AlertRow[]): Promise<Alert[]> {
  const ids = [...new Set(rows.map((r) => r.deviceId).filter((x): x is string => !!x))];
  const names = new Map(
    ids.length
      ? (
          await s.db
            .select({ id: devices.id, name: devices.name })
            .from(devices)
            .where(inArray(devices.id, ids))
        ).map((d) => [d.id, d.name])
      : [],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    type: r.type as Alert['type'],
    typeName: typeName(r.type),
    severity: r.severity,
    status: r.status,
    needsHandling: r.needsHandling,
    deviceId: r.deviceId,
    deviceName: r.deviceId ? (names.get(r.deviceId) ?? null) : null,
    communityId: r.communityId,
    gridId: r.gridId,
    location: r.location,
    firstAt: r.firstAt.toISOString(),
    lastAt: r.lastAt.toISOString(),
    count: r.count,
    snapshotFileIds: r.snapshotFileIds,
    instanceId: r.instanceId,
    resolution: r.resolution,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
  }));
}

export async function presentDetail(s: Services, p: Principal, id: string): Promise<AlertDetail> {
  const [row] = await s.db.select().from(alerts).where(eq(alerts.id, id));
  const [base] = await presentAlerts(s, [row!]);
  const events = await s.db
    .select()
    .from(deviceEvents)
    .where(eq(deviceEvents.alertId, id))
    .orderBy(desc(deviceEvents.occurredAt))
    .limit(100);
  const snaps = row!.snapshotFileIds.length
    ? await s.db
        .select({
          fileId: deviceSnapshots.fileId,
          kind: deviceSnapshots.kind,
          contentType: files.contentType,
          size: files.size,
        })
        .from(deviceSnapshots)
        .innerJoin(files, eq(files.id, deviceSnapshots.fileId))
        .where(inArray(deviceSnapshots.fileId, row!.snapshotFileIds))
    : [];
  const faces = mayViewFaces(p);
  const open = row!.instanceId ? await openTasksOf(s.db, [row!.instanceId]) : [];
  const task = open.find((t) => t.activityId.startsWith('Task_'));
  // snapshots named by the alert but not shown to this role are left out of the id list too
  const visible = snaps.filter((x) => x.kind !== 'face' || faces);
  return {
    ...base!,
    snapshotFileIds: visible.map((x) => x.fileId),
    acknowledgedBy: row!.acknowledgedBy,
    acknowledgedAt: row!.acknowledgedAt?.toISOString() ?? null,
    resolvedBy: row!.resolvedBy,
    resolvedAt: row!.resolvedAt?.toISOString() ?? null,
    verifyPhotoFileIds: row!.verifyPhotoFileIds,
    events: events.map((e) => ({
      id: e.id,
      eventId: e.eventId,
      type: e.type,
      vendorCode: e.vendorCode,
      state: e.state,
      occurredAt: e.occurredAt.toISOString(),
      receivedAt: e.receivedAt.toISOString(),
      count: e.count,
      snapshotFileIds: e.snapshotFileIds.filter((f) => visible.some((v) => v.fileId === f)),
    })),
    snapshots: visible.map((x) => ({
      fileId: x.fileId,
      kind: x.kind,
      contentType: x.contentType,
      size: x.size,
      url: `/alert-snapshots/${x.fileId}`,
    })),
    timeline: row!.timeline.map((t) => ({ at: t.at, kind: t.kind, actor: t.actor, note: t.note })),
    openTask: task ? { id: task.id, activityId: task.activityId, assignee: task.assignee } : null,
  };
}
