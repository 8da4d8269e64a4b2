// A workflow worker process for the two-worker test: polls the shared PostgreSQL database (DATABASE_URL)
// for due timers and jobs, as a server's worker would, and exits 0 once no instance of the process is left
// running. Every call of the service task after the timer is recorded with this process's pid, without any
// deduplication: a timer fired twice shows as two calls.
import { sql } from 'drizzle-orm';
import { WorkflowWorker, type ServiceHandler } from '@linli/workflows';
import { buildServices, loadConfig, prepareStore } from '@linli/server';

const PROCESS_ID = 'timer-then-service';
/** a worker that cannot finish within this leaves the instances to the test's assertions */
const GIVE_UP_AFTER_MS = Number(process.env.WORKER_GIVE_UP_AFTER_MS ?? 240_000);

const say = (what: string, data: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ pid: process.pid, t: Date.now(), what, ...data })}\n`);

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const store = await prepareStore(config);
  const record: ServiceHandler = async (call) => {
    await store.rows(
      sql`insert into tw_calls (key, instance_id, pid) values (${call.key}, ${call.instanceId}, ${process.pid})`,
    );
  };
  const services = buildServices(config, store, undefined, { handlers: { 'test.record': record } });
  const worker = new WorkflowWorker(services.workflow.runtime, {
    batch: 100,
    concurrency: 8,
    onError: (err, what) => say('worker.error', { what, err: String(err) }),
  });
  say('ready');
  // both workers boot first and then start on "go" together: the test is about them competing for rows
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const began = Date.now();
  let timers = 0;
  let jobs = 0;
  for (;;) {
    const round = await worker.poll();
    timers += round.timers;
    jobs += round.jobs;
    const [left] = await store.rows<{ n: number }>(
      sql`select count(*)::int as n from wf_instances where process_id = ${PROCESS_ID} and status = 'running'`,
    );
    if (!left?.n) break;
    if (Date.now() - began > GIVE_UP_AFTER_MS) throw new Error(`${left.n} instances still running`);
    if (round.timers === 0 && round.jobs === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  say('done', { timers, jobs, ms: Date.now() - began });
  services.workflow.runtime.forgetLiveEngines();
  await store.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    say('failed', { err: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  },
);
