// The alert API: lists and details in the caller's scope, and the steps of an alert — acknowledge, verify on
// site (photos uploaded with POST /files first), resolve — which complete the case's tasks; close for alerts
// whose type needs no case. Snapshots are read through GET /alert-snapshots/:id (faces: grid workers and
// community admins only, every view audited).
import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import {
  AcknowledgeAlert,
  Alert,
  AlertDetail,
  AlertQuery,
  CloseAlert,
  IdParams,
  ResolveAlert,
  VerifyAlert,
  pageOf,
} from '@linli/contracts';
import { files } from '../../db/schema.js';
import { writeAudit } from '../../domain/audit.js';
import { claimFiles } from '../../files/service.js';
import { conflict, notFound } from '../../http/errors.js';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { groupsAt } from '../../policy/workflow.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { openTasksOf } from '../../workflow/queries.js';
import { alerts, deviceSnapshots } from '../../alerts/schema.js';
import type { AlertRow } from '../../alerts/announce.js';
import { pushAlert } from '../../alerts/ingest.js';
import { loadAlert, mayViewFaces, presentAlerts, presentDetail, readableAlerts } from './domain.js';

const TAG = 'alerts';

type Entry = AlertRow['timeline'][number];
const entry = (s: Services, p: Principal, kind: string, note: string): Entry => ({
  at: s.now().toISOString(),
  kind,
  actor: p.userId,
  note,
});

async function record(s: Services, a: AlertRow, set: Partial<AlertRow>, e: Entry): Promise<void> {
  // the resolution is what ended the case: it reads before the 告警已办结 the case's last step already wrote
  const resolvedAfterClose = sql`${alerts.timeline} -> -1 ->> 'kind' = 'closed' and ${e.kind === 'resolved'}`;
  const appended = sql`${alerts.timeline} || ${JSON.stringify([e])}::jsonb`;
  const before = sql`(${alerts.timeline} - -1) || ${JSON.stringify([e])}::jsonb || jsonb_build_array(${alerts.timeline} -> -1)`;
  await s.db
    .update(alerts)
    .set({
      ...set,
      timeline: sql`case when ${resolvedAfterClose} then ${before} else ${appended} end`,
      updatedAt: s.now(),
    })
    .where(eq(alerts.id, a.id));
  const [row] = await s.db.select().from(alerts).where(eq(alerts.id, a.id));
  // open consoles see the status change
  pushAlert(
    s,
    {
      type: 'alert',
      eventId: `status:${a.id}:${e.kind}:${e.at}`,
      alertId: a.id,
      count: row!.count,
      status: row!.status,
      alertType: a.type,
      deviceCode: a.deviceCode ?? '',
      location: a.location,
      occurredAt: a.lastAt.toISOString(),
      at: e.at,
    },
    a.orgPath,
    a.forProperty,
  );
}

/** Completes the case's open step `activityId` as this person (anyone who may act on the alert may). */
async function completeStep(
  s: Services,
  p: Principal,
  a: AlertRow,
  activityId: string,
  what: string,
  input: { outcome: string; variables?: Record<string, unknown>; comment?: string | undefined },
): Promise<string> {
  const task = a.instanceId
    ? (await openTasksOf(s.db, [a.instanceId])).find((t) => t.activityId === activityId)
    : undefined;
  if (!task) throw conflict(`Alert ${a.number} is not waiting to be ${what} (it is ${a.status})`);
  await s.workflow.tasks.complete(
    task.id,
    { userId: p.userId, groups: groupsAt(p, a.orgPath), supervisor: true },
    { outcome: input.outcome, variables: input.variables ?? {}, comment: input.comment ?? null },
  );
  return a.instanceId!;
}

const list = defineRoute({
  method: 'get',
  path: '/alerts',
  summary: 'Alerts in your area (grid workers: their grid; property staff: building faults), newest first',
  tag: TAG,
  auth: 'user',
  query: AlertQuery,
  response: pageOf(Alert),
  handler: async ({ query: q, principal: p, services: s }) => {
    const where: SQL[] = [readableAlerts(p)];
    if (q.status) where.push(eq(alerts.status, q.status));
    if (q.type) where.push(eq(alerts.type, q.type));
    if (q.gridId) where.push(eq(alerts.gridId, q.gridId));
    if (q.open) where.push(sql`${alerts.status} in ('open', 'acknowledged', 'verifying')`);
    const cond = and(...where);
    const [total] = await s.db.select({ n: count() }).from(alerts).where(cond);
    const rows = await s.db
      .select()
      .from(alerts)
      .where(cond)
      .orderBy(desc(alerts.lastAt), desc(alerts.number))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    return {
      items: await presentAlerts(s, rows),
      total: Number(total?.n ?? 0),
      page: q.page,
      pageSize: q.pageSize,
    };
  },
});

const get = defineRoute({
  method: 'get',
  path: '/alerts/:id',
  summary: 'An alert with its events, the snapshots you may see, its timeline and the open step of its case',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  response: AlertDetail,
  matrix: { target: 'alert' },
  handler: async ({ params, principal: p, services: s }) => {
    const a = await loadAlert(s, p, params.id);
    return presentDetail(s, p, a.id);
  },
});

const acknowledge = defineRoute({
  method: 'post',
  path: '/alerts/:id/acknowledge',
  summary: 'Acknowledge an alert (确认): you are on it; its case moves on to verification on site',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: AcknowledgeAlert,
  response: AlertDetail,
  matrix: { target: 'alertOpen', body: () => ({ note: '已收到，马上到场' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const a = await loadAlert(s, p, params.id, 'update');
    if (a.status !== 'open') throw conflict(`Alert ${a.number} was acknowledged already (it is ${a.status})`);
    if (a.instanceId)
      await completeStep(s, p, a, 'Task_Ack', 'acknowledged', {
        outcome: 'acknowledged',
        variables: { handler: p.userId },
        comment: body.note,
      });
    else if (a.needsHandling)
      throw conflict(`The case of alert ${a.number} is being opened; try again in a moment`);
    await record(
      s,
      a,
      { status: 'acknowledged', acknowledgedBy: p.userId, acknowledgedAt: s.now() },
      entry(
        s,
        p,
        'acknowledged',
        body.note ? `${p.displayName}已确认：${body.note}` : `${p.displayName}已确认`,
      ),
    );
    return presentDetail(s, p, a.id);
  },
});

const verify = defineRoute({
  method: 'post',
  path: '/alerts/:id/verify',
  summary: 'Record the check on site (现场核实): a note and photos uploaded with POST /files',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: VerifyAlert,
  response: AlertDetail,
  matrix: {
    target: 'alertAcked',
    body: () => ({ note: '到场查看，单元门被撬，已联系物业', photoFileIds: [] }),
  },
  handler: async ({ params, body, principal: p, services: s }) => {
    const a = await loadAlert(s, p, params.id, 'update');
    if (!a.instanceId) throw conflict(`Alert ${a.number} has no case to verify; close it instead`);
    if (a.status !== 'acknowledged')
      throw conflict(`Alert ${a.number} is not waiting for verification (it is ${a.status})`);
    await s.db.transaction(async (tx) => {
      await claimFiles(tx, body.photoFileIds, {
        uploaderId: p.userId,
        instanceId: a.instanceId!,
        orgPath: a.orgPath,
        kinds: ['image'],
        label: 'photoFileIds',
      });
    });
    await completeStep(s, p, a, 'Task_Verify', 'verified', {
      outcome: 'verified',
      variables: { verifyNote: body.note },
    });
    await record(
      s,
      a,
      { status: 'verifying', note: body.note, verifyPhotoFileIds: body.photoFileIds },
      entry(s, p, 'verified', `现场核实：${body.note}`),
    );
    return presentDetail(s, p, a.id);
  },
});

const RESOLUTION_NAMES = {
  false_alarm: '误报',
  handled: '已处置',
  referred_police: '移交公安',
  referred_property: '移交物业',
} as const;

const resolve = defineRoute({
  method: 'post',
  path: '/alerts/:id/resolve',
  summary: 'Resolve a verified alert: false alarm, handled, referred to the police or to the property',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: ResolveAlert,
  response: AlertDetail,
  matrix: { target: 'alertVerified', body: () => ({ resolution: 'handled', note: '已修复门锁' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const a = await loadAlert(s, p, params.id, 'update');
    if (a.status !== 'verifying')
      throw conflict(`Alert ${a.number} is not waiting for a resolution (it is ${a.status})`);
    await completeStep(s, p, a, 'Task_Resolve', 'resolved', {
      outcome: body.resolution,
      variables: { resolution: body.resolution },
    });
    const [now] = await s.db.select({ status: alerts.status }).from(alerts).where(eq(alerts.id, a.id));
    await record(
      s,
      a,
      {
        // the close service task may have run already in this step
        status: now?.status === 'closed' ? 'closed' : 'resolved',
        resolution: body.resolution,
        resolvedBy: p.userId,
        resolvedAt: s.now(),
        ...(body.note ? { note: body.note } : {}),
      },
      entry(
        s,
        p,
        'resolved',
        `处置结论：${RESOLUTION_NAMES[body.resolution]}${body.note ? `，${body.note}` : ''}`,
      ),
    );
    return presentDetail(s, p, a.id);
  },
});

const close = defineRoute({
  method: 'post',
  path: '/alerts/:id/close',
  summary: 'Close an alert whose type needs no case (motion, denied access, a device back online …)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: CloseAlert,
  response: AlertDetail,
  matrix: { target: 'alertNoCase', body: () => ({ note: '已查看，无异常' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const a = await loadAlert(s, p, params.id, 'update');
    if (a.caseState !== 'none')
      throw conflict(`Alert ${a.number} has a case: acknowledge, verify and resolve it`);
    if (a.status === 'closed') throw conflict(`Alert ${a.number} is closed already`);
    await record(
      s,
      a,
      {
        status: 'closed',
        resolvedBy: p.userId,
        resolvedAt: s.now(),
        ...(body.note ? { note: body.note } : {}),
      },
      entry(s, p, 'closed', body.note ? `已关闭：${body.note}` : '已关闭'),
    );
    return presentDetail(s, p, a.id);
  },
});

const snapshot = defineRoute({
  method: 'get',
  path: '/alert-snapshots/:id',
  summary:
    'A snapshot of an alert you may read (face snapshots: grid workers and community admins only; every face view is audited)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  matrix: { target: 'alertFace' },
  handler: async ({ params, principal: p, services: s, koa, requestId }) => {
    const [snap] = await s.db
      .select({ snap: deviceSnapshots, file: files })
      .from(deviceSnapshots)
      .innerJoin(files, eq(files.id, deviceSnapshots.fileId))
      .where(eq(deviceSnapshots.fileId, params.id));
    if (!snap?.snap.alertId) throw notFound('Snapshot', params.id);
    const a = await loadAlert(s, p, snap.snap.alertId);
    if (snap.snap.kind === 'face') {
      if (!mayViewFaces(p)) throw notFound('Snapshot', params.id);
      await writeAudit(s.db, {
        actorUserId: p.userId,
        action: 'view_face',
        targetType: 'device_snapshot',
        targetId: params.id,
        fields: ['face'],
        reason: `告警 ${a.number}`,
        requestId,
        orgPath: a.orgPath,
      });
    }
    const data = await s.files.get(snap.file.storageKey);
    koa.set('content-type', snap.file.contentType);
    koa.set('cache-control', 'private, no-store');
    return data;
  },
});

export const alertRoutes: RouteDef[] = [list, get, acknowledge, verify, resolve, close, snapshot];
