// Two worker processes on one PostgreSQL database, 5,000 timers due at the same moment: every timer must
// fire exactly once. The workers claim due rows with FOR UPDATE SKIP LOCKED under a lease; a timer that both
// fired would show as two calls of the service task behind it (its calls are recorded without
// deduplication), two timer.fired rows, or a conflict. PostgreSQL only: PGlite has one connection in one
// process, so two processes cannot share it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { buildServices, loadConfig, prepareStore } from '@linli/server';
import { freshDatabase, runScript, sleep, type Child, type Exit } from './harness.js';

const INSTANCES = 5_000;
const START_LANES = 16;
const WORKERS_WITHIN_MS = 240_000;
const serverUrl = process.env.DATABASE_URL;
const workerScript = fileURLToPath(new URL('./timer-worker.ts', import.meta.url));
const xml = readFileSync(new URL('../../bpmn/fixtures/timer-then-service.bpmn', import.meta.url), 'utf8');

interface Summary {
  instances: { status: string; n: number }[];
  /** per kind: how many instances have it how many times */
  perInstance: { kind: string; n: number; instances: number }[];
  timersLeft: number;
  callsByWorker: { pid: number; calls: number }[];
}

if (!serverUrl)
  console.log('two-worker test skipped: it needs PostgreSQL (set DATABASE_URL); PGlite is one process');

(serverUrl ? describe : describe.skip)('two worker processes on one PostgreSQL', () => {
  it(`fire each of ${INSTANCES} timers that are due at once exactly once`, async () => {
    const db = await freshDatabase(serverUrl!, 'linli_twow');
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.url });
    const store = await prepareStore(config);
    const workers: Child[] = [];
    try {
      await store.rows(
        sql`create table tw_calls (id bigserial primary key, key text not null, instance_id uuid not null, pid int not null)`,
      );
      // this process only starts instances; if it ever ran the service task, the test would be void
      const services = buildServices(config, store, undefined, {
        handlers: { 'test.record': () => Promise.reject(new Error('the test process must not fire timers')) },
      });
      const { runtime } = services.workflow;
      await runtime.deploy(xml, null);

      // given: 5,000 instances waiting on a 1 s timer, started through the runtime in concurrent lanes
      const began = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: START_LANES }, async () => {
          while (next < INSTANCES) {
            const key = String(++next);
            await runtime.start({ processId: 'timer-then-service', businessKey: key });
          }
        }),
      );
      const startMs = Date.now() - began;
      const [due] = await store.rows<{ n: number; last: string }>(
        sql`select count(*)::int as n, max(due_at) as last from wf_timers`,
      );
      expect(due?.n).toBe(INSTANCES);
      // every timer is due before either worker looks
      await sleep(Math.max(0, new Date(due!.last).getTime() - Date.now()) + 200);

      // when: two workers boot, then start polling together
      workers.push(runScript(workerScript, { DATABASE_URL: db.url }, { stdin: true }));
      workers.push(runScript(workerScript, { DATABASE_URL: db.url }, { stdin: true }));
      await Promise.all(workers.map((w) => w.waitFor('"what":"ready"')));
      const fired = Date.now();
      for (const w of workers) w.send('go');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<Exit[]>(
        (resolve) =>
          (timer = setTimeout(() => resolve(Promise.all(workers.map((w) => w.kill()))), WORKERS_WITHIN_MS)),
      );
      const exits = await Promise.race([Promise.all(workers.map((w) => w.exited)), late]);
      clearTimeout(timer);
      const fireMs = Date.now() - fired;

      // then
      const summary: Summary = {
        instances: await store.rows(sql`select status, count(*)::int as n from wf_instances group by status`),
        perInstance: await store.rows(sql`
          select kind, n, count(*)::int as instances from (
            select i.id, k.kind, count(x.one)::int as n
            from wf_instances i
            cross join (values ('timer.fired'), ('timer.stale'), ('instance.completed'), ('service call')) as k(kind)
            left join (
              select instance_id, kind, 1 as one from wf_history where kind in ('timer.fired', 'timer.stale', 'instance.completed')
              union all select instance_id, 'service call', 1 from tw_calls) x
              on x.instance_id = i.id and x.kind = k.kind
            group by i.id, k.kind) per
          group by kind, n order by kind, n`),
        timersLeft: (await store.rows<{ n: number }>(sql`select count(*)::int as n from wf_timers`))[0]!.n,
        callsByWorker: await store.rows(
          sql`select pid, count(*)::int as calls from tw_calls group by pid order by pid`,
        ),
      };
      console.log(
        `started ${INSTANCES} instances in ${startMs} ms (${Math.round((INSTANCES / startMs) * 1000)}/s); ` +
          `two workers fired their timers in ${fireMs} ms (${Math.round((INSTANCES / fireMs) * 1000)}/s); ` +
          `service calls by worker ${JSON.stringify(summary.callsByWorker)}`,
      );
      for (const [i, w] of workers.entries()) {
        if (exits[i]?.code !== 0)
          throw new Error(
            `worker ${i + 1} did not finish (${JSON.stringify(exits[i])}):\n${w.output().slice(-3000)}`,
          );
      }
      expect(summary.instances).toEqual([{ status: 'completed', n: INSTANCES }]);
      // exactly once, per instance: one timer.fired, none stale, one service call, one completion
      expect(summary.perInstance).toEqual([
        { kind: 'instance.completed', n: 1, instances: INSTANCES },
        { kind: 'service call', n: 1, instances: INSTANCES },
        { kind: 'timer.fired', n: 1, instances: INSTANCES },
        { kind: 'timer.stale', n: 0, instances: INSTANCES },
      ]);
      expect(summary.timersLeft).toBe(0);
      // both took part, or the test proved nothing about two workers
      expect(summary.callsByWorker).toHaveLength(2);
    } finally {
      await Promise.all(workers.map((w) => w.kill()));
      await store.close();
      await db.drop();
    }
  }, 420_000);
});
