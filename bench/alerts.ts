// npm run bench:alerts — device alerts end to end: MQTT publish → device-bridge → server ingest → WebSocket.
// Runs the product as it runs in production, as separate processes: the server (`server/src/main.ts`, demo mode,
// on PostgreSQL when one is reachable — a database of its own, dropped at the end — else embedded PGlite) and the
// bridge (`device-bridge/src/main.ts`, with its embedded MQTT broker). Registers BENCH_DEVICES AI boxes across the
// demo community's buildings through the API, opens a WebSocket as the community admin, and publishes the
// project's own MQTT events (QoS 1) at a steady BENCH_RATE per second for BENCH_SECONDS, spread over the devices
// and a mix of alert types. Per event: publish → the `alert` push carrying its eventId on the admin's socket.
// Baseline in the same run: the same publishing, read by a plain MQTT subscriber on the same broker (the broker
// hop alone). Prints p50/p99/max, lost and duplicated events, saves bench/results/alerts-<date>.json and ends
// with `p99 <ms> ms, lost <n>, duplicates <n>`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { WebSocket } from 'ws';
import { percentile } from './report.js';
import { benchDatabase } from './pg.js';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100);
const WARMUP_SECONDS = 5;
const DRAIN_MS = 30_000;
const COMMUNITY_CODE = '370902001001';
const PASSWORD = 'linli-demo-2026';
const SECRET = `bench-bridge-secret-${randomUUID()}`;
/** a realistic mix: most AI-box events are lifts and thrown objects; some need a case */
const TYPES = ['ebike_in_lift', 'ebike_in_lift', 'object_thrown', 'intrusion', 'smoke_fire', 'fall_detected'];

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = createRequire(path.join(root, 'server', 'package.json')).resolve('tsx/cli');
/** BENCH_PROFILE=<dir>: both processes run with --cpu-prof (tsx as a loader, in the one process) */
const tsxLoader = pathToFileURL(createRequire(path.join(root, 'server', 'package.json')).resolve('tsx')).href;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

// ------------------------------------------------------------------ the database

const database = await benchDatabase('alerts', { pglite: process.env.BENCH_PGLITE === '1' });
const onServer = database.onServer;
const store = onServer ? 'postgresql' : 'pglite';
console.log(`store: ${store}`);

// ------------------------------------------------------------------ the two processes

const work = mkdtempSync(path.join(os.tmpdir(), 'linli-bench-alerts-'));
const children: ChildProcess[] = [];
function run(name: string, cwd: string, env: Record<string, string>): ChildProcess {
  const prof = process.env.BENCH_PROFILE;
  const args = prof
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(prof, name)}`, '--import', tsxLoader, 'src/main.ts']
    : [tsx, 'src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: path.join(root, cwd),
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (process.env.BENCH_ECHO) process.stderr.write(c); // BENCH_ECHO=1: the children's logs too
    err = (err + c.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}) during the benchmark:\n${err}`);
      void cleanup().then(() => process.exit(1));
    }
  });
  children.push(child);
  return child;
}
let stopping = false;
async function cleanup(): Promise<void> {
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  await database.drop();
  rmSync(work, { recursive: true, force: true });
}

// whatever fails, the server and the bridge do not outlive the benchmark
process.on('unhandledRejection', (err) => {
  console.error(err);
  void cleanup().then(() => process.exit(1));
});

const serverPort = await freePort();
const base = `http://127.0.0.1:${serverPort}`;
run('server', 'server', {
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  PORT: String(serverPort),
  HOST: '127.0.0.1',
  DATA_DIR: path.join(work, 'server'),
  DATABASE_URL: database.url,
  DEMO_MODE: '1',
  DEVICE_BRIDGE_SECRET: SECRET,
  // chat channels are not what is measured: no WeChat/WeCom configured, the in-app inbox still fills
  NOTIFY_DISPATCHER: '1',
});

async function waitFor(url: string, what: string, ms = 180_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not yet
    }
    await sleep(250);
  }
  throw new Error(`${what} did not come up within ${ms} ms`);
}
await waitFor(`${base}/readyz`, 'the server');

async function api<T>(method: string, route: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v1${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
const { accessToken: token } = await api<{ accessToken: string }>('POST', '/auth/password', null, {
  username: 'community.admin',
  password: PASSWORD,
});

// bench devices: AI boxes in the lifts of the demo community's buildings, registered as an admin would
const buildings = await api<{ items: { id: string }[] }>('GET', '/buildings?pageSize=200', token);
if (!buildings.items.length) throw new Error('the demo community has no buildings');
const codes: string[] = [];
// the address directory lists every community's buildings; the admin may place devices only in their own
const usable = [...buildings.items];
for (let i = 0; codes.length < DEVICES; i++) {
  if (!usable.length) throw new Error('no building of the demo community accepts a device');
  const code = `BENCH-LIFT-${String(codes.length).padStart(4, '0')}`;
  const building = usable[i % usable.length]!;
  try {
    await api('POST', '/devices', token, {
      code,
      name: `电梯AI盒子 ${codes.length + 1}`,
      vendor: 'generic',
      kind: 'ai_box',
      buildingId: building.id,
      spot: '电梯轿厢',
    });
    codes.push(code);
  } catch (err) {
    if (!String(err).includes(': 403 ')) throw err;
    usable.splice(usable.indexOf(building), 1);
  }
}

// the bridge knows the demo devices and the bench ones (the project's own MQTT format, by topic)
const demoConfig = JSON.parse(readFileSync(path.join(root, 'device-bridge/config/demo.json'), 'utf8')) as {
  devices: Record<string, unknown>[];
};
const configFile = path.join(work, 'bridge.json');
writeFileSync(
  configFile,
  JSON.stringify({
    ...demoConfig,
    devices: [
      ...demoConfig.devices,
      ...codes.map((code) => ({
        code,
        name: 'bench AI box',
        vendor: 'generic',
        kind: 'ai_box',
        communityCode: COMMUNITY_CODE,
        match: { topic: [`community/${COMMUNITY_CODE}/device/${code}/event`] },
        heartbeatWindowSec: 0,
      })),
    ],
  }),
);
const mqttPort = await freePort();
const bridgeHttpPort = await freePort();
run('device-bridge', 'device-bridge', {
  LOG_LEVEL: 'warn',
  BRIDGE_CONFIG: configFile,
  BRIDGE_ID: 'demo-bridge',
  DEVICE_BRIDGE_SECRET: SECRET,
  SERVER_URL: base,
  BRIDGE_DATA_DIR: path.join(work, 'bridge'),
  BRIDGE_HTTP_PORT: String(bridgeHttpPort),
  MQTT_EMBEDDED: 'true',
  MQTT_PORT: String(mqttPort),
  MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
});
await waitFor(`http://127.0.0.1:${bridgeHttpPort}/healthz`, 'the bridge');

// ------------------------------------------------------------------ what is measured

interface Series {
  sentAt: Map<string, number>;
  seenAt: Map<string, number>;
  duplicates: number;
  measured: Set<string>;
}
const series = (): Series => ({ sentAt: new Map(), seenAt: new Map(), duplicates: 0, measured: new Set() });
const e2e = series();
const broker = series();
const see = (s: Series, id: string) => {
  if (!s.sentAt.has(id)) return;
  if (s.seenAt.has(id)) s.duplicates++;
  else s.seenAt.set(id, performance.now());
};

const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?token=${token}`);
await new Promise<void>((resolve, reject) => {
  ws.once('error', reject);
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; eventId?: string };
    if (m.type === 'ready') resolve();
    else if (m.type === 'alert' && m.eventId) see(e2e, m.eventId);
  });
});

const url = `mqtt://127.0.0.1:${mqttPort}`;
const subscriber = await mqtt.connectAsync(url, { clientId: `bench-sub-${process.pid}`, clean: true });
await subscriber.subscribeAsync('bench/baseline/#', { qos: 1 });
subscriber.on('message', (_topic, payload) =>
  see(broker, (JSON.parse(payload.toString()) as { eventId: string }).eventId),
);
const publisher = await mqtt.connectAsync(url, { clientId: `bench-pub-${process.pid}`, clean: true });

/** Publishes at RATE/s for `seconds` to `topicOf`; ids sent after the warm-up count. */
async function publish(s: Series, seconds: number, topicOf: (code: string) => string): Promise<void> {
  const total = RATE * seconds;
  const began = performance.now();
  for (let i = 0; i < total; i++) {
    const due = began + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const code = codes[i % codes.length]!;
    const eventId = randomUUID();
    const event = {
      eventId,
      type: TYPES[i % TYPES.length],
      occurredAt: new Date().toISOString(),
      state: 'pulse',
      confidence: 0.9,
    };
    s.sentAt.set(eventId, performance.now());
    if (i >= RATE * WARMUP_SECONDS) s.measured.add(eventId);
    void publisher.publishAsync(topicOf(code), JSON.stringify(event), { qos: 1 });
  }
}

async function settle(s: Series): Promise<void> {
  const until = Date.now() + DRAIN_MS;
  while (Date.now() < until && s.seenAt.size < s.sentAt.size) await sleep(100);
}

function report(name: string, s: Series) {
  const latencies = [...s.measured].flatMap((id) => {
    const seen = s.seenAt.get(id);
    return seen === undefined ? [] : [seen - s.sentAt.get(id)!];
  });
  const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
  const out = {
    sent: s.sentAt.size,
    measured: s.measured.size,
    lost: s.sentAt.size - s.seenAt.size,
    duplicates: s.duplicates,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.length ? Math.max(...latencies) : undefined),
  };
  console.log(
    `${name.padEnd(34)} sent ${out.sent}, lost ${out.lost}, duplicates ${out.duplicates}; ` +
      `p50 ${out.p50} ms, p99 ${out.p99} ms, max ${out.max} ms`,
  );
  return out;
}

console.log(
  `publishing ${RATE}/s for ${SECONDS} s (first ${WARMUP_SECONDS} s not measured) over ${codes.length} devices`,
);
const load = os.loadavg()[0];
await publish(broker, Math.min(SECONDS, 20), (code) => `bench/baseline/${code}`);
await settle(broker);
// every 5 s: where the events are (published, in the bridge's queue, seen on the socket) — shows which hop lags
const progress = setInterval(() => {
  void fetch(`http://127.0.0.1:${bridgeHttpPort}/healthz`)
    .then(
      (r) =>
        r.json() as Promise<{ queue: { depth: number }; forwarder: { batches: number; accepted: number } }>,
    )
    .then((h) =>
      console.log(
        `  published ${e2e.sentAt.size}, bridge queue ${h.queue.depth}, forwarded ${h.forwarder.accepted} ` +
          `in ${h.forwarder.batches} batches, seen ${e2e.seenAt.size}`,
      ),
    )
    .catch(() => undefined);
}, 5000);
await publish(e2e, SECONDS, (code) => `community/${COMMUNITY_CODE}/device/${code}/event`);
await settle(e2e);
clearInterval(progress);

const baseline = report('baseline (MQTT broker hop only)', broker);
const result = report('MQTT → bridge → server → WebSocket', e2e);
// where the tail is: p99 per 10 s (BENCH_WINDOW) of the run (the first seconds create the alerts and start their cases)
const t0 = Math.min(...e2e.sentAt.values());
const windows: string[] = [];
const WINDOW = Number(process.env.BENCH_WINDOW ?? 10);
for (let from = 0; from < SECONDS; from += WINDOW) {
  const lat = [...e2e.sentAt].flatMap(([id, at]) => {
    const seen = e2e.seenAt.get(id);
    const second = (at - t0) / 1000;
    return seen !== undefined && second >= from && second < from + WINDOW ? [seen - at] : [];
  });
  windows.push(`${from}–${from + WINDOW} s: ${Math.round(percentile(lat, 99) ?? 0)}`);
}
console.log(`p99 per ${WINDOW} s (ms): ${windows.join(', ')}`);
const alertsOpen = await api<{ total: number }>('GET', '/alerts?pageSize=1', token);
console.log(
  `alerts in the community after the run: ${alertsOpen.total} (events fold into open alerts per device and type)`,
);

mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const file = path.join(root, `bench/results/alerts-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      store,
      rate: RATE,
      seconds: SECONDS,
      devices: DEVICES,
      loadBefore: load,
      baseline,
      result,
    },
    null,
    2,
  ),
);
console.log(`saved ${path.relative(root, file)}`);

ws.close();
await subscriber.endAsync();
await publisher.endAsync();
await cleanup();
console.log(`p99 ${result.p99} ms, lost ${result.lost}, duplicates ${result.duplicates}`);
process.exit(0);
