// The notification service end to end over real HTTP: outbox → inbox and deliveries → the WeChat/WeCom/SMS
// stand-in, with the clock moved by the test.
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, wfOutbox } from '../db/schema.js';
import { linearProcessXml } from '../testing/workflow-world.js';
import { startHarness, type Harness } from './harness.js';
import {
  notifyConsents,
  notifyDeliveries,
  notifyInbox,
  notifyJobs,
  notifyPreferences,
  notifyRobots,
  notifyTokens,
} from './schema.js';
import { NotifyDispatcher } from './dispatcher.js';

const MINUTE = 60_000;
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h?.close());

const deliveries = (key: string) =>
  h.server.services.db.select().from(notifyDeliveries).where(eq(notifyDeliveries.dedupKey, key));
const inboxOf = (userId: string) =>
  h.server.services.db.select().from(notifyInbox).where(eq(notifyInbox.userId, userId));

async function consent(
  role: 'resident' | 'grid_worker' | 'community_admin',
  templateId: string,
  accept = true,
) {
  const res = await h.server.api.post(
    '/api/v1/notifications/subscriptions',
    { results: { [templateId]: accept ? 'accept' : 'reject' } },
    await h.token(role),
  );
  expect(res.status).toBe(200);
  // what the user's tap did inside WeChat
  if (accept) h.standin.grant(`o-${role}`, templateId);
  return res.body;
}

describe('outbox to people', () => {
  it('tells a group task to every grid worker once (inbox and WeCom) and to the grid robot', async () => {
    const { world, server } = h;
    h.standin.addRobot('grid-robot-key');
    await server.services.db
      .insert(notifyRobots)
      .values({ orgUnitId: world.ids.grid!, orgPath: (await gridPath()).path, webhookKey: 'grid-robot-key' });
    await server.services.db.insert(wfOutbox).values({
      kind: 'task.created',
      dedupKey: 'task.created:i1:e1',
      payload: {
        taskId: '00000000-0000-4000-8000-000000000001',
        instanceId: '00000000-0000-4000-8000-000000000002',
        processId: 'repair',
        name: '派单',
        assignee: null,
        candidateUsers: [],
        candidateGroups: ['grid_worker'],
        orgPath: (await gridPath()).path,
        dueAt: null,
      },
    });
    await h.drain();
    await h.drain(); // a second pass finds nothing new
    const inbox = await inboxOf(world.users.grid_worker);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ title: '新待办：派单', template: 'task.created', seq: 1 });
    // nobody outside the group heard of it
    expect(await inboxOf(world.users.resident)).toHaveLength(0);
    expect(h.standin.wecom.map((m) => m.touser)).toEqual(['wc-grid_worker']);
    expect(h.standin.wecom[0]!.url).toBe(
      'https://console.linli.test/pages/task/index?id=00000000-0000-4000-8000-000000000001',
    );
    expect(h.standin.robot).toHaveLength(1);
    expect(h.standin.robot[0]!.content).toContain('<@wc-grid_worker>');
    const [row] = await server.services.db.select().from(wfOutbox);
    expect(row!.processedAt).not.toBeNull();
  });

  it('tells an urge (催办) of a group task to its candidates, urgently, and a transfer (转办) to the new holder', async () => {
    const { world, server } = h;
    const orgPath = (await gridPath()).path;
    const task = {
      taskId: '00000000-0000-4000-8000-000000000011',
      instanceId: '00000000-0000-4000-8000-000000000012',
      processId: 'repair',
      name: '上门维修',
      candidateUsers: [],
      candidateGroups: ['grid_worker'],
      orgPath,
      dueAt: null,
    };
    await server.services.db.insert(wfOutbox).values([
      {
        kind: 'task.event',
        dedupKey: 'task-event:urge-1',
        payload: {
          ...task,
          event: 'urge',
          actor: world.users.community_admin,
          target: null,
          assignee: null,
          body: { message: '业主很着急，请今天处理' },
        },
      },
      {
        kind: 'task.event',
        dedupKey: 'task-event:transfer-1',
        payload: {
          ...task,
          event: 'transfer',
          actor: world.users.grid_worker,
          target: world.users.property_staff,
          assignee: world.users.property_staff,
          body: { reason: '属于物业维修范围' },
        },
      },
    ]);
    await h.drain();
    const urged = await inboxOf(world.users.grid_worker);
    expect(urged).toEqual([
      expect.objectContaining({
        title: '催办：上门维修',
        body: '业主很着急，请今天处理',
        template: 'task.urge',
        urgency: 'urgent',
      }),
    ]);
    expect(await inboxOf(world.users.community_admin)).toHaveLength(0);
    expect(await inboxOf(world.users.property_staff)).toEqual([
      expect.objectContaining({ title: '转办给您：上门维修', body: '属于物业维修范围' }),
    ]);
  });

  async function gridPath() {
    const { orgUnits } = await import('../db/schema.js');
    const [g] = await h.server.services.db.select().from(orgUnits).where(eq(orgUnits.id, h.world.ids.grid!));
    return g!;
  }
});

describe('WeChat subscribe messages', () => {
  it('sends only against a consent in the ledger: one accept, one message; tells the product whom to ask', async () => {
    const resident = h.world.users.resident;
    await h.notice({ dedupKey: 'n1', recipients: [resident], title: '报修已派单' });
    await h.drain();
    expect(h.standin.subscribe).toHaveLength(0);
    expect((await deliveries('n1'))[0]).toMatchObject({ channel: 'wechat', status: 'no_consent' });
    const token = await h.token('resident');
    const before = await h.server.api.get('/api/v1/notifications/subscriptions', token);
    expect(before.body.ask).toContain('TPL_NOTICE');
    expect(
      before.body.templates.find((t: { templateId: string }) => t.templateId === 'TPL_NOTICE'),
    ).toMatchObject({
      available: 0,
      missed: 1,
    });

    // staff of the area see whom to ask again
    const gaps = await h.server.api.get(
      '/api/v1/notifications/consent-gaps',
      await h.token('community_admin'),
    );
    expect(gaps.body.items).toEqual([
      expect.objectContaining({ userId: resident, templateId: 'TPL_NOTICE', missed: 1 }),
    ]);

    const after = await consent('resident', 'TPL_NOTICE');
    expect(after.ask).not.toContain('TPL_NOTICE');
    await h.notice({ dedupKey: 'n2', recipients: [resident], title: '维修师傅已出发' });
    await h.notice({ dedupKey: 'n3', recipients: [resident], title: '维修完成' });
    await h.drain();
    expect(h.standin.subscribe).toHaveLength(1);
    expect(h.standin.subscribe[0]).toMatchObject({
      touser: 'o-resident',
      templateId: 'TPL_NOTICE',
      page: 'pages/inbox/index',
    });
    const statuses = [...(await deliveries('n2')), ...(await deliveries('n3'))].map((d) => d.status).sort();
    expect(statuses).toEqual(['no_consent', 'sent']);
    // both are in the in-app inbox regardless
    expect(await inboxOf(resident)).toHaveLength(3);
    const again = await h.server.api.get('/api/v1/notifications/subscriptions', token);
    expect(again.body.ask).toContain('TPL_NOTICE');
  });

  it('treats 43101 as "no consent left" and corrects the ledger', async () => {
    const resident = h.world.users.resident;
    // the ledger says yes, WeChat says the user has none (a consent spent elsewhere)
    await h.server.api.post(
      '/api/v1/notifications/subscriptions',
      { results: { TPL_NOTICE: 'accept' } },
      await h.token('resident'),
    );
    await h.notice({ dedupKey: 'n43101', recipients: [resident] });
    await h.drain();
    expect((await deliveries('n43101'))[0]).toMatchObject({ status: 'no_consent', attempts: 1 });
    const [ledger] = await h.server.services.db
      .select()
      .from(notifyConsents)
      .where(eq(notifyConsents.userId, resident));
    expect(ledger).toMatchObject({ available: 0, missed: 1 });
  });

  it('fetches the access token once for all processes, refreshes it before expiry and on 40001/42001', async () => {
    await consent('resident', 'TPL_NOTICE');
    await consent('resident', 'TPL_NOTICE');
    await consent('resident', 'TPL_NOTICE');
    await consent('resident', 'TPL_NOTICE');
    const resident = h.world.users.resident;
    await h.notice({ dedupKey: 't1', recipients: [resident] });
    await h.notice({ dedupKey: 't2', recipients: [resident] });
    await h.drain();
    expect(h.standin.subscribe).toHaveLength(2);
    expect(h.standin.tokenFetches.wechat).toBe(1);
    const [stored] = await h.server.services.db.select().from(notifyTokens);
    expect(stored!.app).toBe('wechat:wx-test-app');

    // 40001: the token was replaced behind our back
    h.standin.revokeTokens();
    await h.notice({ dedupKey: 't3', recipients: [resident] });
    await h.drain();
    expect(h.standin.tokenFetches.wechat).toBe(2);
    expect((await deliveries('t3'))[0]).toMatchObject({ status: 'sent', attempts: 1 });

    // 42001: expired
    h.standin.expireTokens();
    await h.notice({ dedupKey: 't4', recipients: [resident] });
    await h.drain();
    expect(h.standin.tokenFetches.wechat).toBe(3);
    expect((await deliveries('t4'))[0]).toMatchObject({ status: 'sent' });

    // before expiry: 2 h later, less the margin, the next use fetches a new one without an error first
    h.advance(7200_000 - 4 * MINUTE);
    const token = await h.server.services.notify.channels.wechat.token.get();
    expect(h.standin.tokenFetches.wechat).toBe(4);
    // and a second process reading the shared row gets the same token without fetching
    const other = new NotifyDispatcher(h.server.services, h.server.services.notify.channels);
    expect(other).toBeDefined();
    expect(await h.server.services.notify.channels.wechat.token.get()).toBe(token);
    expect(h.standin.tokenFetches.wechat).toBe(4);
    expect(h.standin.subscribe).toHaveLength(4);
  });

  it('retries what surely did not go out (busy), with backoff, without spending the consent twice', async () => {
    await consent('resident', 'TPL_NOTICE');
    h.standin.failNext('subscribe', -1);
    await h.notice({ dedupKey: 'busy', recipients: [h.world.users.resident] });
    await h.drain();
    expect((await deliveries('busy'))[0]).toMatchObject({ status: 'pending', attempts: 1 });
    h.advance(2_000);
    await h.drain();
    expect((await deliveries('busy'))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(h.standin.subscribe).toHaveLength(1);
  });
});

describe('WeCom', () => {
  it('keeps to 30 application messages a minute per member: none dropped, the rest later', async () => {
    const worker = h.world.users.grid_worker;
    await h.server.services.db
      .update(notifyPreferences)
      .set({ normal: ['wecom'] })
      .where(eq(notifyPreferences.userId, worker));
    for (let i = 0; i < 45; i++)
      await h.notice({ dedupKey: `m${i}`, recipients: [worker], title: `第${i}件` });
    await h.drain();
    expect(h.standin.wecom).toHaveLength(30);
    h.advance(30_000);
    await h.drain();
    expect(h.standin.wecom).toHaveLength(30);
    h.advance(31_000);
    await h.drain();
    expect(h.standin.wecom).toHaveLength(45);
    expect(h.standin.dropped).toHaveLength(0);
    // in any 60 s window, at most 30
    const at = h.standin.wecom.map((m) => m.at);
    for (const t of at) expect(at.filter((x) => x >= t && x < t + MINUTE).length).toBeLessThanOrEqual(30);
  });

  it("merges a grid robot's items: 100 in a minute become at most 20 messages, all 100 present", async () => {
    h.standin.addRobot('robot-100');
    const { orgUnits } = await import('../db/schema.js');
    const [grid] = await h.server.services.db
      .select()
      .from(orgUnits)
      .where(eq(orgUnits.id, h.world.ids.grid!));
    await h.server.services.db
      .insert(notifyRobots)
      .values({ orgUnitId: grid!.id, orgPath: grid!.path, webhookKey: 'robot-100' });
    const start = h.clock.now;
    for (let i = 0; i < 100; i++) {
      await h.server.services.db.insert(wfOutbox).values({
        kind: 'task.created',
        dedupKey: `task.created:robot:${i}`,
        payload: {
          taskId: null,
          instanceId: null,
          processId: 'event',
          name: `巡查事件${String(i).padStart(3, '0')}`,
          assignee: null,
          candidateUsers: [],
          candidateGroups: ['grid_worker'],
          orgPath: grid!.path,
          dueAt: null,
        },
      });
      await h.drain();
      h.advance(600); // 100 items over one minute
    }
    // and then the queue empties within the next minute
    for (let i = 0; i < 20; i++) {
      h.advance(5_000);
      await h.drain();
    }
    const sent = h.standin.robot;
    const firstMinute = sent.filter((m) => m.at < start + MINUTE);
    expect(firstMinute.length).toBeLessThanOrEqual(20);
    for (const m of sent)
      expect(sent.filter((x) => x.at >= m.at && x.at < m.at + MINUTE).length).toBeLessThanOrEqual(20);
    const text = sent.map((m) => m.content).join('\n');
    for (let i = 0; i < 100; i++) expect(text).toContain(`巡查事件${String(i).padStart(3, '0')}`);
    expect(text.match(/巡查事件\d{3}/g)).toHaveLength(100); // each exactly once
    expect(h.standin.robotRefusals).toBe(0);
    expect(sent.length).toBeLessThan(100);
  });
});

describe('quiet hours, urgency, fallback and escalation', () => {
  it('holds normal items during quiet hours until morning; urgent ones go at once', async () => {
    await consent('resident', 'TPL_NOTICE');
    await consent('resident', 'TPL_NOTICE');
    // 23:00 China time
    h.clock.now = Date.parse('2026-11-24T15:00:00Z');
    const resident = h.world.users.resident;
    await h.notice({ dedupKey: 'night', recipients: [resident], title: '活动报名成功' });
    await h.notice({ dedupKey: 'alarm', recipients: [resident], template: 'alert.smoke', title: '烟感报警' });
    await h.drain();
    expect(h.standin.subscribe.map((m) => m.data.thing1!.value)).toEqual(['烟感报警']);
    expect((await deliveries('night'))[0]!.nextAt.toISOString()).toBe('2026-11-24T23:00:00.000Z'); // 07:00
    h.clock.now = Date.parse('2026-11-24T22:59:00Z');
    await h.drain();
    expect(h.standin.subscribe).toHaveLength(1);
    h.clock.now = Date.parse('2026-11-24T23:00:30Z');
    await h.drain();
    expect(h.standin.subscribe).toHaveLength(2);
    // the in-app item was there all night
    expect(await inboxOf(resident)).toHaveLength(2);
  });

  it('moves an unread urgent item to the next channel, then to the supervisor; reading it stops that', async () => {
    const worker = h.world.users.grid_worker;
    await consent('grid_worker', 'TPL_NOTICE');
    await h.notice({
      dedupKey: 'urgent1',
      recipients: [worker],
      template: 'event.overdue',
      title: '事件超期',
    });
    await h.notice({
      dedupKey: 'urgent2',
      recipients: [worker],
      template: 'event.overdue',
      title: '另一件超期',
    });
    await h.drain();
    // staff: WeCom first
    expect(h.standin.wecom.map((m) => m.title)).toEqual(['事件超期', '另一件超期']);
    const item2 = (await inboxOf(worker)).find((i) => i.dedupKey === 'urgent2')!;
    expect(
      (
        await h.server.api.post(
          '/api/v1/notifications/read',
          { ids: [item2.id] },
          await h.token('grid_worker'),
        )
      ).body,
    ).toMatchObject({ updated: 1, unread: 1 });

    h.advance(15 * MINUTE + 1000);
    await h.drain();
    // unread after 15 minutes: WeChat
    expect(h.standin.subscribe.map((m) => m.data.thing1!.value)).toEqual(['事件超期']);
    h.advance(15 * MINUTE + 1000);
    await h.drain();
    // then SMS (the phone number is in the stand-in's log only, never in ours)
    expect(h.standin.sms.map((m) => m.text)).toEqual([expect.stringContaining('事件超期')]);
    h.advance(15 * MINUTE + 1000);
    await h.drain();
    const admin = await inboxOf(h.world.users.community_admin);
    expect(admin.map((i) => i.title)).toEqual(['【未读督办】事件超期']);
    expect(admin[0]!.urgency).toBe('urgent');
    // the one that was read went nowhere else
    expect((await deliveries('urgent2')).map((d) => d.channel)).toEqual(['wecom']);
    const rows = await h.server.services.db
      .select()
      .from(notifyDeliveries)
      .where(and(eq(notifyDeliveries.dedupKey, 'urgent1'), eq(notifyDeliveries.target, worker)));
    expect(rows.map((d) => d.channel).sort()).toEqual(['sms', 'wechat', 'wecom']);
    expect(JSON.stringify(rows)).not.toContain('13800000');
  });

  it('falls through to the next channel at once when one fails', async () => {
    const worker = h.world.users.grid_worker;
    await consent('grid_worker', 'TPL_NOTICE');
    await h.server.services.db
      .update(notifyPreferences)
      .set({ wecomUserId: 'wc-nobody' }) // not a member: WeCom names them as invalid
      .where(eq(notifyPreferences.userId, worker));
    await h.notice({ dedupKey: 'fall', recipients: [worker], template: 'alert.door', title: '门禁报警' });
    await h.drain();
    const rows = await deliveries('fall');
    expect(rows.find((d) => d.channel === 'wecom')).toMatchObject({ status: 'failed' });
    expect(rows.find((d) => d.channel === 'wechat')).toMatchObject({ status: 'sent' });
    expect(h.standin.subscribe).toHaveLength(1);
  });

  it('shows an admin the failed sends of their area and sends them again on request, audited', async () => {
    const worker = h.world.users.grid_worker;
    await h.server.services.db
      .update(notifyPreferences)
      .set({ wecomUserId: 'wc-nobody', urgent: ['wecom'] })
      .where(eq(notifyPreferences.userId, worker));
    await h.notice({ dedupKey: 'retry-me', recipients: [worker], template: 'alert.door', title: '门禁报警' });
    await h.drain();
    const [failed] = (await deliveries('retry-me')).filter((d) => d.channel === 'wecom');
    expect(failed).toMatchObject({ status: 'failed' });

    const admin = await h.token('community_admin');
    const list = await h.server.api.get('/api/v1/notifications/deliveries?status=failed', admin);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: failed!.id, channel: 'wecom', title: '门禁报警', status: 'failed' }),
    ]);
    expect(list.body.items[0].lastError).toBeTruthy();
    // a resident may not look, nor send again
    const resident = await h.token('resident');
    expect((await h.server.api.get('/api/v1/notifications/deliveries', resident)).status).toBe(403);
    expect(
      (await h.server.api.post('/api/v1/notifications/deliveries/retry', { ids: [failed!.id] }, resident))
        .status,
    ).toBe(403);

    // the worker's WeCom account is fixed; the admin sends it again
    await h.server.services.db
      .update(notifyPreferences)
      .set({ wecomUserId: 'wc-grid_worker' })
      .where(eq(notifyPreferences.userId, worker));
    const retry = await h.server.api.post(
      '/api/v1/notifications/deliveries/retry',
      { ids: [failed!.id, '00000000-0000-4000-8000-00000000beef'] },
      admin,
    );
    expect(retry.body).toEqual({ retried: 1, skipped: ['00000000-0000-4000-8000-00000000beef'] });
    await h.drain();
    expect((await deliveries('retry-me')).find((d) => d.id === failed!.id)).toMatchObject({ status: 'sent' });
    expect(h.standin.wecom.filter((m) => m.touser === 'wc-grid_worker')).toHaveLength(1);
    const audit = await h.server.services.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'notify.retry'));
    expect(audit.map((a) => a.targetId)).toEqual([failed!.id]);
    // sent now: a second retry changes nothing
    const again = await h.server.api.post(
      '/api/v1/notifications/deliveries/retry',
      { ids: [failed!.id] },
      admin,
    );
    expect(again.body).toEqual({ retried: 0, skipped: [failed!.id] });
  });
});

describe('never twice', () => {
  it('does not send again what a process sent before it died without recording it', async () => {
    await consent('resident', 'TPL_NOTICE');
    await consent('resident', 'TPL_NOTICE');
    const resident = h.world.users.resident;
    h.standin.hangNext('subscribe'); // WeChat takes it, the answer never arrives: the process "dies" waiting
    await h.notice({ dedupKey: 'crash', recipients: [resident], title: '只发一次' });
    const first = h.server.services.notify.dispatcher;
    void first.round().catch(() => undefined);
    for (let i = 0; i < 200 && h.standin.subscribe.length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(h.standin.subscribe).toHaveLength(1);
    const [row] = await deliveries('crash');
    expect(row!.status).toBe('sending');

    // another process takes over after the lease
    h.advance(61_000);
    const second = new NotifyDispatcher(h.server.services, h.server.services.notify.channels);
    await second.drain();
    await second.drain();
    const [after] = await deliveries('crash');
    expect(after).toMatchObject({ status: 'uncertain' });
    expect(h.standin.subscribe).toHaveLength(1);
    // the item is in the inbox once, and the consent was used once
    expect((await inboxOf(resident)).filter((i) => i.dedupKey === 'crash')).toHaveLength(1);
    const [ledger] = await h.server.services.db
      .select()
      .from(notifyConsents)
      .where(eq(notifyConsents.userId, resident));
    expect(ledger!.available).toBe(1);
  });

  it('writes each outbox row into the inbox once even when two dispatchers race', async () => {
    const resident = h.world.users.resident;
    for (let i = 0; i < 60; i++) await h.notice({ dedupKey: `race${i}`, recipients: [resident] });
    const second = new NotifyDispatcher(h.server.services, h.server.services.notify.channels);
    await Promise.all([h.drain(), second.drain()]);
    const inbox = await inboxOf(resident);
    expect(inbox).toHaveLength(60);
    expect(new Set(inbox.map((i) => i.seq)).size).toBe(60);
    expect(Math.max(...inbox.map((i) => i.seq))).toBe(60);
  });
});

describe('waking', () => {
  it("a step's wake expands its outbox at once, and the sender goes when that wrote chat deliveries", async () => {
    const s = h.server.services;
    // a dispatcher whose poll would come only in an hour: whatever happens here, the wake did
    const d = new NotifyDispatcher(s, s.notify.channels, { pollIntervalMs: 3_600_000 });
    await d.start();
    try {
      await h.notice({ dedupKey: 'woken-1', recipients: [h.world.users.grid_worker] });
      d.wake('outbox');
      let rows: (typeof notifyDeliveries.$inferSelect)[] = [];
      for (const until = Date.now() + 10_000; Date.now() < until;) {
        rows = await deliveries('woken-1');
        if (rows.some((r) => r.status === 'sent')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(rows).toEqual([expect.objectContaining({ channel: 'wecom', status: 'sent' })]);
      expect((await inboxOf(h.world.users.grid_worker)).some((i) => i.dedupKey === 'woken-1')).toBe(true);
    } finally {
      await d.stop();
    }
  });
});

describe('scheduled jobs', () => {
  const XML = linearProcessXml('notify-due', '限时事项', [
    {
      kind: 'user',
      id: 'Task_Do',
      name: '现场核查',
      attrs: { candidateGroups: 'grid_worker', dueDate: 'PT4H' },
    },
  ]);

  it('reminds before a task is due and sends the 08:30 digest once, across a restart', async () => {
    const s = h.server.services;
    const { orgUnits } = await import('../db/schema.js');
    const [grid] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, h.world.ids.grid!));
    await s.workflow.runtime.deploy(XML, null);
    const instance = await s.workflow.runtime.start({ processId: 'notify-due', orgPath: grid!.path });
    await s.notify.dispatcher.start();
    await s.notify.dispatcher.stop();
    await h.drain();
    const worker = h.world.users.grid_worker;
    expect((await inboxOf(worker)).map((i) => i.template)).toEqual(['task.created']);

    // 2 h before the due time (4 h): the reminder
    h.advance(2 * 3600_000 + 1000);
    await h.drain();
    const reminders = (await inboxOf(worker)).filter((i) => i.template === 'task.due_soon');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.instanceId).toBe(instance.id);

    // the next morning at 08:30: the digest; a restarted dispatcher neither repeats nor loses it
    h.clock.now = Date.parse('2026-11-25T00:30:05Z');
    const restarted = new NotifyDispatcher(s, s.notify.channels);
    await restarted.ensureDigest();
    await Promise.all([h.drain(), restarted.drain()]);
    await restarted.ensureDigest();
    await restarted.drain();
    const digests = (await inboxOf(worker)).filter((i) => i.template === 'digest.daily');
    expect(digests).toHaveLength(1);
    expect(digests[0]!.title).toContain('今日待办 1 件');
    expect(digests[0]!.body).toContain('现场核查');
    const jobs = await s.db
      .select()
      .from(notifyJobs)
      .where(sql`${notifyJobs.kind} = 'digest'`);
    expect(jobs.map((j) => `${j.key}:${j.status}`).sort()).toEqual([
      'digest:2026-11-25:done',
      'digest:2026-11-26:pending',
    ]);
    // residents get no digest
    expect((await inboxOf(h.world.users.resident)).filter((i) => i.template === 'digest.daily')).toHaveLength(
      0,
    );
  });

  it('lists elderly residents living alone nobody checked in on for 7 days in the digest, until a check-in', async () => {
    const s = h.server.services;
    const { residents } = await import('../db/schema.js');
    const elder = h.world.ids.familyMember!;
    await s.db
      .update(residents)
      .set({ tags: ['elderly_living_alone'] })
      .where(eq(residents.id, elder));
    const [row] = await s.db.select().from(residents).where(eq(residents.id, elder));
    const surname = [...row!.name][0]!;
    const worker = h.world.users.grid_worker;
    const digestsOf = async () => (await inboxOf(worker)).filter((i) => i.template === 'digest.daily');
    const before = (await digestsOf()).length;

    // a check-in 8 days ago does not count; the worker records one through the API, dated 8 days back
    h.clock.now = Date.parse('2026-11-26T00:29:00Z');
    await s.notify.dispatcher.ensureDigest(); // the 26th's digest row (if an earlier test has not made it)
    h.clock.now = Date.parse('2026-11-26T00:30:05Z');
    const token = await h.token('grid_worker'); // issued on the test's clock
    const old = await h.server.api.post(
      `/api/v1/residents/${elder}/check-ins`,
      { method: 'phone', note: '电话问候，身体尚可', at: '2026-11-18T02:00:00Z' },
      token,
    );
    expect(old.status).toBe(201);
    await h.drain();
    let digests = await digestsOf();
    expect(digests).toHaveLength(before + 1);
    const first = digests.find((d) => d.body.includes('独居老人待探访'))!;
    expect(first.title).toContain('独居老人待探访 1 位');
    expect(first.body).toContain(`${surname}*`);
    expect(first.body).toContain('上次探访 2026-11-18');
    expect(first.body).not.toContain(row!.name); // the full name never goes to chat

    // a visit today: tomorrow's digest no longer lists them
    const visit = await h.server.api.post(
      `/api/v1/residents/${elder}/check-ins`,
      { method: 'visit', note: '上门探访，家中整洁，已提醒注意用电安全' },
      token,
    );
    expect(visit.status).toBe(201);
    expect(visit.body).toMatchObject({ method: 'visit', userId: worker, concern: false });
    // not in the future, and a resident may not record one
    expect(
      (
        await h.server.api.post(
          `/api/v1/residents/${elder}/check-ins`,
          { method: 'visit', note: '预约', at: '2027-01-01T00:00:00Z' },
          token,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await h.server.api.post(
          `/api/v1/residents/${elder}/check-ins`,
          { method: 'visit', note: '自己' },
          await h.token('resident'),
        )
      ).status,
    ).toBe(404); // not theirs to see, as for any record outside one's scope
    const list = await h.server.api.get(`/api/v1/residents/${elder}/check-ins`, token);
    expect(list.body.items.map((c: { method: string }) => c.method)).toEqual(['visit', 'phone']);

    h.clock.now = Date.parse('2026-11-27T00:30:05Z');
    await h.drain();
    digests = await digestsOf();
    expect(digests.filter((d) => d.body.includes('独居老人待探访'))).toHaveLength(1);
  });
});

describe('the inbox API', () => {
  it('counts, pages and marks read only my own items', async () => {
    const resident = h.world.users.resident;
    for (let i = 1; i <= 25; i++)
      await h.notice({ dedupKey: `p${i}`, recipients: [resident], title: `第${i}条` });
    await h.notice({ dedupKey: 'other', recipients: [h.world.users.grid_worker] });
    await h.drain();
    const token = await h.token('resident');
    expect((await h.server.api.get('/api/v1/notifications/unread-count', token)).body).toEqual({
      unread: 25,
      lastSeq: 25,
    });
    const page1 = await h.server.api.get('/api/v1/notifications?pageSize=10', token);
    expect(page1.body.total).toBe(25);
    expect(page1.body.items.map((i: { seq: number }) => i.seq)).toEqual([
      25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
    ]);
    const page3 = await h.server.api.get('/api/v1/notifications?pageSize=10&page=3', token);
    expect(page3.body.items).toHaveLength(5);
    const since = await h.server.api.get('/api/v1/notifications?after=22', token);
    expect(since.body.items.map((i: { seq: number }) => i.seq)).toEqual([25, 24, 23]);
    expect((await h.server.api.post('/api/v1/notifications/read', { upToSeq: 20 }, token)).body).toEqual({
      updated: 20,
      unread: 5,
    });
    const unreadOnly = await h.server.api.get('/api/v1/notifications?unread=true', token);
    expect(unreadOnly.body.total).toBe(5);
    expect((await h.server.api.post('/api/v1/notifications/read', { all: true }, token)).body).toEqual({
      updated: 5,
      unread: 0,
    });
    const bad = await h.server.api.post('/api/v1/notifications/read', {}, token);
    expect(bad.status).toBe(400);
    // the grid worker's item is untouched
    expect((await inboxOf(h.world.users.grid_worker))[0]!.readAt).toBeNull();
  });

  it('keeps preferences per person and validates them', async () => {
    const token = await h.token('resident');
    const before = await h.server.api.get('/api/v1/notifications/preferences', token);
    expect(before.body).toMatchObject({ normal: ['wechat'], quietStart: '22:00', quietEnd: '07:00' });
    const set = await h.server.api.patch(
      '/api/v1/notifications/preferences',
      { normal: ['sms'], quietStart: '21:00', quietEnd: '08:00' },
      token,
    );
    expect(set.body).toMatchObject({ normal: ['sms'], quietStart: '21:00' });
    const bad = await h.server.api.patch(
      '/api/v1/notifications/preferences',
      { quietStart: '25:00', quietEnd: '07:00' },
      token,
    );
    expect(bad.status).toBe(400);
  });
});
