// The device ingest over real HTTP, as the device-bridge posts: signed batches become stored events, alerts routed
// to the right people (outbox notices), storms fold into one alert, resends are answered as duplicates, every
// accepted event reaches the consoles of the grid over the WebSocket, and bad requests change nothing.
import { count, eq } from 'drizzle-orm';
import { issueSession } from '../auth/tokens.js';
import { orgUnits, roleAssignments, users, wfOutbox } from '../db/schema.js';
import { connect } from '../notify/socket-client.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { alerts, deviceEvents, deviceSnapshots, devices, gridDutyRoster } from './schema.js';
import { addBridgeAndDevices, event, postEvents, postSnapshot, SECRET } from './testing.js';
import { Lookups, routeAlert } from './routing.js';
import { checkOffline } from './jobs.js';

// Monday 2026-11-23 10:00 China time
const clock = { now: new Date('2026-11-23T02:00:00Z') };
const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

let server: TestServer;
let mine: World;
let other: World;
let fx: Awaited<ReturnType<typeof addBridgeAndDevices>>;
let otherFx: Awaited<ReturnType<typeof addBridgeAndDevices>>;

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02]);

beforeAll(async () => {
  server = await createTestServer(
    { ALERT_JOBS: 'false', NOTIFY_DISPATCHER: 'false' },
    { now: () => clock.now },
  );
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  fx = await addBridgeAndDevices(server.services, mine, 'JIA');
  otherFx = await addBridgeAndDevices(server.services, other, 'YI');
}, 240_000);
afterAll(async () => server?.close());

const post = (body: unknown, o: { bridgeId?: string; secret?: string; timestamp?: number } = {}) =>
  postEvents(server.api, body, { bridgeId: fx.bridgeId, now: clock.now, ...o });
const token = async (user: string) => (await issueSession(server.services, user, 'password')).accessToken;
const noticesFor = async (alertId: string) =>
  (
    await server.services.db
      .select()
      .from(wfOutbox)
      .where(eq(wfOutbox.dedupKey, `alert:${alertId}`))
  ).map((r) => r.payload as { recipients: string[]; title: string; body: string; template: string });

describe('a good batch', () => {
  it('stores the events, raises alerts routed to the grid and answers per event', async () => {
    const e1 = event(fx.door.code, 'door_forced', clock.now);
    const e2 = event(fx.cam.code, 'ebike_in_lift', clock.now);
    const hb = event(fx.door.code, 'heartbeat', clock.now);
    const res = await post({ events: [e1, e2, hb] });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    const [a1] = await server.services.db
      .select()
      .from(alerts)
      .where(eq(alerts.id, res.body.results[0].alertId));
    expect(a1).toMatchObject({
      type: 'door_forced',
      severity: 'major',
      status: 'open',
      count: 1,
      needsHandling: true,
    });
    expect(a1!.number).toMatch(/^GJ20261123-\d{4}$/);
    expect(res.body.results[2].alertId).toBeNull();
    // nobody on the roster: all the grid's workers are told, in Chinese, what, where and when
    const [notice] = await noticesFor(a1!.id);
    expect(notice!.recipients).toEqual([mine.users.grid_worker]);
    expect(notice!.title).toBe('【门被强行打开】1号楼1单元');
    expect(notice!.body).toContain('时间：2026-11-23 10:00');
    expect(notice!.template).toBe('alert.door_forced');
  });

  it('answers a resent batch as duplicates and stores nothing twice', async () => {
    const batch = {
      events: [event(fx.door.code, 'tailgating', clock.now), event(fx.door.code, 'tailgating', clock.now)],
    };
    const first = await post(batch);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
    advance(1000);
    const again = await post(batch);
    expect(again.status).toBe(200);
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate']);
    // the same event twice in one batch: the second is a duplicate
    const e = event(fx.door.code, 'access_denied', clock.now);
    const twice = await post({ events: [e, e] });
    expect(twice.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'duplicate']);
    const [n] = await server.services.db
      .select({ n: count() })
      .from(deviceEvents)
      .where(eq(deviceEvents.eventId, e.eventId));
    expect(n!.n).toBe(1);
  });

  it('folds a storm of 50 events into one alert with the count and the time range', async () => {
    const start = new Date(clock.now);
    const events = Array.from({ length: 50 }, (_, i) =>
      event(fx.cam.code, 'intrusion', new Date(start.getTime() + i * 2000)),
    );
    const res = await post({ events: events.slice(0, 20) });
    advance(1000);
    const rest = await post({ events: events.slice(20) });
    const ids = new Set(
      [...res.body.results, ...rest.body.results].map((r: { alertId: string }) => r.alertId),
    );
    expect(ids.size).toBe(1);
    const [a] = await server.services.db
      .select()
      .from(alerts)
      .where(eq(alerts.id, [...ids][0]!));
    expect(a!.count).toBe(50);
    expect(a!.firstAt.toISOString()).toBe(events[0]!.occurredAt);
    expect(a!.lastAt.toISOString()).toBe(events[49]!.occurredAt);
    // told once, not 50 times
    expect(await noticesFor(a!.id)).toHaveLength(1);
  });

  it('rejects an unknown device per event and keeps it as unmatched', async () => {
    const good = event(fx.door.code, 'motion', clock.now);
    const unknown = event('NO-SUCH-DEVICE', 'door_forced', clock.now);
    const foreign = event(otherFx.door.code, 'door_forced', clock.now);
    const res = await post({ events: [good, unknown, foreign] });
    expect(res.status).toBe(200);
    expect(res.body.results[0].status).toBe('accepted');
    expect(res.body.results[1]).toMatchObject({
      status: 'rejected',
      reason: 'unknown device code NO-SUCH-DEVICE',
    });
    expect(res.body.results[2]).toMatchObject({ status: 'rejected' });
    const [kept] = await server.services.db
      .select()
      .from(deviceEvents)
      .where(eq(deviceEvents.eventId, unknown.eventId));
    expect(kept).toMatchObject({ matched: false, deviceId: null, alertId: null });
  });

  it('rejects an event whose community is not its device’s (a misconfigured topic or bridge)', async () => {
    const db = server.services.db;
    await db.update(orgUnits).set({ code: '370902001901' }).where(eq(orgUnits.id, mine.ids.community!));
    try {
      const right = event(fx.door.code, 'motion', clock.now, { communityCode: '370902001901' });
      const wrong = event(fx.door.code, 'door_forced', clock.now, { communityCode: '370902001902' });
      const res = await post({ events: [right, wrong] });
      expect(res.status).toBe(200);
      expect(res.body.results[0].status).toBe('accepted');
      expect(res.body.results[1]).toMatchObject({
        status: 'rejected',
        alertId: null,
        reason: `device ${fx.door.code} belongs to community 370902001901, not 370902001902`,
      });
      const [kept] = await db.select().from(deviceEvents).where(eq(deviceEvents.eventId, wrong.eventId));
      expect(kept).toMatchObject({ matched: false, alertId: null });
    } finally {
      await db.update(orgUnits).set({ code: null }).where(eq(orgUnits.id, mine.ids.community!));
    }
  });
});

describe('whole-request errors change nothing', () => {
  const stored = async () =>
    Number((await server.services.db.select({ n: count() }).from(deviceEvents))[0]!.n);

  it.each([
    ['bad_signature', { secret: 'not-the-secret-at-all' }],
    ['unknown_bridge', { bridgeId: 'no-such-bridge' }],
    ['stale_timestamp', { timestamp: clock.now.getTime() - 301_000 }],
  ])('answers 401 %s', async (code, o) => {
    const before = await stored();
    const res = await post({ events: [event(fx.door.code, 'door_forced', clock.now)] }, o);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(code);
    expect(await stored()).toBe(before);
  });

  it('answers 401 replayed for a signature seen before', async () => {
    const body = { events: [event(fx.door.code, 'smoke_fire', clock.now)] };
    const ts = clock.now.getTime() + 5;
    expect((await post(body, { timestamp: ts })).status).toBe(200);
    const before = await stored();
    const replay = await post(body, { timestamp: ts });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('replayed');
    expect(await stored()).toBe(before);
  });

  it('answers 400 naming the path of the first problem', async () => {
    const before = await stored();
    const bad = event(fx.door.code, 'door_forced', clock.now);
    const res = await post({
      events: [event(fx.door.code, 'motion', clock.now), { ...bad, occurredAt: 'yesterday' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^events\[1\]\.occurredAt: /);
    const empty = await post({ events: [] });
    expect(empty.status).toBe(400);
    const notJson = await post('{"events": [');
    expect(notJson.status).toBe(400);
    expect(await stored()).toBe(before);
  });
});

describe('snapshots', () => {
  it('stores a snapshot once per bridge and bytes, and links it to the alert', async () => {
    const first = await postSnapshot(server.api, JPEG, 'scene', { bridgeId: fx.bridgeId, now: clock.now });
    expect(first.status).toBe(201);
    advance(10);
    const again = await postSnapshot(server.api, JPEG, 'scene', { bridgeId: fx.bridgeId, now: clock.now });
    expect(again.status).toBe(200);
    expect(again.body.fileId).toBe(first.body.fileId);
    const e = event(fx.cam.code, 'object_thrown', clock.now, {
      snapshots: [
        {
          fileId: first.body.fileId,
          contentType: 'image/jpeg',
          size: JPEG.length,
          sha256: first.body.sha256,
          kind: 'scene',
        },
      ],
    });
    const res = await post({ events: [e] });
    const [a] = await server.services.db
      .select()
      .from(alerts)
      .where(eq(alerts.id, res.body.results[0].alertId));
    expect(a!.snapshotFileIds).toEqual([first.body.fileId]);
    const [snap] = await server.services.db
      .select()
      .from(deviceSnapshots)
      .where(eq(deviceSnapshots.fileId, first.body.fileId));
    expect(snap!.alertId).toBe(a!.id);
    const [notice] = await noticesFor(a!.id);
    expect(notice!.body).toContain(`/api/v1/alert-snapshots/${first.body.fileId}`);
    const notImage = await server.api.request('POST', '/api/v1/device-snapshots', {
      raw: 'hello',
      contentType: 'image/jpeg',
      headers: {},
    });
    expect(notImage.status).toBe(401);
  });
});

describe('routing', () => {
  const input = () => ({
    type: 'door_forced',
    gridId: mine.ids.grid!,
    orgPath: '',
    buildingId: mine.ids.building!,
    unitId: mine.ids.unit!,
    roomId: null,
    deviceKind: 'door',
    propertyCompanyId: mine.ids.propertyCompany!,
    at: new Date('2026-11-23T02:00:00Z'),
  });
  let gridPath: string;
  beforeAll(async () => {
    const [a] = await server.services.db.select().from(alerts).limit(1);
    gridPath = a!.orgPath;
  });

  it('sends to the worker on duty, else the grid workers, else the community admin; building faults to the property', async () => {
    const db = server.services.db;
    const second = mine.ids.staffUser!;
    await db
      .insert(roleAssignments)
      .values({ userId: second, role: 'grid_worker', orgUnitId: mine.ids.grid! });
    // on duty weekday days (Monday 10:00 China time is in), the other nights only
    await db.insert(gridDutyRoster).values([
      {
        gridId: mine.ids.grid!,
        orgPath: gridPath,
        userId: second,
        weekdays: [1, 2, 3, 4, 5],
        shiftStart: '08:00',
        shiftEnd: '20:00',
        order: 0,
      },
      {
        gridId: mine.ids.grid!,
        orgPath: gridPath,
        userId: mine.users.grid_worker,
        shiftStart: '20:00',
        shiftEnd: '08:00',
        order: 1,
      },
    ]);
    const day = await routeAlert(db, { ...input(), orgPath: gridPath });
    expect(day.by).toBe('roster');
    expect(day.routed).toEqual([second]);
    expect(day.chain).toEqual([second, mine.users.grid_worker, mine.users.community_admin]);
    // Monday 23:00 China time: the night shift
    const night = await routeAlert(db, {
      ...input(),
      orgPath: gridPath,
      at: new Date('2026-11-23T15:00:00Z'),
    });
    expect(night.routed).toEqual([mine.users.grid_worker]);
    // Saturday 10:00: nobody's shift → every grid worker of the grid
    const weekend = await routeAlert(db, {
      ...input(),
      orgPath: gridPath,
      at: new Date('2026-11-28T02:00:00Z'),
    });
    expect(weekend.by).toBe('grid_workers');
    expect(new Set(weekend.routed)).toEqual(new Set([second, mine.users.grid_worker]));
    // a grid nobody works: the community admin
    const empty = await routeAlert(db, {
      ...input(),
      gridId: mine.ids.grid2!,
      orgPath: gridPath.replace(mine.ids.grid!, mine.ids.grid2!),
    });
    expect(empty.by).toBe('community_admins');
    expect(empty.routed).toEqual([mine.users.community_admin]);
    expect(empty.property).toEqual([]);
    // a unit door held open, a building device offline: the property company's staff too
    const held = await routeAlert(db, { ...input(), orgPath: gridPath, type: 'door_held_open' });
    expect(held.property).toEqual([mine.users.property_staff]);
    const offline = await routeAlert(db, {
      ...input(),
      orgPath: gridPath,
      type: 'device_offline',
      unitId: null,
      deviceKind: 'camera',
    });
    expect(offline.property).toEqual([mine.users.property_staff]);
    // the lookups one ingest batch shares: every alert still gets the answer of its own grid, time and type
    const shared = new Lookups();
    const grid2Path = gridPath.replace(mine.ids.grid!, mine.ids.grid2!);
    const [a, b, c, d] = await Promise.all([
      routeAlert(db, { ...input(), orgPath: gridPath }, shared),
      routeAlert(db, { ...input(), orgPath: gridPath, at: new Date('2026-11-23T15:00:00Z') }, shared),
      routeAlert(db, { ...input(), gridId: mine.ids.grid2!, orgPath: grid2Path }, shared),
      routeAlert(db, { ...input(), orgPath: gridPath, type: 'door_held_open' }, shared),
    ]);
    expect([a.routed, b.routed, c.routed]).toEqual([
      [second],
      [mine.users.grid_worker],
      [mine.users.community_admin],
    ]);
    expect([a.property, d.property]).toEqual([[], [mine.users.property_staff]]);
    await db.delete(gridDutyRoster).where(eq(gridDutyRoster.gridId, mine.ids.grid!));
    await db.delete(roleAssignments).where(eq(roleAssignments.userId, second));
  });
});

describe('live push and device status', () => {
  it('pushes every accepted event to the consoles of its grid, not to other grids or residents', async () => {
    const url = server.url;
    const worker = await connect(url, await token(mine.users.grid_worker));
    const admin = await connect(url, await token(mine.users.community_admin));
    const foreign = await connect(url, await token(other.users.grid_worker));
    const resident = await connect(url, await token(mine.users.resident));
    const events = [
      event(fx.door.code, 'door_forced', clock.now),
      event(fx.door.code, 'heartbeat', clock.now),
    ];
    const res = await post({ events });
    expect(res.status).toBe(200);
    const seen = await worker.next('alert');
    const second = await worker.next('alert');
    expect([seen, second].map((m) => (m as unknown as { eventId: string }).eventId)).toEqual(
      events.map((e) => e.eventId),
    );
    expect(seen).toMatchObject({
      alertType: 'door_forced',
      alertId: res.body.results[0].alertId,
      location: '1号楼1单元',
    });
    await admin.next('alert');
    // what the others would have got has been delivered by now: nothing for them
    await new Promise((r) => setTimeout(r, 100));
    expect(foreign.messages.filter((m) => m.type === 'alert')).toEqual([]);
    expect(resident.messages.filter((m) => m.type === 'alert')).toEqual([]);
    for (const c of [worker, admin, foreign, resident]) c.ws.close();
  });

  it('marks a device offline with an alert, and back online with a note on it', async () => {
    const db = server.services.db;
    await post({ events: [event(fx.cam.code, 'device_offline', clock.now)] });
    const [cam] = await db.select().from(devices).where(eq(devices.id, fx.cam.id));
    expect(cam!.online).toBe(false);
    const [offline] = await db
      .select()
      .from(alerts)
      .where(eq(alerts.deviceId, fx.cam.id))
      .orderBy(alerts.createdAt);
    void offline;
    const all = await db.select().from(alerts).where(eq(alerts.type, 'device_offline'));
    const mineOffline = all.find((a) => a.deviceId === fx.cam.id)!;
    expect(mineOffline.forProperty).toBe(true);
    advance(60_000);
    await post({ events: [event(fx.cam.code, 'device_online', clock.now)] });
    const [back] = await db.select().from(devices).where(eq(devices.id, fx.cam.id));
    expect(back!.online).toBe(true);
    const [noted] = await db.select().from(alerts).where(eq(alerts.id, mineOffline.id));
    expect(noted!.timeline.map((t) => t.kind)).toContain('online');
  });

  it('the server marks a silent device offline once when its bridge is gone', async () => {
    const db = server.services.db;
    await db
      .update(devices)
      .set({ lastSeenAt: new Date(clock.now.getTime() - 3_600_000) })
      .where(eq(devices.id, otherFx.home.id));
    const first = await checkOffline(server.services, clock.now);
    expect(first.raised).toBeGreaterThanOrEqual(1);
    const [home] = await db.select().from(devices).where(eq(devices.id, otherFx.home.id));
    expect(home!.online).toBe(false);
    const again = await checkOffline(server.services, new Date(clock.now.getTime() + 60_000));
    const raisedFor = (await db.select().from(alerts).where(eq(alerts.deviceId, otherFx.home.id))).filter(
      (a) => a.type === 'device_offline',
    );
    expect(raisedFor).toHaveLength(1);
    void again;
    void users;
    void SECRET;
  });
});
