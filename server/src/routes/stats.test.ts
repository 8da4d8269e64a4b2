// 辅助决策 over real HTTP: the dashboard's figures are counted in SQL over the caller's area — cases opened and
// closed, steps done on time or late, open steps past due, the slowest step — and nobody outside may read them.
import { issueSession } from '../auth/tokens.js';
import type { Role } from '../policy/permissions.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { linearProcessXml } from '../testing/workflow-world.js';
import { windowOf } from './stats.js';

let server: TestServer;
let mine: World;
let other: World;
const realNow = () => new Date();

async function token(world: World, role: Role): Promise<string> {
  return (await issueSession(server.services, world.users[role], 'password')).accessToken;
}

async function start(world: World): Promise<string> {
  const res = await server.api.post(
    '/api/v1/instances',
    { processId: 'stats-late' },
    await token(world, 'resident'),
  );
  expect(res.status).toBe(201);
  return res.body.openTasks[0].id as string;
}

async function complete(world: World, taskId: string): Promise<void> {
  const res = await server.api.post(
    `/api/v1/tasks/${taskId}/complete`,
    {},
    await token(world, 'grid_worker'),
  );
  expect(res.status).toBe(200);
}

interface ProcessStats {
  processId: string;
  name: string;
  running: number;
  completed: number;
  opened: number[];
  closed: number[];
  tasksDue: number;
  tasksOnTime: number;
  overdueOpen: number;
}

const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);

beforeAll(async () => {
  server = await createTestServer();
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  const xml = linearProcessXml('stats-late', '限时办理', [
    {
      kind: 'user',
      id: 'Task_Handle',
      name: '办理',
      attrs: { candidateGroups: 'grid_worker', dueDate: 'PT1H' },
    },
  ]);
  const res = await server.api.request('POST', '/api/v1/definitions', {
    token: await token(mine, 'community_admin'),
    raw: xml,
    contentType: 'application/xml',
  });
  expect(res.status).toBe(201);
  // three cases: one done at once, one done two hours on (late), one still open and past due
  const [onTime, late] = [await start(mine), await start(mine)];
  await start(mine);
  await complete(mine, onTime);
  const ahead = 2 * 60 * 60 * 1000;
  server.services.now = () => new Date(realNow().getTime() + ahead);
  await complete(mine, late);
});
afterAll(async () => server?.close());

describe('GET /stats/overview', () => {
  it('counts the cases and steps of the admin area: opened, closed, on time, late, overdue, slowest step', async () => {
    // when
    const res = await server.api.get('/api/v1/stats/overview?days=7', await token(mine, 'community_admin'));

    // then
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(7);
    const stats = (res.body.processes as ProcessStats[]).find((p) => p.processId === 'stats-late');
    expect(stats).toMatchObject({
      name: '限时办理',
      running: 1,
      completed: 2,
      tasksDue: 2,
      tasksOnTime: 1,
      overdueOpen: 1,
    });
    expect(sum(stats!.opened)).toBe(3);
    expect(sum(stats!.closed)).toBe(2);
    const step = (
      res.body.slowSteps as { processId: string; activityId: string; done: number; avgMinutes: number }[]
    ).find((s) => s.processId === 'stats-late');
    // one done at once, one two hours on: an hour on average
    expect(step).toMatchObject({ activityId: 'Task_Handle', done: 2 });
    expect(Math.round(step!.avgMinutes / 10)).toBe(6);
    expect(res.body.alerts).toMatchObject({ open: 0, byType: [], byGrid: [] });
  });

  it("shows another district's admin none of these cases", async () => {
    // when
    const res = await server.api.get('/api/v1/stats/overview', await token(other, 'community_admin'));

    // then
    expect(res.status).toBe(200);
    expect((res.body.processes as ProcessStats[]).map((p) => p.processId)).not.toContain('stats-late');
  });

  it('is refused to a grid worker and a resident, and a window outside 1–92 days is refused naming days', async () => {
    // when
    const worker = await server.api.get('/api/v1/stats/overview', await token(mine, 'grid_worker'));
    const resident = await server.api.get('/api/v1/stats/overview', await token(mine, 'resident'));
    const tooLong = await server.api.get(
      '/api/v1/stats/overview?days=400',
      await token(mine, 'community_admin'),
    );

    // then
    expect(worker.status).toBe(403);
    expect(resident.status).toBe(403);
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('days');
  });
});

describe('windowOf', () => {
  it('counts China days: 23:30 UTC is already the next day in Beijing', () => {
    // when
    const w = windowOf(new Date('2026-11-23T23:30:00Z'), 3);

    // then
    expect(w.days).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
    expect(w.from.toISOString()).toBe('2026-11-21T16:00:00.000Z');
  });
});
