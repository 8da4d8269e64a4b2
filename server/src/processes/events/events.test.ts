// Community events end to end over HTTP, as the real roles: patrol, resident and 12345 reports; classify,
// dispatch to the grid, the property company or the street; handle with photos; feedback and rating;
// overdue escalation by the clock; conversion to repair and dispute; a redeploy with a running v1 case.
import { eq, sql } from 'drizzle-orm';
import { issueSession } from '../../auth/tokens.js';
import { orgUnits, wfOutbox } from '../../db/schema.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';
import { readBundledProcess } from '../deploy.js';
import { repairModule } from '../repair/index.js';
import { disputeModule } from '../dispute/index.js';
import { repairOrders } from '../repair/schema.js';
import { disputes } from '../dispute/schema.js';
import { seedDefaultCategories } from './categories.js';
import { eventHandlers } from './handlers.js';
import { communityEvents } from './schema.js';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const HOUR = 3_600_000;
// Monday 2 March 2026, 09:00 in Beijing: a working day
const clock = { now: new Date('2026-03-02T01:00:00Z') };
const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

let server: TestServer;
let mine: World;
let other: World;

/** a square GeoJSON polygon around a point */
const square = (lng: number, lat: number, d = 0.005) => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng - d, lat - d],
      [lng + d, lat - d],
      [lng + d, lat + d],
      [lng - d, lat + d],
      [lng - d, lat - d],
    ],
  ],
});
const IN_GRID1 = { lat: 36.2, lng: 117.1, address: '甲家园3号楼东侧' };
const IN_OTHER_WORLD = { lat: 37.0, lng: 118.0, address: '乙家园北门' };

beforeAll(async () => {
  server = await createTestServer({}, { now: () => clock.now });
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  await db
    .update(orgUnits)
    .set({ boundary: square(117.1, 36.2) })
    .where(eq(orgUnits.id, mine.ids.grid!));
  await db
    .update(orgUnits)
    .set({ boundary: square(117.2, 36.2) })
    .where(eq(orgUnits.id, mine.ids.grid2!));
  await db
    .update(orgUnits)
    .set({ boundary: square(118.0, 37.0) })
    .where(eq(orgUnits.id, other.ids.grid!));
  await seedDefaultCategories(db);
  const xml = await readBundledProcess('community-event.bpmn');
  const deployed = await server.api.request('POST', '/api/v1/definitions', {
    token: await token('community_admin'),
    raw: xml,
    contentType: 'application/xml',
  });
  expect(deployed.status).toBe(201);
  // the repair and dispute processes an event may turn into
  for (const file of [...repairModule.bpmn, ...disputeModule.bpmn])
    await server.services.workflow.runtime.deploy(await readBundledProcess(file), null);
});
afterAll(async () => server?.close());

async function token(role: Role, world: World = mine): Promise<string> {
  return (await issueSession(server.services, world.users[role], 'password')).accessToken;
}
const api = {
  get: async (path: string, role: Role, world?: World) =>
    server.api.get(`/api/v1${path}`, await token(role, world)),
  post: async (path: string, body: unknown, role: Role, world?: World) =>
    server.api.post(`/api/v1${path}`, body, await token(role, world)),
};

async function photo(role: Role): Promise<string> {
  const res = await server.api.request('POST', '/api/v1/files?name=%E7%8E%B0%E5%9C%BA.jpg', {
    token: await token(role),
    raw: JPEG,
    contentType: 'image/jpeg',
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function outbox(instanceId: string) {
  const rows = await server.services.db
    .select()
    .from(wfOutbox)
    .where(sql`${wfOutbox.payload}->>'instanceId' = ${instanceId}`);
  return rows.map((r) => ({ kind: r.kind, ...r.payload }) as Record<string, any>);
}

/** what `role` finds in their in-app inbox once the dispatcher has delivered the outbox */
async function inbox(role: Role): Promise<{ title: string; link: string | null }[]> {
  await server.services.notify.dispatcher.drain();
  const res = await api.get('/notifications?pageSize=200', role);
  expect(res.status).toBe(200);
  return res.body.items;
}

async function openTasks(instanceId: string) {
  const page = await server.services.workflow.store.queryTasks({
    instanceId,
    status: 'open',
    limit: 20,
    offset: 0,
  });
  return page.items;
}

async function eventCount() {
  const [row] = await server.services.db.select({ n: sql<number>`count(*)::int` }).from(communityEvents);
  return row!.n;
}

async function timelineKinds(instanceId: string, role: Role = 'community_admin') {
  const res = await api.get(`/instances/${instanceId}/timeline`, role);
  expect(res.status).toBe(200);
  return res.body.entries as {
    kind: string;
    comment: string | null;
    fileIds: string[];
    activityName: string;
  }[];
}

describe('the closed loop', () => {
  it('patrol report → classify → grid worker handles with photos → feedback and rating → closed', async () => {
    const before = await photo('grid_worker');
    const reported = await api.post(
      '/events',
      {
        description: '5号楼一单元楼道堆放大量纸箱和旧家具，堵塞疏散通道',
        photoFileIds: [before],
        location: IN_GRID1,
      },
      'grid_worker',
    );
    expect(reported.status).toBe(201);
    const e = reported.body;
    expect(e).toMatchObject({
      source: 'patrol',
      state: 'classifying',
      gridId: mine.ids.grid,
      category: null,
    });
    expect(e.location).toEqual({ lat: 36.2, lng: 117.1 });

    // classification is the grid's and the community's work: both are told
    const [classify] = await openTasks(e.instanceId);
    expect(classify).toMatchObject({ activityId: 'Task_Classify' });
    expect(classify!.candidateGroups).toEqual(['grid_worker', 'community_admin']);
    expect(
      (await outbox(e.instanceId)).some((r) => r.kind === 'task.created' && r.taskId === classify!.id),
    ).toBe(true);
    const classified = await api.post(
      `/events/${e.id}/classify`,
      { category: 'fire_hazard', comment: '楼道堆物，属消防隐患' },
      'community_admin',
    );
    expect(classified.status).toBe(200);
    expect(classified.body).toMatchObject({
      state: 'dispatched',
      target: 'grid_worker',
      category: { code: 'fire_hazard', name: '消防隐患' },
    });
    // 消防隐患: 4 hours
    expect(new Date(classified.body.dueAt).getTime()).toBe(clock.now.getTime() + 4 * HOUR);

    const [handleTask] = await openTasks(e.instanceId);
    expect(handleTask).toMatchObject({ activityId: 'Task_Handle', candidateGroups: ['grid_worker'] });
    expect(handleTask!.dueAt!.toISOString()).toBe(classified.body.dueAt);

    // the result needs a photo
    const noPhoto = await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'done', result: '已清理', photoFileIds: [] },
      'grid_worker',
    );
    expect(noPhoto.status).toBe(400);
    expect(JSON.stringify(noPhoto.body)).toContain('attach at least one photo');

    advance(2 * HOUR);
    const after = await photo('grid_worker');
    const handled = await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'done', result: '已联系住户清理楼道杂物，通道恢复畅通', photoFileIds: [after] },
      'grid_worker',
    );
    expect(handled.status).toBe(200);
    expect(handled.body).toMatchObject({ state: 'feedback', overdue: false, resultPhotoFileIds: [after] });

    // the reporter is told and asked to rate
    const notices = await outbox(e.instanceId);
    expect(notices).toContainEqual(
      expect.objectContaining({
        kind: 'notice',
        template: 'event.handled',
        recipients: [mine.users.grid_worker],
      }),
    );
    const [rateTask] = await openTasks(e.instanceId);
    expect(rateTask).toMatchObject({ activityId: 'Task_Rate', assignee: mine.users.grid_worker });

    const rated = await api.post(`/events/${e.id}/rate`, { rating: 5, comment: '处置及时' }, 'grid_worker');
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ state: 'closed', closeReason: 'rated', rating: 5 });
    for (const field of ['reportedAt', 'classifiedAt', 'dispatchedAt', 'handledAt', 'closedAt'])
      expect(rated.body[field]).toEqual(expect.any(String));
    expect(await openTasks(e.instanceId)).toEqual([]);

    // the timeline shows who did what, with the photos
    const entries = await timelineKinds(e.instanceId, 'grid_worker');
    const kinds = entries.map((x) => x.kind);
    for (const k of ['events.reported', 'events.dispatched', 'events.handled', 'instance.completed'])
      expect(kinds).toContain(k);
    expect(entries.find((x) => x.kind === 'events.reported')!.fileIds).toEqual([before]);
    expect(entries.find((x) => x.kind === 'events.handled')!.fileIds).toEqual([after]);
    // the case's files are readable by the community's staff
    const file = await server.api.get(`/api/v1/files/${after}`, await token('community_admin'));
    expect(file.status).toBe(200);
  });

  it('a resident’s report goes to the compound’s property company; the resident is told and rates', async () => {
    const shot = await photo('resident');
    const reported = await api.post(
      '/events',
      {
        category: 'sanitation',
        description: '单元门口垃圾桶三天没人清运，气味很大',
        photoFileIds: [shot],
        roomId: mine.ids.room,
      },
      'resident',
    );
    expect(reported.status).toBe(201);
    const e = reported.body;
    expect(e).toMatchObject({
      source: 'resident',
      state: 'dispatched',
      target: 'property',
      compoundId: mine.ids.compound,
      roomId: mine.ids.room,
    });
    const [task] = await openTasks(e.instanceId);
    expect(task).toMatchObject({ activityId: 'Task_Handle', candidateUsers: [mine.users.property_staff] });
    const notices = await outbox(e.instanceId);
    expect(notices).toContainEqual(
      expect.objectContaining({ kind: 'task.created', candidateUsers: [mine.users.property_staff] }),
    );
    expect(notices).toContainEqual(
      expect.objectContaining({
        template: 'event.dispatched',
        recipients: [mine.users.resident],
        link: `/pages/events/detail?id=${e.id}`,
      }),
    );

    // the grid worker sees it but it is not theirs to handle
    expect((await api.get(`/events/${e.id}`, 'grid_worker')).status).toBe(200);
    const notTheirs = await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'send_back', reason: '试图处理' },
      'grid_worker',
    );
    expect(notTheirs.status).toBe(403);

    const result = await photo('property_staff');
    const handled = await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'done', result: '保洁已清运垃圾并消毒', photoFileIds: [result] },
      'property_staff',
    );
    expect(handled.status).toBe(200);

    // the resident must act next: their rating task is announced to them
    expect(await outbox(e.instanceId)).toContainEqual(
      expect.objectContaining({ kind: 'task.created', name: '评价', assignee: mine.users.resident }),
    );
    // the resident sees their own events, the result, and rates
    const own = await api.get('/events', 'resident');
    expect(own.body.items.map((x: { id: string }) => x.id)).toContain(e.id);
    // 您上报的事件已处置，请评价 opens the event, where the resident rates it
    expect((await inbox('resident')).find((n) => n.title === '您上报的事件已处置，请评价')).toMatchObject({
      link: `/pages/events/detail?id=${e.id}`,
    });
    const read = await api.get(`/events/${e.id}`, 'resident');
    expect(read.body).toMatchObject({ state: 'feedback', result: '保洁已清运垃圾并消毒' });
    expect(read.body.caller).toBeUndefined();
    const rated = await api.post(`/events/${e.id}/rate`, { rating: 4, comment: '比较及时' }, 'resident');
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ state: 'closed', rating: 4, ratingComment: '比较及时' });
    expect(await outbox(e.instanceId)).toContainEqual(
      expect.objectContaining({ template: 'event.closed', recipients: [mine.users.property_staff] }),
    );
    const entries = await timelineKinds(e.instanceId, 'resident');
    const kinds = entries.map((x) => x.kind);
    expect(kinds).toContain('events.handled');
    // dispatched by its category as the case started: the timeline still opens with the report
    expect(kinds.indexOf('events.reported')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('events.reported')).toBeLessThan(kinds.indexOf('events.dispatched'));
  });

  it('a street department handles its category; a wrong dispatch is sent back and dispatched again', async () => {
    const reported = await api.post(
      '/events',
      {
        category: 'illegal_construction',
        description: '2号楼前绿地有人用彩钢板搭建棚房',
        location: IN_GRID1,
      },
      'grid_worker',
    );
    expect(reported.status).toBe(201);
    const e = reported.body;
    expect(e).toMatchObject({ state: 'dispatched', target: 'street' });
    const [task] = await openTasks(e.instanceId);
    expect(task).toMatchObject({ activityId: 'Task_Handle', candidateGroups: ['street_admin'] });

    // 5 working days from Monday 09:00
    expect(e.dueAt).toBeTruthy();
    // the street sends it back: not construction, a stall
    const back = await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'send_back', reason: '现场核实为临时摊位，非违建' },
      'street_admin',
    );
    expect(back.status).toBe(200);
    expect(back.body.state).toBe('classifying');
    const [again] = await openTasks(e.instanceId);
    expect(again).toMatchObject({ activityId: 'Task_Classify' });
    const re = await api.post(`/events/${e.id}/classify`, { category: 'street_vending' }, 'grid_worker');
    expect(re.body).toMatchObject({
      state: 'dispatched',
      target: 'grid_worker',
      category: { code: 'street_vending' },
    });

    // a street department named by the category (an admin's own category for the street)
    const created = await api.post(
      '/event-categories',
      {
        code: 'ad_signs',
        name: '违规广告牌',
        target: 'street',
        handlerOrgUnitId: mine.ids.street,
        limitValue: 3,
        limitUnit: 'working_days',
      },
      'street_admin',
    );
    expect(created.status).toBe(201);
    const signs = await api.post(
      '/events',
      { category: 'ad_signs', description: '沿街商铺私设大型广告牌', location: IN_GRID1 },
      'grid_worker',
    );
    const [signTask] = await openTasks(signs.body.instanceId);
    expect(signTask!.candidateUsers).toEqual([mine.users.street_admin]);
    const result = await photo('street_admin');
    const done = await api.post(
      `/events/${signs.body.id}/handle`,
      { outcome: 'done', result: '已责令商户拆除广告牌', photoFileIds: [result] },
      'street_admin',
    );
    expect(done.status).toBe(200);
  });

  it('escalates an overdue event to the community, then to the street (督办)', async () => {
    const reported = await api.post(
      '/events',
      { category: 'fire_hazard', description: '地下车库电动车飞线充电', location: IN_GRID1 },
      'grid_worker',
    );
    const e = reported.body;
    const { worker } = server.services.workflow;

    advance(3 * HOUR);
    await worker.poll();
    expect((await api.get(`/events/${e.id}`, 'community_admin')).body).toMatchObject({
      overdue: false,
      overdueLevel: 0,
    });

    advance(1.5 * HOUR); // past the 4-hour limit
    await worker.poll();
    const late = (await api.get(`/events/${e.id}`, 'community_admin')).body;
    expect(late).toMatchObject({ overdue: true, overdueLevel: 1, state: 'dispatched' });
    let notices = await outbox(e.instanceId);
    expect(notices).toContainEqual(
      expect.objectContaining({
        template: 'event.overdue',
        recipients: [mine.users.community_admin],
        data: { level: 1 },
      }),
    );
    expect(notices).toContainEqual(
      expect.objectContaining({ template: 'event.urged', recipients: [mine.users.grid_worker] }),
    );
    const overdueList = await api.get('/events?overdue=true', 'community_admin');
    expect(overdueList.body.items.map((x: { id: string }) => x.id)).toContain(e.id);

    advance(4 * HOUR); // twice the limit
    await worker.poll();
    expect((await api.get(`/events/${e.id}`, 'street_admin')).body.overdueLevel).toBe(2);
    notices = await outbox(e.instanceId);
    expect(notices).toContainEqual(
      expect.objectContaining({ template: 'event.overdue', recipients: [mine.users.street_admin] }),
    );
    const entries = await timelineKinds(e.instanceId);
    expect(entries.filter((x) => x.kind === 'events.supervised')).toHaveLength(2);
    // the task is still the grid worker's; handling late closes the loop and stays counted as overdue
    const shot = await photo('grid_worker');
    const handled = await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'done', result: '已拆除飞线，劝导车主到充电桩充电', photoFileIds: [shot] },
      'grid_worker',
    );
    expect(handled.body).toMatchObject({ state: 'feedback', overdue: true });
  });

  it('files a 12345 ticket once however often it is posted, and records the reply for the hotline', async () => {
    const ticket = {
      ticketNo: 'TA20260302-0042',
      description: '市民来电：甲家园南门外每晚有烧烤摊占道经营，油烟扰民',
      callerName: '王先生',
      callerPhone: '13905381234',
      orgUnitId: mine.ids.grid,
    };
    const first = await api.post('/events/hotline', ticket, 'community_admin');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      source: 'hotline',
      hotlineTicketNo: 'TA20260302-0042',
      state: 'classifying',
      caller: { name: '王先生', phoneMasked: '139****1234' },
    });
    expect(JSON.stringify(first.body)).not.toContain('13905381234');
    const count = await eventCount();
    const again = await api.post('/events/hotline', ticket, 'community_admin');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await eventCount()).toBe(count);
    const replyBefore = await api.get(`/hotline-tickets/${ticket.ticketNo}`, 'community_admin');
    expect(replyBefore.body).toMatchObject({ status: 'pending', reply: null });

    const e = first.body;
    await api.post(`/events/${e.id}/classify`, { category: 'street_vending' }, 'grid_worker');
    const shot = await photo('grid_worker');
    const handled = await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'done', result: '已联合城管劝离烧烤摊，并约谈摊主', photoFileIds: [shot] },
      'grid_worker',
    );
    expect(handled.body).toMatchObject({ state: 'closed', closeReason: 'hotline_replied' });
    expect(await openTasks(e.instanceId)).toEqual([]);
    const reply = await api.get(`/hotline-tickets/${ticket.ticketNo}`, 'community_admin');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'resolved', eventId: e.id, state: 'closed' });
    expect(reply.body.reply).toContain('已联合城管劝离烧烤摊');
    expect(reply.body.reply).toContain('TA20260302-0042');
    const bySource = await api.get('/events?source=hotline', 'street_admin');
    expect(bySource.body.items.map((x: { id: string }) => x.id)).toEqual([e.id]);
  });

  it('converts a repair and a dispute into their processes, once, keeping the link', async () => {
    const shot = await photo('resident');
    const repair = await api.post(
      '/events',
      {
        category: 'facility_damage',
        description: '单元门禁坏了，刷卡没有反应',
        photoFileIds: [shot],
        roomId: mine.ids.room,
      },
      'resident',
    );
    expect(repair.status).toBe(201);
    expect(repair.body).toMatchObject({
      state: 'converted',
      convertedTo: 'repair',
      closeReason: 'converted',
      convertedCaseId: expect.any(String),
      convertedInstanceId: expect.any(String),
    });
    expect(await openTasks(repair.body.instanceId)).toEqual([]);
    expect(await outbox(repair.body.instanceId)).toContainEqual(
      expect.objectContaining({ template: 'event.converted', recipients: [mine.users.resident] }),
    );
    // the notice says to follow it in the repair: it opens the repair, which the reporter may read
    expect((await inbox('resident')).find((n) => n.title === '您上报的事件已转为物业报修')).toMatchObject({
      link: `/pages/repair/detail?id=${repair.body.convertedCaseId}`,
    });
    expect((await api.get(`/repairs/${repair.body.convertedCaseId}`, 'resident')).status).toBe(200);
    const entries = await timelineKinds(repair.body.instanceId, 'resident');
    expect(entries.find((x) => x.kind === 'events.converted')!.comment).toBe('已转为物业报修');

    // the conversion step run again (a crash before its commit) makes no second case
    const handlers = eventHandlers(server.services);
    const rerun = await handlers['events.to_repair']!({
      key: 'rerun',
      instanceId: repair.body.instanceId,
      activityId: 'Service_ToRepair',
      businessKey: null,
      variables: { eventId: repair.body.id },
      input: {},
    });
    expect(rerun).toEqual({ convertedCaseId: repair.body.convertedCaseId });

    // the repair knows the event it came from
    const [order] = await server.services.db
      .select()
      .from(repairOrders)
      .where(eq(repairOrders.id, repair.body.convertedCaseId));
    expect(order).toMatchObject({ eventId: repair.body.id, instanceId: repair.body.convertedInstanceId });
    expect(await openTasks(repair.body.convertedInstanceId)).not.toEqual([]);

    const dispute = await api.post(
      '/events',
      { category: 'neighbour_dispute', description: '楼上楼下因漏水赔偿争执不下', location: IN_GRID1 },
      'grid_worker',
    );
    expect(dispute.body).toMatchObject({ state: 'converted', convertedTo: 'dispute' });
    const [registered] = await server.services.db
      .select()
      .from(disputes)
      .where(eq(disputes.id, dispute.body.convertedCaseId));
    expect(registered).toMatchObject({
      eventId: dispute.body.id,
      eventInstanceId: dispute.body.instanceId,
      instanceId: dispute.body.convertedInstanceId,
    });

    // a dispute is not the property company's to read; the community's staff read it
    expect((await api.get(`/events/${dispute.body.id}`, 'property_staff')).status).toBe(404);
    const propertyList = await api.get('/events?pageSize=200', 'property_staff');
    expect(propertyList.body.items.map((x: { id: string }) => x.id)).not.toContain(dispute.body.id);
    expect(propertyList.body.items.map((x: { id: string }) => x.id)).toContain(repair.body.id);
    expect((await api.get(`/events/${dispute.body.id}`, 'grid_worker')).status).toBe(200);

    // a resident's own 邻里纠纷 is confirmed by the grid before it becomes a dispute case
    const fromResident = await api.post(
      '/events',
      {
        category: 'neighbour_dispute',
        description: '隔壁邻居长期在楼道堆放杂物，沟通无果',
        roomId: mine.ids.room,
      },
      'resident',
    );
    expect(fromResident.body).toMatchObject({ state: 'classifying', convertedCaseId: null });
    const [confirm] = await openTasks(fromResident.body.instanceId);
    expect(confirm).toMatchObject({ activityId: 'Task_Classify' });
    const confirmed = await api.post(
      `/events/${fromResident.body.id}/classify`,
      { category: 'neighbour_dispute', comment: '核实为邻里纠纷，转调解' },
      'grid_worker',
    );
    expect(confirmed.body).toMatchObject({ state: 'converted', convertedTo: 'dispute' });
    // the resident is its applicant: 您上报的事件已转为矛盾调解 opens the dispute, which they may read
    expect(await outbox(fromResident.body.instanceId)).toContainEqual(
      expect.objectContaining({
        template: 'event.converted',
        recipients: [mine.users.resident],
        link: `/pages/dispute/detail?id=${confirmed.body.convertedCaseId}`,
      }),
    );
    expect((await api.get(`/disputes/${confirmed.body.convertedCaseId}`, 'resident')).status).toBe(200);
    const notes = await timelineKinds(fromResident.body.instanceId, 'resident');
    expect(notes.find((x) => x.kind === 'events.convert_failed')!.comment).toContain('网格员或社区确认');
    const list = await api.get('/events?state=converted', 'community_admin');
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining([repair.body.id, dispute.body.id]),
    );
  });

  it('closes as satisfied when the reporter does not rate within 3 days', async () => {
    const e = (
      await api.post(
        '/events',
        { category: 'noise', description: '楼下商铺音响声音太大，晚上十点后仍未停止', roomId: mine.ids.room },
        'resident',
      )
    ).body;
    const shot = await photo('grid_worker');
    await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'done', result: '已上门劝导商户调低音量并限定营业时间', photoFileIds: [shot] },
      'grid_worker',
    );
    advance(2 * 24 * HOUR);
    await server.services.workflow.worker.poll();
    expect((await api.get(`/events/${e.id}`, 'resident')).body.state).toBe('feedback');
    advance(1 * 24 * HOUR + 60_000);
    await server.services.workflow.worker.poll();
    const closed = (await api.get(`/events/${e.id}`, 'resident')).body;
    expect(closed).toMatchObject({ state: 'closed', closeReason: 'no_rating', rating: null });
    const late = await api.post(`/events/${e.id}/rate`, { rating: 3 }, 'resident');
    expect(late.status).toBe(409);
  });
});

describe('a new version of the diagram', () => {
  it('keeps running cases on v1 and starts new ones on v2 (no-rating limit 3 → 7 days)', async () => {
    const v1Case = (
      await api.post(
        '/events',
        { category: 'other', description: '小区健身器材螺丝松动', roomId: mine.ids.room },
        'resident',
      )
    ).body;
    const v1Photo = await photo('grid_worker');
    await api.post(
      `/events/${v1Case.id}/handle`,
      { outcome: 'done', result: '已紧固螺丝', photoFileIds: [v1Photo] },
      'grid_worker',
    );

    const xml = (await readBundledProcess('community-event.bpmn')).replace(
      /<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P3D<\/bpmn:timeDuration>/,
      '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P7D</bpmn:timeDuration>',
    );
    const v2 = await server.api.request('POST', '/api/v1/definitions', {
      token: await token('community_admin'),
      raw: xml.replace('name="3天未评价"', 'name="7天未评价"'),
      contentType: 'application/xml',
    });
    expect(v2.status).toBe(201);
    expect(v2.body.definition.version).toBe(2);

    const v2Case = (
      await api.post(
        '/events',
        { category: 'other', description: '楼道灯不亮', roomId: mine.ids.room },
        'resident',
      )
    ).body;
    const v2Photo = await photo('grid_worker');
    await api.post(
      `/events/${v2Case.id}/handle`,
      { outcome: 'done', result: '已更换灯泡', photoFileIds: [v2Photo] },
      'grid_worker',
    );

    advance(3 * 24 * HOUR + 60_000);
    await server.services.workflow.worker.poll();
    expect((await api.get(`/events/${v1Case.id}`, 'resident')).body.state).toBe('closed');
    expect((await api.get(`/events/${v2Case.id}`, 'resident')).body.state).toBe('feedback');
    advance(4 * 24 * HOUR);
    await server.services.workflow.worker.poll();
    expect((await api.get(`/events/${v2Case.id}`, 'resident')).body).toMatchObject({
      state: 'closed',
      closeReason: 'no_rating',
    });
  });
});

describe('bad input changes nothing', () => {
  it('refuses an unknown category, bad coordinates, too many photos, a place outside the community', async () => {
    const count = await eventCount();
    const unknown = await api.post('/events', { category: 'ufo', description: '不明飞行物' }, 'resident');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('Unknown event category "ufo"');

    const badLat = await api.post(
      '/events',
      { category: 'noise', description: '噪音', location: { lat: 123.4, lng: 117.1 } },
      'grid_worker',
    );
    expect(badLat.status).toBe(400);
    expect(JSON.stringify(badLat.body)).toContain('latitude');

    const photos = await Promise.all(Array.from({ length: 10 }, () => photo('resident')));
    const tooMany = await api.post(
      '/events',
      { category: 'sanitation', description: '垃圾满溢', photoFileIds: photos },
      'resident',
    );
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('at most 9 photos');

    const outside = await api.post(
      '/events',
      { category: 'sanitation', description: '别的小区门口垃圾很多', location: IN_OTHER_WORLD },
      'resident',
    );
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toContain('outside your community');

    const notMyRoom = await api.post(
      '/events',
      { category: 'noise', description: '隔壁装修噪音', roomId: mine.ids.spareRoom },
      'resident',
    );
    expect(notMyRoom.status).toBe(403);

    const someoneElsesPhoto = await photo('grid_worker');
    const foreignPhoto = await api.post(
      '/events',
      { category: 'noise', description: '噪音', photoFileIds: [someoneElsesPhoto] },
      'resident',
    );
    expect(foreignPhoto.status).toBe(400);

    const noTicket = await api.post('/events/hotline', { description: '来电' }, 'community_admin');
    expect(noTicket.status).toBe(400);
    const residentTicket = await api.post(
      '/events/hotline',
      { ticketNo: 'TA-0001', description: '来电反映' },
      'resident',
    );
    expect(residentTicket.status).toBe(403);
    expect(await eventCount()).toBe(count);
  });

  it('refuses a rating outside 1–5 and a rating by anyone but the reporter', async () => {
    const e = (
      await api.post(
        '/events',
        { category: 'other', description: '小区路面有坑洼', roomId: mine.ids.room },
        'resident',
      )
    ).body;
    const shot = await photo('grid_worker');
    await api.post(
      `/events/${e.id}/handle`,
      { outcome: 'done', result: '已填平坑洼', photoFileIds: [shot] },
      'grid_worker',
    );
    for (const rating of [0, 6, 3.5]) {
      const res = await api.post(`/events/${e.id}/rate`, { rating }, 'resident');
      expect(res.status).toBe(400);
    }
    const byAdmin = await api.post(`/events/${e.id}/rate`, { rating: 5 }, 'community_admin');
    expect(byAdmin.status).toBe(403);
    const now = (await api.get(`/events/${e.id}`, 'resident')).body;
    expect(now).toMatchObject({ state: 'feedback', rating: null });
    // a poor rating closes the event and asks the community to follow up
    const poor = await api.post(`/events/${e.id}/rate`, { rating: 1, comment: '坑没填平' }, 'resident');
    expect(poor.body).toMatchObject({ state: 'closed', rating: 1 });
    expect(await outbox(e.instanceId)).toContainEqual(
      expect.objectContaining({ template: 'event.poor_rating', recipients: [mine.users.community_admin] }),
    );
  });

  it('lets admins configure categories of their own area only', async () => {
    const created = await api.post(
      '/event-categories',
      { code: 'sanitation', name: '环境卫生', target: 'grid_worker', limitValue: 12, limitUnit: 'hours' },
      'community_admin',
    );
    expect(created.status).toBe(201);
    // the community's override wins over the default for its events
    const cats = await api.get('/event-categories', 'resident');
    const sanitation = cats.body.items.filter((c: { code: string }) => c.code === 'sanitation');
    expect(sanitation).toHaveLength(1);
    expect(sanitation[0]).toMatchObject({ target: 'grid_worker', limitValue: 12, id: created.body.id });
    // another district does not see it and cannot change it
    const theirs = await api.get('/event-categories', 'resident', other);
    expect(theirs.body.items.find((c: { id: string }) => c.id === created.body.id)).toBeUndefined();
    const foreign = await server.api.patch(
      `/api/v1/event-categories/${created.body.id}`,
      { limitValue: 1 },
      await token('community_admin', other),
    );
    expect(foreign.status).toBe(404);
    const byWorker = await api.post(
      '/event-categories',
      { code: 'x_thing', name: '某事', target: 'grid_worker', limitValue: 1, limitUnit: 'hours' },
      'grid_worker',
    );
    expect(byWorker.status).toBe(403);
    const badTarget = await api.post(
      '/event-categories',
      { code: 'y_thing', name: '某事', target: 'police', limitValue: 1, limitUnit: 'hours' },
      'community_admin',
    );
    expect(badTarget.status).toBe(400);
    // back to the default for the tests after this one
    await server.api.patch(
      `/api/v1/event-categories/${created.body.id}`,
      { active: false },
      await token('community_admin'),
    );
  });
});

describe('scope', () => {
  it('another district cannot see or work an event', async () => {
    const e = (
      await api.post('/events', { description: '路灯不亮，夜间行走不便', location: IN_GRID1 }, 'grid_worker')
    ).body;
    for (const role of ['community_admin', 'street_admin', 'district_admin', 'grid_worker'] as Role[]) {
      expect((await api.get(`/events/${e.id}`, role, other)).status).toBe(404);
      const list = await api.get('/events?pageSize=200', role, other);
      expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(e.id);
      const classify = await api.post(`/events/${e.id}/classify`, { category: 'other' }, role, other);
      expect(classify.status).toBe(404);
    }
    // nor another resident, nor a technician
    expect((await api.get(`/events/${e.id}`, 'resident')).status).toBe(404);
    expect((await api.get(`/instances/${e.instanceId}/timeline`, 'volunteer')).status).toBe(404);
    const listed = await api.get('/events?source=patrol&state=classifying', 'grid_worker');
    expect(listed.body.items.map((x: { id: string }) => x.id)).toContain(e.id);
    const filtered = await api.get('/events?category=noise', 'grid_worker');
    expect(
      filtered.body.items.every((x: { category: { code: string } }) => x.category.code === 'noise'),
    ).toBe(true);
    expect((await api.get(`/events/${e.id}`, 'technician')).status).toBe(403);
    expect((await api.get(`/instances/${e.instanceId}/timeline`, 'community_admin', other)).status).toBe(404);
  });
});
