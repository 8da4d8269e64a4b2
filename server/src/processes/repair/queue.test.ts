// The dispatcher's queue (派单台, GET /repair-queue) over HTTP: a repair nobody is on duty for waits in `waiting`;
// dispatched by hand it moves to `working` (and to its status); past the 1-hour limit of 人工派单, or the 30
// minutes of 接单, it is `overdue`; only property staff read it, only their area's; a status outside `working`
// is a 400.
import { eq } from 'drizzle-orm';
import { issueSession } from '../../auth/tokens.js';
import { users } from '../../db/schema.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';
import { readBundledProcess } from '../deploy.js';

const MIN = 60_000;
const clock = { now: new Date('2026-11-23T02:00:00Z') };
const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

let server: TestServer;
let mine: World;
let other: World;
let tech: string;
let staff: string;

beforeAll(async () => {
  server = await createTestServer({}, { now: () => clock.now });
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  tech = mine.users.technician;
  staff = mine.users.property_staff;
  await db.update(users).set({ displayName: '马师傅' }).where(eq(users.id, tech));
  const res = await server.api.request('POST', '/api/v1/definitions', {
    token: await as(mine.users.community_admin),
    raw: await readBundledProcess('repair.bpmn'),
    contentType: 'application/xml',
  });
  expect(res.status).toBe(201);
});
afterAll(async () => server?.close());

async function as(userId: string): Promise<string> {
  return (await issueSession(server.services, userId, 'password')).accessToken;
}
const get = async (path: string, user: string) => server.api.get(`/api/v1${path}`, await as(user));
const post = async (path: string, body: unknown, user: string) =>
  server.api.post(`/api/v1${path}`, body, await as(user));

const ids = async (query: string, user = staff) => {
  const res = await get(`/repair-queue?${query}`, user);
  expect(res.status).toBe(200);
  return (res.body.items as { id: string }[]).map((r) => r.id);
};

describe('GET /repair-queue (派单台)', () => {
  it('lists a repair by what it waits for, and as overdue past the step’s time limit', async () => {
    // nobody on duty: the repair waits for the dispatcher
    expect(
      (
        await post(
          '/repair-duty',
          { technicianId: tech, communityId: mine.ids.community, onDuty: false },
          staff,
        )
      ).status,
    ).toBe(200);
    const made = await post(
      '/repairs',
      { roomId: mine.ids.room, category: 'water', description: '厨房水龙头关不紧，一直滴水' },
      mine.users.resident,
    );
    expect(made.status).toBe(201);
    const r = made.body as { id: string; status: string };
    expect(r.status).toBe('dispatching');
    expect(await ids('tab=waiting')).toContain(r.id);
    expect(await ids('tab=working')).not.toContain(r.id);
    expect(await ids('tab=overdue')).not.toContain(r.id);

    // 人工派单 is due within the hour
    advance(61 * MIN);
    expect(await ids('tab=overdue')).toContain(r.id);

    // dispatched by hand: being worked on, no longer late, until 接单 takes longer than 30 minutes
    const sent = await post(`/repairs/${r.id}/dispatch`, { technicianId: tech }, staff);
    expect(sent.status).toBe(200);
    expect(await ids('tab=waiting')).not.toContain(r.id);
    expect(await ids('tab=working')).toContain(r.id);
    expect(await ids('tab=working&status=dispatched')).toContain(r.id);
    expect(await ids('tab=working&status=accepted')).not.toContain(r.id);
    expect(await ids('tab=overdue')).not.toContain(r.id);
    advance(31 * MIN);
    expect(await ids('tab=overdue')).toContain(r.id);

    // the page carries the repair as GET /repairs shows it
    const page = await get('/repair-queue?tab=working&pageSize=1', staff);
    expect(page.body).toMatchObject({ page: 1, pageSize: 1 });
    expect(page.body.items[0]).toMatchObject({ id: r.id, technician: { id: tech, name: '马师傅' } });

    // another district's dispatcher does not see it
    expect(await ids('tab=working', other.users.property_staff)).not.toContain(r.id);
  });

  it('is the property staff’s: others get 403, a bad query a 400 naming the problem', async () => {
    for (const role of ['technician', 'grid_worker', 'community_admin', 'resident'] as const) {
      const res = await get('/repair-queue', mine.users[role]);
      expect(res.status).toBe(403);
    }
    const wrongTab = await get('/repair-queue?tab=late', staff);
    expect(wrongTab.status).toBe(400);
    expect(JSON.stringify(wrongTab.body)).toContain('tab');
    const statusElsewhere = await get('/repair-queue?tab=waiting&status=accepted', staff);
    expect(statusElsewhere.status).toBe(400);
    expect(statusElsewhere.body.error.message).toContain('working');
    const closedStatus = await get('/repair-queue?tab=working&status=closed', staff);
    expect(closedStatus.status).toBe(400);
  });
});
