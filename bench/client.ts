// One benchmark process: runs flows with N concurrent clients, first to warm up, then — on "go" from the
// orchestrator (bench/workflow.ts), so that several processes measure the same window — for a measured
// period, and prints one JSON line with what it did. Configuration comes as one JSON argument.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { WorkflowRuntime } from '@linli/workflows';
import { buildServices, loadConfig, prepareStore } from '@linli/server';
import {
  benchHandlers,
  compileForMemory,
  FLOWS,
  runDurable,
  runInMemory,
  StoreTap,
  type FlowName,
  type StepTimes,
} from './flows.js';
import { MemoryRuntimeStore } from './memory-store.js';

export interface ClientArgs {
  /** memory: bpmn-engine alone; durable: the runtime on PGlite/PostgreSQL; durable-no-db: the runtime on Maps */
  mode: 'memory' | 'durable' | 'durable-no-db';
  flow: FlowName;
  /** PGlite data folder, or a PostgreSQL URL (durable only) */
  dataDir?: string;
  databaseUrl?: string;
  concurrency: number;
  warmupMs: number;
  /** measure at least this long, and until at least minFlows flows ended (but never past maxMs) */
  measureMs: number;
  minFlows: number;
  maxMs: number;
  /** business keys are unique across processes */
  tag: string;
}

export interface ClientResult {
  flows: number;
  ms: number;
  times: StepTimes;
  /** CPU time this process used in the measured period (all its threads: user + system) */
  cpuMs: number;
  /** CPU time of the main thread alone (Linux; the engines run there): what the loop's busy time really ran */
  mainCpuMs?: number;
  /** share of the measured period the event loop was busy (1: the main thread was the limit) */
  loopBusy: number;
  /** per store method: calls and total ms, during the measured period */
  store?: Record<string, { n: number; ms: number }>;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ClientArgs;
const xml = readFileSync(new URL(`../bpmn/fixtures/${FLOWS[args.flow].file}`, import.meta.url), 'utf8');

async function runner(): Promise<{
  one: (key: string, times: StepTimes) => Promise<void>;
  tap?: StoreTap;
  close(): Promise<void>;
}> {
  const { processId } = FLOWS[args.flow];
  if (args.mode === 'memory') {
    const sourceContext = await compileForMemory(xml);
    return {
      one: (_key, times) => runInMemory(processId, sourceContext, times),
      close: async () => undefined,
    };
  }
  if (args.mode === 'durable-no-db') {
    const runtime = new WorkflowRuntime({ store: new MemoryRuntimeStore(), handlers: benchHandlers });
    await runtime.deploy(xml, null);
    const tap = new StoreTap(runtime);
    return {
      one: (key, times) => runDurable(runtime, tap, processId, key, times),
      tap,
      close: async () => runtime.forgetLiveEngines(),
    };
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: args.dataDir,
    DATABASE_URL: args.databaseUrl ?? '',
  });
  const store = await prepareStore(config);
  const { runtime } = buildServices(config, store, undefined, { handlers: benchHandlers }).workflow;
  await runtime.deploy(xml, null); // the orchestrator deployed it already: same XML, same version
  const tap = new StoreTap(runtime);
  return {
    one: (key, times) => runDurable(runtime, tap, processId, key, times),
    tap,
    close: async () => {
      runtime.forgetLiveEngines();
      await store.close();
    },
  };
}

/** the main thread's CPU ms so far (user + system, from /proc; undefined where there is none) */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
function mainThreadCpuMs(): number | undefined {
  try {
    // fields after the command name: state is 3rd, utime 14th and stime 15th of the whole line
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** N clients, each running flows back to back until `until()` says stop; counts flows that ended. */
async function drive(
  one: (key: string, times: StepTimes) => Promise<void>,
  until: (flows: number) => boolean,
  times: StepTimes,
  phase: string,
) {
  let flows = 0;
  let n = 0;
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      while (!until(flows)) {
        await one(`${args.tag}-${phase}-${++n}`, times);
        flows++;
      }
    }),
  );
  return flows;
}

async function main(): Promise<void> {
  const r = await runner();
  const warmupEnds = Date.now() + args.warmupMs;
  await drive(r.one, () => Date.now() >= warmupEnds, { start: [], complete: [] }, 'warm');
  r.tap?.calls.clear();
  process.stdout.write('warm\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));

  // BENCH_PROFILE=<dir>: a CPU profile of the measured window only (no start-up, no warm-up)
  const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const times: StepTimes = { start: [], complete: [] };
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuMs();
  const loopBefore = performance.eventLoopUtilization();
  const began = Date.now();
  let lastEnd = began;
  const stop = (flows: number) => {
    const elapsed = Date.now() - began;
    return elapsed >= args.maxMs || (elapsed >= args.measureMs && flows >= args.minFlows);
  };
  // the period ends when the last flow that was running when `stop` turned true ends: count them all
  const flows = await drive(r.one, (f) => stop(f), times, 'run').then((f) => ((lastEnd = Date.now()), f));
  const cpu = process.cpuUsage(cpuBefore);
  const mainAfter = mainThreadCpuMs();
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const file = path.join(
      process.env.BENCH_PROFILE!,
      `${args.flow}-${args.mode}-${args.tag}-${flows}flows.cpuprofile`,
    );
    writeFileSync(file, JSON.stringify(profile));
  }
  const result: ClientResult = {
    flows,
    ms: lastEnd - began,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(mainBefore !== undefined && mainAfter !== undefined ? { mainCpuMs: mainAfter - mainBefore } : {}),
    loopBusy: performance.eventLoopUtilization(loopBefore).utilization,
    times,
    ...(r.tap ? { store: Object.fromEntries(r.tap.calls) } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await r.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
