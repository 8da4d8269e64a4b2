// Two server processes on one PostgreSQL database: a push reaches the socket whichever process holds it
// (LISTEN/NOTIFY), and two dispatchers over one outbox deliver everything exactly once. The second "process"
// is a second server in this Node process with its own connection pool, its own push bus and its own
// LISTEN connection: nothing is shared but the database, as between two processes. PostgreSQL only:
// PGlite is one process, and its in-process bus is all it needs.
import { sql } from 'drizzle-orm';
import { loadConfig } from '../env.js';
import { openStore } from '../db/client.js';
import { buildServices, startHttp, type RunningServer } from '../server.js';
import { createLogger } from '../lib/logger.js';
import { issueSession } from '../auth/tokens.js';
import { startHarness, TEMPLATES, type Harness } from './harness.js';
import { connect } from './socket-client.js';
import { notifyDeliveries, notifyInbox } from './schema.js';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) console.log('two-process notification test skipped: it needs PostgreSQL (set DATABASE_URL)');

(serverUrl ? describe : describe.skip)('two server processes on one PostgreSQL', () => {
  let h: Harness;
  let b: RunningServer;
  let closeB: () => Promise<void>;

  beforeAll(async () => {
    h = await startHarness();
    const [row] = await h.server.services.store.rows<{ db: string }>(sql`select current_database() as db`);
    const url = new URL(serverUrl!);
    url.pathname = `/${row!.db}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...h.env,
      DATABASE_URL: url.toString(),
    });
    const store = await openStore({ driver: 'postgres', url: url.toString(), poolSize: 5 });
    const services = buildServices(config, store, createLogger('silent'), {
      now: () => new Date(h.clock.now),
      notify: { templates: TEMPLATES },
    });
    b = await startHttp(services);
    closeB = async () => {
      await b.close();
      await store.close();
    };
    expect(h.server.services.notify.fanout?.listening).toBe(true);
    expect(services.notify.fanout?.listening).toBe(true);
  });
  afterAll(async () => {
    await closeB?.();
    await h?.close();
  });

  it('pushes to a socket held by the other process, in order, and resumes there after a drop', async () => {
    const resident = h.world.users.resident;
    const token = (await issueSession(b.services, resident, 'password')).accessToken;
    const onB = await connect(b.url, token);
    for (let i = 1; i <= 5; i++)
      await h.notice({ dedupKey: `x${i}`, recipients: [resident], title: `第${i}条` });
    await h.drain(); // process A dispatches; the socket is on B
    expect(await onB.notifications(5)).toEqual([1, 2, 3, 4, 5]);
    onB.ws.terminate();
    for (let i = 6; i <= 8; i++)
      await h.notice({ dedupKey: `x${i}`, recipients: [resident], title: `第${i}条` });
    await h.drain();
    // reconnects to the other process
    const onA = await connect(h.server.url, token, 5);
    expect(await onA.notifications(3)).toEqual([6, 7, 8]);
    onA.ws.close();
  });

  it('a burst of pushes reaches the other process whole and in order, in fewer NOTIFYs than pushes', async () => {
    const seenOnB: number[] = [];
    const seenOnA: number[] = [];
    const stopB = b.services.push.subscribe((m) => {
      if (m.type === 'instance.updated' && m.businessKey?.startsWith('burst-'))
        seenOnB.push(Number(m.businessKey.slice(6)));
    });
    const stopA = h.server.services.push.subscribe((m) => {
      if (m.type === 'instance.updated' && m.businessKey?.startsWith('burst-'))
        seenOnA.push(Number(m.businessKey.slice(6)));
    });
    const fanout = h.server.services.notify.fanout!;
    const client = (fanout as unknown as { client: { query: (...a: unknown[]) => Promise<unknown> } }).client;
    const query = client.query.bind(client);
    let statements = 0;
    client.query = (...a: unknown[]) => {
      statements++;
      return query(...a);
    };
    try {
      for (let i = 0; i < 400; i++)
        h.server.services.push.publish(
          {
            type: 'instance.updated',
            instanceId: '00000000-0000-4000-8000-000000000000',
            processId: 'burst',
            businessKey: `burst-${i}`,
            status: 'running',
          },
          { users: ['00000000-0000-4000-8000-000000000001'] },
        );
      const until = Date.now() + 20_000;
      while (seenOnB.length < 400 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(seenOnB).toEqual(Array.from({ length: 400 }, (_, i) => i));
      // its own come back to A too, and are not delivered twice there
      await new Promise((r) => setTimeout(r, 200));
      expect(seenOnA).toHaveLength(400);
      expect(statements).toBeLessThan(400);
    } finally {
      client.query = query;
      stopA();
      stopB();
    }
  });

  it('two dispatchers over one outbox: every item and every send exactly once', async () => {
    const people = [h.world.users.resident, h.world.users.volunteer];
    for (const role of ['resident', 'volunteer'] as const) h.standin.grant(`o-${role}`, 'TPL_NOTICE', 1000);
    await h.server.services.db.execute(
      sql`insert into notify_consents (user_id, template_id, available) values (${people[0]}, 'TPL_NOTICE', 1000), (${people[1]}, 'TPL_NOTICE', 1000)
          on conflict (user_id, template_id) do update set available = 1000`,
    );
    for (let i = 0; i < 300; i++) await h.notice({ dedupKey: `both${i}`, recipients: people });
    await Promise.all([
      h.drain(),
      b.services.notify.dispatcher.drain(),
      h.drain(),
      b.services.notify.dispatcher.drain(),
    ]);
    await h.drain();
    const [inbox] = await h.server.services.store.rows<{ n: number; keys: number }>(
      sql`select count(*)::int as n, count(distinct (user_id, dedup_key))::int as keys from ${notifyInbox} where dedup_key like 'both%'`,
    );
    expect(inbox).toEqual({ n: 600, keys: 600 });
    const [sent] = await h.server.services.store.rows<{ n: number }>(
      sql`select count(*)::int as n from ${notifyDeliveries} where dedup_key like 'both%' and status = 'sent'`,
    );
    expect(sent!.n).toBe(600);
    const seen = h.standin.subscribe.filter((m) => m.templateId === 'TPL_NOTICE');
    expect(seen).toHaveLength(600);
  });
});
