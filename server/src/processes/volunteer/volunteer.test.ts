// Volunteer points end to end over real HTTP, as the real roles: micro-wishes (post, review, claim, confirm,
// escalation), volunteer activities with slots, the points ledger (credited once per cause), the points mall
// (redeem, fulfil, cancel, never oversold or overdrawn), records and ranks, a redeploy with a running case,
// and another district seeing nothing.
import { and, eq, sql } from 'drizzle-orm';
import { issueSession } from '../../auth/tokens.js';
import { residents, roleAssignments, users, wfOutbox } from '../../db/schema.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, TEST_PASSWORD_HASH, type World } from '../../testing/world.js';
import { readBundledProcess } from '../deploy.js';
import { volunteerHandlers } from './handlers.js';
import {
  mallItems,
  pointsLedger,
  redemptions,
  volunteerActivities,
  volunteerParticipations,
} from './schema.js';

const H = 3_600_000;
const D = 24 * H;
const clock = { now: new Date('2026-03-02T09:00:00+08:00') }; // a Monday
const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

let server: TestServer;
let mine: World;
let other: World;
/** a second and a third volunteer of mine: a registered family member, and one holding the volunteer role */
let volunteer2: string;
let volunteer3: string;

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

beforeAll(async () => {
  server = await createTestServer({}, { now: () => clock.now });
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  const [fam] = await db
    .insert(users)
    .values({
      displayName: '王志愿',
      username: 'vol2.1',
      passwordHash: TEST_PASSWORD_HASH,
      residentId: mine.ids.familyMember!,
    })
    .returning();
  volunteer2 = fam!.id;
  const [third] = await db
    .insert(users)
    .values({
      displayName: '赵志愿',
      username: 'vol3.1',
      passwordHash: TEST_PASSWORD_HASH,
      residentId: mine.ids.pendingResident!,
    })
    .returning();
  volunteer3 = third!.id;
  await db
    .insert(roleAssignments)
    .values({ userId: volunteer3, role: 'volunteer', orgUnitId: mine.ids.community! });
  for (const file of ['volunteer-wish.bpmn', 'volunteer-activity.bpmn']) {
    const res = await deploy(await readBundledProcess(file));
    expect(res.status).toBe(201);
  }
});
afterAll(async () => server?.close());

/** tokens are checked against the test clock: mint one per call */
async function tokenOf(userId: string): Promise<string> {
  return (await issueSession(server.services, userId, 'password')).accessToken;
}
const as = (role: Role, world: World = mine) => tokenOf(world.users[role]);

async function deploy(xml: string) {
  return server.api.request('POST', '/api/v1/definitions', {
    token: await as('community_admin'),
    raw: xml,
    contentType: 'application/xml',
  });
}
const get = async (path: string, token: string) => server.api.get(`/api/v1${path}`, token);
const post = async (path: string, body: unknown, token: string) =>
  server.api.post(`/api/v1${path}`, body, token);

async function photo(token: string, name = '现场照片.jpg'): Promise<string> {
  const res = await server.api.request('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, {
    token,
    raw: JPEG,
    contentType: 'image/jpeg',
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function notices(template: string, instanceId?: string) {
  const rows = await server.services.db.select().from(wfOutbox).where(eq(wfOutbox.kind, 'notice'));
  return rows
    .map(
      (r) =>
        r.payload as {
          template: string;
          recipients: string[];
          title: string;
          body: string;
          instanceId: string;
          link: string | null;
        },
    )
    .filter((p) => p.template === template && (!instanceId || p.instanceId === instanceId));
}

/** what the holder of `token` finds in their in-app inbox once the dispatcher has delivered the outbox */
async function inbox(token: string): Promise<{ title: string; link: string | null }[]> {
  await server.services.notify.dispatcher.drain();
  const res = await get('/notifications?pageSize=200', token);
  expect(res.status).toBe(200);
  return res.body.items;
}

async function tasksCreated(instanceId: string) {
  const rows = await server.services.db.select().from(wfOutbox).where(eq(wfOutbox.kind, 'task.created'));
  return rows
    .map(
      (r) =>
        r.payload as { instanceId: string; name: string; assignee: string | null; candidateGroups: string[] },
    )
    .filter((p) => p.instanceId === instanceId);
}

async function openTasks(instanceId: string) {
  const open = await server.services.workflow.store.queryTasks({
    instanceId,
    status: 'open',
    limit: 20,
    offset: 0,
  });
  return open.items;
}

async function ledger(userId: string) {
  return server.services.db
    .select()
    .from(pointsLedger)
    .where(and(eq(pointsLedger.userId, userId), eq(pointsLedger.communityId, mine.ids.community!)));
}
const sum = (rows: { amount: number }[]) => rows.reduce((acc, r) => acc + r.amount, 0);

async function grantPoints(userId: string, amount: number, note = '历史志愿积分导入', at?: Date) {
  await server.services.db.insert(pointsLedger).values({
    userId,
    communityId: mine.ids.community!,
    orgPath: `/${mine.ids.district}/${mine.ids.street}/${mine.ids.community}/`,
    amount,
    kind: 'adjustment',
    causeKey: `test-grant:${userId}:${Math.random()}`,
    note,
    ...(at ? { at } : {}),
  });
}

/** a wish posted by mine's resident and approved by the grid worker; returns its id and case */
async function approvedWish(title: string, points = 10) {
  const posted = await post(
    '/volunteer/wishes',
    { title, description: '老人腿脚不便，需要帮忙', place: '甲家园1号楼1单元101室' },
    await as('resident'),
  );
  expect(posted.status).toBe(201);
  const reviewed = await post(
    `/volunteer/activities/${posted.body.id}/review`,
    { approve: true, points },
    await as('grid_worker'),
  );
  expect(reviewed.status).toBe(200);
  return { id: posted.body.id as string, instanceId: posted.body.instanceId as string };
}

describe('volunteer registration', () => {
  it('given a resident who asks to register, when the grid worker approves, then they may claim wishes', async () => {
    const wish = await approvedWish('帮忙搬一袋米');
    const before = await post(`/volunteer/activities/${wish.id}/claim`, undefined, await tokenOf(volunteer2));
    expect(before.status).toBe(403);
    expect(before.body.error.message).toMatch(/registered volunteers/);

    const applied = await post(
      '/volunteer/registrations',
      { isPartyMember: true, skills: ['助老', '家电维修'] },
      await tokenOf(volunteer2),
    );
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ status: 'pending', isPartyMember: true });
    const again = await post('/volunteer/registrations', {}, await tokenOf(volunteer2));
    expect(again.status).toBe(409);

    const pending = await get('/volunteer/registrations?status=pending', await as('grid_worker'));
    expect(pending.body.items.map((r: { id: string }) => r.id)).toContain(applied.body.id);
    const approved = await post(
      `/volunteer/registrations/${applied.body.id}/review`,
      { approve: true },
      await as('grid_worker'),
    );
    expect(approved.body.status).toBe('approved');
    expect(
      (await notices('volunteer.registration_approved')).find((n) => n.recipients.includes(volunteer2)),
    ).toMatchObject({ link: '/pages/volunteer/register' });

    const claimed = await post(
      `/volunteer/activities/${wish.id}/claim`,
      undefined,
      await tokenOf(volunteer2),
    );
    expect(claimed.status).toBe(200);
    expect(claimed.body.participants[0]).toMatchObject({ userId: volunteer2, isPartyMember: true });
  });

  it('given a staff account with no home, when it asks to register, then it is refused', async () => {
    const res = await post('/volunteer/registrations', {}, await as('grid_worker'));
    expect(res.status).toBe(403);
  });
});

describe('micro-wish', () => {
  it('given a wish with photos, when it is approved, claimed and confirmed, then the volunteer is credited once and told', async () => {
    const resident = await as('resident');
    const picture = await photo(resident, '坏掉的灯泡.jpg');
    const posted = await post(
      '/volunteer/wishes',
      {
        title: '帮忙更换卫生间灯泡',
        description: '卫生间灯泡坏了，家里只有老人，够不着',
        place: '甲家园1号楼1单元101室',
        wantedAt: '2026-03-03T15:00:00+08:00',
        photoIds: [picture],
      },
      resident,
    );
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ kind: 'wish', status: 'pending_review', photoIds: [picture] });
    const { id, instanceId } = posted.body as { id: string; instanceId: string };
    // the grid workers of the resident's grid must act next
    expect(await tasksCreated(instanceId)).toEqual([
      expect.objectContaining({ name: '社区审核', candidateGroups: ['grid_worker', 'community_admin'] }),
    ]);
    // not published yet: a volunteer neither sees nor claims it
    expect((await get(`/volunteer/activities/${id}`, await as('volunteer'))).status).toBe(404);

    const reviewed = await post(
      `/volunteer/activities/${id}/review`,
      { approve: true, points: 20 },
      await as('grid_worker'),
    );
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ status: 'open', points: 20 });
    expect(await notices('volunteer.published', instanceId)).toEqual([
      expect.objectContaining({
        recipients: [mine.users.resident],
        link: `/pages/volunteer/detail?id=${id}`,
      }),
    ]);
    const opportunity = await notices('volunteer.new_opportunity', instanceId);
    expect(opportunity[0]!.recipients).toEqual(expect.arrayContaining([mine.users.volunteer, volunteer3]));
    // tapped in the inbox, the volunteer lands on the wish, where they claim it
    expect((await inbox(await as('volunteer'))).find((n) => n.title === '有新的微心愿待认领')).toMatchObject({
      link: `/pages/volunteer/detail?id=${id}`,
    });

    const listed = await get('/volunteer/activities?kind=wish&status=open', await as('volunteer'));
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(id);
    const own = await post(`/volunteer/activities/${id}/claim`, undefined, resident);
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/your own wish/);

    const detail = await get(`/volunteer/activities/${id}`, await as('volunteer'));
    expect(detail.body.canClaim).toBe(true);
    const claimed = await post(`/volunteer/activities/${id}/claim`, undefined, await as('volunteer'));
    expect(claimed.status).toBe(200);
    expect(claimed.body.status).toBe('claimed');
    const late = await post(`/volunteer/activities/${id}/claim`, undefined, await tokenOf(volunteer3));
    expect(late.status).toBe(409);
    expect(await notices('volunteer.claimed', instanceId)).toEqual([
      expect.objectContaining({ recipients: [mine.users.resident] }),
    ]);
    // the owner's 您的微心愿已被认领 opens the wish, where they confirm the service later
    expect((await inbox(resident)).find((n) => n.title === '您的微心愿已被认领')).toMatchObject({
      link: `/pages/volunteer/detail?id=${id}`,
    });
    const confirmTask = (await openTasks(instanceId)).find((t) => t.activityId === 'Task_Confirm');
    expect(confirmTask).toMatchObject({ assignee: mine.users.resident });

    // the volunteer cannot confirm their own service
    const selfConfirm = await post(
      `/volunteer/activities/${id}/confirm`,
      { hours: 1 },
      await as('volunteer'),
    );
    expect(selfConfirm.status).toBe(403);
    expect(selfConfirm.body.error.message).toMatch(/own service/);
    expect(
      await ledger(mine.users.volunteer).then((rows) => rows.filter((r) => r.activityId === id)),
    ).toEqual([]);

    const after = await photo(resident, '换好的灯泡.jpg');
    const confirmed = await post(
      `/volunteer/activities/${id}/confirm`,
      { done: true, hours: 1.5, photoIds: [after], comment: '灯泡换好了，谢谢小刘' },
      resident,
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('completed');
    expect(confirmed.body.participants[0]).toMatchObject({ status: 'confirmed', hours: 1.5 });

    const entries = (await ledger(mine.users.volunteer)).filter((r) => r.activityId === id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      amount: 20,
      kind: 'service',
      instanceId,
      step: 'Task_Credit',
      hours: '1.5',
    });
    expect(entries[0]!.causeKey.startsWith(`${instanceId}:`)).toBe(true);
    expect(await notices('volunteer.points_credited', instanceId)).toEqual([
      expect.objectContaining({
        recipients: [mine.users.volunteer],
        title: '志愿积分到账',
        link: '/pages/volunteer/points',
      }),
    ]);
    const instance = await get(`/instances/${instanceId}`, resident);
    expect(instance.body.status).toBe('completed');

    // the timeline, read by the volunteer who served: who did what, with the owner's photos
    const timeline = await get(`/volunteer/activities/${id}/timeline`, await as('volunteer'));
    expect(timeline.status).toBe(200);
    const kinds = timeline.body.entries.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'volunteer.wish_posted',
        'volunteer.claimed',
        'volunteer.confirmed',
        'volunteer.points_credited',
      ]),
    );
    const confirmedEntry = timeline.body.entries.find(
      (e: { kind: string }) => e.kind === 'volunteer.confirmed',
    );
    expect(confirmedEntry).toMatchObject({ fileIds: [after], comment: '灯泡换好了，谢谢小刘' });
    // and opens the owner's photo of it; a neighbour who had nothing to do with it does not
    expect((await get(`/files/${after}`, await as('volunteer'))).status).toBe(200);
    expect((await get(`/files/${after}`, await tokenOf(volunteer3))).status).toBe(404);
    const reviewEntry = timeline.body.entries.find(
      (e: { kind: string; activityId: string }) =>
        e.kind === 'task.completed' && e.activityId === 'Task_Review',
    );
    expect(reviewEntry).toMatchObject({ outcome: 'approve', activityName: '社区审核' });
    // a neighbour who had nothing to do with it does not read the timeline
    expect((await get(`/volunteer/activities/${id}/timeline`, await tokenOf(volunteer3))).status).toBe(403);
  });

  it('given a wish the grid worker rejects, then the owner is told why and nobody can claim it', async () => {
    const resident = await as('resident');
    const posted = await post(
      '/volunteer/wishes',
      { title: '帮忙代缴罚款', description: '请志愿者帮我去交违章罚款', place: '交警大队' },
      resident,
    );
    const noReason = await post(
      `/volunteer/activities/${posted.body.id}/review`,
      { approve: false },
      await as('grid_worker'),
    );
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toMatch(/reason/);
    const rejected = await post(
      `/volunteer/activities/${posted.body.id}/review`,
      { approve: false, reason: '涉及缴纳罚款，不属于志愿服务范围' },
      await as('grid_worker'),
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      reviewNote: '涉及缴纳罚款，不属于志愿服务范围',
    });
    const told = await notices('volunteer.rejected', posted.body.instanceId);
    expect(told).toEqual([
      expect.objectContaining({
        recipients: [mine.users.resident],
        link: `/pages/volunteer/detail?id=${posted.body.id}`,
      }),
    ]);
    expect(told[0]!.body).toMatch(/不属于志愿服务范围/);
    expect(
      (await post(`/volunteer/activities/${posted.body.id}/claim`, undefined, await as('volunteer'))).status,
    ).toBe(404);
    const again = await post(
      `/volunteer/activities/${posted.body.id}/review`,
      { approve: true },
      await as('community_admin'),
    );
    expect(again.status).toBe(409);
    expect((await get(`/instances/${posted.body.instanceId}`, resident)).body.status).toBe('completed');
  });

  it('given a wish nobody confirms, then the owner is reminded after 3 days, the community checks after 7, and "not done" reopens it', async () => {
    const { id, instanceId } = await approvedWish('陪老人去医院复查', 30);
    expect((await post(`/volunteer/activities/${id}/claim`, undefined, await as('volunteer'))).status).toBe(
      200,
    );

    advance(3 * D + 60_000);
    await server.services.workflow.worker.poll();
    const reminders = await notices('volunteer.confirm_reminder', instanceId);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ recipients: [mine.users.resident] });
    expect(reminders[0]!.body).toMatch(/陪老人去医院复查/);
    expect((await openTasks(instanceId)).map((t) => t.activityId)).toEqual(['Task_Confirm']);

    advance(4 * D);
    await server.services.workflow.worker.poll();
    const open = await openTasks(instanceId);
    expect(open.map((t) => t.activityId)).toEqual(['Task_Verify']);
    expect((await tasksCreated(instanceId)).map((t) => t.name)).toContain('社区核实服务');
    expect(await notices('volunteer.confirm_reminder', instanceId)).toHaveLength(1);

    // the grid worker phones the owner: the volunteer never came
    const notDone = await post(
      `/volunteer/activities/${id}/confirm`,
      { done: false, comment: '电话回访：志愿者未上门' },
      await as('grid_worker'),
    );
    expect(notDone.status).toBe(200);
    expect(notDone.body.status).toBe('open');
    expect(notDone.body.participants).toEqual([]);
    expect(await notices('volunteer.released', instanceId)).toEqual([
      expect.objectContaining({
        recipients: [mine.users.volunteer],
        link: `/pages/volunteer/detail?id=${id}`,
      }),
    ]);

    // another volunteer takes it and the owner confirms: only they are credited
    expect(
      (await post(`/volunteer/activities/${id}/claim`, undefined, await tokenOf(volunteer3))).status,
    ).toBe(200);
    const done = await post(`/volunteer/activities/${id}/confirm`, { hours: 3 }, await as('resident'));
    expect(done.status).toBe(200);
    const credited = (
      await server.services.db.select().from(pointsLedger).where(eq(pointsLedger.activityId, id))
    ).map((e) => [e.userId, e.amount, e.hours]);
    expect(credited).toEqual([[volunteer3, 30, '3.0']]);
  });

  it('given bad input, then each answer names the problem and nothing is created', async () => {
    const resident = await as('resident');
    const count = async () =>
      Number((await server.services.db.select({ n: sql<number>`count(*)` }).from(volunteerActivities))[0]!.n);
    const before = await count();
    const instancesBefore = (await get('/instances?pageSize=200', resident)).body.total;

    const empty = await post(
      '/volunteer/wishes',
      { title: '', description: '需要帮忙', place: '家里' },
      resident,
    );
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toMatch(/title/);

    const foreign = await photo(await as('volunteer'));
    const notMine = await post(
      '/volunteer/wishes',
      { title: '帮忙修水管', description: '厨房漏水', place: '家里', photoIds: [foreign] },
      resident,
    );
    expect(notMine.status).toBe(400);
    expect(notMine.body.error.message).toContain(foreign);

    const backwards = await post(
      '/volunteer/activities',
      {
        title: '清理小广告',
        description: '楼道清理',
        place: '1号楼',
        startsAt: '2026-05-01T10:00:00+08:00',
        endsAt: '2026-05-01T09:00:00+08:00',
        slots: 5,
        points: 10,
        hours: 1,
      },
      await as('grid_worker'),
    );
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toMatch(/endsAt/);

    expect(await count()).toBe(before);
    expect((await get('/instances?pageSize=200', resident)).body.total).toBe(instancesBefore);
  });
});

describe('volunteer activity with slots', () => {
  it('given 2 slots, when a third signs up it is full (409); after the activity the organiser confirms who came', async () => {
    const organiser = await as('grid_worker');
    const startsAt = new Date(clock.now.getTime() + 2 * D);
    const endsAt = new Date(startsAt.getTime() + 3 * H);
    const created = await post(
      '/volunteer/activities',
      {
        title: '楼道小广告清理',
        description: '清理1号楼各单元楼道小广告，请自带抹布',
        place: '甲家园1号楼',
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        slots: 2,
        points: 30,
        hours: 3,
      },
      organiser,
    );
    expect(created.status).toBe(201);
    const { id, instanceId } = created.body as { id: string; instanceId: string };
    // an activity is reviewed by the community admin, not by grid workers
    expect(await tasksCreated(instanceId)).toEqual([
      expect.objectContaining({ candidateGroups: ['community_admin'] }),
    ]);
    expect((await post(`/volunteer/activities/${id}/review`, { approve: true }, organiser)).status).toBe(403);
    const approved = await post(
      `/volunteer/activities/${id}/review`,
      { approve: true },
      await as('community_admin'),
    );
    expect(approved.body.status).toBe('open');

    expect((await post(`/volunteer/activities/${id}/claim`, undefined, organiser)).status).toBe(403);
    const first = await post(`/volunteer/activities/${id}/claim`, undefined, await as('volunteer'));
    expect(first.status).toBe(200);
    const second = await post(`/volunteer/activities/${id}/claim`, undefined, await tokenOf(volunteer3));
    expect(second.body.taken).toBe(2);
    const full = await post(`/volunteer/activities/${id}/claim`, undefined, await tokenOf(volunteer2));
    expect(full.status).toBe(409);
    expect(full.body.error.message).toMatch(/full: all 2 slots/);
    const twice = await post(`/volunteer/activities/${id}/claim`, undefined, await as('volunteer'));
    expect(twice.status).toBe(409);

    const early = await post(`/volunteer/activities/${id}/confirm`, { participants: [] }, organiser);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/not ended yet/);

    advance(2 * D + 3 * H + 60_000);
    await server.services.workflow.worker.poll();
    const [confirmTask] = await openTasks(instanceId);
    expect(confirmTask).toMatchObject({ activityId: 'Task_Confirm', assignee: mine.users.grid_worker });
    expect(await tasksCreated(instanceId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '确认参与并记录时长', assignee: mine.users.grid_worker }),
      ]),
    );

    const parts = (await get(`/volunteer/activities/${id}`, await as('grid_worker'))).body.participants as {
      id: string;
      userId: string;
    }[];
    const p1 = parts.find((x) => x.userId === mine.users.volunteer)!;
    const p3 = parts.find((x) => x.userId === volunteer3)!;
    const selfConfirm = await post(
      `/volunteer/activities/${id}/confirm`,
      { participants: [{ participationId: p1.id, hours: 3 }] },
      await as('volunteer'),
    );
    expect(selfConfirm.status).toBe(403);
    const stranger = await post(
      `/volunteer/activities/${id}/confirm`,
      { participants: [{ participationId: '00000000-0000-4000-8000-000000000000' }] },
      await as('grid_worker'),
    );
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.message).toMatch(/00000000-0000-4000-8000-000000000000 did not sign up/);

    const group = await photo(await as('grid_worker'), '活动合影.jpg');
    const confirmed = await post(
      `/volunteer/activities/${id}/confirm`,
      {
        participants: [
          { participationId: p1.id, hours: 2.5 },
          { participationId: p3.id, attended: false },
        ],
        photoIds: [group],
        comment: '活动顺利完成',
      },
      await as('grid_worker'),
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('completed');
    const byUser = Object.fromEntries(
      confirmed.body.participants.map((x: { userId: string; status: string }) => [x.userId, x.status]),
    );
    expect(byUser).toEqual({ [mine.users.volunteer]: 'confirmed', [volunteer3]: 'absent' });
    const credited = await server.services.db
      .select()
      .from(pointsLedger)
      .where(eq(pointsLedger.activityId, id));
    expect(credited.map((e) => [e.userId, e.amount, e.hours])).toEqual([[mine.users.volunteer, 30, '2.5']]);
  });
});

describe('the points ledger', () => {
  it('given the credit step runs twice with the same key, then one entry is written per participant', async () => {
    const db = server.services.db;
    const [activity] = await db
      .insert(volunteerActivities)
      .values({
        kind: 'activity',
        communityId: mine.ids.community!,
        orgPath: `/${mine.ids.district}/${mine.ids.street}/${mine.ids.community}/`,
        title: '敬老院慰问演出',
        description: '为敬老院老人表演节目',
        place: '泰山区敬老院',
        slots: 5,
        points: 15,
        hours: '2',
        createdBy: mine.users.community_admin,
        status: 'open',
      })
      .returning();
    await db.insert(volunteerParticipations).values([
      {
        activityId: activity!.id,
        userId: volunteer2,
        orgPath: activity!.orgPath,
        status: 'confirmed',
        hours: '2',
      },
      {
        activityId: activity!.id,
        userId: volunteer3,
        orgPath: activity!.orgPath,
        status: 'confirmed',
        hours: '0.5',
      },
    ]);
    const credit = volunteerHandlers(server.services)['volunteer.creditPoints']!;
    const { id: instanceId } = await server.services.workflow.runtime.start({
      processId: 'volunteer_wish',
      businessKey: 'rerun',
      variables: { volunteerActivityId: 'none' },
      orgPath: activity!.orgPath,
    });
    const call = {
      key: `${instanceId}:Task_Credit_exec1`,
      instanceId,
      activityId: 'Task_Credit',
      businessKey: activity!.id,
      variables: { volunteerActivityId: activity!.id },
      input: {},
    };
    await credit(call);
    await credit(call);
    const entries = await db.select().from(pointsLedger).where(eq(pointsLedger.activityId, activity!.id));
    expect(entries.map((e) => [e.userId, e.amount]).sort()).toEqual(
      [
        [volunteer2, 15],
        [volunteer3, 15],
      ].sort(),
    );
    // a different execution of the step still credits each participation only once
    await credit({ ...call, key: `${instanceId}:Task_Credit_exec2` });
    expect(
      await db.select().from(pointsLedger).where(eq(pointsLedger.activityId, activity!.id)),
    ).toHaveLength(2);
    expect((await notices('volunteer.points_credited', instanceId)).length).toBe(2);
  });
});

describe('the points mall', () => {
  let soap: string;
  let haircut: string;
  let cleaning: string;

  beforeAll(async () => {
    const admin = await as('community_admin');
    const make = async (body: Record<string, unknown>) => {
      const res = await post('/volunteer/mall/items', body, admin);
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    soap = await make({
      name: '洗衣液（2kg）',
      pointsPrice: 30,
      stock: 1,
      organisationId: mine.ids.organisation,
    });
    haircut = await make({
      name: '理发服务券',
      kind: 'service',
      pointsPrice: 50,
      stock: 5,
      providerName: '岱宗理发店',
    });
    cleaning = await make({ name: '家电清洗服务', kind: 'service', pointsPrice: 5000, stock: 3 });
  });

  const stockOf = async (id: string) =>
    (await server.services.db.select().from(mallItems).where(eq(mallItems.id, id)))[0]!.stock;
  const redemptionCount = async () =>
    Number((await server.services.db.select({ n: sql<number>`count(*)` }).from(redemptions))[0]!.n);

  it('lists the shop with its goods for the residents of the community', async () => {
    const res = await get('/volunteer/mall/items', await as('resident'));
    const names = res.body.items.map(
      (i: { name: string; providerName: string }) => `${i.providerName}:${i.name}`,
    );
    expect(names).toEqual(expect.arrayContaining(['甲便利店:洗衣液（2kg）', '岱宗理发店:理发服务券']));
  });

  it('given too few points or too little stock, then the redemption fails naming the problem and changes nothing', async () => {
    const volunteer = await as('volunteer');
    const balance = sum(await ledger(mine.users.volunteer));
    const before = await redemptionCount();
    const poor = await post(`/volunteer/mall/items/${cleaning}/redeem`, { quantity: 1 }, volunteer);
    expect(poor.status).toBe(409);
    expect(poor.body.error).toMatchObject({ id: 'insufficient_points', details: { balance, needed: 5000 } });
    await grantPoints(mine.users.volunteer, 100);
    const tooMany = await post(`/volunteer/mall/items/${soap}/redeem`, { quantity: 2 }, volunteer);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({ id: 'out_of_stock' });
    expect(tooMany.body.error.message).toMatch(/洗衣液/);
    expect(await stockOf(cleaning)).toBe(3);
    expect(await stockOf(soap)).toBe(1);
    expect(await redemptionCount()).toBe(before);
    expect(sum(await ledger(mine.users.volunteer))).toBe(balance + 100);
    const nobody = await post(`/volunteer/mall/items/${haircut}/redeem`, {}, await as('resident'));
    expect(nobody.status).toBe(409);
    expect(nobody.body.error.id).toBe('insufficient_points');
  });

  it('given two volunteers redeeming the last item at once, then exactly one gets it and the other is debited nothing', async () => {
    await grantPoints(volunteer2, 100);
    await grantPoints(volunteer3, 100);
    const before2 = sum(await ledger(volunteer2));
    const before3 = sum(await ledger(volunteer3));
    const [t2, t3] = await Promise.all([tokenOf(volunteer2), tokenOf(volunteer3)]);
    const results = await Promise.all([
      post(`/volunteer/mall/items/${soap}/redeem`, {}, t2),
      post(`/volunteer/mall/items/${soap}/redeem`, {}, t3),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.id).toBe('out_of_stock');
    expect(await stockOf(soap)).toBe(0);
    const spent = before2 + before3 - sum(await ledger(volunteer2)) - sum(await ledger(volunteer3));
    expect(spent).toBe(30);
  });

  it('given one balance and two redemptions at once, then the balance is never overdrawn', async () => {
    const [user] = await server.services.db
      .insert(users)
      .values({ displayName: '钱志愿', username: 'vol4.1', passwordHash: TEST_PASSWORD_HASH })
      .returning();
    await server.services.db
      .insert(roleAssignments)
      .values({ userId: user!.id, role: 'volunteer', orgUnitId: mine.ids.community! });
    // a volunteer account bound to a resident of the community, with points for exactly one haircut
    const [resident] = await server.services.db
      .insert(residents)
      .values({
        communityId: mine.ids.community!,
        orgPath: `/${mine.ids.district}/${mine.ids.street}/${mine.ids.community}/${mine.ids.grid}/`,
        name: '钱志愿',
      })
      .returning();
    await server.services.db.update(users).set({ residentId: resident!.id }).where(eq(users.id, user!.id));
    await grantPoints(user!.id, 50);
    const token = await tokenOf(user!.id);
    const results = await Promise.all(
      [1, 2, 3].map(() => post(`/volunteer/mall/items/${haircut}/redeem`, {}, token)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(sum(await ledger(user!.id))).toBe(0);
    expect(await stockOf(haircut)).toBe(4);
  });

  it('given a redemption, the community hands it over with the pickup code; a cancelled one returns stock and points', async () => {
    const volunteer = await as('volunteer');
    const balance = sum(await ledger(mine.users.volunteer));
    const stock = await stockOf(haircut);
    const redeemed = await post(`/volunteer/mall/items/${haircut}/redeem`, { quantity: 1 }, volunteer);
    expect(redeemed.status).toBe(201);
    expect(redeemed.body).toMatchObject({ status: 'reserved', points: 50, balance: balance - 50 });
    expect(redeemed.body.pickupCode).toMatch(/^[A-Z0-9]{8}$/);
    expect(await stockOf(haircut)).toBe(stock - 1);
    const debit = (await ledger(mine.users.volunteer)).find((e) => e.redemptionId === redeemed.body.id)!;
    expect(debit).toMatchObject({
      amount: -50,
      kind: 'redemption',
      causeKey: `redemption:${redeemed.body.id}`,
    });

    const admin = await as('community_admin');
    const listed = await get('/volunteer/redemptions?status=reserved', admin);
    const seen = listed.body.items.find((r: { id: string }) => r.id === redeemed.body.id);
    expect(seen).toMatchObject({ itemName: '理发服务券', userName: '甲volunteer' });
    expect(seen.pickupCode).toBeUndefined();
    const wrong = await post(
      `/volunteer/redemptions/${redeemed.body.id}/fulfil`,
      { pickupCode: 'AAAAAAAA' },
      admin,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/pickup code/);
    const handed = await post(
      `/volunteer/redemptions/${redeemed.body.id}/fulfil`,
      { pickupCode: redeemed.body.pickupCode.toLowerCase() },
      admin,
    );
    expect(handed.status).toBe(200);
    expect(handed.body.status).toBe('fulfilled');
    expect(
      (await post(`/volunteer/redemptions/${redeemed.body.id}/cancel`, { reason: '不要了' }, volunteer))
        .status,
    ).toBe(409);

    const second = await post(`/volunteer/mall/items/${haircut}/redeem`, {}, volunteer);
    const cancelled = await post(
      `/volunteer/redemptions/${second.body.id}/cancel`,
      { reason: '这周没空去理发' },
      volunteer,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancelReason: '这周没空去理发',
      balance: balance - 50,
    });
    expect(await stockOf(haircut)).toBe(stock - 1);
    const refund = (await ledger(mine.users.volunteer)).find(
      (e) => e.causeKey === `redemption:${second.body.id}:cancel`,
    );
    expect(refund).toMatchObject({ amount: 50, kind: 'refund' });
    expect(
      (await post(`/volunteer/redemptions/${second.body.id}/cancel`, { reason: '再取消' }, volunteer)).status,
    ).toBe(409);
    // the community cancels one it cannot hand over: the volunteer is told, and the notice opens 我的兑换
    const third = await post(`/volunteer/mall/items/${haircut}/redeem`, {}, volunteer);
    expect(third.status).toBe(201);
    const byAdmin = await post(
      `/volunteer/redemptions/${third.body.id}/cancel`,
      { reason: '理发师本周休假' },
      admin,
    );
    expect(byAdmin.status).toBe(200);
    expect(await stockOf(haircut)).toBe(stock - 1);
    expect((await inbox(volunteer)).find((n) => n.title === '积分兑换已取消')).toMatchObject({
      link: '/pages/volunteer/mall?tab=orders',
    });
    // another member cannot touch it
    expect(
      (await post(`/volunteer/redemptions/${second.body.id}/cancel`, { reason: 'x' }, await as('resident')))
        .status,
    ).toBe(404);
  });
});

describe("a volunteer's record and rank", () => {
  it('shows balance = the ledger sum, hours, services, the history with causes, and ranks this year and all time', async () => {
    // an old-timer with many points from last year
    await grantPoints(volunteer2, 900, '2025年度志愿服务积分', new Date('2025-06-01T10:00:00+08:00'));
    const record = await get('/volunteer/me/record', await as('volunteer'));
    expect(record.status).toBe(200);
    const entries = await ledger(mine.users.volunteer);
    expect(record.body.balance).toBe(sum(entries));
    expect(record.body.services).toBe(entries.filter((e) => e.kind === 'service').length);
    expect(record.body.hours.allTime).toBe(4); // 1.5 (light bulb) + 2.5 (stairwell)
    expect(record.body.ledger.length).toBe(entries.length);
    expect(record.body.ledger.every((e: { causeKey: string }) => e.causeKey.length > 0)).toBe(true);

    const allTime = await get('/volunteer/ranking?period=all&by=points', await as('resident'));
    expect(allTime.status).toBe(200);
    expect(allTime.body.items[0]).toMatchObject({ userId: volunteer2, name: '王志愿', isPartyMember: true });
    const thisYear = await get('/volunteer/ranking?period=year&by=points', await as('resident'));
    const yearPoints = thisYear.body.items.map((i: { points: number }) => i.points);
    expect(yearPoints).toEqual([...yearPoints].sort((a: number, b: number) => b - a));
    expect(
      thisYear.body.items.find((i: { userId: string }) => i.userId === volunteer2)?.points ?? 0,
    ).toBeLessThan(900);
    const mineYear = thisYear.body.items.find((i: { userId: string }) => i.userId === mine.users.volunteer);
    expect(record.body.rank.pointsThisYear.rank).toBe(mineYear.rank);
    const byHours = await get('/volunteer/ranking?period=all&by=hours', await as('grid_worker'));
    expect(byHours.body.items[0]).toMatchObject({ userId: mine.users.volunteer, hours: 4 });

    const staff = await get(`/volunteer/records/${mine.users.volunteer}`, await as('community_admin'));
    expect(staff.body.balance).toBe(record.body.balance);
    expect((await get(`/volunteer/records/${mine.users.volunteer}`, await as('resident'))).status).toBe(404);
  });
});

describe('redeploying the activity process', () => {
  it('given a running v1 case, when v2 with a 1-day reminder is deployed, then the old case keeps 3 days and new ones get 1', async () => {
    const organiser = await as('grid_worker');
    const create = async (title: string) => {
      const startsAt = new Date(clock.now.getTime() + D);
      const res = await post(
        '/volunteer/activities',
        {
          title,
          description: '志愿服务',
          place: '社区广场',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 2 * H).toISOString(),
          slots: 3,
          points: 10,
          hours: 2,
        },
        organiser,
      );
      expect(res.status).toBe(201);
      return res.body as { id: string; instanceId: string };
    };
    const old = await create('义务理发（v1）');
    const xml = (await readBundledProcess('volunteer-activity.bpmn'))
      .replace('name="3天未确认"', 'name="1天未确认"')
      .replace(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P3D</bpmn:timeDuration>',
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P1D</bpmn:timeDuration>',
      );
    const deployed = await deploy(xml);
    expect(deployed.status).toBe(201);
    expect(deployed.body.definition.version).toBe(2);
    const fresh = await create('义务理发（v2）');
    const admin = await as('community_admin');
    expect((await get(`/instances/${old.instanceId}`, admin)).body.definitionVersion).toBe(1);
    expect((await get(`/instances/${fresh.instanceId}`, admin)).body.definitionVersion).toBe(2);
    for (const a of [old, fresh])
      expect((await post(`/volunteer/activities/${a.id}/review`, { approve: true }, admin)).status).toBe(200);

    advance(D + 2 * H + 60_000); // both activities ended
    await server.services.workflow.worker.poll();
    advance(D + 60_000);
    await server.services.workflow.worker.poll();
    expect(await notices('volunteer.confirm_reminder', fresh.instanceId)).toHaveLength(1);
    expect(await notices('volunteer.confirm_reminder', old.instanceId)).toHaveLength(0);
    advance(2 * D);
    await server.services.workflow.worker.poll();
    expect(await notices('volunteer.confirm_reminder', old.instanceId)).toHaveLength(1);
  });
});

describe('another district', () => {
  it('sees none of these wishes, records, items or redemptions, and cannot act on them', async () => {
    const { id } = await approvedWish('帮忙贴春联');
    for (const role of [
      'resident',
      'volunteer',
      'grid_worker',
      'community_admin',
      'street_admin',
    ] as Role[]) {
      const token = await as(role, other);
      expect((await get(`/volunteer/activities/${id}`, token)).status).toBe(404);
      const list = await get('/volunteer/activities?pageSize=200', token);
      expect(JSON.stringify(list.body)).not.toContain(id);
      const items = await get('/volunteer/mall/items?pageSize=200', token);
      expect(JSON.stringify(items.body)).not.toContain(mine.ids.community!);
      const reds = await get('/volunteer/redemptions?pageSize=200', token);
      expect(JSON.stringify(reds.body)).not.toContain(mine.users.volunteer);
    }
    expect(
      (await post(`/volunteer/activities/${id}/claim`, undefined, await as('volunteer', other))).status,
    ).toBe(404);
    expect(
      (
        await post(
          `/volunteer/activities/${id}/review`,
          { approve: false, reason: 'x' },
          await as('community_admin', other),
        )
      ).status,
    ).toBe(404);
    expect(
      (await get(`/volunteer/records/${mine.users.volunteer}`, await as('community_admin', other))).status,
    ).toBe(404);
    expect(
      (await get(`/volunteer/ranking?communityId=${mine.ids.community}`, await as('resident', other))).status,
    ).toBe(404);
  });
});

describe('changes of plan', () => {
  it('given a volunteer who gives a claimed wish back, then it waits for another volunteer and the owner is told', async () => {
    const { id, instanceId } = await approvedWish('帮忙遛狗');
    expect((await post(`/volunteer/activities/${id}/claim`, undefined, await as('volunteer'))).status).toBe(
      200,
    );
    expect((await post(`/volunteer/activities/${id}/withdraw`, {}, await as('resident'))).status).toBe(403);
    const back = await post(
      `/volunteer/activities/${id}/withdraw`,
      { reason: '临时出差' },
      await as('volunteer'),
    );
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'open', participants: [] });
    expect(await notices('volunteer.withdrawn', instanceId)).toEqual([
      expect.objectContaining({
        recipients: [mine.users.resident],
        link: `/pages/volunteer/detail?id=${id}`,
      }),
    ]);
    expect(await openTasks(instanceId)).toEqual([]);
    expect(
      (await post(`/volunteer/activities/${id}/claim`, undefined, await tokenOf(volunteer3))).status,
    ).toBe(200);
    expect((await openTasks(instanceId)).map((t) => t.activityId)).toEqual(['Task_Confirm']);
  });

  it('given a sign-up, the volunteer may free the slot until the activity starts, not after', async () => {
    const startsAt = new Date(clock.now.getTime() + D);
    const created = await post(
      '/volunteer/activities',
      {
        title: '社区图书角整理',
        description: '整理捐赠图书并登记',
        place: '党群服务中心',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 2 * H).toISOString(),
        slots: 1,
        points: 10,
        hours: 2,
      },
      await as('grid_worker'),
    );
    await post(
      `/volunteer/activities/${created.body.id}/review`,
      { approve: true },
      await as('community_admin'),
    );
    expect(
      (await post(`/volunteer/activities/${created.body.id}/claim`, undefined, await as('volunteer'))).status,
    ).toBe(200);
    expect(
      (await post(`/volunteer/activities/${created.body.id}/claim`, undefined, await tokenOf(volunteer2)))
        .status,
    ).toBe(409);
    const freed = await post(`/volunteer/activities/${created.body.id}/withdraw`, {}, await as('volunteer'));
    expect(freed.body.taken).toBe(0);
    expect(
      (await post(`/volunteer/activities/${created.body.id}/claim`, undefined, await tokenOf(volunteer2)))
        .status,
    ).toBe(200);
    advance(D + 60_000);
    const late = await post(
      `/volunteer/activities/${created.body.id}/withdraw`,
      {},
      await tokenOf(volunteer2),
    );
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/has started/);
  });

  it('given a claimed wish the owner calls off, then the case ends, the volunteer is told and nobody can claim it', async () => {
    const { id, instanceId } = await approvedWish('帮忙取快递');
    await post(`/volunteer/activities/${id}/claim`, undefined, await as('volunteer'));
    expect(
      (await post(`/volunteer/activities/${id}/cancel`, { reason: 'x' }, await as('volunteer'))).status,
    ).toBe(403);
    const cancelled = await post(
      `/volunteer/activities/${id}/cancel`,
      { reason: '家人已经帮我取了' },
      await as('resident'),
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await get(`/instances/${instanceId}`, await as('resident'))).body.status).toBe('cancelled');
    const told = await notices('volunteer.cancelled', instanceId);
    expect(told).toEqual([
      expect.objectContaining({
        recipients: [mine.users.volunteer],
        link: `/pages/volunteer/detail?id=${id}`,
      }),
    ]);
    expect(told[0]!.body).toMatch(/家人已经帮我取了/);
    expect(
      (await post(`/volunteer/activities/${id}/claim`, undefined, await tokenOf(volunteer3))).status,
    ).toBe(404);
    expect(
      (await post(`/volunteer/activities/${id}/cancel`, { reason: '再取消' }, await as('resident'))).status,
    ).toBe(409);
  });

  it('given a manual adjustment, it is written once per key, never overdraws, and the volunteer is told', async () => {
    const admin = await as('community_admin');
    const before = sum(await ledger(volunteer2));
    const body = {
      userId: volunteer2,
      amount: 40,
      reason: '2024年纸质台账志愿服务补录',
      key: 'paper-ledger-2024-wang',
    };
    const first = await post('/volunteer/points/adjustments', body, admin);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ balance: before + 40, entry: { kind: 'adjustment', amount: 40 } });
    const retried = await post('/volunteer/points/adjustments', body, admin);
    expect(retried.body.entry.id).toBe(first.body.entry.id);
    expect(sum(await ledger(volunteer2))).toBe(before + 40);
    const overdraw = await post(
      '/volunteer/points/adjustments',
      { userId: volunteer2, amount: -(before + 41), reason: '误录冲正' },
      admin,
    );
    expect(overdraw.status).toBe(409);
    expect(overdraw.body.error.id).toBe('insufficient_points');
    expect((await post('/volunteer/points/adjustments', body, await as('grid_worker'))).status).toBe(403);
    expect(
      (
        await post(
          '/volunteer/points/adjustments',
          { ...body, key: 'other-district-1' },
          await as('community_admin', other),
        )
      ).status,
    ).toBe(404);
    const adjusted = (await notices('volunteer.points_adjusted')).filter((n) =>
      n.recipients.includes(volunteer2),
    );
    expect(adjusted).toEqual([expect.objectContaining({ link: '/pages/volunteer/points' })]);
  });
});

describe('two volunteers at once', () => {
  it('given two volunteers claiming one wish at the same moment, then exactly one gets it', async () => {
    const { id } = await approvedWish('帮忙贴瓷砖');
    const [a, b] = await Promise.all([as('volunteer'), tokenOf(volunteer3)]);
    const results = await Promise.all([
      post(`/volunteer/activities/${id}/claim`, undefined, a),
      post(`/volunteer/activities/${id}/claim`, undefined, b),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const parts = await server.services.db
      .select()
      .from(volunteerParticipations)
      .where(eq(volunteerParticipations.activityId, id));
    expect(parts).toHaveLength(1);
    const winner = results[0]!.status === 200 ? a : b;
    const mineList = await get('/volunteer/activities?mine=true&kind=wish', winner);
    expect(mineList.body.items.map((x: { id: string }) => x.id)).toContain(id);
  });
});

describe('the generic task inbox', () => {
  it('given the owner completes the confirmation from their inbox, then the volunteer is credited all the same', async () => {
    const { id, instanceId } = await approvedWish('帮忙换门锁电池', 12);
    await post(`/volunteer/activities/${id}/claim`, undefined, await tokenOf(volunteer3));
    const inbox = await get('/tasks?view=assigned', await as('resident'));
    const task = inbox.body.items.find((t: { instanceId: string }) => t.instanceId === instanceId);
    expect(task).toMatchObject({ activityId: 'Task_Confirm', name: '确认服务完成' });
    const done = await post(
      `/tasks/${task.id}/complete`,
      { outcome: 'confirmed', variables: { serviceDone: true }, comment: '已完成' },
      await as('resident'),
    );
    expect(done.status).toBe(200);
    const credited = await server.services.db
      .select()
      .from(pointsLedger)
      .where(eq(pointsLedger.activityId, id));
    expect(credited.map((e) => [e.userId, e.amount, e.hours])).toEqual([[volunteer3, 12, '1.0']]);
    expect((await get(`/volunteer/activities/${id}`, await as('resident'))).body.status).toBe('completed');
  });
});
