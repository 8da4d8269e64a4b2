// The alert cases' own thread (PostgreSQL only). A step of the alert-handling diagram is 10–30 ms of bpmn-engine
// work on one event loop; during a storm of new alerts (hundreds of cases to start, repeats to correlate every
// 30 s) that work delayed the device events arriving meanwhile by as much. Here it runs in a worker thread with
// services of its own over the same database — as a second server process would — while the main thread keeps
// taking in events and pushing them.
//
// The worker's pushes (a case's task assigned, …) come back to this thread and are published here, so they reach
// the sockets this process holds and, through its fan-out, other processes; a step that wrote outbox rows wakes
// this process's notification dispatcher. The worker runs nothing by itself: no HTTP, no timers or jobs, no
// dispatcher. If it fails or exits, its jobs and every later one run in this process's lane again.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { connectedUrl } from '../db/client.js';
import type { Services } from '../services.js';
import type { Audience, HubMessage } from '../ws/push.js';
import { useCaseRunner, type CaseJob, type CaseRunner } from './cases.js';

/** parent → worker */
export type ToWorker = { op: 'job'; id: number; job: CaseJob } | { op: 'stop' };
/** worker → parent */
export type FromWorker =
  | { op: 'ready' }
  | { op: 'done'; id: number; n: number }
  | { op: 'failed'; id: number; message: string }
  | { op: 'push'; message: HubMessage; to: Audience }
  | { op: 'wake' };

/** what the worker is given: the configuration, with the URL of the database this process really uses */
export interface CaseWorkerData {
  config: Services['config'];
  /** tsx's register(), when the server runs from TypeScript sources (development, tests) */
  tsx: string | null;
  entry: string;
}

const READY_TIMEOUT_MS = 60_000;

export class CaseThread implements CaseRunner {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(n: number): void; reject(err: Error): void }>();
  private alive = true;
  /** jobs this thread finished (tests) */
  done = 0;

  private constructor(
    private readonly s: Services,
    private readonly worker: Worker,
  ) {
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the alert case thread exited (${code})`)));
  }

  /** Starts the thread and waits until its services are up; undefined (and a warning) if it cannot start. */
  static async start(s: Services): Promise<CaseThread | undefined> {
    if (s.store.driver !== 'postgres' || !s.config.databaseUrl) return undefined;
    const fromTs = import.meta.url.endsWith('.ts');
    const data: CaseWorkerData = {
      // the database this process really uses
      config: { ...s.config, databaseUrl: await connectedUrl(s.store, s.config.databaseUrl) },
      // the ESM build of tsx/esm/api (require.resolve answers with the CommonJS one, which cannot register here)
      tsx: fromTs
        ? createRequire(import.meta.url)
            .resolve('tsx/esm/api')
            .replace(/\.cjs$/, '.mjs')
        : null,
      entry: new URL(`./case-worker.${fromTs ? 'ts' : 'js'}`, import.meta.url).href,
    };
    // an eval'd bootstrap: it registers tsx where the sources are TypeScript (a worker does not inherit the
    // parent's loader), then loads the worker module
    const boot = `const { workerData } = require('node:worker_threads');
      (async () => {
        if (workerData.tsx) (await import(require('node:url').pathToFileURL(workerData.tsx).href)).register();
        await import(workerData.entry);
      })().catch((err) => { setImmediate(() => { throw err; }); });`;
    const worker = new Worker(boot, { eval: true, workerData: data, stdout: false, stderr: false });
    const thread = new CaseThread(s, worker);
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      const onReady = (m: FromWorker) => {
        if (m.op !== 'ready') return;
        clearTimeout(timer);
        worker.off('message', onReady);
        resolve(true);
      };
      worker.on('message', onReady);
      worker.once('exit', () => resolve(false));
    });
    if (!ready) {
      s.logger.warn('the alert case thread did not start; alert cases run on the main thread');
      await worker.terminate();
      return undefined;
    }
    useCaseRunner(s, thread);
    s.logger.info('alert cases run on a thread of their own');
    return thread;
  }

  run(job: CaseJob): Promise<number> {
    if (!this.alive) return Promise.reject(new Error('the alert case thread is not running'));
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ op: 'job', id, job } satisfies ToWorker);
    });
  }

  /** Lets the job in progress finish (up to 10 s), then ends the thread. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    useCaseRunner(this.s, undefined);
    this.alive = false;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ op: 'stop' } satisfies ToWorker);
    const timer = setTimeout(() => void this.worker.terminate(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private onMessage(m: FromWorker): void {
    switch (m.op) {
      case 'done':
        this.done += 1;
        this.pending.get(m.id)?.resolve(m.n);
        this.pending.delete(m.id);
        return;
      case 'failed':
        this.pending.get(m.id)?.reject(new Error(m.message));
        this.pending.delete(m.id);
        return;
      case 'push':
        this.s.push.publish(m.message, m.to);
        return;
      case 'wake':
        this.s.notify.dispatcher.wake('outbox');
        return;
      default:
        return;
    }
  }

  private fail(err: Error): void {
    if (this.alive)
      this.s.logger.error({ err }, 'the alert case thread failed; alert cases run on the main thread');
    this.alive = false;
    useCaseRunner(this.s, undefined);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
