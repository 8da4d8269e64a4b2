// `npx tsx bench/profile.ts [postgres-url]`: where one durable step's time goes. Runs the repair flow one
// at a time (no concurrency, so times add up) on PostgreSQL (or PGlite without a URL) and splits a flow
// into: bpmn-engine work (execute/resume/signal until rest), engine.getState, the store's calls, and each
// SQL statement the store sends (PostgreSQL only), with the sizes of what a step writes. For a CPU
// profile of the same run: node --cpu-prof --cpu-prof-dir=/tmp/prof node_modules/tsx/dist/cli.mjs bench/profile.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Engine } from 'bpmn-engine';
import pg from 'pg';
import type { StepWrite } from '@linli/workflows';
import { buildServices, loadConfig, prepareStore } from '@linli/server';
import { benchHandlers, FLOWS, runDurable, StoreTap, type StepTimes } from './flows.js';

const FLOWS_TO_RUN = 300;
const WARMUP = 100;
const url = process.argv[2];

/** accumulated ms and calls under a label */
const spent = new Map<string, { n: number; ms: number }>();
function add(label: string, ms: number): void {
  const s = spent.get(label) ?? { n: 0, ms: 0 };
  s.n += 1;
  s.ms += ms;
  spent.set(label, s);
}

function timeMethod(proto: Record<string, unknown>, name: string, label: string): void {
  const fn = proto[name] as (...args: unknown[]) => unknown;
  proto[name] = function timed(this: unknown, ...args: unknown[]) {
    const began = performance.now();
    const out = fn.apply(this, args);
    if (out instanceof Promise) return out.finally(() => add(label, performance.now() - began));
    add(label, performance.now() - began);
    return out;
  };
}

/** what kind of statement: its verb and table, parameters left out */
function statementKind(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim().toLowerCase();
  const m = /^(insert into|update|delete from|select .*? from|begin|commit|rollback)\s*"?(\w+)?/.exec(t);
  if (!m) return t.slice(0, 30);
  const verb = m[1]!.startsWith('select') ? 'select' : m[1]!.split(' ')[0];
  return `sql ${verb}${m[2] && !['begin', 'commit', 'rollback'].includes(m[1]!) ? ` ${m[2]}` : ''}`;
}

async function main(): Promise<void> {
  const dir = url ? undefined : mkdtempSync(path.join(os.tmpdir(), 'linli-profile-'));
  let dbUrl: string | undefined;
  const dbName = `linli_profile_${randomBytes(3).toString('hex')}`;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dir,
    DATABASE_URL: dbUrl ?? '',
  });
  const store = await prepareStore(config);
  const { runtime } = buildServices(config, store, undefined, { handlers: benchHandlers }).workflow;
  const flow = FLOWS.repair;
  await runtime.deploy(readFileSync(new URL(`../bpmn/fixtures/${flow.file}`, import.meta.url), 'utf8'), null);
  const tap = new StoreTap(runtime);

  const sizes = { state: 0, snapshots: 0, history: 0, steps: 0 };
  const commit = runtime.store.commitStep.bind(runtime.store);
  runtime.store.commitStep = async (w: StepWrite) => {
    sizes.steps += 1;
    sizes.state += JSON.stringify(w.instance.state).length;
    sizes.snapshots += w.snapshots.reduce((n, s) => n + JSON.stringify(s.state).length, 0);
    sizes.history += w.history.length;
    return commit(w);
  };
  const engineProto = Engine.prototype as unknown as Record<string, unknown>;
  timeMethod(engineProto, 'getState', 'engine.getState');
  timeMethod(engineProto, 'execute', 'engine.execute (start, run to rest)');
  timeMethod(engineProto, 'resume', 'engine.resume (recover)');
  const queryProto = pg.Client.prototype as unknown as Record<string, unknown>;
  const query = queryProto.query as (...args: unknown[]) => Promise<unknown>;
  queryProto.query = function timedQuery(this: unknown, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === 'string' ? q : ((q as { text?: string })?.text ?? '');
    const began = performance.now();
    const out = query.apply(this, args);
    return out instanceof Promise
      ? out.finally(() => add(statementKind(text), performance.now() - began))
      : out;
  };

  const times: StepTimes = { start: [], complete: [] };
  for (let i = 0; i < WARMUP; i++) await runDurable(runtime, tap, flow.processId, `warm-${i}`, times);
  spent.clear();
  tap.calls.clear();
  Object.assign(sizes, { state: 0, snapshots: 0, history: 0, steps: 0 });
  times.start.length = 0;
  times.complete.length = 0;
  const began = performance.now();
  for (let i = 0; i < FLOWS_TO_RUN; i++) await runDurable(runtime, tap, flow.processId, `run-${i}`, times);
  const wall = performance.now() - began;

  const perFlow = (ms: number) => (ms / FLOWS_TO_RUN).toFixed(2).padStart(7);
  console.log(
    `${url ? 'PostgreSQL' : 'PGlite'}: ${FLOWS_TO_RUN} repair flows one at a time, ${perFlow(wall)} ms per flow (${((FLOWS_TO_RUN / wall) * 1000).toFixed(1)} flows/s), ${sizes.steps / FLOWS_TO_RUN} steps per flow`,
  );
  const rows = [...[...tap.calls].map(([k, v]) => [`store.${k}`, v] as const), ...spent];
  for (const [label, s] of rows.sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`${perFlow(s.ms)} ms/flow  ${(s.n / FLOWS_TO_RUN).toFixed(1).padStart(5)}×  ${label}`);
  }
  console.log(
    `per step: state ${Math.round(sizes.state / sizes.steps)} B of JSON, snapshots ${Math.round(sizes.snapshots / sizes.steps)} B, ${(sizes.history / sizes.steps).toFixed(1)} history rows`,
  );
  runtime.forgetLiveEngines();
  await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
