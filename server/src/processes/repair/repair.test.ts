// The repair process end to end over HTTP, as the real roles: a resident reports from their room, it is
// dispatched automatically (or by the property's dispatcher), accepted in time (or escalated), fixed or sent
// back, confirmed and rated (or confirmed by the clock), reviewed after a bad rating; a redeploy keeps running
// cases on their version. Timers fire by moving the test clock and polling the worker.
import { count, eq } from 'drizzle-orm';
import { issueSession } from '../../auth/tokens.js';
import { users, wfInstances, wfOutbox, wfTaskEvents } from '../../db/schema.js';
import { loadPrincipal } from '../../policy/principal.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';
import { readBundledProcess } from '../deploy.js';
import { fileRepairFromEvent } from './convert.js';
import { repairHandlers } from './handlers.js';
import { repairDispatches, repairOrders } from './schema.js';
import { files } from '../../files/schema.js';

const MIN = 60_000;
const clock = { now: new Date('2026-11-23T02:00:00Z') };
const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const AMR = Buffer.from('#!AMR\n\x3c\x00\x00\x00', 'latin1');
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\n', 'latin1');

let server: TestServer;
let mine: World;
let other: World;
/** technicians of mine's property company: the world's one, and a second one */
let techA: string;
let techB: string;
let resident: string;
let staff: string;
let gridWorker: string;
let admin: string;

beforeAll(async () => {
  server = await createTestServer({}, { now: () => clock.now });
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  techA = mine.users.technician;
  techB = mine.ids.staffUser!;
  resident = mine.users.resident;
  staff = mine.users.property_staff;
  gridWorker = mine.users.grid_worker;
  admin = mine.users.community_admin;
  await db.update(users).set({ displayName: '马师傅' }).where(eq(users.id, techA));
  await db.update(users).set({ displayName: '郭师傅' }).where(eq(users.id, techB));
  const xml = await readBundledProcess('repair.bpmn');
  const res = await server.api.request('POST', '/api/v1/definitions', {
    token: await as(admin),
    raw: xml,
    contentType: 'application/xml',
  });
  expect(res.status).toBe(201);
});
afterAll(async () => server?.close());

/** a fresh token: tokens are checked against the test clock */
async function as(userId: string): Promise<string> {
  return (await issueSession(server.services, userId, 'password')).accessToken;
}
const get = async (path: string, user: string) => server.api.get(`/api/v1${path}`, await as(user));
const post = async (path: string, body: unknown, user: string) =>
  server.api.post(`/api/v1${path}`, body, await as(user));
const patch = async (path: string, body: unknown, user: string) =>
  server.api.patch(`/api/v1${path}`, body, await as(user));

async function upload(user: string, data = JPEG, contentType = 'image/jpeg', name = '现场照片.jpg') {
  const res = await server.api.request('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, {
    token: await as(user),
    raw: data,
    contentType,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function onDuty(tech: string, duty: boolean, categories: string[] = []) {
  const res = await post(
    '/repair-duty',
    { technicianId: tech, communityId: mine.ids.community, onDuty: duty, categories },
    staff,
  );
  expect(res.status).toBe(200);
}

async function report(body: Record<string, unknown> = {}, user = resident) {
  const res = await post(
    '/repairs',
    { roomId: mine.ids.room, category: 'water', description: '厨房水龙头关不紧，一直滴水', ...body },
    user,
  );
  expect(res.status).toBe(201);
  return res.body as RepairView;
}

interface RepairView {
  id: string;
  number: string;
  instanceId: string;
  status: string;
  technician: { id: string; name: string } | null;
  openTasks: { id: string; activityId: string; assignee: string | null; candidateGroups: string[] }[];
  [k: string]: unknown;
}

const read = async (id: string, user = staff) => (await get(`/repairs/${id}`, user)).body as RepairView;

async function fixIt(r: RepairView, tech: string, note = '更换水龙头阀芯，试水正常') {
  const photo = await upload(tech, JPEG, 'image/jpeg', '完工照片.jpg');
  const res = await post(
    `/repairs/${r.id}/fix`,
    {
      note,
      afterPhotoFileIds: [photo],
      materials: [{ name: '陶瓷阀芯', quantity: 1, unit: '个', cost: 25 }],
    },
    tech,
  );
  expect(res.status).toBe(200);
  return { repair: res.body as RepairView, photo };
}

async function outbox(instanceId: string) {
  const rows = await server.services.db.select().from(wfOutbox);
  return rows.filter((r) => (r.payload as { instanceId?: string }).instanceId === instanceId);
}
const notices = async (instanceId: string, template: string) =>
  (await outbox(instanceId)).filter(
    (r) => r.kind === 'notice' && (r.payload as { template: string }).template === template,
  );
const tasksCreated = async (instanceId: string, name: string) =>
  (await outbox(instanceId)).filter(
    (r) => r.kind === 'task.created' && (r.payload as { name: string }).name === name,
  );

/** every technician off duty, then the given ones on */
async function roster(...on: string[]) {
  await onDuty(techA, on.includes(techA));
  await onDuty(techB, on.includes(techB));
}

/** every open job of the technicians is finished, so that open-job counts start from zero */
async function clearJobs() {
  await server.services.db
    .update(repairOrders)
    .set({ status: 'closed' })
    .where(eq(repairOrders.communityId, mine.ids.community!));
}

describe('dispatch', () => {
  it('dispatches automatically to the technician on duty with the fewest open jobs, and tells the resident', async () => {
    await clearJobs();
    await roster(techA, techB);
    const photos = [await upload(resident), await upload(resident)];
    const voice = await upload(resident, AMR, 'audio/amr', '语音说明.amr');
    const first = await report({
      photoFileIds: photos,
      voiceFileId: voice,
      preferredFrom: '2026-11-23T10:00:00+08:00',
      preferredTo: '2026-11-23T12:00:00+08:00',
    });
    expect(first.number).toMatch(/^BX20261123-\d{4}$/);
    expect(first).toMatchObject({ status: 'dispatched', dispatchMode: 'auto', categoryName: '水' });
    expect(first.photoFileIds).toEqual(photos);
    const firstTech = first.technician!.id;
    expect([techA, techB]).toContain(firstTech);
    expect(first.openTasks).toEqual([
      expect.objectContaining({ activityId: 'Task_Accept', assignee: firstTech }),
    ]);

    // the first one has a job now: the next repair goes to the other
    const second = await report({ description: '卫生间花洒漏水' });
    const secondTech = second.technician!.id;
    expect(secondTech).not.toBe(firstTech);
    // both have one: the third goes to either, the fourth to the one with fewer
    const third = await report({ description: '阳台地漏堵塞' });
    const fourth = await report({ description: '厨房下水慢' });
    expect(fourth.technician!.id).not.toBe(third.technician!.id);

    // the resident is told, the technician is asked to accept
    const told = await notices(first.instanceId, 'repair.dispatched');
    expect(told).toHaveLength(1);
    expect(told[0]!.payload).toMatchObject({ recipients: [resident], title: '报修已派单' });
    expect(String((told[0]!.payload as { body: string }).body)).toContain(first.technician!.name);
    const accept = await tasksCreated(first.instanceId, '接单');
    expect(accept[0]!.payload).toMatchObject({ assignee: firstTech });

    // the photos are the case's: the resident and the technician open them
    expect((await get(`/files/${photos[0]}`, firstTech)).status).toBe(200);
    expect((await get(`/files/${voice}`, resident)).status).toBe(200);
  });

  it('dispatches only to technicians on duty for the category', async () => {
    await clearJobs();
    await roster(techA, techB);
    await onDuty(techB, true, ['lift']);
    await onDuty(techA, true, ['electricity']);
    const r = await report({ category: 'lift', description: '2号电梯门关不上' });
    expect(r.technician!.id).toBe(techB);
    const none = await report({ category: 'gas', description: '燃气表附近有异味' });
    expect(none.status).toBe('dispatching');
  });

  it('leaves the repair to the dispatcher when nobody is on duty; the dispatcher may take over before it is accepted', async () => {
    await roster();
    const r = await report();
    expect(r.status).toBe('dispatching');
    expect(r.openTasks).toEqual([
      expect.objectContaining({ activityId: 'Task_Dispatch', candidateGroups: ['property_staff'] }),
    ]);
    expect(await tasksCreated(r.instanceId, '人工派单')).toHaveLength(1);

    // only the property's dispatcher dispatches, only to its technicians
    // a technician does not even see a repair not dispatched to them
    expect((await post(`/repairs/${r.id}/dispatch`, { technicianId: techA }, techA)).status).toBe(404);
    expect((await post(`/repairs/${r.id}/dispatch`, { technicianId: techA }, admin)).status).toBe(403);
    const notTech = await post(`/repairs/${r.id}/dispatch`, { technicianId: gridWorker }, staff);
    expect(notTech.status).toBe(422);
    expect(notTech.body.error.message).toContain('not a technician');
    const foreign = await post(
      `/repairs/${r.id}/dispatch`,
      { technicianId: techA },
      other.users.property_staff,
    );
    expect(foreign.status).toBe(404);

    const byHand = await post(
      `/repairs/${r.id}/dispatch`,
      { technicianId: techA, comment: '住户上午在家' },
      staff,
    );
    expect(byHand.status).toBe(200);
    expect(byHand.body).toMatchObject({
      status: 'dispatched',
      dispatchMode: 'manual',
      technician: { id: techA },
    });

    // take-over: the dispatcher gives it to the other technician before it is accepted
    const takeOver = await post(
      `/repairs/${r.id}/dispatch`,
      { technicianId: techB, comment: '马师傅在外区，改派' },
      staff,
    );
    expect(takeOver.status).toBe(200);
    expect(takeOver.body.technician.id).toBe(techB);
    expect(takeOver.body.openTasks).toEqual([
      expect.objectContaining({ activityId: 'Task_Accept', assignee: techB }),
    ]);
    expect((await post(`/repairs/${r.id}/accept`, {}, techA)).status).toBe(403);
    const reassigned = (await outbox(r.instanceId)).filter(
      (o) => (o.payload as { template?: string }).template === 'repair.reassigned',
    );
    expect(reassigned[0]!.payload).toMatchObject({ recipients: [techA] });
    expect(await notices(r.instanceId, 'repair.dispatched')).toHaveLength(2);

    // accepted, then the technician falls ill: the dispatcher takes over again, the new one must accept
    expect((await post(`/repairs/${r.id}/accept`, { comment: '马上到' }, techB)).status).toBe(200);
    const again = await post(
      `/repairs/${r.id}/dispatch`,
      { technicianId: techA, comment: '郭师傅临时请假' },
      staff,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'dispatched', technician: { id: techA } });
    expect(again.body.openTasks).toEqual([
      expect.objectContaining({ activityId: 'Task_Accept', assignee: techA }),
    ]);
    expect(
      (await post(`/repairs/${r.id}/fix`, { note: '已修', afterPhotoFileIds: [await upload(techB)] }, techB))
        .status,
    ).toBe(409);
    await post(`/repairs/${r.id}/accept`, {}, techA);
    await fixIt(r, techA);
    // fixed: nothing left to dispatch
    const late = await post(`/repairs/${r.id}/dispatch`, { technicianId: techB }, staff);
    expect(late.status).toBe(409);

    const timeline = (await get(`/instances/${r.instanceId}/timeline`, resident)).body.entries as {
      kind: string;
      comment: string | null;
      actor: { name: string } | null;
      data: Record<string, unknown>;
    }[];
    const dispatches = timeline.filter((e) => e.kind === 'repair.dispatched');
    expect(dispatches.map((e) => e.data.targetUserName)).toEqual(['马师傅', '郭师傅', '马师傅']);
    expect(dispatches[1]!.comment).toBe('马师傅在外区，改派');
  });

  it('a technician may decline with a reason; the job goes back to the dispatcher', async () => {
    await clearJobs();
    await roster(techA);
    const r = await report();
    expect((await post(`/repairs/${r.id}/accept`, { decision: 'decline' }, techA)).status).toBe(400);
    const declined = await post(
      `/repairs/${r.id}/accept`,
      { decision: 'decline', comment: '今天休息，请改派' },
      techA,
    );
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'dispatching', technician: null });
    expect(declined.body.openTasks[0].activityId).toBe('Task_Dispatch');
  });

  it('escalates to the dispatcher when the technician does not accept within 30 minutes', async () => {
    await clearJobs();
    await roster(techA);
    const r = await report();
    expect(r.technician!.id).toBe(techA);
    advance(29 * MIN);
    await server.services.workflow.worker.poll();
    expect((await read(r.id)).status).toBe('dispatched');
    advance(2 * MIN);
    await server.services.workflow.worker.poll();
    const after = await read(r.id);
    expect(after).toMatchObject({ status: 'dispatching', technician: null });
    expect(after.openTasks).toEqual([expect.objectContaining({ activityId: 'Task_Dispatch' })]);
    expect(await tasksCreated(r.instanceId, '人工派单')).toHaveLength(1);
    const timeline = (await get(`/instances/${r.instanceId}/timeline`, staff)).body.entries as {
      kind: string;
      comment: string | null;
    }[];
    expect(timeline.find((e) => e.kind === 'repair.accept_timeout')!.comment).toContain(
      '马师傅未在时限内接单',
    );
    // the late technician can no longer accept
    expect((await post(`/repairs/${r.id}/accept`, {}, techA)).status).toBe(409);
  });
});

describe('fixing, confirming and rating', () => {
  it('fix → the resident confirms and rates 5 → closed; the timeline shows who did what with comments and photos', async () => {
    await clearJobs();
    await roster(techA);
    const photo = await upload(resident);
    const r = await report({ photoFileIds: [photo] });
    expect((await post(`/repairs/${r.id}/accept`, { comment: '半小时后上门' }, techA)).body.status).toBe(
      'accepted',
    );
    const { repair: fixed, photo: after } = await fixIt(r, techA);
    expect(fixed).toMatchObject({
      status: 'fixed',
      fixNote: '更换水龙头阀芯，试水正常',
      afterPhotoFileIds: [after],
      materials: [{ name: '陶瓷阀芯', quantity: 1, unit: '个', cost: 25 }],
      materialsCost: 25,
    });
    expect(fixed.openTasks).toEqual([
      expect.objectContaining({ activityId: 'Task_Confirm', assignee: resident }),
    ]);
    const askConfirm = await notices(r.instanceId, 'repair.fixed');
    expect(askConfirm[0]!.payload).toMatchObject({ recipients: [resident], title: '报修已完工，请确认评价' });
    expect((await tasksCreated(r.instanceId, '确认评价'))[0]!.payload).toMatchObject({ assignee: resident });
    // the resident opens the technician's photo of the result
    expect((await get(`/files/${after}`, resident)).status).toBe(200);

    const rated = await post(`/repairs/${r.id}/confirm`, { rating: 5, comment: '师傅很专业' }, resident);
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({
      status: 'closed',
      closedAs: 'confirmed',
      rating: 5,
      ratingComment: '师傅很专业',
    });
    expect((await notices(r.instanceId, 'repair.closed'))[0]!.payload).toMatchObject({
      recipients: [resident],
      title: '报修已办结',
    });

    const timeline = (await get(`/instances/${r.instanceId}/timeline`, resident)).body.entries as {
      kind: string;
      activityName: string | null;
      actor: { name: string } | null;
      comment: string | null;
      fileIds: string[];
    }[];
    const entry = (kind: string) => timeline.find((e) => e.kind === kind)!;
    expect(entry('repair.reported')).toMatchObject({
      actor: { name: '甲resident' },
      activityName: '提交报修',
      comment: '【水】厨房水龙头关不紧，一直滴水',
      fileIds: [photo],
    });
    expect(entry('repair.accepted')).toMatchObject({
      actor: { name: '马师傅' },
      activityName: '接单',
      comment: '半小时后上门',
    });
    expect(entry('repair.fixed')).toMatchObject({
      actor: { name: '马师傅' },
      activityName: '上门维修',
      comment: '更换水龙头阀芯，试水正常',
      fileIds: [after],
    });
    expect(entry('repair.rated')).toMatchObject({ actor: { name: '甲resident' }, comment: '师傅很专业' });
    expect(entry('repair.closed').comment).toContain('报修办结');
    expect(timeline.map((e) => e.kind)).toContain('instance.completed');
  });

  it('a bad rating opens a review by the property manager, who reopens it; after the second fix the manager closes it with a note', async () => {
    await clearJobs();
    await roster(techA);
    const r = await report();
    await post(`/repairs/${r.id}/accept`, {}, techA);
    await fixIt(r, techA);
    const bad = await post(`/repairs/${r.id}/confirm`, { rating: 2, comment: '还是漏水' }, resident);
    expect(bad.body).toMatchObject({ status: 'reviewing', rating: 2 });
    expect(bad.body.openTasks).toEqual([
      expect.objectContaining({ activityId: 'Task_Review', candidateGroups: ['property_staff'] }),
    ]);
    expect(await tasksCreated(r.instanceId, '差评复核')).toHaveLength(1);
    // only the property manager reviews
    expect((await post(`/repairs/${r.id}/review`, { decision: 'close', note: '已处理' }, techA)).status).toBe(
      403,
    );
    expect(
      (await post(`/repairs/${r.id}/review`, { decision: 'close', note: '已处理' }, resident)).status,
    ).toBe(403);

    const reopened = await post(
      `/repairs/${r.id}/review`,
      { decision: 'reopen', note: '安排另一位师傅复修' },
      staff,
    );
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'dispatching', reopenCount: 1, technician: null });
    expect(reopened.body.openTasks[0].activityId).toBe('Task_Dispatch');
    expect((await notices(r.instanceId, 'repair.reopened'))[0]!.payload).toMatchObject({
      recipients: [resident],
    });

    await post(`/repairs/${r.id}/dispatch`, { technicianId: techB }, staff);
    await post(`/repairs/${r.id}/accept`, {}, techB);
    await fixIt(r, techB, '更换整套角阀及软管');
    await post(`/repairs/${r.id}/confirm`, { rating: 1, comment: '上门太晚' }, resident);
    const closed = await post(
      `/repairs/${r.id}/review`,
      { decision: 'close', note: '已电话回访致歉，住户认可维修结果' },
      staff,
    );
    expect(closed.body).toMatchObject({
      status: 'closed',
      closedAs: 'review_closed',
      reviewNote: '已电话回访致歉，住户认可维修结果',
    });
  });

  it('closes as confirmed when the resident does not answer in 3 days', async () => {
    await clearJobs();
    await roster(techA);
    const r = await report();
    await post(`/repairs/${r.id}/accept`, {}, techA);
    await fixIt(r, techA);
    advance(3 * 24 * 60 * MIN - MIN);
    await server.services.workflow.worker.poll();
    expect((await read(r.id)).status).toBe('fixed');
    advance(2 * MIN);
    await server.services.workflow.worker.poll();
    const closed = await read(r.id);
    expect(closed).toMatchObject({
      status: 'closed',
      closedAs: 'auto_confirmed',
      autoConfirmed: true,
      rating: null,
    });
    expect(closed.openTasks).toEqual([]);
    expect((await notices(r.instanceId, 'repair.closed'))[0]!.payload).toMatchObject({
      recipients: [resident],
    });
    // too late to rate
    expect((await post(`/repairs/${r.id}/confirm`, { rating: 4 }, resident)).status).toBe(409);
  });
});

describe('sending back', () => {
  it("needs parts: waits, then resumes; not the property's: the community sends it back to the property", async () => {
    await clearJobs();
    await roster(techA);
    const r = await report();
    await post(`/repairs/${r.id}/accept`, {}, techA);
    const parts = await post(
      `/repairs/${r.id}/send-back`,
      { reason: 'needs_parts', comment: '需更换同型号角阀，配件明天到' },
      techA,
    );
    expect(parts.body).toMatchObject({ status: 'waiting_parts', sendBackReason: 'needs_parts' });
    expect(parts.body.openTasks).toEqual([
      expect.objectContaining({ activityId: 'Task_WaitParts', assignee: techA }),
    ]);
    expect((await notices(r.instanceId, 'repair.waiting_parts'))[0]!.payload).toMatchObject({
      recipients: [resident],
    });
    const resumed = await post(`/repairs/${r.id}/resume`, { comment: '配件已到' }, techA);
    expect(resumed.body).toMatchObject({ status: 'accepted' });
    expect(resumed.body.openTasks[0].activityId).toBe('Task_Handle');

    const notOurs = await post(
      `/repairs/${r.id}/send-back`,
      { reason: 'not_ours', comment: '属于自来水公司入户总阀' },
      techA,
    );
    expect(notOurs.body).toMatchObject({ status: 'referred', sendBackReason: 'not_ours' });
    expect(notOurs.body.openTasks).toEqual([
      expect.objectContaining({
        activityId: 'Task_Community',
        candidateGroups: ['community_admin', 'grid_worker'],
      }),
    ]);
    expect(await tasksCreated(r.instanceId, '社区处置')).toHaveLength(1);
    expect(
      (await post(`/repairs/${r.id}/community`, { decision: 'resolved', comment: 'x' }, staff)).status,
    ).toBe(403);
    const back = await post(
      `/repairs/${r.id}/community`,
      { decision: 'back_to_property', comment: '经核实为户内阀门，属物业维修范围' },
      gridWorker,
    );
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'dispatching' });
    expect(back.body.openTasks[0].activityId).toBe('Task_Dispatch');
  });

  it("the community handles what is not the property's and the case closes", async () => {
    await clearJobs();
    await roster(techA);
    const r = await report();
    await post(`/repairs/${r.id}/accept`, {}, techA);
    await post(`/repairs/${r.id}/send-back`, { reason: 'not_ours', comment: '市政供水管网问题' }, techA);
    const done = await post(
      `/repairs/${r.id}/community`,
      { decision: 'resolved', comment: '已报自来水公司抢修' },
      admin,
    );
    expect(done.body).toMatchObject({ status: 'closed', closedAs: 'community' });
  });
});

describe('who reports what', () => {
  it('a grid worker reports a public-area repair of a compound in their grid; a resident one of their own compound', async () => {
    await roster();
    const byGrid = await post(
      '/repairs',
      {
        compoundId: mine.ids.compound,
        spot: '1号楼东侧路灯',
        category: 'public_area',
        description: '路灯不亮，夜间行走不便',
      },
      gridWorker,
    );
    expect(byGrid.status).toBe(201);
    expect(byGrid.body).toMatchObject({ roomId: null, source: 'staff', location: '甲家园 1号楼东侧路灯' });
    const byResident = await post(
      '/repairs',
      { compoundId: mine.ids.compound, category: 'lift', description: '1号楼电梯按钮失灵' },
      resident,
    );
    expect(byResident.status).toBe(201);
    const foreign = await post(
      '/repairs',
      { compoundId: other.ids.compound, category: 'public_area', description: '路灯不亮' },
      gridWorker,
    );
    expect(foreign.status).toBe(403);
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const db = server.services.db;
    const counts = async () => [
      (await db.select({ n: count() }).from(repairOrders))[0]!.n,
      (await db.select({ n: count() }).from(wfInstances))[0]!.n,
    ];
    const before = await counts();

    const unbound = await post(
      '/repairs',
      { roomId: mine.ids.spareRoom, category: 'water', description: '漏水' },
      resident,
    );
    expect(unbound.status).toBe(403);
    expect(unbound.body.error.message).toContain('bound to');

    const photos = await Promise.all(Array.from({ length: 10 }, () => upload(resident)));
    const tooMany = await post(
      '/repairs',
      { roomId: mine.ids.room, category: 'water', description: '漏水', photoFileIds: photos },
      resident,
    );
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('at most 9 photos');

    const someoneElses = await upload(gridWorker);
    const notMine = await post(
      '/repairs',
      { roomId: mine.ids.room, category: 'water', description: '漏水', photoFileIds: [someoneElses] },
      resident,
    );
    expect(notMine.status).toBe(400);
    expect(notMine.body.error.message).toContain('photoFileIds');
    expect(notMine.body.error.details.fileIds).toEqual([someoneElses]);

    const pdf = await upload(resident, PDF, 'application/pdf', '说明.pdf');
    const wrongKind = await post(
      '/repairs',
      { roomId: mine.ids.room, category: 'water', description: '漏水', photoFileIds: [pdf] },
      resident,
    );
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.message).toContain('of kind image');
    const photoAsVoice = await post(
      '/repairs',
      { roomId: mine.ids.room, category: 'water', description: '漏水', voiceFileId: photos[0] },
      resident,
    );
    expect(photoAsVoice.status).toBe(400);
    expect(photoAsVoice.body.error.message).toContain('voiceFileId');

    const nowhere = await post('/repairs', { category: 'water', description: '漏水' }, resident);
    expect(nowhere.status).toBe(400);
    const badCategory = await post(
      '/repairs',
      { roomId: mine.ids.room, category: 'roof', description: '漏水' },
      resident,
    );
    expect(badCategory.status).toBe(400);
    const volunteer = await post(
      '/repairs',
      { roomId: mine.ids.room, category: 'water', description: '漏水' },
      mine.users.volunteer,
    );
    expect(volunteer.status).toBe(403);
    const tech = await post(
      '/repairs',
      { roomId: mine.ids.room, category: 'water', description: '漏水' },
      techA,
    );
    expect(tech.status).toBe(403);

    expect(await counts()).toEqual(before);
    // the refused photos are still the resident's own, filed with no case
    const [row] = await db.select().from(files).where(eq(files.id, photos[0]!));
    expect(row!.instanceId).toBeNull();
  });

  it("refuses a rating outside 1–5 and a technician working someone else's job, changing nothing", async () => {
    await clearJobs();
    await roster(techA);
    const r = await report();
    // techB is not the one it was dispatched to
    expect((await post(`/repairs/${r.id}/accept`, {}, techB)).status).toBe(404);
    // the generic task API does not skip what the repair API records
    const acceptTask = (await read(r.id)).openTasks[0]!;
    const generic = await post(`/tasks/${acceptTask.id}/complete`, { outcome: 'accepted' }, techA);
    expect(generic.status).toBe(409);
    expect(generic.body.error.message).toContain('repair API');
    await post(`/repairs/${r.id}/accept`, {}, techA);
    const photoB = await upload(techB);
    const foreignFix = await post(
      `/repairs/${r.id}/fix`,
      { note: '已修', afterPhotoFileIds: [photoB] },
      techB,
    );
    expect(foreignFix.status).toBe(404);
    // a supervisor-less colleague who can see it (dispatched to them earlier) still may not complete it
    await server.services.db
      .update(repairOrders)
      .set({ technicianId: techB })
      .where(eq(repairOrders.id, r.id));
    const stillNot = await post(`/repairs/${r.id}/fix`, { note: '已修', afterPhotoFileIds: [photoB] }, techB);
    expect(stillNot.status).toBe(403);
    expect(stillNot.body.error.message).toContain('assigned to someone else');
    await server.services.db
      .update(repairOrders)
      .set({ technicianId: techA })
      .where(eq(repairOrders.id, r.id));
    // techA's fix with techB's photo: not theirs
    const borrowed = await post(`/repairs/${r.id}/fix`, { note: '已修', afterPhotoFileIds: [photoB] }, techA);
    expect(borrowed.status).toBe(400);
    expect((await read(r.id)).status).toBe('accepted');
    const noPhoto = await post(`/repairs/${r.id}/fix`, { note: '已修', afterPhotoFileIds: [] }, techA);
    expect(noPhoto.status).toBe(400);

    await fixIt(r, techA);
    for (const rating of [0, 6, 3.5]) {
      const res = await post(`/repairs/${r.id}/confirm`, { rating }, resident);
      expect(res.status).toBe(400);
    }
    expect((await post(`/repairs/${r.id}/confirm`, { rating: 5 }, techA)).status).toBe(403);
    const unchanged = await read(r.id);
    expect(unchanged).toMatchObject({ status: 'fixed', rating: null });
  });
});

describe('who sees what', () => {
  it('residents see their own, technicians their jobs, staff their area; another district sees nothing', async () => {
    await clearJobs();
    await roster(techA);
    const r = await report();
    const own = await get('/repairs?view=mine', resident);
    expect(own.body.items.map((x: RepairView) => x.id)).toContain(r.id);
    expect((await get(`/repairs/${r.id}`, mine.users.volunteer)).status).toBe(404);
    const jobsA = (await get('/repairs', techA)).body.items.map((x: RepairView) => x.id);
    expect(jobsA).toContain(r.id);
    const jobsB = (await get('/repairs', techB)).body.items as RepairView[];
    expect(jobsB.map((x) => x.id)).not.toContain(r.id);
    expect((await get(`/repairs/${r.id}`, techB)).status).toBe(404);
    expect((await get(`/repairs/${r.id}`, gridWorker)).status).toBe(200);
    expect((await get(`/repairs/${r.id}`, mine.users.street_admin)).status).toBe(200);

    for (const role of ['property_staff', 'technician', 'community_admin', 'district_admin'] as const) {
      const user = other.users[role];
      expect((await get(`/repairs/${r.id}`, user)).status).toBe(404);
      expect((await get(`/instances/${r.instanceId}/timeline`, user)).status).toBe(404);
      const list = (await get('/repairs?pageSize=200', user)).body.items as RepairView[];
      expect(list.map((x) => x.id)).not.toContain(r.id);
    }
    expect((await get(`/instances/${r.instanceId}/timeline`, techA)).status).toBe(200);
  });

  it('keeps the duty roster: property staff set it, a technician goes off duty, another company cannot', async () => {
    const list = (await get('/repair-duty', staff)).body.items as {
      id: string;
      technician: { id: string };
    }[];
    const entry = list.find((e) => e.technician.id === techA)!;
    const off = await patch(`/repair-duty/${entry.id}`, { onDuty: false }, techA);
    expect(off.status).toBe(200);
    expect(off.body.onDuty).toBe(false);
    expect((await patch(`/repair-duty/${entry.id}`, { categories: ['lift'] }, techA)).status).toBe(403);
    expect((await patch(`/repair-duty/${entry.id}`, { onDuty: true }, techB)).status).toBe(403);
    expect(
      (await patch(`/repair-duty/${entry.id}`, { onDuty: true }, other.users.property_staff)).status,
    ).toBe(404);
    expect((await get('/repair-duty', resident)).status).toBe(403);
    const foreignTech = await post(
      '/repair-duty',
      { technicianId: other.users.technician, communityId: mine.ids.community },
      staff,
    );
    expect(foreignTech.status).toBe(422);
  });

  it("lists the company's technicians to pick from and takes one off the roster; nobody else may", async () => {
    const del = async (id: string, user: string) =>
      server.api.request('DELETE', `/api/v1/repair-duty/${id}`, { token: await as(user) });
    const picks = await get(`/repair-duty/technicians?communityId=${mine.ids.community}`, staff);
    expect(picks.status).toBe(200);
    const names = (picks.body.items as { id: string; name: string; onRoster: boolean }[]).map((t) => t.id);
    expect(names).toEqual(expect.arrayContaining([techA, techB]));
    expect(names).not.toContain(other.users.technician);
    expect((await get(`/repair-duty/technicians?communityId=${mine.ids.community}`, admin)).status).toBe(403);
    expect(
      (await get(`/repair-duty/technicians?communityId=${mine.ids.community}`, other.users.property_staff))
        .status,
    ).toBe(404);
    expect((await get('/repair-duty/technicians?communityId=nope', staff)).status).toBe(400);

    const before = (await get('/repair-duty', staff)).body.items as {
      id: string;
      technician: { id: string };
      onDuty: boolean;
      categories: string[];
    }[];
    const entry = before.find((e) => e.technician.id === techB)!;
    expect((await del(entry.id, techB)).status).toBe(403);
    expect((await del(entry.id, admin)).status).toBe(403);
    expect((await del(entry.id, other.users.property_staff)).status).toBe(404);
    expect((await get('/repair-duty', staff)).body.items).toHaveLength(before.length);

    expect((await del(entry.id, staff)).status).toBe(204);
    const after = (await get('/repair-duty', staff)).body.items as { technician: { id: string } }[];
    expect(after.map((e) => e.technician.id)).not.toContain(techB);
    const again = await get(`/repair-duty/technicians?communityId=${mine.ids.community}`, staff);
    expect(again.body.items).toContainEqual(expect.objectContaining({ id: techB, onRoster: false }));
    expect((await del(entry.id, staff)).status).toBe(404);
    // back as it was for the tests after this one
    await onDuty(techB, entry.onDuty, entry.categories);
  });
});

describe('events converted into repairs', () => {
  it("files a repair linked to the event, with the event's photos, and only once", async () => {
    await roster();
    const eventInstanceId = '7d3c8f0e-5a1b-4c2d-9e8f-0a1b2c3d4e5f';
    const photo = await upload(gridWorker);
    await server.services.db
      .update(files)
      .set({ instanceId: eventInstanceId, orgPath: `/${mine.ids.district}/` })
      .where(eq(files.id, photo));
    const principal = (await loadPrincipal(server.services.db, gridWorker))!;
    const facts = {
      eventId: '11111111-2222-4333-8444-555555555555',
      eventInstanceId,
      orgPath: `/${mine.ids.district}/${mine.ids.street}/${mine.ids.community}/${mine.ids.grid}/`,
      compoundId: mine.ids.compound!,
      roomId: null,
      category: 'pipe_burst',
      description: '巡查发现3号楼下水管破裂',
      photoFileIds: [photo],
      reporterUserId: gridWorker,
    };
    const first = await fileRepairFromEvent(server.services, principal, facts);
    const again = await fileRepairFromEvent(server.services, principal, facts);
    expect(again).toEqual(first);
    const r = await read(first.repairId);
    expect(r).toMatchObject({
      source: 'event',
      eventId: facts.eventId,
      category: 'other',
      photoFileIds: [photo],
      instanceId: first.instanceId,
      status: 'dispatching',
    });
    // the photo stays filed with the event
    const [row] = await server.services.db.select().from(files).where(eq(files.id, photo));
    expect(row!.instanceId).toBe(eventInstanceId);
  });
});

describe('service tasks', () => {
  it('write nothing twice when an execution runs again (same key)', async () => {
    await clearJobs();
    await roster(techA, techB);
    const r = await report();
    const handlers = repairHandlers(server.services);
    const call = (topic: string, key: string, input: Record<string, unknown> = {}) =>
      handlers[topic]!({
        key,
        instanceId: r.instanceId,
        activityId: 'x',
        businessKey: r.number,
        variables: { repairId: r.id },
        input,
      });
    const first = await call('repair.autoDispatch', `${r.instanceId}:again:1`);
    const second = await call('repair.autoDispatch', `${r.instanceId}:again:1`);
    expect(second).toEqual(first);
    const rows = await server.services.db
      .select()
      .from(repairDispatches)
      .where(eq(repairDispatches.key, `${r.instanceId}:again:1`));
    expect(rows).toHaveLength(1);

    await call('repair.close', `${r.instanceId}:close:1`, { closedAs: 'community' });
    await call('repair.close', `${r.instanceId}:close:1`, { closedAs: 'community' });
    expect(await notices(r.instanceId, 'repair.closed')).toHaveLength(1);
    const closedEvents = await server.services.db
      .select()
      .from(wfTaskEvents)
      .where(eq(wfTaskEvents.instanceId, r.instanceId));
    expect(closedEvents.filter((e) => e.kind === 'repair.closed')).toHaveLength(1);
  });
});

describe('versions', () => {
  it('a redeploy with a longer accept limit applies to new cases; running ones keep 30 minutes', async () => {
    await clearJobs();
    await roster(techA, techB);
    const onV1 = await report();
    const v1 = await readBundledProcess('repair.bpmn');
    const v2xml = v1.replace(
      '<camunda:inputParameter name="acceptLimit">PT30M</camunda:inputParameter>',
      '<camunda:inputParameter name="acceptLimit">PT1H</camunda:inputParameter>',
    );
    expect(v2xml).not.toBe(v1);
    const deployed = await server.api.request('POST', '/api/v1/definitions', {
      token: await as(admin),
      raw: v2xml,
      contentType: 'application/xml',
    });
    expect(deployed.status).toBe(201);
    expect(deployed.body.definition.version).toBe(2);
    const onV2 = await report({ description: '卫生间灯不亮', category: 'electricity' });
    expect((await get(`/instances/${onV1.instanceId}`, staff)).body.definitionVersion).toBe(1);
    expect((await get(`/instances/${onV2.instanceId}`, staff)).body.definitionVersion).toBe(2);

    advance(31 * MIN);
    await server.services.workflow.worker.poll();
    expect((await read(onV1.id)).status).toBe('dispatching');
    expect((await read(onV2.id)).status).toBe('dispatched');
    advance(30 * MIN);
    await server.services.workflow.worker.poll();
    expect((await read(onV2.id)).status).toBe('dispatching');
  });
});
