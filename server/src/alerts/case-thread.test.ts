// The alert cases' own thread (PostgreSQL only; PGlite is one embedded database in the main thread): with it, a
// new alert's case starts in the worker thread — the main thread's runtime never runs its engine — and what the
// case's steps push (the task for the worker on duty) still reaches the sockets the main thread holds. The case
// goes on from the main thread (acknowledge over HTTP). When the thread stops, cases start on the main thread.
import { eq } from 'drizzle-orm';
import { issueSession } from '../auth/tokens.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { readBundledProcess } from '../processes/deploy.js';
import { connect } from '../notify/socket-client.js';
import { alerts, gridDutyRoster } from './schema.js';
import { addBridgeAndDevices, event, postEvents } from './testing.js';
import { CaseThread } from './case-thread.js';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) console.log('alert case thread test skipped: it needs PostgreSQL (set DATABASE_URL)');

(serverUrl ? describe : describe.skip)('the alert case thread', () => {
  let server: TestServer;
  let world: World;
  let fx: Awaited<ReturnType<typeof addBridgeAndDevices>>;
  let thread: CaseThread | undefined;

  const ingest = (type: 'door_forced' | 'smoke_fire') =>
    postEvents(
      server.api,
      { events: [event(fx.door.code, type, new Date())] },
      { bridgeId: fx.bridgeId, now: new Date() },
    );
  async function started(id: string) {
    for (let i = 0; i < 200; i++) {
      const [a] = await server.services.db.select().from(alerts).where(eq(alerts.id, id));
      if (a!.caseState === 'started') return a!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the case did not start');
  }

  beforeAll(async () => {
    server = await createTestServer({
      ALERT_JOBS: 'false',
      NOTIFY_DISPATCHER: 'false',
      DATABASE_URL: serverUrl!,
    });
    const { db, vault } = server.services;
    world = await buildWorld(db, vault, '丙', 3);
    fx = await addBridgeAndDevices(server.services, world, 'BING');
    await db.insert(gridDutyRoster).values({
      gridId: world.ids.grid!,
      orgPath: fx.door.orgPath,
      userId: world.users.grid_worker,
      order: 0,
    });
    await server.services.workflow.runtime.deploy(await readBundledProcess('alert-handling.bpmn'), null);
    thread = await CaseThread.start(server.services);
  }, 240_000);
  afterAll(async () => {
    await thread?.stop();
    await server?.close();
  });

  it('starts a case off the main thread and its task push reaches the worker on duty', async () => {
    expect(thread).toBeDefined();
    const token = (await issueSession(server.services, world.users.grid_worker, 'password')).accessToken;
    const socket = await connect(server.url, token);
    const res = await ingest('door_forced');
    expect(res.status).toBe(200);
    const a = await started(res.body.results[0].alertId);
    expect(a.instanceId).toBeTruthy();
    expect(thread!.done).toBeGreaterThanOrEqual(1);
    // the main thread's runtime did not run it: no live engine here
    expect(server.services.workflow.runtime.liveEngines).toBe(0);
    const pushed = (await socket.next('task.created')) as unknown as { instanceId: string; name: string };
    expect(pushed).toMatchObject({ instanceId: a.instanceId, name: '确认告警' });
    socket.ws.close();
    // the case goes on from here: the main thread recovers it from the database
    const acked = await server.api.post(`/api/v1/alerts/${a.id}/acknowledge`, { note: '马上到' }, token);
    expect(acked.status).toBe(200);
    expect(acked.body.openTask).toMatchObject({ activityId: 'Task_Verify' });
  });

  it('after the thread stops, cases start on the main thread', async () => {
    await thread!.stop();
    const res = await ingest('smoke_fire');
    const a = await started(res.body.results[0].alertId);
    expect(a.instanceId).toBeTruthy();
    expect(server.services.workflow.runtime.liveEngines).toBeGreaterThanOrEqual(1);
  });
});
