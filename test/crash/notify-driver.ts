// The notification crash test's child process: runs the notification dispatcher against one database (PGlite
// in DATA_DIR, or DATABASE_URL) until every notice is delivered or given up, and can be killed at any moment
// and started again. With NOTIFY_CRASH_SEED=1 it only writes the residents, their consents and the notices.
import { sql } from 'drizzle-orm';
import { buildServices, loadConfig, prepareStore } from '@linli/server';

const USERS = Number(process.env.NOTIFY_CRASH_USERS ?? 30);
const NOTICES = Number(process.env.NOTIFY_CRASH_NOTICES ?? 300);

const say = (what: string, data: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ pid: process.pid, t: Date.now(), what, ...data })}\n`);

const config = loadConfig();
const store = await prepareStore(config);

if (process.env.NOTIFY_CRASH_SEED === '1') {
  await store.rows(sql`insert into users (id, display_name, username, wechat_openid)
    select gen_random_uuid(), '住户' || n, 'crash' || n, 'o-crash-' || n from generate_series(1, ${USERS}) as n
    on conflict do nothing`);
  await store.rows(sql`insert into notify_consents (user_id, template_id, available)
    select id, 'TPL_CRASH', 1000 from users where username like 'crash%' on conflict do nothing`);
  await store.rows(sql`insert into wf_outbox (kind, dedup_key, payload)
    select 'notice', 'crash:' || n, jsonb_build_object(
      'recipients', jsonb_build_array((select id from users where username = 'crash' || (1 + n % ${USERS}))),
      'template', 'crash.notice', 'title', '通知 ' || n, 'body', '崩溃测试', 'data', jsonb_build_object('ref', 'crash:' || n))
    from generate_series(1, ${NOTICES}) as n on conflict do nothing`);
  say('seeded');
  await store.close();
  process.exit(0);
}

const services = buildServices(config, store, undefined, {
  notify: { dispatcher: { pollIntervalMs: 100, batch: 10, concurrency: 2, leaseMs: 1500, backoffMs: 200 } },
});
say('started');
await services.notify.dispatcher.start();
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const [row] = await store.rows<{ outbox: number; open: number; total: number }>(sql`select
    (select count(*)::int from wf_outbox where processed_at is null) as outbox,
    (select count(*)::int from notify_deliveries where status in ('pending', 'sending')) as open,
    (select count(*)::int from notify_deliveries) as total`);
  if (row!.outbox === 0 && row!.open === 0 && row!.total >= NOTICES) break;
}
await services.notify.dispatcher.stop();
say('idle');
await store.close();
process.exit(0);
