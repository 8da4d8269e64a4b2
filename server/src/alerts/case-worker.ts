// The alert case thread's side (see case-thread.ts): services of its own over the same database, a lane that does
// one case job at a time, pushes and dispatcher wake-ups handed back to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { buildServices, openConfiguredStore } from '../server.js';
import { createLogger } from '../lib/logger.js';
import type { CaseWorkerData, FromWorker, ToWorker } from './case-thread.js';
import { doCaseJob, inLane } from './cases.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const data = workerData as CaseWorkerData;
// a Buffer arrives as a plain Uint8Array
const config = { ...data.config, dataKey: Buffer.from(data.config.dataKey) };
const logger = createLogger(config.logLevel);
// the main thread migrated the database before starting this thread
const store = await openConfiguredStore(config);
const s = buildServices(config, store, logger);
s.push.setRemote({ publish: ({ message, to }) => post({ op: 'push', message, to }) });
s.notify.dispatcher.wake = () => post({ op: 'wake' });

let stopping = false;
port.on('message', (m: ToWorker) => {
  if (m.op === 'stop') {
    stopping = true;
    // after the job in progress and those queued: the lane is one promise chain
    void inLane(s, async () => undefined).finally(async () => {
      await store.close().catch(() => undefined);
      process.exit(0);
    });
    return;
  }
  if (stopping) return post({ op: 'failed', id: m.id, message: 'the alert case thread is stopping' });
  inLane(s, () => doCaseJob(s, m.job)).then(
    (n) => post({ op: 'done', id: m.id, n }),
    (err: unknown) =>
      post({ op: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) }),
  );
});
post({ op: 'ready' });
