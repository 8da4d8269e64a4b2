// 督办 over real HTTP: supervisors list the open tasks of their area that are past due or due within 24 hours,
// earliest due first, by the services' clock; nobody else may, and a bad filter is refused naming the field.
import { issueSession } from '../../auth/tokens.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';
import { linearProcessXml } from '../../testing/workflow-world.js';

let server: TestServer;
let mine: World;
let other: World;
const realNow = () => new Date();

/** one single-step process per due time, for the grid workers of the resident's grid */
const PROCESSES: Record<string, string | null> = {
  'due-30m': 'PT30M',
  'due-1h': 'PT1H',
  'due-20h': 'PT20H',
  'due-3d': 'P3D',
  'due-none': null,
};

async function token(world: World, role: Role): Promise<string> {
  return (await issueSession(server.services, world.users[role], 'password')).accessToken;
}

async function start(world: World, processId: string): Promise<string> {
  const res = await server.api.post('/api/v1/instances', { processId }, await token(world, 'resident'));
  expect(res.status).toBe(201);
  return res.body.openTasks[0].id as string;
}

async function listDue(world: World, role: Role, due: string) {
  return server.api.get(`/api/v1/tasks?view=all&due=${due}`, await token(world, role));
}

const ids: Record<string, string> = {};
let otherLate = '';
let completedLate = '';

beforeAll(async () => {
  server = await createTestServer();
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  const admin = await token(mine, 'community_admin');
  for (const [processId, due] of Object.entries(PROCESSES)) {
    const xml = linearProcessXml(processId, `期限 ${due ?? '无'}`, [
      {
        kind: 'user',
        id: 'Task_Handle',
        name: '办理',
        attrs: { candidateGroups: 'grid_worker', ...(due ? { dueDate: due } : {}) },
      },
    ]);
    const res = await server.api.request('POST', '/api/v1/definitions', {
      token: admin,
      raw: xml,
      contentType: 'application/xml',
    });
    expect(res.status).toBe(201);
  }
  for (const processId of Object.keys(PROCESSES)) ids[processId] = await start(mine, processId);
  otherLate = await start(other, 'due-30m');
  // a late task that is done is no longer late
  completedLate = await start(mine, 'due-1h');
  const done = await server.api.post(
    `/api/v1/tasks/${completedLate}/complete`,
    { outcome: 'done' },
    await token(mine, 'grid_worker'),
  );
  expect(done.status).toBe(200);
  // two hours on: the 30-minute and 1-hour tasks are late, the 20-hour one is due within a day
  const ahead = 2 * 60 * 60 * 1000;
  server.services.now = () => new Date(realNow().getTime() + ahead);
});
afterAll(async () => server?.close());

type Item = { id: string; dueAt: string | null; status: string };

describe('supervision lists (督办)', () => {
  it('lists the open overdue tasks of the admin area, earliest due first', async () => {
    const res = await listDue(mine, 'community_admin', 'overdue');
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    expect(items.map((t) => t.id)).toEqual([ids['due-30m'], ids['due-1h']]);
    expect(items.every((t) => t.status === 'open')).toBe(true);
    expect(res.body.total).toBe(2);
    // a street admin above the same community sees the same; another district sees only its own
    const street = await listDue(mine, 'street_admin', 'overdue');
    expect((street.body.items as Item[]).map((t) => t.id)).toEqual([ids['due-30m'], ids['due-1h']]);
    const theirs = await listDue(other, 'district_admin', 'overdue');
    expect((theirs.body.items as Item[]).map((t) => t.id)).toEqual([otherLate]);
  });

  it('lists the tasks due within 24 hours, and nothing late or far off', async () => {
    const res = await listDue(mine, 'community_admin', 'soon');
    expect(res.status).toBe(200);
    expect((res.body.items as Item[]).map((t) => t.id)).toEqual([ids['due-20h']]);
    expect((await listDue(other, 'community_admin', 'soon')).body.items).toEqual([]);
  });

  it('follows the clock: a day later the 20-hour task is late too', async () => {
    const saved = server.services.now;
    server.services.now = () => new Date(realNow().getTime() + 22 * 60 * 60 * 1000);
    try {
      const res = await listDue(mine, 'community_admin', 'overdue');
      expect((res.body.items as Item[]).map((t) => t.id)).toEqual([
        ids['due-30m'],
        ids['due-1h'],
        ids['due-20h'],
      ]);
      const soon = await listDue(mine, 'community_admin', 'soon');
      expect((soon.body.items as Item[]).map((t) => t.id)).toEqual([]);
    } finally {
      server.services.now = saved;
    }
  });

  it('lets only supervisors list the whole area, and keeps the filter on their own inbox', async () => {
    expect((await listDue(mine, 'grid_worker', 'overdue')).status).toBe(403);
    // a grid worker may still filter the tasks they can claim
    const own = await server.api.get(
      '/api/v1/tasks?view=candidate&due=overdue',
      await token(mine, 'grid_worker'),
    );
    expect(own.status).toBe(200);
    expect((own.body.items as Item[]).map((t) => t.id)).toEqual([ids['due-30m'], ids['due-1h']]);
  });

  it('refuses an unknown due filter, naming the field', async () => {
    const res = await listDue(mine, 'community_admin', 'late');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('due');
  });
});

describe('the case monitor filters (流程监控)', () => {
  type Case = { id: string; processId: string };
  const list = async (query: string, world: World = mine) =>
    server.api.get(`/api/v1/instances?pageSize=100&${query}`, await token(world, 'community_admin'));
  const processIds = (res: { body: { items: Case[] } }) =>
    [...new Set(res.body.items.map((c) => c.processId))].filter((p) => p.startsWith('due-')).sort();

  it('lists the cases with a step past due, and only those', async () => {
    const res = await list('overdue=true');
    expect(res.status).toBe(200);
    // the 1-hour process has a late case still open (and one whose late step was done)
    expect(processIds(res)).toEqual(['due-1h', 'due-30m']);
    expect(res.body.items).toHaveLength(2);
  });

  it('lists the cases of an org unit and below it, and of a version', async () => {
    const inGrid = await list(`orgUnitId=${mine.ids.grid}`);
    expect(processIds(inGrid)).toEqual(['due-1h', 'due-20h', 'due-30m', 'due-3d', 'due-none']);
    const inCommunity = await list(`orgUnitId=${mine.ids.community}`);
    expect(inCommunity.body.total).toBe(inGrid.body.total);
    const otherGrid = await list(`orgUnitId=${mine.ids.grid2}`);
    expect(otherGrid.body.items).toEqual([]);
    expect((await list('processId=due-30m&version=1')).body.items).toHaveLength(1);
    expect((await list('processId=due-30m&version=2')).body.items).toEqual([]);
  });

  it('refuses an unknown org unit and a bad overdue value, naming them', async () => {
    const unknown = await list('orgUnitId=00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    const bad = await list('overdue=yes');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('overdue');
  });
});
