// The workflow steps' commits, sent from a thread of their own (PostgreSQL server only). A step's engine work
// runs on the main thread, which is the runtime's limit; talking to the database — building protocol messages,
// the socket's writes, reading and parsing the answers, and the garbage of all that — was ~10% of that thread's
// time per step. Here a worker thread takes each step's JSON document and does the rest: the group commit
// (steps that become ready while commits are on their way go together in one statement), with connections of
// its own to the same database. The main thread only posts a string and later gets one answer per statement.
//
// Nothing else changes: each step is still applied by wf_commit_step(s) atomically, and resolves only once the
// statement that carried it has committed. If the thread fails or exits, every step it had not answered fails
// (the runtime treats that as a step that did not commit) and later steps go through the caller's fallback.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** one step's outcome: null when it committed, else the SQLSTATE and message of why not */
export type StepOutcome = { code: string | undefined; message: string } | null;

/** parent → worker */
type ToWorker = { op: 'step'; id: number; instanceId: string; payload: string } | { op: 'stop' };
/** worker → parent: the outcomes of the steps one statement carried */
type FromWorker = { op: 'ready' } | { op: 'done'; ids: number[]; outcomes: StepOutcome[] };

/** statements carrying steps at once (each on a connection of its own), and steps one statement may carry */
export const COMMITS_IN_FLIGHT = 2;
export const STEPS_PER_COMMIT = 64;

export interface CommitThreadOptions {
  url: string;
  commitsInFlight?: number;
  stepsPerCommit?: number;
}

// The worker's code: plain JavaScript over the `pg` driver (resolved by the parent and passed in), so that it
// needs no TypeScript loader. The batching is the same as DrizzleRuntimeStore's in-process path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const pg = require(workerData.pg);
const { url, commitsInFlight, stepsPerCommit } = workerData;
const pool = new pg.Pool({ connectionString: url, max: commitsInFlight });
pool.on('error', () => undefined); // a dropped idle connection: the pool replaces it
const waiting = [];
let inFlight = 0;
let stopping = false;
const failure = (err) => {
  for (let e = err; e; e = e.cause) if (typeof e.code === 'string') return { code: e.code, message: String(e.message) };
  return { code: undefined, message: err instanceof Error ? err.message : String(err) };
};
async function send() {
  inFlight += 1;
  try {
    while (waiting.length) {
      const batch = waiting.splice(0, stepsPerCommit);
      const ids = batch.map((s) => s.id);
      if (batch.length === 1) {
        const outcome = await pool
          .query({ name: 'wf_commit_step', text: 'select wf_commit_step($1::jsonb)', values: [batch[0].payload] })
          .then(() => null, failure);
        parentPort.postMessage({ op: 'done', ids, outcomes: [outcome] });
        continue;
      }
      // rows are locked in one order (by instance) in every batch: two batches never wait on each other in a cycle
      batch.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
      let outcomes;
      try {
        const res = await pool.query({
          name: 'wf_commit_steps',
          text: 'select wf_commit_steps($1::jsonb) as results',
          values: ['[' + batch.map((s) => s.payload).join(',') + ']'],
        });
        outcomes = res.rows[0].results.map((r) => (r ? { code: r.code, message: r.message } : null));
      } catch (err) {
        // the statement itself failed (connection lost, ...): none of its steps committed
        const f = failure(err);
        outcomes = batch.map(() => f);
      }
      parentPort.postMessage({ op: 'done', ids: batch.map((s) => s.id), outcomes });
    }
  } finally {
    inFlight -= 1;
    if (stopping && inFlight === 0 && !waiting.length) void pool.end().finally(() => process.exit(0));
  }
}
parentPort.on('message', (m) => {
  if (m.op === 'step') {
    waiting.push(m);
    if (inFlight < commitsInFlight) void send();
  } else if (m.op === 'stop') {
    stopping = true;
    if (inFlight === 0 && !waiting.length) void pool.end().finally(() => process.exit(0));
  }
});
parentPort.postMessage({ op: 'ready' });
`;

const READY_TIMEOUT_MS = 30_000;

export class CommitThread {
  private nextId = 1;
  private readonly pending = new Map<number, (outcome: StepOutcome) => void>();
  private alive = true;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      if (m.op !== 'done') return;
      m.ids.forEach((id, i) => {
        const settle = this.pending.get(id);
        this.pending.delete(id);
        settle?.(m.outcomes[i] ?? null);
      });
      if (!this.pending.size) worker.unref();
    });
    const fail = (why: string) => {
      this.alive = false;
      // whatever it had not answered did not (as far as anyone can tell here) commit
      for (const settle of this.pending.values()) settle({ code: undefined, message: why });
      this.pending.clear();
    };
    worker.on('error', (err) => fail(`the commit thread failed: ${err.message}`));
    worker.on('exit', (code) => fail(`the commit thread exited (${code})`));
  }

  static async start(opts: CommitThreadOptions): Promise<CommitThread | undefined> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        url: opts.url,
        commitsInFlight: opts.commitsInFlight ?? COMMITS_IN_FLIGHT,
        stepsPerCommit: opts.stepsPerCommit ?? STEPS_PER_COMMIT,
        pg: createRequire(import.meta.url).resolve('pg'),
      },
      stdout: false,
      stderr: false,
    });
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      worker.once('message', (m: FromWorker) => {
        clearTimeout(timer);
        resolve(m.op === 'ready');
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ready) {
      await worker.terminate();
      return undefined;
    }
    // the thread keeps the process alive only while it has commits to answer
    worker.unref();
    return new CommitThread(worker);
  }

  get running(): boolean {
    return this.alive;
  }

  /** Commits one step's document (wf_commit_step's JSON); resolves with its outcome once known. */
  commit(instanceId: string, payload: string): Promise<StepOutcome> {
    if (!this.alive) return Promise.resolve({ code: undefined, message: 'the commit thread is not running' });
    const id = this.nextId++;
    return new Promise<StepOutcome>((resolve) => {
      if (!this.pending.size) this.worker.ref();
      this.pending.set(id, resolve);
      this.worker.postMessage({ op: 'step', id, instanceId, payload } satisfies ToWorker);
    });
  }

  /** Lets the commits on their way finish (up to 10 s), then ends the thread. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ op: 'stop' } satisfies ToWorker);
    const timer = setTimeout(() => void this.worker.terminate(), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
