// The inbox over /ws: pushes in order, resume after a drop without missing or repeating anything, gaps filled
// from the inbox, app-level ping.
import { startHarness, type Harness } from './harness.js';
import { notifyCursors, notifyInbox } from './schema.js';
import { presentItem } from './present.js';
import { connect } from './socket-client.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

it('pushes inbox items in order and, after a drop, resumes from the last seen one', async () => {
  const resident = h.world.users.resident;
  const token = await h.token('resident');
  const first = await connect(h.server.url, token);
  for (let i = 1; i <= 3; i++)
    await h.notice({ dedupKey: `ws${i}`, recipients: [resident], title: `第${i}条` });
  await h.drain();
  expect(await first.notifications(3)).toEqual([1, 2, 3]);

  // the phone loses its network: no close frame, the socket just dies
  first.ws.terminate();
  for (let i = 4; i <= 6; i++)
    await h.notice({ dedupKey: `ws${i}`, recipients: [resident], title: `第${i}条` });
  await h.drain();

  const second = await connect(h.server.url, token, 3);
  expect(await second.notifications(3)).toEqual([4, 5, 6]);
  expect(await second.next('resumed')).toMatchObject({ since: 3, lastSeq: 6 });
  await h.notice({ dedupKey: 'ws7', recipients: [resident], title: '第7条' });
  await h.drain();
  expect(await second.notifications(4)).toEqual([4, 5, 6, 7]);

  // resuming by message, and the application-level heartbeat
  second.ws.send(JSON.stringify({ type: 'ping' }));
  expect(await second.next('pong')).toEqual({ type: 'pong' });
  second.ws.send(JSON.stringify({ type: 'resume', since: 5 }));
  expect(await second.next('resumed')).toMatchObject({ since: 5, lastSeq: 7 });
  expect((await second.notifications(6)).slice(4)).toEqual([6, 7]);
  second.ws.close();
});

it('fills a gap from the inbox when a later item is pushed before an earlier one', async () => {
  const worker = h.world.users.grid_worker;
  const token = await h.token('grid_worker');
  const client = await connect(h.server.url, token);
  const s = h.server.services;
  // two items committed by "another process" whose pushes arrive out of order: only the second is heard
  await s.db
    .insert(notifyCursors)
    .values({ userId: worker, seq: 2 })
    .onConflictDoUpdate({
      target: notifyCursors.userId,
      set: { seq: 2 },
    });
  const rows = await s.db
    .insert(notifyInbox)
    .values(
      [1, 2].map((seq) => ({
        userId: worker,
        seq,
        dedupKey: `gap${seq}`,
        template: 'case.update',
        urgency: 'normal' as const,
        title: `补${seq}`,
        body: '',
        data: {},
      })),
    )
    .returning();
  // the socket started at seq 0 (it connected before these)
  s.push.publish({ type: 'notification', item: presentItem(rows[1]!) }, { users: [worker] });
  expect(await client.notifications(2)).toEqual([1, 2]);
  // the late push of the first changes nothing
  s.push.publish({ type: 'notification', item: presentItem(rows[0]!) }, { users: [worker] });
  await new Promise((r) => setTimeout(r, 200));
  expect(client.messages.filter((m) => m.type === 'notification')).toHaveLength(2);
  client.ws.close();
});
