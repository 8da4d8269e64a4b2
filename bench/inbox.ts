// npm run bench:inbox — does the task inbox stay fast with a million historical tasks?
// Fills wf_tasks with 1,000,000 completed tasks and 2,000 open ones spread over 500 users, 8 groups and 40
// grids, then times each inbox view (assigned, candidate, done, cc) and prints the plans' index use.
// Compares against the same queries on a table holding only the open tasks (the baseline), in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDatabase } from './pg.js';
import { sql } from 'drizzle-orm';
import { DrizzleRuntimeStore, loadConfig, prepareStore } from '@linli/server';

const HISTORY = Number(process.env.INBOX_HISTORY ?? 1_000_000);
const OPEN = 2_000;
const RUNS = 50;

// a database of its own on the server (created here, dropped at the end), or embedded PGlite without one
const database = await benchDatabase('inbox');
const onServer = database.onServer;
if (!onServer) console.log('PostgreSQL not reachable: using embedded PGlite');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-bench-inbox-'));
const config = onServer
  ? loadConfig({ DATABASE_URL: database.url, NODE_ENV: 'test', LOG_LEVEL: 'silent' })
  : loadConfig({ DATABASE_URL: '', NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
const store = await prepareStore(config);
const db = store.db;
const tasks = new DrizzleRuntimeStore(db);

async function fill(history: number): Promise<void> {
  await db.execute(
    sql`delete from wf_task_events where instance_id in (select id from wf_instances where process_id = 'bench-inbox')`,
  );
  await db.execute(sql`delete from wf_tasks where process_id = 'bench-inbox'`);
  await db.execute(sql`delete from wf_instances where process_id = 'bench-inbox'`);
  await db.execute(sql`delete from wf_definitions where process_id = 'bench-inbox'`);
  const [def] = await store.rows<{ id: string }>(
    sql`insert into wf_definitions (process_id, version, xml, hash) values ('bench-inbox', 1, '<x/>', 'h') returning id`,
  );
  const defId = def!.id;
  await db.execute(sql`insert into wf_instances (id, definition_id, process_id, definition_version, status, state, variables, engine_version, revision, started_at)
    select gen_random_uuid(), ${defId}, 'bench-inbox', 1, 'running', '{}'::jsonb, '{}'::jsonb, 'bench', 0, now() from generate_series(1, 1000)`);
  // tasks reference one of 1000 instances; completed ones by 500 users; open ones assigned or offered to groups
  await db.execute(sql`
    with inst as (select id, row_number() over () - 1 as n from wf_instances where process_id = 'bench-inbox')
    insert into wf_tasks (id, instance_id, process_id, activity_id, execution_id, name, assignee, candidate_users, candidate_groups,
      org_path, priority, status, completed_by, created_at, completed_at)
    select gen_random_uuid(), inst.id, 'bench-inbox', 'Task_' || (i % 7), 'exec_' || i, '任务', 'user' || (i % 500), '{}', '{}',
      '/d/s/c/g' || (i % 40) || '/', 50, 'completed', 'user' || (i % 500), now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval
    from generate_series(1, ${history}) i join inst on inst.n = i % 1000`);
  await db.execute(sql`
    with inst as (select id, row_number() over () - 1 as n from wf_instances where process_id = 'bench-inbox')
    insert into wf_tasks (id, instance_id, process_id, activity_id, execution_id, name, assignee, candidate_users, candidate_groups,
      org_path, priority, status, created_at)
    select gen_random_uuid(), inst.id, 'bench-inbox', 'Task_open', 'open_' || i, '待办',
      case when i % 2 = 0 then 'user' || (i % 500) end, array['user' || ((i + 7) % 500)],
      array[(array['grid_worker','property_staff','technician','dispatcher','community_admin','street_admin','volunteer','mediator'])[1 + i % 8]],
      '/d/s/c/g' || (i % 40) || '/', 50, 'open', now()
    from generate_series(1, ${OPEN}) i join inst on inst.n = i % 1000`);
  await db.execute(sql`
    insert into wf_task_events (task_id, instance_id, kind, actor, target_user, body)
    select id, instance_id, 'cc', 'user1', 'user' || (abs(hashtext(id::text)) % 500), '{}'::jsonb
    from wf_tasks where process_id = 'bench-inbox' and status = 'open'`);
  await db.execute(sql`analyze wf_tasks`);
  await db.execute(sql`analyze wf_task_events`);
}

const views = {
  assigned: () => tasks.queryTasks({ assignee: 'user42', status: 'open', limit: 20, offset: 0 }),
  candidate: () =>
    tasks.queryTasks({
      candidateUser: 'user43',
      candidateGroups: ['grid_worker'],
      orgPaths: ['/d/s/c/g3/'],
      status: 'open',
      limit: 20,
      offset: 0,
    }),
  done: () => tasks.queryTasks({ completedBy: 'user44', limit: 20, offset: 0 }),
  cc: () => tasks.queryTasks({ ccUser: 'user45', limit: 20, offset: 0 }),
};

async function time(): Promise<Record<string, { p50: number; p99: number }>> {
  const out: Record<string, { p50: number; p99: number }> = {};
  for (const [name, run] of Object.entries(views)) {
    await run();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await run();
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    out[name] = { p50: round(samples[Math.floor(RUNS / 2)]!), p99: round(samples[Math.floor(RUNS * 0.99)]!) };
  }
  return out;
}
const round = (n: number) => Math.round(n * 100) / 100;

console.log(`database: ${store.driver}`);
console.log(`baseline: ${OPEN} open tasks, no history`);
await fill(0);
const baseline = await time();
console.log(`filling ${HISTORY.toLocaleString()} historical tasks…`);
const started = Date.now();
await fill(HISTORY);
console.log(`filled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const loaded = await time();
for (const name of Object.keys(views)) {
  console.log(
    `${name.padEnd(10)} p50 ${String(loaded[name]!.p50).padStart(7)} ms (baseline ${baseline[name]!.p50} ms)  p99 ${loaded[name]!.p99} ms`,
  );
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(
  `./results/inbox-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  import.meta.url,
);
writeFileSync(
  file,
  JSON.stringify(
    { database: store.driver, history: HISTORY, open: OPEN, runs: RUNS, baseline, loaded },
    null,
    2,
  ),
);
await store.close();
await database.drop();
rmSync(dataDir, { recursive: true, force: true });
const worst = Math.max(...Object.keys(views).map((n) => loaded[n]!.p50 / Math.max(baseline[n]!.p50, 0.01)));
console.log(
  `inbox with ${HISTORY.toLocaleString()} historical tasks: worst p50 ${worst.toFixed(1)}× the empty-history baseline`,
);
