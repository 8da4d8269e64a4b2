// The alert-handling case end to end over HTTP, as the real roles: an alert that needs handling opens a case
// for the on-duty worker; acknowledged in time, or escalated to the next worker and then the community admin
// when nobody does; verified on site with a photo; resolved and closed. Repeat events go into the open case,
// never a second one. Also the elderly inactivity check, face snapshot retention, and who sees what.
// Timers fire by moving the test clock and polling the worker.
import { and, eq } from 'drizzle-orm';
import { issueSession } from '../../auth/tokens.js';
import { auditLog, files, residents, roleAssignments, wfInstances, wfOutbox } from '../../db/schema.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';
import { readBundledProcess } from '../deploy.js';
import { alerts, deviceSnapshots, devices, gridDutyRoster } from '../../alerts/schema.js';
import { addBridgeAndDevices, event, postEvents, postSnapshot } from '../../alerts/testing.js';
import { checkElderly, purgeFaces, runDueAlertJobs } from '../../alerts/jobs.js';

const MIN = 60_000;
// Monday 2026-11-23 10:00 China time
const clock = { now: new Date('2026-11-23T02:00:00Z') };
const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

let server: TestServer;
let mine: World;
let other: World;
let fx: Awaited<ReturnType<typeof addBridgeAndDevices>>;
let second: string;
let gridPath: string;

const as = async (user: string) => (await issueSession(server.services, user, 'password')).accessToken;
const get = async (path: string, user: string) => server.api.get(`/api/v1${path}`, await as(user));
const post = async (path: string, body: unknown, user: string) =>
  server.api.post(`/api/v1${path}`, body, await as(user));
const ingest = (events: unknown[]) =>
  postEvents(server.api, { events }, { bridgeId: fx.bridgeId, now: clock.now });
/** lets the after-commit case start finish */
async function settle(id: string) {
  for (let i = 0; i < 100; i++) {
    const [a] = await server.services.db.select().from(alerts).where(eq(alerts.id, id));
    if (a!.caseState === 'started' || a!.caseState === 'none') return a!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the case did not start');
}
async function raise(type: 'door_forced' | 'smoke_fire' = 'door_forced') {
  const res = await ingest([event(fx.door.code, type, clock.now)]);
  expect(res.status).toBe(200);
  return settle(res.body.results[0].alertId);
}

beforeAll(async () => {
  server = await createTestServer(
    { ALERT_JOBS: 'false', NOTIFY_DISPATCHER: 'false' },
    { now: () => clock.now },
  );
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  fx = await addBridgeAndDevices(server.services, mine, 'JIA');
  await addBridgeAndDevices(server.services, other, 'YI');
  gridPath = fx.door.orgPath;
  second = mine.ids.staffUser!;
  await db.insert(roleAssignments).values({ userId: second, role: 'grid_worker', orgUnitId: mine.ids.grid! });
  // the roster: the world's grid worker on duty first, the second worker next
  await db.insert(gridDutyRoster).values([
    { gridId: mine.ids.grid!, orgPath: gridPath, userId: mine.users.grid_worker, order: 0 },
    { gridId: mine.ids.grid!, orgPath: gridPath, userId: second, order: 1 },
  ]);
  await server.services.workflow.runtime.deploy(await readBundledProcess('alert-handling.bpmn'), null);
}, 240_000);
afterAll(async () => server?.close());

const openTask = async (id: string, user = mine.users.community_admin) =>
  (await get(`/alerts/${id}`, user)).body.openTask;

describe('the alert-handling case', () => {
  it('is acknowledged in time by the worker on duty, verified with a photo, resolved and closed', async () => {
    const a = await raise();
    expect(a.instanceId).toBeTruthy();
    const task = await openTask(a.id);
    expect(task).toMatchObject({ activityId: 'Task_Ack', assignee: mine.users.grid_worker });
    const acked = await post(`/alerts/${a.id}/acknowledge`, { note: '马上到' }, mine.users.grid_worker);
    expect(acked.status).toBe(200);
    expect(acked.body.status).toBe('acknowledged');
    expect(acked.body.openTask).toMatchObject({
      activityId: 'Task_Verify',
      assignee: mine.users.grid_worker,
    });
    const again = await post(`/alerts/${a.id}/acknowledge`, {}, mine.users.grid_worker);
    expect(again.status).toBe(409);
    const photo = await server.api.request('POST', '/api/v1/files?name=现场.jpg', {
      token: await as(mine.users.grid_worker),
      raw: JPEG,
      contentType: 'image/jpeg',
    });
    expect(photo.status).toBe(201);
    const noNote = await post(
      `/alerts/${a.id}/verify`,
      { photoFileIds: [photo.body.id] },
      mine.users.grid_worker,
    );
    expect(noNote.status).toBe(400);
    const verified = await post(
      `/alerts/${a.id}/verify`,
      { note: '单元门锁被撬坏', photoFileIds: [photo.body.id] },
      mine.users.grid_worker,
    );
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      status: 'verifying',
      note: '单元门锁被撬坏',
      verifyPhotoFileIds: [photo.body.id],
    });
    const [file] = await server.services.db.select().from(files).where(eq(files.id, photo.body.id));
    expect(file!.instanceId).toBe(a.instanceId);
    const resolved = await post(
      `/alerts/${a.id}/resolve`,
      { resolution: 'referred_property', note: '已通知物业换锁' },
      mine.users.grid_worker,
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'closed', resolution: 'referred_property' });
    // the timeline reads in the order things happened: the resolution, then the close it caused
    const [row] = await server.services.db.select().from(alerts).where(eq(alerts.id, a.id));
    expect(row!.timeline.map((t) => t.kind).slice(-2)).toEqual(['resolved', 'closed']);
    const [instance] = await server.services.db
      .select()
      .from(wfInstances)
      .where(eq(wfInstances.id, a.instanceId!));
    expect(instance!.status).toBe('completed');
  });

  it('escalates to the next worker on the roster, then to the community admin, when nobody acknowledges', async () => {
    const a = await raise('smoke_fire'); // 3 minutes to acknowledge
    expect((await openTask(a.id)).assignee).toBe(mine.users.grid_worker);
    advance(3 * MIN + 1000);
    await server.services.workflow.worker.poll();
    expect((await openTask(a.id)).assignee).toBe(second);
    const escalated = await server.services.db.select().from(wfOutbox).where(eq(wfOutbox.kind, 'notice'));
    expect(
      escalated.some(
        (r) =>
          (r.payload as { template: string; recipients: string[] }).template === 'alert.escalated' &&
          (r.payload as { recipients: string[] }).recipients.includes(second),
      ),
    ).toBe(true);
    advance(3 * MIN + 1000);
    await server.services.workflow.worker.poll();
    expect((await openTask(a.id)).assignee).toBe(mine.users.community_admin);
    const acked = await post(`/alerts/${a.id}/acknowledge`, {}, mine.users.community_admin);
    expect(acked.status).toBe(200);
    const [row] = await server.services.db.select().from(alerts).where(eq(alerts.id, a.id));
    expect(row!.timeline.filter((t) => t.kind === 'escalated')).toHaveLength(2);
  });

  it('takes repeat events into the open case instead of opening a second one', async () => {
    const a = await raise();
    advance(40_000);
    const more = await ingest([
      event(fx.door.code, 'door_forced', clock.now),
      event(fx.door.code, 'door_forced', clock.now),
    ]);
    expect(more.body.results.map((r: { alertId: string }) => r.alertId)).toEqual([a.id, a.id]);
    let row = a;
    for (let i = 0; i < 100 && !row.timeline.some((t) => t.kind === 'repeat'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = (await server.services.db.select().from(alerts).where(eq(alerts.id, a.id)))[0]!;
    }
    expect(row.count).toBe(3);
    expect(row.timeline.some((t) => t.kind === 'repeat' && t.note.includes('累计 3 次'))).toBe(true);
    const cases = await server.services.db
      .select()
      .from(wfInstances)
      .where(and(eq(wfInstances.processId, 'alert-handling'), eq(wfInstances.businessKey, a.id)));
    expect(cases).toHaveLength(1);
    // the case still waits for the acknowledgement
    expect((await openTask(a.id)).activityId).toBe('Task_Ack');
    // and takes the next repeat too, a correlation period later (the boundary event stays armed)
    advance(40_000);
    await ingest([event(fx.door.code, 'door_forced', clock.now)]);
    for (let i = 0; i < 100 && row.timeline.filter((t) => t.kind === 'repeat').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = (await server.services.db.select().from(alerts).where(eq(alerts.id, a.id)))[0]!;
    }
    expect(row.timeline.filter((t) => t.kind === 'repeat').map((t) => t.note)).toEqual([
      '同一设备再次报警，累计 3 次',
      '同一设备再次报警，累计 4 次',
    ]);
    expect((await openTask(a.id)).activityId).toBe('Task_Ack');
  });

  it('closes an alert that needs no case directly', async () => {
    const res = await ingest([event(fx.cam.code, 'motion', clock.now)]);
    const id = res.body.results[0].alertId;
    const closed = await post(`/alerts/${id}/close`, { note: '风吹树枝' }, mine.users.grid_worker);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    const caseAlert = await raise();
    expect((await post(`/alerts/${caseAlert.id}/close`, {}, mine.users.grid_worker)).status).toBe(409);
  });
});

describe('scheduled checks', () => {
  it('raises an elderly inactivity alert once per silence, in the daytime only', async () => {
    const db = server.services.db;
    await db
      .update(residents)
      .set({ tags: ['elderly_living_alone'] })
      .where(eq(residents.id, mine.ids.resident!));
    const last = new Date(clock.now.getTime() - 13 * 3_600_000);
    await db.update(devices).set({ lastEventAt: last }).where(eq(devices.id, fx.home.id));
    const night = await checkElderly(server.services, new Date('2026-11-23T15:00:00Z'));
    expect(night).toEqual({ skipped: 'night' });
    const first = await checkElderly(server.services, clock.now);
    expect(first.raised).toBe(1);
    const again = await checkElderly(server.services, new Date(clock.now.getTime() + 30 * MIN));
    expect(again.raised).toBe(0);
    const raised = await db.select().from(alerts).where(eq(alerts.type, 'elderly_inactivity'));
    expect(raised).toHaveLength(1);
    expect(raised[0]!.routedTo[0]).toBe(mine.users.grid_worker);
    // a door event ends the silence; a new silence raises a new alert
    await ingest([event(fx.home.code, 'unclassified', new Date(clock.now.getTime() - 12.5 * 3_600_000))]);
    const later = await checkElderly(server.services, new Date(clock.now.getTime() + 60 * MIN));
    expect(later.raised).toBe(1);
  });

  it('runs each due job once per slot across restarts of the ticker', async () => {
    const at = clock.now;
    const first = await runDueAlertJobs(server.services, at);
    expect(first).toContain('elderly_check');
    const same = await runDueAlertJobs(server.services, new Date(at.getTime() + 1000));
    expect(same).not.toContain('elderly_check');
    const next = await runDueAlertJobs(server.services, new Date(at.getTime() + 30 * MIN + 1000));
    expect(next).toContain('elderly_check');
  });

  it('deletes face snapshots older than the retention only, and audits it', async () => {
    const db = server.services.db;
    const old = await postSnapshot(server.api, Buffer.concat([JPEG, Buffer.from([1])]), 'face', {
      bridgeId: fx.bridgeId,
      now: clock.now,
    });
    advance(10);
    const recent = await postSnapshot(server.api, Buffer.concat([JPEG, Buffer.from([2])]), 'face', {
      bridgeId: fx.bridgeId,
      now: clock.now,
    });
    advance(10);
    const scene = await postSnapshot(server.api, Buffer.concat([JPEG, Buffer.from([3])]), 'scene', {
      bridgeId: fx.bridgeId,
      now: clock.now,
    });
    await db
      .update(deviceSnapshots)
      .set({ createdAt: new Date(clock.now.getTime() - 31 * 86_400_000) })
      .where(eq(deviceSnapshots.fileId, old.body.fileId));
    await db
      .update(deviceSnapshots)
      .set({ createdAt: new Date(clock.now.getTime() - 31 * 86_400_000) })
      .where(eq(deviceSnapshots.fileId, scene.body.fileId));
    await db
      .update(deviceSnapshots)
      .set({ createdAt: new Date(clock.now.getTime() - 29 * 86_400_000) })
      .where(eq(deviceSnapshots.fileId, recent.body.fileId));
    const result = await purgeFaces(server.services, clock.now);
    expect(result.deleted).toBe(1);
    const left = (await db.select().from(deviceSnapshots)).map((r) => r.fileId);
    expect(left).not.toContain(old.body.fileId);
    expect(left).toEqual(expect.arrayContaining([recent.body.fileId, scene.body.fileId]));
    expect(await db.select().from(files).where(eq(files.id, old.body.fileId))).toEqual([]);
    const audit = await db.select().from(auditLog).where(eq(auditLog.targetId, old.body.fileId));
    expect(audit[0]!.action).toBe('delete_face_snapshot');
  });
});

describe('who sees what', () => {
  it('a resident cannot list alerts; a grid worker sees only their grid; face views are audited', async () => {
    expect((await get('/alerts', mine.users.resident)).status).toBe(403);
    const foreign = await get('/alerts?pageSize=200', other.users.grid_worker);
    expect(foreign.status).toBe(200);
    expect(
      foreign.body.items.every((a: { communityId: string }) => a.communityId === other.ids.community),
    ).toBe(true);
    const own = await get('/alerts?pageSize=200', mine.users.grid_worker);
    expect(own.body.total).toBeGreaterThan(0);
    // a face snapshot of an alert: the grid worker sees it (audited), the property staff and a street admin do not
    const face = await postSnapshot(server.api, Buffer.concat([JPEG, Buffer.from([9])]), 'face', {
      bridgeId: fx.bridgeId,
      now: clock.now,
    });
    const res = await ingest([
      event(fx.door.code, 'face_watchlist', clock.now, {
        snapshots: [
          {
            fileId: face.body.fileId,
            contentType: 'image/jpeg',
            size: 13,
            sha256: face.body.sha256,
            kind: 'face',
          },
        ],
      }),
    ]);
    const id = res.body.results[0].alertId;
    const detail = await get(`/alerts/${id}`, mine.users.grid_worker);
    expect(detail.body.snapshots.map((x: { kind: string }) => x.kind)).toEqual(['face']);
    const street = await get(`/alerts/${id}`, mine.users.street_admin);
    expect(street.status).toBe(200);
    expect(street.body.snapshots).toEqual([]);
    const image = await get(`/alert-snapshots/${face.body.fileId}`, mine.users.grid_worker);
    expect(image.status).toBe(200);
    expect((await get(`/alert-snapshots/${face.body.fileId}`, mine.users.street_admin)).status).toBe(404);
    expect((await get(`/alert-snapshots/${face.body.fileId}`, other.users.grid_worker)).status).toBe(404);
    // nobody reads it through the generic file route
    expect((await get(`/files/${face.body.fileId}`, mine.users.community_admin)).status).toBe(404);
    const audit = await server.services.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, face.body.fileId));
    expect(audit.map((a) => [a.action, a.actorUserId])).toEqual([['view_face', mine.users.grid_worker]]);
  });
});
