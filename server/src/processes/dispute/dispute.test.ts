// Dispute mediation end to end, over HTTP as the real roles: registration (resident, grid worker, hotline,
// converted event), acceptance or rejection with referral, the 1-working-day acceptance limit escalating to
// the community admin (督办), repeated sessions, the agreement document and the parties' signatures, the
// 30-day follow-up timer, referrals to the street or the court with the case record, who sees what (and the
// audit of staff reads), bad input, and a v2 diagram deployed while a v1 case runs.
import { and, eq, sql } from 'drizzle-orm';
import { issueSession } from '../../auth/tokens.js';
import { auditLog, residents, roleAssignments, users, wfOutbox } from '../../db/schema.js';
import { loadPrincipal } from '../../policy/principal.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, TEST_PASSWORD_HASH, type World } from '../../testing/world.js';
import { readBundledProcess } from '../deploy.js';
import { registerDisputeFromEvent } from './convert.js';
import { disputeParties, disputes } from './schema.js';

const DAY = 86_400_000;
const clock = { now: new Date('2026-06-01T01:00:00.000Z') }; // Monday 09:00 in China
const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

let server: TestServer;
let mine: World;
let other: World;
/** a grid worker of the same grid who does not mediate the cases */
let otherGridWorker: string;
/** a committee member (a resident volunteering as 调解员) */
let committeeMember: string;
/** a resident with an account who is not a party */
let bystander: string;
/** the volunteer's account is bound to a resident; naming that resident's phone makes them a party user */
let partyPhone: string;

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

async function tokenOf(userId: string): Promise<string> {
  // tokens are checked against the test clock: mint one at the current time
  return (await issueSession(server.services, userId, 'password')).accessToken;
}
const as = (role: Role, world = mine) => tokenOf(world.users[role]);

async function addUser(name: string, role: Role | null, orgUnitId: string | null, residentId?: string) {
  const [u] = await server.services.db
    .insert(users)
    .values({
      displayName: name,
      username: `${name}.${Math.random().toString(36).slice(2, 8)}`,
      passwordHash: TEST_PASSWORD_HASH,
      residentId: residentId ?? null,
    })
    .returning();
  if (role && orgUnitId)
    await server.services.db.insert(roleAssignments).values({ userId: u!.id, role, orgUnitId });
  return u!.id;
}

async function upload(userId: string, name = '签名.png') {
  const res = await server.api.request('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, {
    token: await tokenOf(userId),
    raw: PNG,
    contentType: 'image/png',
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const neighbourDispute = (extra: Record<string, unknown> = {}) => ({
  title: '楼上漏水邻里纠纷',
  description: '楼上卫生间漏水浸湿我家天花板和墙面，多次上门沟通未果，请社区出面调解。',
  category: 'neighbour',
  parties: [{ name: '甲志愿者', role: 'respondent', phone: partyPhone, address: '1号楼1单元201室' }],
  ...extra,
});

async function register(body: unknown, userId = mine.users.resident) {
  const res = await server.api.post('/api/v1/disputes', body, await tokenOf(userId));
  expect(res.status).toBe(201);
  return res.body;
}

async function accept(id: string, by = committeeMember, mediator = mine.users.grid_worker) {
  const res = await server.api.post(
    `/api/v1/disputes/${id}/acceptance`,
    {
      decision: 'accept',
      category: 'neighbour',
      mediatorUserId: mediator,
      comment: '属于邻里纠纷，予以受理',
    },
    await tokenOf(by),
  );
  expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({
    status: 200,
    body: null,
  });
  return res.body;
}

async function session(id: string, n: number, shareWithParties = false, by = mine.users.grid_worker) {
  return server.api.post(
    `/api/v1/disputes/${id}/sessions`,
    {
      heldAt: new Date(clock.now.getTime() - 3_600_000).toISOString(),
      place: '凤凰社区人民调解室',
      attendees: ['甲业主', '甲志愿者', '物业维修员'],
      notes: `第${n}次调解：双方陈述漏水经过，物业检测确认为201室防水层老化。`,
      shareWithParties,
    },
    await tokenOf(by),
  );
}

async function openTasks(instanceId: string) {
  return (
    await server.services.workflow.store.queryTasks({ instanceId, status: 'open', limit: 20, offset: 0 })
  ).items;
}

async function outbox(instanceId: string) {
  const rows = await server.services.db.select().from(wfOutbox);
  return rows.filter((r) => (r.payload as { instanceId?: string }).instanceId === instanceId);
}

/** what the holder of `token` finds in their in-app inbox once the dispatcher has delivered the outbox */
async function inbox(token: string): Promise<{ title: string; link: string | null }[]> {
  await server.services.notify.dispatcher.drain();
  const res = await server.api.get('/api/v1/notifications?pageSize=200', token);
  expect(res.status).toBe(200);
  return res.body.items;
}

async function disputeCount() {
  const [row] = await server.services.db.select({ n: sql<number>`count(*)::int` }).from(disputes);
  return row!.n;
}

beforeAll(async () => {
  server = await createTestServer({}, { now: () => clock.now });
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  partyPhone = mine.secrets.phones[2]!; // the volunteer's resident record
  otherGridWorker = await addUser('甲网格员二', 'grid_worker', mine.ids.grid!);
  // a committee member who is a resident of the community (no staff grant)
  committeeMember = await addUser('甲调解员', null, null, mine.ids.familyMember);
  bystander = await addUser('甲邻居', null, null, mine.ids.pendingResident);

  // the admin deploys the bundled diagram and names the committee
  const deploy = await server.api.request('POST', '/api/v1/definitions', {
    token: await as('community_admin'),
    raw: await readBundledProcess('dispute-mediation.bpmn'),
    contentType: 'application/xml',
  });
  expect([200, 201]).toContain(deploy.status);
  expect(deploy.body.definition.processId).toBe('dispute_mediation');
  const add = await server.api.post(
    '/api/v1/dispute-committee',
    { communityId: mine.ids.community, userId: committeeMember, title: '主任' },
    await as('community_admin'),
  );
  expect(add.status).toBe(201);
});
afterAll(async () => server?.close());

describe('registration', () => {
  it('a resident registers against a neighbour: the phone is sealed, masked, and links the neighbour’s account', async () => {
    const photo = await upload(mine.users.resident, '漏水照片.png');
    const d = await register(neighbourDispute({ fileIds: [photo] }));
    expect(d).toMatchObject({
      status: 'registered',
      source: 'resident',
      viewAs: 'party',
      category: 'neighbour',
    });
    expect(d.caseNo).toMatch(/^甲调〔2026〕\d{4}号$/);
    expect(d.parties.map((p: { role: string }) => p.role)).toEqual(['applicant', 'respondent']);
    // the resident sees their own contact masked, not the neighbour's
    expect(d.parties[0].phoneMasked).toMatch(/^139\*{4}\d{4}$/);
    expect(d.parties[1].phoneMasked).toBeUndefined();
    expect(JSON.stringify(d)).not.toContain(partyPhone);

    const [row] = await server.services.db
      .select()
      .from(disputeParties)
      .where(and(eq(disputeParties.disputeId, d.id), eq(disputeParties.role, 'respondent')));
    expect(row!.phoneEnc).not.toContain(partyPhone);
    expect(server.services.vault.decrypt(row!.phoneEnc!)).toBe(partyPhone);
    expect(row!.userId).toBe(mine.users.volunteer);

    // who must act next: the committee, told through the outbox
    const created = (await outbox(d.instanceId)).find((r) => r.kind === 'task.created');
    expect(created!.payload).toMatchObject({ name: '分类受理', candidateUsers: [committeeMember] });

    // the case's variables carry no name, phone or description
    const instance = await server.services.workflow.store.getInstance(d.instanceId);
    const vars = JSON.stringify(instance!.variables);
    for (const secret of [partyPhone, '甲志愿者', '漏水浸湿']) expect(vars).not.toContain(secret);
    expect(instance!.orgPath).toBeNull();
  });

  it('a grid worker registers for residents, and a hotline call is entered with its ticket number', async () => {
    const byGrid = await register(
      neighbourDispute({ orgUnitId: mine.ids.grid, parties: [{ name: '李某' }, { name: '赵某' }] }),
      mine.users.grid_worker,
    );
    expect(byGrid).toMatchObject({ source: 'grid_worker', viewAs: 'registrant' });
    const hotline = await register(
      neighbourDispute({
        source: 'hotline',
        hotlineTicket: 'SD12345-20260601-0088',
        orgUnitId: mine.ids.community,
        category: 'labour',
        title: '装修工人讨要工钱',
      }),
      mine.users.community_admin,
    );
    expect(hotline).toMatchObject({
      source: 'hotline',
      hotlineTicket: 'SD12345-20260601-0088',
      viewAs: 'admin',
    });
  });

  it('a community event converts into a dispute, keeping the link', async () => {
    const p = (await loadPrincipal(server.services.db, mine.users.grid_worker))!;
    const { disputeId, instanceId } = await registerDisputeFromEvent(server.services, p, {
      eventId: 'evt-2026-0601-17',
      eventInstanceId: '00000000-0000-4000-8000-000000000017',
      orgPath: `/${mine.ids.district}/${mine.ids.street}/${mine.ids.community}/${mine.ids.grid}/`,
      summary: '楼道堆物引发邻里争吵',
      description: '网格巡查发现3楼住户楼道堆放杂物，与对门住户发生争吵。',
      reporterUserId: mine.users.resident,
    });
    const [row] = await server.services.db.select().from(disputes).where(eq(disputes.id, disputeId));
    expect(row).toMatchObject({ source: 'event', eventId: 'evt-2026-0601-17', instanceId });
    const parties = await server.services.db
      .select()
      .from(disputeParties)
      .where(eq(disputeParties.disputeId, disputeId));
    expect(parties).toEqual([expect.objectContaining({ role: 'applicant', name: '甲业主' })]);

    // converting the same event again (a re-run after a crash) makes no second dispute
    const again = await registerDisputeFromEvent(server.services, p, {
      eventId: 'evt-2026-0601-17',
      eventInstanceId: '00000000-0000-4000-8000-000000000017',
      orgPath: `/${mine.ids.district}/${mine.ids.street}/${mine.ids.community}/${mine.ids.grid}/`,
      summary: '楼道堆物引发邻里争吵',
      description: '网格巡查发现3楼住户楼道堆放杂物，与对门住户发生争吵。',
      reporterUserId: mine.users.resident,
    });
    expect(again).toEqual({ disputeId, instanceId });
    const linked = await server.services.db
      .select()
      .from(disputes)
      .where(eq(disputes.eventId, 'evt-2026-0601-17'));
    expect(linked).toHaveLength(1);
  });

  it('refuses bad registrations with a clear reason and stores nothing', async () => {
    const before = await disputeCount();
    const token = await as('resident');
    const noName = await server.api.post(
      '/api/v1/disputes',
      neighbourDispute({ parties: [{ phone: '13700000000' }] }),
      token,
    );
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toContain('parties.0.name');
    const badPhone = await server.api.post(
      '/api/v1/disputes',
      neighbourDispute({ parties: [{ name: '王某', phone: '12345' }] }),
      token,
    );
    expect(badPhone.status).toBe(400);
    const hotline = await server.api.post(
      '/api/v1/disputes',
      neighbourDispute({ source: 'hotline', orgUnitId: mine.ids.community }),
      await as('community_admin'),
    );
    expect(hotline.status).toBe(400);
    expect(JSON.stringify(hotline.body)).toContain('hotline ticket');
    const foreignFile = await upload(mine.users.grid_worker);
    const notMine = await server.api.post(
      '/api/v1/disputes',
      neighbourDispute({ fileIds: [foreignFile] }),
      token,
    );
    expect(notMine.status).toBe(400);
    expect(JSON.stringify(notMine.body)).toContain(foreignFile);
    const elsewhere = await server.api.post(
      '/api/v1/disputes',
      neighbourDispute({ orgUnitId: other.ids.grid }),
      await as('grid_worker'),
    );
    expect(elsewhere.status).toBe(404);
    const property = await server.api.post(
      '/api/v1/disputes',
      neighbourDispute({ orgUnitId: mine.ids.community }),
      await as('property_staff'),
    );
    expect(property.status).toBe(403);
    expect(await disputeCount()).toBe(before);
  });
});

describe('who sees a case', () => {
  let d: { id: string; instanceId: string };
  beforeAll(async () => {
    d = await register(neighbourDispute());
    await accept(d.id);
    expect((await session(d.id, 1)).status).toBe(201);
    expect((await session(d.id, 2, true)).status).toBe(201);
  });

  it('the parties see status and shared notes but not other parties’ contacts; the mediator sees all', async () => {
    const party = await server.api.get(`/api/v1/disputes/${d.id}`, await as('volunteer'));
    expect(party.status).toBe(200);
    expect(party.body).toMatchObject({
      viewAs: 'party',
      status: 'mediating',
      mediator: { id: mine.users.grid_worker },
    });
    const [applicant, respondent] = party.body.parties;
    expect(applicant.phoneMasked).toBeUndefined();
    expect(respondent.phoneMasked).toMatch(/\*{4}/);
    expect(party.body.sessions.map((x: { notes: string | null }) => x.notes === null)).toEqual([true, false]);

    const mediator = await server.api.get(`/api/v1/disputes/${d.id}`, await as('grid_worker'));
    expect(mediator.body.viewAs).toBe('mediator');
    expect(mediator.body.parties.every((x: { phoneMasked?: string }) => x.phoneMasked)).toBe(true);
    expect(mediator.body.sessions[0].notes).toContain('第1次调解');
    expect(JSON.stringify(mediator.body)).not.toContain(partyPhone);
  });

  it('other residents, other grid workers, property staff and another district do not see it', async () => {
    for (const [who, userId] of [
      ['bystander', bystander],
      ['grid worker who is not the mediator', otherGridWorker],
      ['property staff', mine.users.property_staff],
      ['technician', mine.users.technician],
      ['other district admin', other.users.community_admin],
    ] as const) {
      const token = await tokenOf(userId);
      const res = await server.api.get(`/api/v1/disputes/${d.id}`, token);
      expect({ who, denied: [403, 404].includes(res.status) }).toEqual({ who, denied: true });
      // nor through the generic case routes
      for (const path of [`/instances/${d.instanceId}`, `/instances/${d.instanceId}/timeline`]) {
        const generic = await server.api.get(`/api/v1${path}`, token);
        expect({ who, path, status: generic.status }).toEqual({ who, path, status: 404 });
      }
      const list = await server.api.get('/api/v1/disputes', token);
      expect(JSON.stringify(list.body)).not.toContain(d.id);
      const inbox = await server.api.get('/api/v1/tasks', token);
      expect(JSON.stringify(inbox.body)).not.toContain(d.instanceId);
    }
  });

  it('the mediator finds the case of a task by its instanceId; others find nothing', async () => {
    const mediator = await server.api.get(
      `/api/v1/disputes?instanceId=${d.instanceId}`,
      await as('grid_worker'),
    );
    expect(mediator.status).toBe(200);
    expect(mediator.body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect(mediator.body.total).toBe(1);
    const outsider = await server.api.get(
      `/api/v1/disputes?instanceId=${d.instanceId}`,
      await tokenOf(otherGridWorker),
    );
    expect(outsider.status).toBe(200);
    expect(outsider.body).toMatchObject({ items: [], total: 0 });
    const bad = await server.api.get('/api/v1/disputes?instanceId=not-an-id', await as('grid_worker'));
    expect(bad.status).toBe(400);
  });

  it('every staff read is audited; a party’s read of their own case is not', async () => {
    const count = async (userId: string) =>
      (
        await server.services.db
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.actorUserId, userId), eq(auditLog.targetId, d.id)))
      ).length;
    const before = await count(mine.users.community_admin);
    await server.api.get(`/api/v1/disputes/${d.id}`, await as('community_admin'));
    await server.api.get(`/api/v1/disputes/${d.id}`, await as('street_admin'));
    expect(await count(mine.users.community_admin)).toBe(before + 1);
    expect(await count(mine.users.street_admin)).toBe(1);
    const mediatorReads = await count(mine.users.grid_worker);
    await server.api.get(`/api/v1/disputes/${d.id}`, await as('grid_worker'));
    expect(await count(mine.users.grid_worker)).toBe(mediatorReads + 1);
    // a list read by staff is audited too, naming the cases it showed
    const listed = await server.api.get('/api/v1/disputes?status=mediating', await as('community_admin'));
    expect(listed.body.items.map((x: { id: string }) => x.id)).toContain(d.id);
    const [listEntry] = await server.services.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, mine.users.community_admin), eq(auditLog.action, 'dispute_list')));
    expect(listEntry!.fields).toContain(d.id);
    const partyBefore = await count(mine.users.volunteer);
    await server.api.get(`/api/v1/disputes/${d.id}`, await as('volunteer'));
    expect(await count(mine.users.volunteer)).toBe(partyBefore);
    // revealing a phone is audited with the reason
    const reveal = await server.api.post(
      `/api/v1/disputes/${d.id}/reveal`,
      {
        partyId: (await server.api.get(`/api/v1/disputes/${d.id}`, await as('grid_worker'))).body.parties[1]
          .id,
        reason: '电话通知调解时间',
      },
      await as('grid_worker'),
    );
    expect(reveal.body.phone).toBe(partyPhone);
    const [entry] = await server.services.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.actorUserId, mine.users.grid_worker), eq(auditLog.action, 'dispute_party_reveal')),
      );
    expect(entry!.reason).toBe('电话通知调解时间');
    // the party may not reveal the other side's number
    const partyReveal = await server.api.post(
      `/api/v1/disputes/${d.id}/reveal`,
      { partyId: reveal.body.partyId, reason: '想联系对方' },
      await as('volunteer'),
    );
    expect(partyReveal.status).toBe(403);
  });

  it('the registrant follows the case timeline, which says what happened but not what was said', async () => {
    const res = await server.api.get(`/api/v1/instances/${d.instanceId}/timeline`, await as('resident'));
    expect(res.status).toBe(200);
    const kinds = res.body.entries.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['dispute.registered', 'dispute.session']));
    // the case begins with its registration, before the acceptance step the start opened at the same moment
    expect(kinds[0]).toBe('dispute.registered');
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('opensCase');
    expect(text).toContain('第2次调解已记录');
    expect(text).not.toContain('防水层老化');
    expect(text).not.toContain(partyPhone);
    // the mediator and the other party read it through the dispute (the generic route does not reach them)
    for (const role of ['grid_worker', 'volunteer'] as const) {
      const own = await server.api.get(`/api/v1/disputes/${d.id}/timeline`, await as(role));
      expect(own.status).toBe(200);
      expect(own.body.entries.map((e: { kind: string }) => e.kind)).toContain('dispute.session');
    }
    const stranger = await server.api.get(
      `/api/v1/disputes/${d.id}/timeline`,
      await tokenOf(otherGridWorker),
    );
    expect(stranger.status).toBe(404);
  });
});

describe('agreement: document, signatures, the 30-day follow-up, close', () => {
  it('walks the agreement path', async () => {
    const d = await register(neighbourDispute());
    const early = await server.api.post(
      `/api/v1/disputes/${d.id}/sessions`,
      { heldAt: clock.now.toISOString(), place: '调解室', attendees: ['甲业主'], notes: '尚未受理' },
      await as('grid_worker'),
    );
    expect(early.status).toBe(404); // not their case yet
    await accept(d.id);
    const noSession = await server.api.post(
      `/api/v1/disputes/${d.id}/outcome`,
      { outcome: 'agreement', terms: ['赔偿800元'] },
      await as('grid_worker'),
    );
    expect(noSession.status).toBe(409);
    for (const n of [1, 2, 3]) expect((await session(d.id, n)).status).toBe(201);

    const agreed = await server.api.post(
      `/api/v1/disputes/${d.id}/outcome`,
      {
        outcome: 'agreement',
        terms: [
          '甲志愿者于2026年6月10日前修复201室卫生间防水层。',
          '甲志愿者一次性赔偿甲业主天花板修复费用800元。',
        ],
      },
      await as('grid_worker'),
    );
    expect(agreed.status).toBe(200);
    expect(agreed.body).toMatchObject({ status: 'signing', outcome: 'agreement' });
    expect(agreed.body.sessions).toHaveLength(3);
    const fileId = agreed.body.agreementFileId;
    expect(fileId).toBeTruthy();

    // the agreement, generated from the case, is readable by the parties
    const doc = await server.api.get(`/api/v1/disputes/${d.id}/file?fileId=${fileId}`, await as('volunteer'));
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toContain('text/html');
    for (const text of [
      '人民调解协议书',
      d.caseNo,
      '甲业主',
      '甲志愿者',
      '赔偿甲业主天花板修复费用800元',
      '甲社区人民调解委员会',
    ])
      expect(doc.body).toContain(text);
    expect(doc.body).not.toContain(partyPhone);
    const stranger = await server.api.get(
      `/api/v1/disputes/${d.id}/file?fileId=${fileId}`,
      await tokenOf(bystander),
    );
    expect(stranger.status).toBe(404);
    const viaFiles = await server.api.get(`/api/v1/files/${fileId}`, await as('property_staff'));
    expect(viaFiles.status).toBe(404);

    // signatures: a non-party cannot sign, the party signs for themself, the mediator records the other
    const parties = agreed.body.parties as { id: string; role: string }[];
    const applicant = parties.find((x) => x.role === 'applicant')!;
    const respondent = parties.find((x) => x.role === 'respondent')!;
    const sig = await upload(mine.users.grid_worker);
    const stray = await server.api.post(
      `/api/v1/disputes/${d.id}/signatures`,
      { partyId: mine.ids.resident, fileId: sig },
      await as('grid_worker'),
    );
    expect(stray.status).toBe(400);
    expect(stray.body.error.message).toContain('is not a party of this dispute');
    const outsider = await server.api.post(
      `/api/v1/disputes/${d.id}/signatures`,
      { partyId: respondent.id, fileId: await upload(bystander) },
      await tokenOf(bystander),
    );
    expect(outsider.status).toBe(404);
    const forOther = await server.api.post(
      `/api/v1/disputes/${d.id}/signatures`,
      { partyId: applicant.id, fileId: await upload(mine.users.volunteer) },
      await as('volunteer'),
    );
    expect(forOther.status).toBe(403);
    const own = await server.api.post(
      `/api/v1/disputes/${d.id}/signatures`,
      { partyId: respondent.id, fileId: await upload(mine.users.volunteer) },
      await as('volunteer'),
    );
    expect(own.status).toBe(200);
    expect(own.body.status).toBe('signing');
    const twice = await server.api.post(
      `/api/v1/disputes/${d.id}/signatures`,
      { partyId: respondent.id, fileId: sig },
      await as('grid_worker'),
    );
    expect(twice.status).toBe(409);
    const last = await server.api.post(
      `/api/v1/disputes/${d.id}/signatures`,
      { partyId: applicant.id, fileId: sig },
      await as('grid_worker'),
    );
    expect(last.status).toBe(200);
    expect(last.body.status).toBe('follow_up');
    expect(last.body.parties.every((x: { signed: boolean }) => x.signed)).toBe(true);
    expect(await openTasks(d.instanceId)).toEqual([]);

    // the follow-up visit comes 30 days later, for the mediator
    advance(29 * DAY);
    await server.services.workflow.worker.poll();
    expect(await openTasks(d.instanceId)).toEqual([]);
    advance(DAY + 60_000);
    await server.services.workflow.worker.poll();
    const [visit] = await openTasks(d.instanceId);
    expect(visit).toMatchObject({ name: '回访', assignee: mine.users.grid_worker });
    const told = (await outbox(d.instanceId)).find(
      (r) => r.kind === 'task.created' && (r.payload as { name: string }).name === '回访',
    );
    expect(told!.payload).toMatchObject({ assignee: mine.users.grid_worker });

    const party = await server.api.post(
      `/api/v1/disputes/${d.id}/follow-up`,
      { visitedAt: clock.now.toISOString(), fulfilled: true, note: '已修复' },
      await as('volunteer'),
    );
    expect(party.status).toBe(403);
    const done = await server.api.post(
      `/api/v1/disputes/${d.id}/follow-up`,
      {
        visitedAt: clock.now.toISOString(),
        fulfilled: true,
        note: '回访：防水已修复，赔偿已支付，双方关系缓和。',
      },
      await as('grid_worker'),
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'closed', followUp: { fulfilled: true } });
    const closedNotice = (await outbox(d.instanceId)).find(
      (r) => r.kind === 'notice' && (r.payload as { template: string }).template === 'dispute.closed',
    );
    expect((closedNotice!.payload as { recipients: string[] }).recipients).toEqual(
      expect.arrayContaining([mine.users.resident, mine.users.volunteer]),
    );
    // tapped in the inbox, it opens the case (both the registrant and the party)
    for (const role of ['resident', 'volunteer'] as const)
      expect((await inbox(await as(role))).find((n) => n.title === '纠纷调解已结案')).toMatchObject({
        link: `/pages/dispute/detail?id=${d.id}`,
      });

    // nothing more happens on a closed case
    const late = await session(d.id, 4);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('closed');
    const after = await server.api.get(`/api/v1/disputes/${d.id}`, await as('grid_worker'));
    expect(after.body.sessions).toHaveLength(3);
  });
});

describe('no agreement, rejection', () => {
  it('no agreement → the street takes it over with the case record', async () => {
    const d = await register(neighbourDispute());
    await accept(d.id);
    await session(d.id, 1);
    const res = await server.api.post(
      `/api/v1/disputes/${d.id}/outcome`,
      { outcome: 'no_agreement', referral: 'street', reason: '双方对赔偿金额分歧较大。' },
      await as('grid_worker'),
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('referred_street');
    const full = await server.api.get(`/api/v1/disputes/${d.id}`, await as('street_admin'));
    const record = await server.api.get(
      `/api/v1/disputes/${d.id}/file?fileId=${full.body.recordFileId}`,
      await as('street_admin'),
    );
    expect(record.body).toContain('人民调解卷宗');
    expect(record.body).toContain('第1次调解');
    expect(record.body).toContain('移交街道');
    const [task] = await openTasks(d.instanceId);
    expect(task).toMatchObject({ name: '街道接收转介', candidateUsers: [mine.users.street_admin] });
    // the street's step, not the community's
    const community = await server.api.post(
      `/api/v1/disputes/${d.id}/street-receipt`,
      { comment: '收到' },
      await as('community_admin'),
    );
    expect(community.status).toBe(403);
    const received = await server.api.post(
      `/api/v1/disputes/${d.id}/street-receipt`,
      { comment: '街道人民调解委员会已接收，三日内约谈双方。' },
      await as('street_admin'),
    );
    expect(received.status).toBe(200);
    expect(await openTasks(d.instanceId)).toEqual([]);
    const instance = await server.services.workflow.store.getInstance(d.instanceId);
    expect(instance!.status).toBe('completed');
  });

  it('no agreement → the people’s court: the case ends with the record, the parties are told', async () => {
    const d = await register(neighbourDispute());
    await accept(d.id);
    await session(d.id, 1);
    const res = await server.api.post(
      `/api/v1/disputes/${d.id}/outcome`,
      { outcome: 'no_agreement', referral: 'court', reason: '一方拒绝继续调解。' },
      await as('grid_worker'),
    );
    expect(res.body).toMatchObject({ status: 'referred_court', referral: 'court' });
    expect(res.body.recordFileId).toBeTruthy();
    const notice = (await outbox(d.instanceId)).find(
      (r) => (r.payload as { template?: string }).template === 'dispute.referred_court',
    );
    expect((notice!.payload as { body: string }).body).toContain('人民法院');
    const party = await server.api.get(`/api/v1/disputes/${d.id}`, await as('resident'));
    expect(party.body).toMatchObject({ status: 'referred_court', recordFileId: null });
  });

  it('rejects with the reason and where it is referred; the registrant is told', async () => {
    const d = await register(neighbourDispute({ title: '单位拖欠工资', category: 'labour' }));
    const noReason = await server.api.post(
      `/api/v1/disputes/${d.id}/acceptance`,
      { decision: 'reject' },
      await tokenOf(committeeMember),
    );
    expect(noReason.status).toBe(400);
    const res = await server.api.post(
      `/api/v1/disputes/${d.id}/acceptance`,
      {
        decision: 'reject',
        reason: '属于劳动争议，不属于人民调解受理范围',
        referredTo: '泰山区劳动人事争议仲裁委员会',
      },
      await tokenOf(committeeMember),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', referredTo: '泰山区劳动人事争议仲裁委员会' });
    const notice = (await outbox(d.instanceId)).find(
      (r) => (r.payload as { template?: string }).template === 'dispute.rejected',
    );
    expect((notice!.payload as { recipients: string[] }).recipients).toContain(mine.users.resident);
    expect((notice!.payload as { body: string }).body).toContain('劳动人事争议仲裁委员会');
    expect((notice!.payload as { link: string }).link).toBe(`/pages/dispute/detail?id=${d.id}`);
  });

  it('refuses an unknown mediator and changes nothing', async () => {
    const d = await register(neighbourDispute());
    // the committee chooses from the community's grid workers and its own members
    const choices = await server.api.get(
      `/api/v1/disputes/${d.id}/mediators`,
      await tokenOf(committeeMember),
    );
    expect(choices.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: committeeMember, kind: 'committee', title: '主任' }),
        expect.objectContaining({ userId: mine.users.grid_worker, kind: 'grid_worker' }),
        expect.objectContaining({ userId: otherGridWorker, kind: 'grid_worker' }),
      ]),
    );
    expect(JSON.stringify(choices.body)).not.toContain(other.users.grid_worker);
    const byParty = await server.api.get(`/api/v1/disputes/${d.id}/mediators`, await as('resident'));
    expect(byParty.status).toBe(403);
    for (const mediator of [
      other.users.grid_worker,
      mine.users.property_staff,
      '00000000-0000-4000-8000-000000000000',
    ]) {
      const res = await server.api.post(
        `/api/v1/disputes/${d.id}/acceptance`,
        { decision: 'accept', category: 'neighbour', mediatorUserId: mediator },
        await tokenOf(committeeMember),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(`mediatorUserId: ${mediator}`);
    }
    const after = await server.api.get(`/api/v1/disputes/${d.id}`, await tokenOf(committeeMember));
    expect(after.body).toMatchObject({ status: 'registered', mediator: null });
    expect((await openTasks(d.instanceId)).map((t) => t.name)).toEqual(['分类受理']);
    // a committee member may also mediate
    const byMember = await accept(d.id, committeeMember, committeeMember);
    expect(byMember.mediator.id).toBe(committeeMember);
  });
});

describe('return (退回)', () => {
  it('the mediator hands a case back to acceptance; the committee names another mediator', async () => {
    const d = await register(neighbourDispute());
    await accept(d.id);
    const noReason = await server.api.post(`/api/v1/disputes/${d.id}/return`, {}, await as('grid_worker'));
    expect(noReason.status).toBe(400);
    const byParty = await server.api.post(
      `/api/v1/disputes/${d.id}/return`,
      { reason: '不想调解' },
      await as('volunteer'),
    );
    expect(byParty.status).toBe(403);
    const res = await server.api.post(
      `/api/v1/disputes/${d.id}/return`,
      { reason: '调解员与被申请人系亲属，申请回避' },
      await as('grid_worker'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'registered', returnedTo: '分类受理' });
    const [task] = await openTasks(d.instanceId);
    expect(task).toMatchObject({ name: '分类受理', candidateUsers: [committeeMember] });
    // no longer theirs
    expect((await server.api.get(`/api/v1/disputes/${d.id}`, await as('grid_worker'))).status).toBe(404);
    const again = await accept(d.id, committeeMember, otherGridWorker);
    expect(again).toMatchObject({ status: 'mediating', mediator: { id: otherGridWorker } });
    const timeline = await server.api.get(
      `/api/v1/disputes/${d.id}/timeline`,
      await tokenOf(otherGridWorker),
    );
    const ret = timeline.body.entries.find((e: { kind: string }) => e.kind === 'return');
    expect(ret).toBeTruthy();
  });
});

describe('time limits and versions', () => {
  it('acceptance overdue after 1 working day goes to the community admin (督办)', async () => {
    const d = await register(neighbourDispute());
    advance(DAY + 3_600_000); // Tuesday 10:00
    await server.services.workflow.worker.poll();
    const [task] = await openTasks(d.instanceId);
    expect(task).toMatchObject({ name: '督办受理', candidateUsers: [mine.users.community_admin] });
    const rows = await outbox(d.instanceId);
    const urge = rows.find((r) => (r.payload as { template?: string }).template === 'dispute.escalated');
    expect((urge!.payload as { recipients: string[]; title: string }).recipients).toEqual([
      mine.users.community_admin,
    ]);
    expect((urge!.payload as { link: string }).link).toBe(`/pages/dispute/detail?id=${d.id}`);
    expect(
      rows.find((r) => r.kind === 'task.created' && (r.payload as { name: string }).name === '督办受理'),
    ).toBeTruthy();
    // now it is the admin's: the committee member may no longer decide
    const late = await server.api.post(
      `/api/v1/disputes/${d.id}/acceptance`,
      { decision: 'accept', category: 'neighbour', mediatorUserId: mine.users.grid_worker },
      await tokenOf(committeeMember),
    );
    expect(late.status).toBe(403);
    const accepted = await accept(d.id, mine.users.community_admin);
    expect(accepted).toMatchObject({ status: 'mediating', overdue: 1 });
    const timeline = await server.api.get(`/api/v1/instances/${d.instanceId}/timeline`, await as('resident'));
    expect(timeline.body.entries.map((e: { kind: string }) => e.kind)).toContain('dispute.escalated');
  });

  it('mediation running past 30 days is escalated to the admin and the mediator, and goes on', async () => {
    const d = await register(neighbourDispute());
    await accept(d.id);
    advance(30 * DAY + 60_000);
    await server.services.workflow.worker.poll();
    expect((await openTasks(d.instanceId)).map((t) => t.name)).toEqual(['组织调解']);
    const urge = (await outbox(d.instanceId)).find(
      (r) => (r.payload as { template?: string }).template === 'dispute.escalated',
    );
    expect((urge!.payload as { recipients: string[] }).recipients.sort()).toEqual(
      [mine.users.community_admin, mine.users.grid_worker].sort(),
    );
    const after = await server.api.get(`/api/v1/disputes/${d.id}`, await as('grid_worker'));
    expect(after.body).toMatchObject({ status: 'mediating', overdue: 1 });
    expect((await session(d.id, 1)).status).toBe(201);
  });

  it('a v2 with a longer acceptance limit applies to new cases; the running v1 case keeps its limit', async () => {
    // working days from now: land on a Monday morning again
    clock.now = new Date('2026-06-08T01:00:00.000Z');
    const v1Case = await register(neighbourDispute());
    const xml = (await readBundledProcess('dispute-mediation.bpmn')).replace(
      /<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">\$\{workingDays\(1\)\}/,
      '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${workingDays(3)}',
    );
    const deploy = await server.api.request('POST', '/api/v1/definitions', {
      token: await as('community_admin'),
      raw: xml,
      contentType: 'application/xml',
    });
    expect(deploy.status).toBe(201);
    const v2Case = await register(neighbourDispute());
    const versions = await Promise.all(
      [v1Case, v2Case].map(async (c) => {
        const i = await server.services.workflow.store.getInstance(c.instanceId);
        const def = await server.services.workflow.store.findDefinition({ id: i!.definitionId });
        return def!.version;
      }),
    );
    expect(versions[1]).toBe(versions[0]! + 1);
    advance(DAY + 3_600_000);
    await server.services.workflow.worker.poll();
    expect((await openTasks(v1Case.instanceId)).map((t) => t.name)).toEqual(['督办受理']);
    expect((await openTasks(v2Case.instanceId)).map((t) => t.name)).toEqual(['分类受理']);
  });
});

describe('the mediation committee', () => {
  it('admins manage it; others may not', async () => {
    const list = await server.api.get(
      `/api/v1/dispute-committee?communityId=${mine.ids.community}`,
      await as('community_admin'),
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({ userId: committeeMember, title: '主任', name: '甲调解员' }),
    ]);
    const byGrid = await server.api.post(
      '/api/v1/dispute-committee',
      { communityId: mine.ids.community, userId: otherGridWorker },
      await as('grid_worker'),
    );
    expect(byGrid.status).toBe(403);
    const foreign = await server.api.post(
      '/api/v1/dispute-committee',
      { communityId: other.ids.community, userId: otherGridWorker },
      await as('community_admin'),
    );
    expect(foreign.status).toBe(404);
    const twice = await server.api.post(
      '/api/v1/dispute-committee',
      { communityId: mine.ids.community, userId: committeeMember },
      await as('community_admin'),
    );
    expect(twice.status).toBe(409);
    const [member] = await server.services.db
      .select({ id: residents.id })
      .from(residents)
      .where(eq(residents.id, mine.ids.familyMember!));
    expect(member).toBeTruthy();
  });
});
