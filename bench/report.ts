// Turns what the bench clients measured into one Measurement: flows per second over the common window,
// step latency percentiles, and the store's share of a flow (calls and milliseconds per flow).
import type { ClientResult } from './client.js';

export interface Measurement {
  flow: string;
  store: string;
  processes: number;
  flows: number;
  /** the longest client's measured period */
  ms: number;
  flowsPerSecond: number;
  /** CPU ms the clients used per flow (all threads: engine, runtime, driver, garbage collection) */
  cpuMsPerFlow: number;
  /** the clients' mean event-loop utilisation over the window (near 1: the main thread is the limit) */
  loopBusy: number;
  /**
   * CPU ms the main threads used per flow (Linux), and the ms per flow their loops were busy but the thread was
   * not on a CPU (waiting for a core the database, GC helpers or other threads held)
   */
  mainCpuMsPerFlow?: number;
  offCpuMsPerFlow?: number;
  /** the 1-minute load average when the measured window began (the bench's own processes included) */
  loadBefore?: number;
  /** ms per step; complete is absent for a flow without user tasks */
  latency: { start: { p50?: number; p99?: number }; complete: { p50?: number; p99?: number } };
  /** per store method, calls and ms per flow (ms overlap under concurrency: they are latencies, not CPU) */
  storePerFlow?: Record<string, { n: number; ms: number }>;
  /** measured in several interleaved rounds: each round's flows per second (this is the median one) */
  rounds?: number[];
}

export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarise(
  flow: string,
  store: string,
  processes: number,
  results: ClientResult[],
): Measurement {
  const flows = results.reduce((n, r) => n + r.flows, 0);
  const ms = Math.max(...results.map((r) => r.ms));
  const start = results.flatMap((r) => r.times.start);
  const complete = results.flatMap((r) => r.times.complete);
  let storePerFlow: Measurement['storePerFlow'];
  if (results.every((r) => r.store)) {
    storePerFlow = {};
    for (const r of results) {
      for (const [name, s] of Object.entries(r.store!)) {
        const sum = (storePerFlow[name] ??= { n: 0, ms: 0 });
        sum.n += s.n / flows;
        sum.ms += s.ms / flows;
      }
    }
  }
  const mainCpu = results.every((r) => r.mainCpuMs !== undefined)
    ? results.reduce((n, r) => n + r.mainCpuMs!, 0) / flows
    : undefined;
  const busyMsPerFlow = results.reduce((n, r) => n + r.loopBusy * r.ms, 0) / flows;
  return {
    flow,
    store,
    processes,
    flows,
    ms,
    flowsPerSecond: (flows / ms) * 1000,
    cpuMsPerFlow: results.reduce((n, r) => n + r.cpuMs, 0) / flows,
    loopBusy: results.reduce((n, r) => n + r.loopBusy, 0) / results.length,
    ...(mainCpu !== undefined
      ? { mainCpuMsPerFlow: mainCpu, offCpuMsPerFlow: Math.max(0, busyMsPerFlow - mainCpu) }
      : {}),
    latency: {
      start: { p50: percentile(start, 50), p99: percentile(start, 99) },
      complete: { p50: percentile(complete, 50), p99: percentile(complete, 99) },
    },
    ...(storePerFlow ? { storePerFlow } : {}),
  };
}
