// The crash test's child process: drives CRASH_INSTANCES instances of crash-flow.bpmn to the end against
// one database (PGlite in DATA_DIR, or DATABASE_URL), and can be killed at any moment and started again.
// Every run does the same idempotent things: deploy (same XML, same version), start the business keys
// that have no instance yet, complete whatever tasks are open, fire due timers and jobs; it exits 0 once
// every instance has completed. It holds no state of its own between runs: all of it is in the database.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { WorkflowWorker, type ServiceHandler } from '@linli/workflows';
import { buildServices, loadConfig, prepareStore } from '@linli/server';

type Store = Awaited<ReturnType<typeof prepareStore>>;

const PROCESS_ID = 'crash-flow';
const INSTANCES = Number(process.env.CRASH_INSTANCES ?? 200);
const LANES = 8;
/** new instances per tick: few enough that completions and timers run alongside from the start */
const START_PER_TICK = 10;
const TICK_MS = 200;
/** when set, the run kills itself with SIGKILL right after its n-th side effect */
const KILL_SELF_AFTER_EFFECTS = Number(process.env.CRASH_KILL_SELF_AFTER_EFFECTS ?? 0);
const xml = readFileSync(new URL('../../bpmn/fixtures/crash-flow.bpmn', import.meta.url), 'utf8');

const say = (what: string, data: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ pid: process.pid, t: Date.now(), what, ...data })}\n`);

async function lanes<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(LANES, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/**
 * Between ticks no step runs, so a running instance with no open task, no timer, no unfinished job and no
 * message subscription can never move again: fail at once, with its history, instead of ticking forever.
 */
async function failIfStuck(store: Store): Promise<void> {
  const stuck = await store.rows<{ business_key: string; history: string[] }>(sql`
    select i.business_key, array(select h.kind || coalesce(' ' || h.activity_id, '') from wf_history h
                                 where h.instance_id = i.id order by h.id desc limit 4) as history
    from wf_instances i
    where i.process_id = ${PROCESS_ID} and i.status = 'running'
      and not exists (select 1 from wf_tasks t where t.instance_id = i.id and t.status = 'open')
      and not exists (select 1 from wf_timers t where t.instance_id = i.id)
      and not exists (select 1 from wf_jobs j where j.instance_id = i.id and j.status <> 'done')
      and not exists (select 1 from wf_subscriptions s where s.instance_id = i.id)
    order by i.business_key::int`);
  if (stuck.length === 0) return;
  say('stuck', { instances: stuck.length, first: stuck.slice(0, 3) });
  process.exit(3);
}

async function main(): Promise<void> {
  // never the developer's own ./data: the test hands every run its database
  if (!process.env.DATA_DIR && !process.env.DATABASE_URL)
    throw new Error('set DATA_DIR (PGlite) or DATABASE_URL');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const store = await prepareStore(config);
  await store.rows(
    sql`create table if not exists crash_effects (key text primary key, instance_id uuid not null, at timestamptz not null default now())`,
  );
  await store.rows(
    sql`create table if not exists crash_attempts (id bigserial primary key, key text not null, instance_id uuid not null, at timestamptz not null default now())`,
  );

  // The side effect is idempotent by the handler's key; every attempt is counted apart, so the test can
  // tell at-least-once delivery (attempts >= effects) from a double effect (two effects for one instance).
  let effectsThisRun = 0;
  const effect: ServiceHandler = async (call) => {
    await store.rows(
      sql`insert into crash_attempts (key, instance_id) values (${call.key}, ${call.instanceId})`,
    );
    await store.rows(
      sql`insert into crash_effects (key, instance_id) values (${call.key}, ${call.instanceId}) on conflict do nothing`,
    );
    // the worst moment, on purpose: the effect is done, the step that asked for it is not committed
    if (++effectsThisRun === KILL_SELF_AFTER_EFFECTS) process.kill(process.pid, 'SIGKILL');
  };
  const services = buildServices(config, store, undefined, { handlers: { 'test.record': effect } });
  const { runtime } = services.workflow;
  // a short lease: a run killed mid-fire leaves its claimed timers to the next run after 3 s, not 60 s
  const worker = new WorkflowWorker(runtime, {
    leaseMs: 3_000,
    batch: 50,
    onError: (err, what) => say('worker.error', { what, err: String(err) }),
  });

  const { definition, created } = await runtime.deploy(xml, null);
  say('deployed', { version: definition.version, created });

  const existing = new Set(
    (
      await store.rows<{ k: string }>(
        sql`select business_key as k from wf_instances where process_id = ${PROCESS_ID}`,
      )
    ).map((r) => r.k),
  );
  const missing = Array.from({ length: INSTANCES }, (_, i) => String(i + 1)).filter((k) => !existing.has(k));
  say('resumed', { existing: existing.size, missing: missing.length });

  // Starts, completions and timer fires interleave from the first tick on, so that a kill at any moment
  // lands in the middle of any kind of step, not only in a start phase.
  for (;;) {
    const starting = missing.splice(0, START_PER_TICK);
    const open = await runtime.store.queryTasks({
      processId: PROCESS_ID,
      status: 'open',
      limit: 1000,
      offset: 0,
    });
    await Promise.all([
      lanes(starting, async (businessKey) => {
        await runtime.start({ processId: PROCESS_ID, businessKey, initiator: 'crash-user' });
      }),
      lanes(open.items, async (task) => {
        try {
          await runtime.completeTask(task.id, { actor: 'crash-driver' });
        } catch (err) {
          say('complete.error', { task: task.id, err: String(err) });
        }
      }),
    ]);
    const fired = await worker.poll();
    const [row] = await store.rows<{ done: number; total: number }>(
      sql`select count(*) filter (where status = 'completed')::int as done, count(*)::int as total from wf_instances where process_id = ${PROCESS_ID}`,
    );
    say('tick', {
      started: starting.length,
      completedTasks: open.items.length,
      ...fired,
      done: row?.done,
      total: row?.total,
    });
    if (row && row.done >= INSTANCES) break;
    await failIfStuck(store);
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  runtime.forgetLiveEngines();
  await store.close();
  say('finished');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    say('failed', { err: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  },
);
