// npm run bench:notify — notifications from commit to delivery.
// Commits NOTIFY_COUNT (default 10,000) notice rows to the outbox (the way the community processes do, a few
// per transaction), with the dispatcher running as in production (woken after each commit, polling besides).
// Every notification goes to one of NOTIFY_USERS residents, each with a WebSocket open on the server, and out
// as a WeChat subscribe message to the local stand-in (over HTTP, with a consent ledger entry per send).
// Measures, per notification, commit → pushed over the socket and commit → accepted by the stand-in; prints
// throughput and percentiles, saves bench/results/notify-<date>.json, and ends with
// `delivered <n>/<n>, duplicates <d>, p99 <ms> ms` (p99 of commit → both delivered).
// On PostgreSQL when one is reachable (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test; a database of
// its own, dropped at the end), else embedded PGlite.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { WebSocket } from 'ws';
import { buildServices, loadConfig, prepareStore, startChatStandin, startHttp } from '@linli/server';
import { percentile } from './report.js';
import { benchDatabase } from './pg.js';

const COUNT = Number(process.env.NOTIFY_COUNT ?? 10_000);
const USERS = Math.min(Number(process.env.NOTIFY_USERS ?? 100), COUNT);
const PER_TX = 5;
const PRODUCERS = 4;
const TIMEOUT_MS = Number(process.env.NOTIFY_TIMEOUT_MS ?? 600_000);

const database = await benchDatabase('notify', { pglite: process.env.NOTIFY_PGLITE === '1' });
const onServer = database.onServer;
if (!onServer) console.log('using embedded PGlite');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-bench-notify-'));

const commitAt = new Map<string, number>();
const pushedAt = new Map<string, number>();
const sentAt = new Map<string, number>();
let duplicates = 0;

const standin = await startChatStandin({
  wechat: { appId: 'wx-bench', appSecret: 'bench-secret' },
  wecom: { corpId: 'ww-bench', secret: 'bench', agentId: '1' },
});
// the stand-in records every accepted message; watch its log for the time each arrived
const seenSubscribe = { n: 0 };
const watch = setInterval(() => {
  for (; seenSubscribe.n < standin.subscribe.length; seenSubscribe.n++) {
    const m = standin.subscribe[seenSubscribe.n]!;
    const ref = m.data.character_string2!.value;
    if (sentAt.has(ref)) duplicates++;
    else sentAt.set(ref, m.at);
  }
}, 5);

const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PORT: '0',
  HOST: '127.0.0.1',
  DEV_LOGIN: '1',
  WECHAT_APP_ID: 'wx-bench',
  WECHAT_APP_SECRET: 'bench-secret',
  WECHAT_API_BASE: standin.url,
  DATABASE_URL: database.url,
  DATA_DIR: dataDir,
  // nobody is in quiet hours during a benchmark
  NOTIFY_QUIET_HOURS: '00:00-00:00',
});
const store = await prepareStore(config);
const services = buildServices(config, store, undefined, {
  notify: {
    templates: {
      '*': {
        wechat: {
          templateId: 'TPL_BENCH',
          page: 'pages/inbox/index',
          fields: { thing1: 'title', character_string2: 'data.ref' },
        },
      },
    },
    dispatcher: { batch: 500, concurrency: 16, pollIntervalMs: 500 },
  },
});
const running = await startHttp(services);

// residents with an openid and enough consents for every message they will get
const users: string[] = [];
for (let i = 0; i < USERS; i++) users.push(randomUUID());
await store.rows(sql`insert into users (id, display_name, username, wechat_openid)
  select u, '住户' || n, 'bench' || n, 'o-bench-' || n
  from unnest(${sql.raw(`array[${users.map((u) => `'${u}'::uuid`).join(',')}]`)}) with ordinality as t(u, n)`);
const perUser = Math.ceil(COUNT / USERS) + 1;
await store.rows(sql`insert into notify_consents (user_id, template_id, available)
  select u, 'TPL_BENCH', ${perUser} from unnest(${sql.raw(`array[${users.map((u) => `'${u}'::uuid`).join(',')}]`)}) as t(u)`);
users.forEach((_, i) => {
  standin.addOpenid(`o-bench-${i + 1}`);
  standin.grant(`o-bench-${i + 1}`, 'TPL_BENCH', perUser);
});

// one socket per resident, signed in over HTTP as a client would
const sockets: WebSocket[] = [];
await Promise.all(
  users.map(async (_, i) => {
    const res = await fetch(`${running.url}/api/v1/auth/dev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `bench${i + 1}` }),
    });
    const { accessToken } = (await res.json()) as { accessToken: string };
    const ws = new WebSocket(`${running.url.replace(/^http/, 'ws')}/ws?token=${accessToken}`);
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; item?: { data: { ref: string } } };
        if (m.type === 'ready') resolve();
        if (m.type !== 'notification') return;
        const ref = m.item!.data.ref;
        if (pushedAt.has(ref)) duplicates++;
        else pushedAt.set(ref, Date.now());
      });
      ws.on('error', reject);
    });
    sockets.push(ws);
  }),
);

await services.notify.dispatcher.start();
const load = os.loadavg()[0] ?? 0;
const began = Date.now();
let next = 0;
await Promise.all(
  Array.from({ length: PRODUCERS }, async () => {
    while (next < COUNT) {
      const batch: string[] = [];
      while (batch.length < PER_TX && next < COUNT) batch.push(String(next++));
      await store.db.transaction(async (tx) => {
        for (const n of batch) {
          const ref = `bench:${n}`;
          const payload = {
            recipients: [users[Number(n) % USERS]],
            template: 'bench.notice',
            title: `通知 ${n}`,
            body: '您的报修已派单，维修师傅将尽快上门',
            instanceId: null,
            link: null,
            data: { ref },
          };
          await tx.execute(
            sql`insert into wf_outbox (kind, dedup_key, payload) values ('notice', ${ref}, ${JSON.stringify(payload)}::jsonb)`,
          );
        }
      });
      const t = Date.now();
      for (const n of batch) commitAt.set(`bench:${n}`, t);
      // what the workflow runtime's onCommitted does after a step that wrote outbox rows
      services.notify.dispatcher.wake();
    }
  }),
);
const committedMs = Date.now() - began;
while ((pushedAt.size < COUNT || sentAt.size < COUNT) && Date.now() - began < TIMEOUT_MS)
  await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 300)); // late duplicates would show now
const lastDelivery = Math.max(...pushedAt.values(), ...sentAt.values());
const totalMs = lastDelivery - began;

const lat = (m: Map<string, number>) => [...m].map(([ref, at]) => at - commitAt.get(ref)!);
const both = [...commitAt.keys()]
  .filter((ref) => pushedAt.has(ref) && sentAt.has(ref))
  .map((ref) => Math.max(pushedAt.get(ref)!, sentAt.get(ref)!) - commitAt.get(ref)!);
const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v));
const result = {
  at: new Date().toISOString(),
  store: onServer ? 'postgres' : 'pglite',
  count: COUNT,
  users: USERS,
  loadBefore: load,
  cpus: os.cpus().length,
  commitMs: committedMs,
  totalMs,
  perSecond: Math.round((COUNT / totalMs) * 1000),
  websocket: {
    delivered: pushedAt.size,
    p50: round(percentile(lat(pushedAt), 50)),
    p99: round(percentile(lat(pushedAt), 99)),
  },
  wechat: {
    delivered: sentAt.size,
    p50: round(percentile(lat(sentAt), 50)),
    p99: round(percentile(lat(sentAt), 99)),
  },
  both: { delivered: both.length, p50: round(percentile(both, 50)), p99: round(percentile(both, 99)) },
  duplicates,
  tokenFetches: standin.tokenFetches.wechat,
};

clearInterval(watch);
for (const ws of sockets) ws.terminate();
await services.notify.dispatcher.stop();
await running.close();
await store.close();
await standin.close();
await database.drop();
rmSync(dataDir, { recursive: true, force: true });

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `notify-${result.at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify(result, null, 2));
console.log(
  `${result.store}, ${COUNT} notifications to ${USERS} residents (load ${load.toFixed(1)} on ${result.cpus} cores)`,
);
console.log(
  `committed in ${committedMs} ms; all delivered after ${totalMs} ms: ${result.perSecond} notifications/s`,
);
console.log(
  `commit → WebSocket push: p50 ${result.websocket.p50} ms, p99 ${result.websocket.p99} ms (${pushedAt.size})`,
);
console.log(
  `commit → WeChat stand-in: p50 ${result.wechat.p50} ms, p99 ${result.wechat.p99} ms (${sentAt.size})`,
);
console.log(`results: ${path.relative(process.cwd(), file)}`);
console.log(`delivered ${both.length}/${COUNT}, duplicates ${duplicates}, p99 ${result.both.p99 ?? '-'} ms`);
process.exit(0);
