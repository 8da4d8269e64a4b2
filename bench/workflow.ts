// `npm run bench:workflow`: flows completed per second by bpmn-engine alone in memory (the ceiling) and by
// the durable runtime over plain Maps (its own overhead, no database), on PGlite and, when reachable, on
// PostgreSQL with one and two processes; step
// latency (start, complete) and where a step's store time goes. Every measurement runs in child processes
// (bench/client.ts) that warm up first and then measure the same window. The repair flow's configurations are
// measured in BENCH_ROUNDS (3) interleaved rounds and each reports its median round. Results go to
// bench/results/workflow-<date>.json; the last line printed is the durable/ceiling ratio of the repair flow.
// Not a test: nothing here asserts a number.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ENGINE_VERSION } from '@linli/workflows';
import { buildServices, loadConfig, prepareStore } from '@linli/server';
import type { ClientArgs, ClientResult } from './client.js';
import { benchHandlers, FLOWS, type FlowName } from './flows.js';
import { summarise, type Measurement } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SETTINGS = {
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 8),
  warmupMs: 3_000,
  measureMs: 6_000,
  minFlows: 500,
  maxMs: 30_000,
};

/** memory: bpmn-engine alone (the ceiling); none: the durable runtime over Maps (its own overhead, no database) */
type Where =
  { store: 'memory' } | { store: 'none' } | { store: 'pglite' } | { store: 'postgres'; adminUrl: string };

/** Starts `processes` clients, waits until all are warm, starts their measured period at once. */
async function measure(flow: FlowName, where: Where, processes: number): Promise<Measurement> {
  let cleanup = async () => undefined as void;
  const target: Pick<ClientArgs, 'dataDir' | 'databaseUrl'> = {};
  if (where.store === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-bench-'));
    target.dataDir = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else if (where.store === 'postgres') {
    const db = await freshDatabase(where.adminUrl);
    target.databaseUrl = db.url;
    cleanup = db.drop;
  }
  try {
    const children = Array.from({ length: processes }, (_, i) =>
      client({
        mode: where.store === 'memory' ? 'memory' : where.store === 'none' ? 'durable-no-db' : 'durable',
        flow,
        ...target,
        ...SETTINGS,
        minFlows: Math.ceil(SETTINGS.minFlows / processes),
        tag: `p${i}-${randomBytes(3).toString('hex')}`,
      }),
    );
    await Promise.all(children.map((c) => c.warm));
    // the machine's load before the window: other work on a shared machine makes a number worthless
    const loadBefore = os.loadavg()[0]!;
    for (const c of children) c.go();
    const results = await Promise.all(children.map((c) => c.result));
    return { ...summarise(flow, where.store, processes, results), loadBefore };
  } finally {
    await cleanup();
  }
}

function client(args: ClientArgs): { warm: Promise<void>; go(): void; result: Promise<ClientResult> } {
  // the environment passes on: BENCH_PROFILE=<dir> has each client profile its measured window (client.ts)
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'client.ts'), JSON.stringify(args)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let out = '';
  let onWarm: () => void = () => undefined;
  const warm = new Promise<void>((resolve) => (onWarm = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('warm\n')) onWarm();
  });
  const result = new Promise<ClientResult>((resolve, reject) =>
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ClientResult);
      else reject(new Error(`a bench client exited with ${code}: ${out.slice(-2000)}`));
    }),
  );
  // a client that dies while warming up must not leave the orchestrator waiting for "warm"
  void result.catch(() => onWarm());
  return { warm, go: () => void child.stdin.write('go\n'), result };
}

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** A migrated database of its own with both flows deployed, so that two clients never race to deploy. */
async function freshDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `linli_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(q).finally(() => c.end());
  };
  await admin(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: u.toString() });
  const store = await prepareStore(config);
  const { runtime } = buildServices(config, store, undefined, { handlers: benchHandlers }).workflow;
  for (const f of Object.values(FLOWS))
    await runtime.deploy(readFileSync(path.join(here, '../bpmn/fixtures', f.file), 'utf8'), null);
  await store.close();
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

const fmt = (n: number | undefined) => (n === undefined ? '   -' : n.toFixed(1).padStart(6));

function print(m: Measurement): void {
  const where = `${m.store}${m.processes > 1 ? ` ×${m.processes}` : ''}`.padEnd(12);
  console.log(
    `${m.flow.padEnd(8)} ${where} ${m.flowsPerSecond.toFixed(1).padStart(8)} flows/s  (${m.flows} flows in ${(m.ms / 1000).toFixed(1)} s)` +
      `  start p50 ${fmt(m.latency.start.p50)} p99 ${fmt(m.latency.start.p99)} ms` +
      `  complete p50 ${fmt(m.latency.complete.p50)} p99 ${fmt(m.latency.complete.p99)} ms` +
      `  cpu ${m.cpuMsPerFlow.toFixed(1)} ms/flow` +
      (m.mainCpuMsPerFlow !== undefined
        ? ` (main ${m.mainCpuMsPerFlow.toFixed(1)}, off-cpu ${m.offCpuMsPerFlow!.toFixed(1)})`
        : '') +
      `  loop ${(m.loopBusy * 100).toFixed(0)}%  load ${m.loadBefore?.toFixed(1)}` +
      (m.rounds ? `  rounds ${m.rounds.map((r) => r.toFixed(1)).join(' / ')}` : ''),
  );
  if (m.storePerFlow) {
    const top = Object.entries(m.storePerFlow)
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([name, s]) => `${name} ${s.n.toFixed(1)}× ${s.ms.toFixed(1)} ms`);
    console.log(`${''.padEnd(22)}store per flow: ${top.join(', ')}`);
  }
}

/** One measurement per configuration: the median round by flows per second, with every round's rate. */
function medians(runs: Measurement[]): Measurement[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of runs) {
    const key = `${m.flow}/${m.store}/${m.processes}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((g) => {
    if (g.length === 1) return g[0]!;
    const sorted = [...g].sort((a, b) => a.flowsPerSecond - b.flowsPerSecond);
    return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, rounds: g.map((m) => m.flowsPerSecond) };
  });
}

async function main(): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const adminUrl = config.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const postgres = await reachable(adminUrl);
  console.log(
    `bench:workflow on ${os.cpus().length} cores, node ${process.version}, bpmn-engine ${ENGINE_VERSION}; ` +
      `${SETTINGS.concurrency} concurrent clients per process; PostgreSQL ${postgres ? new URL(adminUrl).host : 'not reachable'}`,
  );
  // The repair flow's ratio compares measurements taken minutes apart on a machine whose wall-clock rates swing
  // ±25% between runs: its configurations are measured BENCH_ROUNDS times, interleaved (ceiling, runtime,
  // PostgreSQL, ceiling, …), and each reports its median round, so a slow spell lands on both sides.
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
  const plan: [FlowName, Where, number][] = [];
  plan.push(['service', { store: 'memory' }, 1], ['service', { store: 'memory' }, 2]);
  plan.push(['service', { store: 'none' }, 1], ['service', { store: 'pglite' }, 1]);
  if (postgres)
    plan.push(
      ['service', { store: 'postgres', adminUrl }, 1],
      ['service', { store: 'postgres', adminUrl }, 2],
    );
  plan.push(['repair', { store: 'pglite' }, 1]);
  for (let round = 0; round < rounds; round++) {
    plan.push(['repair', { store: 'memory' }, 1], ['repair', { store: 'none' }, 1]);
    if (postgres) plan.push(['repair', { store: 'postgres', adminUrl }, 1]);
    plan.push(['repair', { store: 'memory' }, 2]);
    if (postgres) plan.push(['repair', { store: 'postgres', adminUrl }, 2]);
  }
  // BENCH_ONLY=repair/postgres/1 (flow/store/processes, any part empty or left off): a part of the plan, when
  // looking at one number
  const only = process.env.BENCH_ONLY?.split('/');
  if (only)
    plan.splice(
      0,
      plan.length,
      ...plan.filter(
        ([f, w, n]) =>
          (!only[0] || only[0] === f) &&
          (!only[1] || only[1] === w.store) &&
          (!only[2] || Number(only[2]) === n),
      ),
    );
  const runs: Measurement[] = [];
  for (const [flow, where, processes] of plan) {
    const m = await measure(flow, where, processes);
    print(m);
    runs.push(m);
  }
  const results = medians(runs);
  if (results.length < runs.length) {
    console.log(`median of ${rounds} interleaved rounds:`);
    for (const m of results) if (m.rounds) print(m);
  }

  const find = (store: string, processes: number) =>
    results.find((r) => r.flow === 'repair' && r.store === store && r.processes === processes);
  const rate = (store: string, processes: number) => find(store, processes)?.flowsPerSecond;
  const ceiling = rate('memory', 1);
  const best = postgres ? 'postgres' : 'pglite';
  const ratioOf = (n: number | undefined) => (n !== undefined && ceiling ? n / ceiling : undefined);
  const one = ratioOf(rate(best, 1));
  const two = postgres ? ratioOf(rate('postgres', 2)) : undefined;
  const file = path.join(
    here,
    'results',
    `workflow-${new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '')}.json`,
  );
  const json = {
    at: new Date().toISOString(),
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    engine: ENGINE_VERSION,
    settings: { ...SETTINGS, rounds },
    results,
    runs,
    ratio: { store: best, one, two },
  };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  // CPU per flow is steadier than wall-clock rates: the same comparison in CPU (all threads of the clients)
  const cpuOf = (store: string) => find(store, 1)?.cpuMsPerFlow;
  const [cpuCeiling, cpuDurable] = [cpuOf('memory'), cpuOf(best)];
  if (cpuCeiling && cpuDurable)
    console.log(
      `cpu per repair flow: ${cpuCeiling.toFixed(1)} ms bpmn-engine alone, ${cpuDurable.toFixed(1)} ms durable on ${best} (ratio ${(cpuCeiling / cpuDurable).toFixed(2)})`,
    );
  // the engines' thread alone: what the runtime and its store add to the thread that limits a process, apart
  // from the time that thread waited for a core (two cores shared with the database and helper threads)
  const mainOf = (store: string) => find(store, 1)?.mainCpuMsPerFlow;
  const [mainCeiling, mainDurable] = [mainOf('memory'), mainOf(best)];
  if (mainCeiling && mainDurable)
    console.log(
      `main-thread cpu per repair flow: ${mainCeiling.toFixed(1)} ms bpmn-engine alone, ${mainDurable.toFixed(1)} ms durable on ${best} (ratio ${(mainCeiling / mainDurable).toFixed(2)}); ` +
        `busy but off-cpu: ${find('memory', 1)!.offCpuMsPerFlow!.toFixed(1)} and ${find(best, 1)!.offCpuMsPerFlow!.toFixed(1)} ms`,
    );
  console.log(
    `durable/ceiling: ${one?.toFixed(2) ?? 'n/a'} one process, ${two?.toFixed(2) ?? (postgres ? 'n/a' : 'n/a (no PostgreSQL)')} two processes`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
