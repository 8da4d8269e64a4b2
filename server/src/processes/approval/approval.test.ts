// The approval process end to end over real HTTP, as the real roles: the catalogue, online and window
// applications, pre-review with a supplement that stops the clock, accept → handle → review → conclude,
// refusal, return (退回), the 80% warning and the overdue supervision list with an urge (timers fired by
// moving the test clock across a weekend), rating, statistics, a catalogue edit and a v2 diagram deployed
// while a v1 case runs, bad input, and another district that sees nothing.
import { and, eq, sql } from 'drizzle-orm';
import { issueSession } from '../../auth/tokens.js';
import { wfInstances, wfOutbox } from '../../db/schema.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';
import { readBundledProcess } from '../deploy.js';
import { approvals } from './schema.js';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const PDF = Buffer.from('%PDF-1.4\n% 居住证明\n');
const at = (iso: string) => new Date(iso);

// bpmn-engine judges a timeDate against the machine's clock: a test clock after it keeps the runtime's clock in
// charge of the time limits. (2031 has no published holiday arrangement: Monday to Friday are the working days.)
const clock = { now: at('2031-03-03T09:00:00+08:00') }; // a Monday
let server: TestServer;
let mine: World;
let other: World;
const items: Record<string, string> = {};

beforeAll(async () => {
  server = await createTestServer(
    { LOG_LEVEL: process.env.APPROVAL_LOG ?? 'silent' },
    { now: () => clock.now },
  );
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
});
afterAll(async () => server?.close());

/** a fresh token: tokens are checked against the test clock */
const tok = async (world: World, role: Role) =>
  (await issueSession(server.services, world.users[role], 'password')).accessToken;
const as = (role: Role, world: World = mine) => tok(world, role);
const api = (path: string) => `/api/v1${path}`;
const get = async (path: string, role: Role, world: World = mine) =>
  server.api.get(api(path), await as(role, world));
const post = async (path: string, body: unknown, role: Role, world: World = mine) =>
  server.api.post(api(path), body, await as(role, world));
const patch = async (path: string, body: unknown, role: Role, world: World = mine) =>
  server.api.patch(api(path), body, await as(role, world));

async function upload(role: Role, name: string, data = JPEG, world: World = mine): Promise<string> {
  const res = await server.api.request('POST', api(`/files?name=${encodeURIComponent(name)}`), {
    token: await as(role, world),
    raw: data,
    contentType: data === PDF ? 'application/pdf' : 'image/jpeg',
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function moveTo(iso: string) {
  clock.now = at(iso);
  await server.services.workflow.worker.poll();
}

async function outbox(instanceId: string, kind?: string) {
  const rows = await server.services.db
    .select()
    .from(wfOutbox)
    .where(sql`${wfOutbox.payload}->>'instanceId' = ${instanceId}`);
  return rows.filter((r) => !kind || r.kind === kind || r.payload.template === kind);
}

/** what `role` finds in their in-app inbox once the dispatcher has delivered the outbox */
async function inbox(role: Role): Promise<{ title: string; link: string | null }[]> {
  await server.services.notify.dispatcher.drain();
  const res = await get('/notifications?pageSize=200', role);
  expect(res.status).toBe(200);
  return res.body.items;
}

const RESIDENCE = {
  code: 'residence-certificate',
  name: '居住证明',
  description: '为在本社区实际居住的居民开具居住证明，用于入学、就业、银行开户等。',
  materials: [
    { name: '居民身份证', required: true, example: '正反面复印件或清晰照片' },
    { name: '户口簿或房产证明', required: true, example: '户主页及本人页' },
    { name: '租房合同', required: false, example: '租住人员提供，需出租人签字' },
  ],
  formFields: [
    { key: 'idNumber', label: '身份证号', type: 'idNumber', required: true },
    { key: 'phone', label: '联系电话', type: 'phone', required: true },
    {
      key: 'purpose',
      label: '证明用途',
      type: 'select',
      required: true,
      options: ['入学', '就业', '银行开户', '其他'],
    },
    { key: 'since', label: '起始居住日期', type: 'date', required: false },
  ],
  timeLimitDays: 5,
  acceptGroup: 'community_admin',
  handleGroup: 'grid_worker',
  reviewGroup: 'community_admin',
  published: true,
};

const PARKING = {
  code: 'parking-permit',
  name: '停车证办理',
  materials: [{ name: '机动车行驶证', required: true }],
  formFields: [
    { key: 'plate', label: '车牌号', type: 'text', required: true },
    { key: 'phone', label: '联系电话', type: 'phone', required: true },
  ],
  timeLimitDays: 3,
  acceptGroup: 'community_admin',
  handleGroup: 'community_admin',
  reviewGroup: 'community_admin',
  published: true,
};

const residenceForm = () => ({
  idNumber: mine.secrets.residentSecrets.idNumber,
  phone: mine.secrets.residentSecrets.phone,
  purpose: '银行开户',
});

async function applyResidence(role: Role = 'resident', extra: Record<string, unknown> = {}) {
  const materials = [
    { name: '居民身份证', fileIds: [await upload(role, '身份证.jpg')] },
    { name: '户口簿或房产证明', fileIds: [await upload(role, '户口簿.jpg')] },
  ];
  const res = await post(
    '/approvals',
    { itemId: items.residence, form: residenceForm(), materials, ...extra },
    role,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; instanceId: string; dueAt: string; state: string; number: string };
}

async function applyParking(role: Role = 'resident', extra: Record<string, unknown> = {}) {
  const res = await post(
    '/approvals',
    {
      itemId: items.parking,
      form: { plate: '鲁J12345', phone: '13900001111' },
      materials: [{ name: '机动车行驶证', fileIds: [await upload(role, '行驶证.jpg')] }],
      ...extra,
    },
    role,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; instanceId: string; dueAt: string; state: string };
}

/** walks a case from pre-review to the review step */
async function toReview(id: string, handler: Role = 'grid_worker') {
  expect((await post(`/approvals/${id}/pre-review`, { outcome: 'complete' }, 'community_admin')).status).toBe(
    200,
  );
  expect((await post(`/approvals/${id}/accept`, {}, 'community_admin')).status).toBe(200);
  const handled = await post(
    `/approvals/${id}/handle`,
    { opinion: 'approve', comment: '经核实，情况属实' },
    handler,
  );
  expect(handled.status).toBe(200);
  expect(handled.body.state).toBe('review');
}

async function concludeApproved(id: string) {
  const doc = await upload('community_admin', '居住证明.pdf', PDF);
  const res = await post(
    `/approvals/${id}/conclude`,
    { result: 'approved', resultFileIds: [doc] },
    'community_admin',
  );
  expect(res.status).toBe(200);
  return res;
}

describe('the catalogue', () => {
  it('is built by the admin; residents see the published items of their own community only', async () => {
    await server.api.request('POST', api('/definitions'), {
      token: await as('community_admin'),
      raw: await readBundledProcess('approval.bpmn'),
      contentType: 'application/xml',
    });
    for (const [key, body] of [
      ['residence', RESIDENCE],
      ['parking', PARKING],
      ['draft', { ...PARKING, code: 'elderly-allowance', name: '高龄津贴申请', published: false }],
    ] as const) {
      const res = await post('/approval-items', body, 'community_admin');
      expect(res.status).toBe(201);
      items[key] = res.body.id;
    }
    const foreign = await post(
      '/approval-items',
      { ...RESIDENCE, code: undefined },
      'community_admin',
      other,
    );
    expect(foreign.status).toBe(201);
    items.foreign = foreign.body.id;

    const seen = await get('/approval-items', 'resident');
    expect(seen.body.items.map((i: { name: string }) => i.name).sort()).toEqual(
      ['停车证办理', '居住证明'].sort(),
    );
    expect((await get(`/approval-items/${items.draft}`, 'resident')).status).toBe(404);
    expect((await get(`/approval-items/${items.foreign}`, 'resident')).status).toBe(404);
    const admin = await get('/approval-items', 'community_admin');
    expect(admin.body.items.map((i: { id: string }) => i.id)).toContain(items.draft);
    const grid = await get('/approval-items', 'grid_worker');
    expect(grid.body.items.map((i: { id: string }) => i.id)).not.toContain(items.draft);
    expect((await post('/approval-items', RESIDENCE, 'grid_worker')).status).toBe(403);
    const item = await get(`/approval-items/${items.residence}`, 'resident');
    expect(item.body).toMatchObject({ timeLimitDays: 5, orgUnitName: '甲社区', handleGroup: 'grid_worker' });
    expect(item.body.materials[0]).toEqual({
      name: '居民身份证',
      required: true,
      example: '正反面复印件或清晰照片',
    });
  });
});

describe('an online application', () => {
  let c: { id: string; instanceId: string; dueAt: string; number: string; state: string };

  it('is submitted with its materials and waits for pre-review; personal fields are masked', async () => {
    clock.now = at('2031-03-03T09:00:00+08:00');
    c = await applyResidence();
    expect(c.state).toBe('pre_review');
    // 5 working days from Monday 09:00
    expect(c.dueAt).toBe(at('2031-03-10T09:00:00+08:00').toISOString());
    const detail = await get(`/approvals/${c.id}`, 'community_admin');
    expect(detail.body).toMatchObject({ channel: 'online', applicantName: '甲业主', timeLimitDays: 5 });
    expect(detail.body.form.idNumber).not.toBe(mine.secrets.residentSecrets.idNumber);
    expect(detail.body.form.idNumber).toMatch(/^370\*+\d{4}$/);
    expect(JSON.stringify(detail.body)).not.toContain(mine.secrets.residentSecrets.phone);
    // 可用不可见: the grid worker reads the full ID number with a reason, and the reveal is audited
    const noReason = await post(`/approvals/${c.id}/reveal`, { fields: ['idNumber'] }, 'grid_worker');
    expect(noReason.status).toBe(400);
    const revealed = await post(
      `/approvals/${c.id}/reveal`,
      { fields: ['idNumber'], reason: '入户核实申请人身份' },
      'grid_worker',
    );
    expect(revealed.body).toEqual({ values: { idNumber: mine.secrets.residentSecrets.idNumber } });
    expect(
      (await post(`/approvals/${c.id}/reveal`, { fields: ['purpose'], reason: '核对' }, 'grid_worker'))
        .status,
    ).toBe(400);
    expect(
      (await post(`/approvals/${c.id}/reveal`, { fields: ['idNumber'], reason: '核对' }, 'street_admin'))
        .status,
    ).toBe(403);
    const log = await get(`/audit-logs?action=reveal&targetId=${c.id}`, 'community_admin');
    expect(log.body.items).toEqual([
      expect.objectContaining({
        actorUserId: mine.users.grid_worker,
        reason: '入户核实申请人身份',
        fields: ['idNumber'],
      }),
    ]);
    const created = await outbox(c.instanceId, 'task.created');
    expect(created.map((r) => [r.payload.name, r.payload.candidateGroups])).toEqual([
      ['预审', ['community_admin']],
    ]);
  });

  it('goes back to the applicant when incomplete; the clock stops until they supplement, and the due date moves', async () => {
    clock.now = at('2031-03-03T13:00:00+08:00');
    const missing = await post(
      `/approvals/${c.id}/pre-review`,
      {
        outcome: 'incomplete',
        missing: ['户口簿或房产证明'],
        comment: '户口簿照片不清晰，请重新拍摄本人页。',
      },
      'community_admin',
    );
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ state: 'supplement', paused: true, missing: ['户口簿或房产证明'] });
    const notice = await outbox(c.instanceId, 'approval.supplement');
    expect(notice).toHaveLength(1);
    expect(notice[0]!.payload.recipients).toEqual([mine.users.resident]);
    expect(notice[0]!.payload.body).toContain('户口簿或房产证明');
    // tapped in the inbox, it opens the application, where the supplement form is
    expect((await inbox('resident')).find((n) => n.title === '申请材料需要补正')).toMatchObject({
      link: `/pages/approval/detail?id=${c.id}`,
    });
    // the resident holds the supplement task
    const task = (await outbox(c.instanceId, 'task.created')).find((r) => r.payload.name === '补正材料')!;
    expect(task.payload.assignee).toBe(mine.users.resident);

    // two days later (Wednesday 10:00) the resident hands in a clear photo
    clock.now = at('2031-03-05T10:00:00+08:00');
    const staffCannot = await post(`/approvals/${c.id}/supplement`, { materials: [] }, 'grid_worker');
    expect(staffCannot.status).toBe(403);
    const incomplete = await post(`/approvals/${c.id}/supplement`, { materials: [] }, 'resident');
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.message).toContain('户口簿或房产证明');
    const photo = await upload('resident', '户口簿本人页.jpg');
    const done = await post(
      `/approvals/${c.id}/supplement`,
      { materials: [{ name: '户口簿或房产证明', fileIds: [photo] }], comment: '已重新拍摄' },
      'resident',
    );
    expect(done.status).toBe(200);
    // 4 working hours were used before the wait; 116 are left from Wednesday 10:00: next Wednesday 06:00,
    // the original Monday 09:00 moved by the 45 working hours the wait took
    expect(done.body).toMatchObject({ state: 'pre_review', paused: false, missing: [] });
    expect(done.body.dueAt).toBe(at('2031-03-12T06:00:00+08:00').toISOString());
    // the 80% mark moves with it: 96 h of the limit less the 4 h used, from Wednesday 10:00
    expect(done.body.warnAt).toBe(at('2031-03-11T06:00:00+08:00').toISOString());
    expect(
      done.body.materials.find((m: { name: string }) => m.name === '户口簿或房产证明').fileIds,
    ).toHaveLength(2);
  });

  it('is accepted, handled, reviewed and concluded with the result document; the applicant is told and rates it', async () => {
    clock.now = at('2031-03-05T11:00:00+08:00');
    // the grid worker cannot pre-review (the window does), but handles
    expect((await post(`/approvals/${c.id}/pre-review`, { outcome: 'complete' }, 'grid_worker')).status).toBe(
      403,
    );
    expect(
      (await post(`/approvals/${c.id}/handle`, { opinion: 'approve', comment: '同意' }, 'grid_worker'))
        .status,
    ).toBe(409);
    await toReview(c.id);
    expect((await post(`/approvals/${c.id}/review`, { comment: '同意出具' }, 'community_admin')).status).toBe(
      200,
    );
    // concluded the next day at 10:00: 4 h + 24 h of working time used
    clock.now = at('2031-03-06T10:00:00+08:00');
    const concluded = await concludeApproved(c.id);
    expect(concluded.body).toMatchObject({
      state: 'approved',
      outcome: 'approved',
      onTime: true,
      usedWorkingDays: 1.17,
      handler: { id: mine.users.grid_worker },
    });
    expect(concluded.body.resultFileIds).toHaveLength(1);
    const told = await outbox(c.instanceId, 'approval.concluded');
    expect(told.map((r) => r.payload.recipients)).toEqual([[mine.users.resident]]);
    expect((await inbox('resident')).find((n) => n.title === '办件已办结')).toMatchObject({
      link: `/pages/approval/detail?id=${c.id}`,
    });

    // the resident downloads the result and reads the timeline
    const file = await server.api.get(api(`/files/${concluded.body.resultFileIds[0]}`), await as('resident'));
    expect(file.status).toBe(200);
    const timeline = await get(`/instances/${c.instanceId}/timeline`, 'resident');
    expect(timeline.status).toBe(200);
    const kinds = timeline.body.entries.map((e: { kind: string; activityName: string | null }) =>
      e.kind === 'task.completed' ? `${e.kind}:${e.activityName}` : e.kind,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'approval.submitted',
        'task.completed:预审',
        'approval.supplement_requested',
        'task.completed:补正材料',
        'approval.supplemented',
        'task.completed:受理',
        'task.completed:承办',
        'task.completed:审核',
        'task.completed:办结',
        'approval.concluded',
      ]),
    );
    const request = timeline.body.entries.find(
      (e: { kind: string }) => e.kind === 'approval.supplement_requested',
    );
    expect(request.comment).toContain('户口簿照片不清晰');

    const rated = await post(`/approvals/${c.id}/rating`, { score: 5, comment: '办理很快' }, 'resident');
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ rating: 5, ratingComment: '办理很快' });
    expect((await post(`/approvals/${c.id}/rating`, { score: 4 }, 'resident')).status).toBe(409);
    expect((await post(`/approvals/${c.id}/rating`, { score: 4 }, 'community_admin')).status).toBe(403);
  });
});

describe('a window application (窗口办件)', () => {
  it('is entered by staff for a resident, who follows it from their account', async () => {
    clock.now = at('2031-03-06T14:00:00+08:00');
    const res = await applyResidence('grid_worker', { residentId: mine.ids.resident });
    const detail = await get(`/approvals/${res.id}`, 'resident');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ channel: 'window', registeredBy: { id: mine.users.grid_worker } });
    const told = await outbox(res.instanceId, 'approval.submitted');
    expect(told[0]!.payload.recipients).toEqual([mine.users.resident]);
    expect(told[0]!.payload.link).toBe(`/pages/approval/detail?id=${res.id}`);
    const list = await get('/approvals', 'resident');
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(res.id);
  });

  it('for a resident without an account: the staff member supplements on their behalf', async () => {
    const res = await applyParking('community_admin', { residentId: mine.ids.familyMember });
    await post(
      `/approvals/${res.id}/pre-review`,
      { outcome: 'incomplete', missing: ['机动车行驶证'] },
      'community_admin',
    );
    const task = (await outbox(res.instanceId, 'task.created')).find((r) => r.payload.name === '补正材料')!;
    expect(task.payload.assignee).toBe(mine.users.community_admin);
    const photo = await upload('community_admin', '行驶证副页.jpg');
    const done = await post(
      `/approvals/${res.id}/supplement`,
      { materials: [{ name: '机动车行驶证', fileIds: [photo] }] },
      'community_admin',
    );
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('pre_review');
    // a resident who did not apply sees nothing of it
    expect((await get(`/approvals/${res.id}`, 'volunteer')).status).toBe(404);
  });
});

describe('refusal and return', () => {
  it('refuses with the reason, which the applicant reads', async () => {
    clock.now = at('2031-03-06T15:00:00+08:00');
    const c = await applyParking();
    await toReview(c.id, 'community_admin');
    await post(`/approvals/${c.id}/review`, {}, 'community_admin');
    const noReason = await post(`/approvals/${c.id}/conclude`, { result: 'refused' }, 'community_admin');
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    const noDoc = await post(`/approvals/${c.id}/conclude`, { result: 'approved' }, 'community_admin');
    expect(noDoc.status).toBe(400);
    const refused = await post(
      `/approvals/${c.id}/conclude`,
      { result: 'refused', reason: '该车辆登记地址不在本小区，车位已满' },
      'community_admin',
    );
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      state: 'refused',
      refusalReason: '该车辆登记地址不在本小区，车位已满',
    });
    const own = await get(`/approvals/${c.id}`, 'resident');
    expect(own.body.refusalReason).toBe('该车辆登记地址不在本小区，车位已满');
    const told = await outbox(c.instanceId, 'approval.concluded');
    expect(told[0]!.payload.body).toContain('车位已满');
    expect(told[0]!.payload.link).toBe(`/pages/approval/detail?id=${c.id}`);
    expect(
      (await post(`/approvals/${c.id}/rating`, { score: 2, comment: '没有车位' }, 'resident')).status,
    ).toBe(200);
  });

  it('returns the case to the step before with the reason, shown on the timeline', async () => {
    const c = await applyResidence();
    await toReview(c.id);
    const back = await post(
      `/approvals/${c.id}/return`,
      { reason: '缺少入户核实记录，请补充' },
      'community_admin',
    );
    expect(back.status).toBe(200);
    expect(back.body.state).toBe('handle');
    // the handler returns it further, to acceptance
    const again = await post(
      `/approvals/${c.id}/return`,
      { reason: '申请人户籍信息需窗口重新核对' },
      'grid_worker',
    );
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('accept');
    const timeline = await get(`/instances/${c.instanceId}/timeline`, 'community_admin');
    const returned = timeline.body.entries.filter((e: { kind: string }) => e.kind === 'task.returned');
    expect(
      returned.map((e: { comment: string; activityName: string }) => [e.activityName, e.comment]),
    ).toEqual([
      ['承办', '缺少入户核实记录，请补充'],
      ['受理', '申请人户籍信息需窗口重新核对'],
    ]);
    // and on it goes: accepted again, handled, reviewed, concluded
    expect((await post(`/approvals/${c.id}/accept`, {}, 'community_admin')).status).toBe(200);
    const handled = await post(
      `/approvals/${c.id}/handle`,
      { opinion: 'approve', comment: '已入户核实' },
      'grid_worker',
    );
    expect(handled.body.state).toBe('review');
    // pre-review is the first step: nothing to return to
    const fresh = await applyResidence();
    expect((await post(`/approvals/${fresh.id}/return`, { reason: 'x' }, 'community_admin')).status).toBe(
      409,
    );
  });
});

describe('time limits', () => {
  let c: { id: string; instanceId: string; dueAt: string };
  let paused: { id: string; instanceId: string };

  it('warns at 80% of the limit, counted in working days across the weekend', async () => {
    clock.now = at('2031-03-06T10:00:00+08:00'); // Thursday
    c = await applyParking();
    // a second one goes back for a supplement at once: its clock stands still, so it neither warns nor falls due
    paused = await applyParking();
    await post(
      `/approvals/${paused.id}/pre-review`,
      { outcome: 'incomplete', missing: ['机动车行驶证'] },
      'community_admin',
    );
    // 3 working days: Thursday, Friday, (weekend), Monday, Tuesday 10:00; 80% = 57.6 h: Monday 19:36
    expect(c.dueAt).toBe(at('2031-03-11T10:00:00+08:00').toISOString());
    const detail = await get(`/approvals/${c.id}`, 'community_admin');
    expect(detail.body.warnAt).toBe(at('2031-03-10T19:36:00+08:00').toISOString());

    await moveTo('2031-03-09T12:00:00+08:00'); // Sunday: nothing yet
    expect((await outbox(c.instanceId, 'approval.warning')).length).toBe(0);
    const early = await get('/approvals/supervision', 'community_admin');
    expect(early.body.items.map((i: { id: string }) => i.id)).not.toContain(c.id);

    await moveTo('2031-03-10T20:00:00+08:00');
    const warned = await outbox(c.instanceId, 'approval.warning');
    expect(warned).toHaveLength(1);
    // nobody has claimed pre-review: every community admin of the area is told
    expect(warned[0]!.payload.recipients).toEqual([mine.users.community_admin]);
    // staff are told on the page where they work the step
    expect(warned[0]!.payload.link).toBe(`/pages/approval/handle?id=${c.id}`);
    const list = await get('/approvals/supervision?view=warning', 'community_admin');
    const entry = list.body.items.find((i: { id: string }) => i.id === c.id);
    expect(entry).toMatchObject({ warned: true, overdue: false, stepName: '预审' });
    expect(await outbox(paused.instanceId, 'approval.warning')).toEqual([]);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(paused.id);
  });

  it('puts the overdue case on the supervision list, where a supervisor urges it', async () => {
    await moveTo('2031-03-12T11:00:00+08:00'); // Wednesday: a working day past the limit
    const overdue = await outbox(c.instanceId, 'approval.overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.payload.recipients).toEqual(
      expect.arrayContaining([mine.users.community_admin, mine.users.street_admin]),
    );
    expect(overdue[0]!.payload.link).toBe(`/pages/approval/handle?id=${c.id}`);
    const list = await get('/approvals/supervision?view=overdue', 'street_admin');
    expect(list.status).toBe(200);
    const entry = list.body.items.find((i: { id: string }) => i.id === c.id);
    expect(entry).toMatchObject({ overdue: true, overdueWorkingDays: 1, stepName: '预审', urgeCount: 0 });
    expect((await get('/approvals/supervision', 'grid_worker')).status).toBe(403);
    expect((await get('/approvals/supervision', 'street_admin', other)).body.items).toEqual([]);

    expect(
      (await post(`/approvals/${c.id}/urge`, { message: '已超期，请今日内办结' }, 'grid_worker')).status,
    ).toBe(403);
    // the admin claims the step, and the street urges them
    const detail = await get(`/approvals/${c.id}`, 'community_admin');
    expect((await post(`/tasks/${detail.body.taskId}/claim`, undefined, 'community_admin')).status).toBe(200);
    const urged = await post(`/approvals/${c.id}/urge`, { message: '已超期，请今日内办结' }, 'street_admin');
    expect(urged.status).toBe(200);
    expect(urged.body.urgeCount).toBe(1);
    const notice = await outbox(c.instanceId, 'approval.urged');
    expect(notice[0]!.payload.recipients).toEqual([mine.users.community_admin]);
    expect((await inbox('community_admin')).find((n) => n.title === '督办催办')).toMatchObject({
      link: `/pages/approval/handle?id=${c.id}`,
    });
    const timeline = await get(`/instances/${c.instanceId}/timeline`, 'community_admin');
    expect(timeline.body.entries.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['approval.warning', 'approval.overdue', 'urge']),
    );

    // concluded late: not on time, and off the list
    await toReview(c.id, 'community_admin');
    await post(`/approvals/${c.id}/review`, {}, 'community_admin');
    const done = await concludeApproved(c.id);
    expect(done.body).toMatchObject({ onTime: false, overdue: true });
    const after = await get('/approvals/supervision', 'street_admin');
    expect(after.body.items.map((i: { id: string }) => i.id)).not.toContain(c.id);

    // six days on, the paused case is still within its limit; supplemented now (Wednesday 11:00) it has all
    // 3 working days again: Wednesday 13 h, Thursday, Friday, Monday 11 h
    expect(await outbox(paused.instanceId, 'approval.overdue')).toEqual([]);
    const photo = await upload('resident', '行驶证正页.jpg');
    const resumed = await post(
      `/approvals/${paused.id}/supplement`,
      { materials: [{ name: '机动车行驶证', fileIds: [photo] }] },
      'resident',
    );
    expect(resumed.body).toMatchObject({ state: 'pre_review', paused: false, overdue: false });
    expect(resumed.body.dueAt).toBe(at('2031-03-17T11:00:00+08:00').toISOString());
  });
});

describe('bad input changes nothing', () => {
  async function count() {
    const [a] = await server.services.db.select({ n: sql<number>`count(*)::int` }).from(approvals);
    const [i] = await server.services.db
      .select({ n: sql<number>`count(*)::int` })
      .from(wfInstances)
      .where(eq(wfInstances.processId, 'approval'));
    return [a!.n, i!.n];
  }

  it('names the problem: form fields, materials, options, items, ratings', async () => {
    const before = await count();
    const id = await upload('resident', '身份证.jpg');
    const hukou = await upload('resident', '户口簿.jpg');
    const full = [
      { name: '居民身份证', fileIds: [id] },
      { name: '户口簿或房产证明', fileIds: [hukou] },
    ];
    const submit = (body: Record<string, unknown>) =>
      post(
        '/approvals',
        { itemId: items.residence, form: residenceForm(), materials: full, ...body },
        'resident',
      );

    const noPhone = await submit({ form: { ...residenceForm(), phone: '' } });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error.message).toContain('联系电话 is required');
    const noMaterial = await submit({ materials: [full[0]] });
    expect(noMaterial.status).toBe(400);
    expect(noMaterial.body.error.message).toContain('the material "户口簿或房产证明" is required');
    const badOption = await submit({ form: { ...residenceForm(), purpose: '办理护照' } });
    expect(badOption.status).toBe(400);
    expect(badOption.body.error.message).toContain('证明用途 must be one of');
    const badId = await submit({ form: { ...residenceForm(), idNumber: '370902195001010013' } });
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('身份证号 is not a valid');
    const unknownField = await submit({ form: { ...residenceForm(), salary: '3000' } });
    expect(unknownField.status).toBe(400);
    const strangersFile = await upload('volunteer', '别人的.jpg');
    const notMine = await submit({
      materials: [full[0], { name: '户口簿或房产证明', fileIds: [strangersFile] }],
    });
    expect(notMine.status).toBe(400);
    expect(notMine.body.error.message).toContain(strangersFile);

    const foreignItem = await post(
      '/approvals',
      { itemId: items.foreign, form: residenceForm(), materials: full },
      'resident',
    );
    expect(foreignItem.status).toBe(422);
    expect(foreignItem.body.error.id).toBe('item_not_offered');
    const draft = await post(
      '/approvals',
      { itemId: items.draft, form: { plate: '鲁J1', phone: '13900001111' }, materials: [] },
      'resident',
    );
    expect(draft.status).toBe(422);
    expect(draft.body.error.id).toBe('item_unpublished');
    // a resident cannot apply at the window for someone else
    expect((await submit({ residentId: mine.ids.familyMember })).status).toBe(404);
    expect(await count()).toEqual(before);

    // the files are still the resident's to use
    expect((await submit({})).status).toBe(201);
  });

  it('refuses ratings outside 1–5 and pre-reviews asking for things the item does not have', async () => {
    const c = await applyParking();
    const unknown = await post(
      `/approvals/${c.id}/pre-review`,
      { outcome: 'incomplete', missing: ['结婚证'] },
      'community_admin',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('结婚证');
    const empty = await post(`/approvals/${c.id}/pre-review`, { outcome: 'incomplete' }, 'community_admin');
    expect(empty.status).toBe(400);
    expect((await get(`/approvals/${c.id}`, 'resident')).body.state).toBe('pre_review');
    await toReview(c.id, 'community_admin');
    await post(`/approvals/${c.id}/review`, {}, 'community_admin');
    await concludeApproved(c.id);
    for (const score of [0, 6, 4.5]) {
      const res = await post(`/approvals/${c.id}/rating`, { score }, 'resident');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/score/);
    }
    expect((await get(`/approvals/${c.id}`, 'resident')).body.rating).toBeNull();
  });
});

describe('another district', () => {
  it('sees nothing of these cases', async () => {
    const [row] = await server.services.db.select().from(approvals).limit(1);
    for (const role of ['community_admin', 'street_admin', 'district_admin', 'grid_worker'] as Role[]) {
      expect((await get(`/approvals/${row!.id}`, role, other)).status).toBe(404);
      expect((await get(`/instances/${row!.instanceId}/timeline`, role, other)).status).toBe(404);
      expect((await get('/approvals', role, other)).body.items).toEqual([]);
    }
    expect(
      (await post(`/approvals/${row!.id}/urge`, { message: '请办理' }, 'street_admin', other)).status,
    ).toBe(404);
    const stats = await get('/approvals/stats', 'district_admin', other);
    expect(stats.body.totals.cases).toBe(0);
  });
});

describe('statistics', () => {
  it('counts cases per item and state, handling time without supplement waits, on-time rate, ratings, per worker', async () => {
    const res = await get('/approvals/stats', 'community_admin');
    expect(res.status).toBe(200);
    // the cases of this file: residence certificates — the supplemented one (approved on time, rated 5), two
    // window/fresh ones and the bad-input one at pre-review, the returned one at review; parking permits — the
    // window one supplemented (at pre-review), the refused one (on time, rated 2), the overdue one (approved
    // late), the one paused for a supplement (at pre-review again), the one of the rating checks (approved on time)
    expect(res.body.totals).toEqual({
      cases: 10,
      concluded: 4,
      approved: 3,
      refused: 1,
      // (1.17 + 0 + 4.04 + 0) / 4: the overdue one took Thursday 10:00 to the next Wednesday 11:00 (97 h)
      avgWorkingDays: 1.3,
      onTimeRate: 0.75,
      avgRating: 3.5,
      ratings: 2,
      // the window parking permit, at pre-review since Thursday: its 3 working days are up
      overdueOpen: 1,
    });
    const residence = res.body.byItem.find((i: { itemId: string }) => i.itemId === items.residence);
    expect(residence).toMatchObject({
      cases: 5,
      byState: { approved: 1, pre_review: 3, review: 1 },
      avgWorkingDays: 1.17,
      onTimeRate: 1,
      avgRating: 5,
    });
    const parking = res.body.byItem.find((i: { itemId: string }) => i.itemId === items.parking);
    expect(parking).toMatchObject({
      cases: 5,
      byState: { pre_review: 2, refused: 1, approved: 2 },
      onTimeRate: 0.6667,
      avgRating: 2,
    });
    // 绩效: the grid worker handled the supplemented case and the returned one (twice)
    const gw = res.body.byWorker.find((w: { userId: string }) => w.userId === mine.users.grid_worker);
    expect(gw).toMatchObject({ steps: 3, cases: 2, concluded: 1, onTimeRate: 1, avgRating: 5 });
    const admin = res.body.byWorker.find((w: { userId: string }) => w.userId === mine.users.community_admin);
    expect(admin).toMatchObject({ steps: 25, cases: 7, concluded: 4, onTimeRate: 0.75, avgRating: 3.5 });
    // the applicant's supplement is not staff work
    expect(res.body.byWorker.map((w: { userId: string }) => w.userId)).not.toContain(mine.users.resident);

    // one day: only the case submitted that Monday (used 4 h + 24 h = 1.17 working days)
    const monday = await get('/approvals/stats?from=2031-03-03&to=2031-03-03', 'community_admin');
    expect(monday.body.totals).toMatchObject({
      cases: 1,
      concluded: 1,
      avgWorkingDays: 1.17,
      onTimeRate: 1,
      avgRating: 5,
    });
    expect((await get('/approvals/stats', 'grid_worker')).status).toBe(403);
    expect((await get(`/approvals/stats?orgUnitId=${other.ids.community}`, 'community_admin')).status).toBe(
      404,
    );
  });
});

describe('changes without code', () => {
  it('keeps a running case on its time limit and diagram version when the admin edits the item and deploys v2', async () => {
    clock.now = at('2031-03-17T09:00:00+08:00'); // a Monday
    const v1case = await applyResidence();
    expect(v1case.dueAt).toBe(at('2031-03-24T09:00:00+08:00').toISOString());
    const edited = await patch(`/approval-items/${items.residence}`, { timeLimitDays: 3 }, 'community_admin');
    expect(edited.status).toBe(200);
    expect(edited.body.timeLimitDays).toBe(3);
    expect(
      (await patch(`/approval-items/${items.residence}`, { timeLimitDays: 3 }, 'grid_worker')).status,
    ).toBe(403);

    // v2: review moves up to the street (审核 by street_admin)
    const v2xml = (await readBundledProcess('approval.bpmn')).replace(
      'name="审核" camunda:candidateGroups="${reviewGroup}"',
      'name="街道审核" camunda:candidateGroups="street_admin"',
    );
    const deployed = await server.api.request('POST', api('/definitions'), {
      token: await as('community_admin'),
      raw: v2xml,
      contentType: 'application/xml',
    });
    expect(deployed.status).toBe(201);
    expect(deployed.body.definition.version).toBe(2);

    const v2case = await applyResidence();
    expect(v2case.dueAt).toBe(at('2031-03-20T09:00:00+08:00').toISOString());
    const v1 = await get(`/approvals/${v1case.id}`, 'community_admin');
    const v2 = await get(`/approvals/${v2case.id}`, 'community_admin');
    expect([v1.body.definitionVersion, v1.body.timeLimitDays]).toEqual([1, 5]);
    expect([v2.body.definitionVersion, v2.body.timeLimitDays]).toEqual([2, 3]);

    await toReview(v1case.id);
    await toReview(v2case.id);
    const reviewOf = async (instanceId: string) =>
      (await outbox(instanceId, 'task.created')).find((r) => String(r.payload.name).includes('审核'))!
        .payload;
    expect(await reviewOf(v1case.instanceId)).toMatchObject({
      name: '审核',
      candidateGroups: ['community_admin'],
    });
    expect(await reviewOf(v2case.instanceId)).toMatchObject({
      name: '街道审核',
      candidateGroups: ['street_admin'],
    });
    expect((await post(`/approvals/${v2case.id}/review`, {}, 'grid_worker')).status).toBe(403);
    expect(
      (await post(`/approvals/${v2case.id}/review`, { comment: '街道同意' }, 'street_admin')).status,
    ).toBe(200);
    expect((await post(`/approvals/${v1case.id}/review`, {}, 'community_admin')).status).toBe(200);
    const [v1row] = await server.services.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.id, v1case.id)));
    expect(v1row!.timeLimitDays).toBe(5);
  });
});
