// Crash test of the durable workflow runtime: a child process (driver.ts) drives 200 instances of
// crash-flow.bpmn (user task → service task with a side effect → 1 s timer → user task) and is killed with
// SIGKILL at random moments, then started again on the same database, until a last run finishes. Whatever
// the kills interrupted, every instance must end exactly once, its side effect must have happened exactly
// once (attempts may repeat: at-least-once, made harmless by the handler's key) and nothing may be left
// open. Runs on PGlite in a data folder (the embedded default), and on PostgreSQL when DATABASE_URL is set.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { loadConfig, prepareStore } from '@linli/server';
import { freshDatabase, runScript, type Exit } from './harness.js';

const INSTANCES = 200;
/** the last, uninterrupted run must finish within this */
const FINISH_WITHIN_MS = 120_000;
const driver = fileURLToPath(new URL('./driver.ts', import.meta.url));

/**
 * Where each killed run dies. 'work': SIGKILL from here at a random moment 300–2500 ms after the child
 * started working ("deployed"; booting tsx and the database takes seconds, so counting from the spawn would
 * only ever kill boots), which spreads the kills over starts, completions, service calls and timer fires.
 * 'boot': 300–1500 ms after the spawn, i.e. while the database recovers from the previous kill.
 * 'after-effect': the child kills itself right after a side effect, before the step that asked for it
 * commits — the moment at-least-once delivery is about, which random kills hit only by luck.
 */
type KillKind = 'work' | 'boot' | 'after-effect';
const PLAN: KillKind[] = ['work', 'work', 'after-effect', 'work', 'boot', 'work', 'work'];

interface Kill {
  kind: KillKind;
  afterMs: number;
  /** what the child had said last when it died */
  last: string;
  exit: Exit;
}

const random = (from: number, to: number) => Math.round(from + Math.random() * (to - from));

/** Runs the driver once and kills it as `kind` says; undefined when the run finished all work first. */
async function killRun(kind: KillKind, env: Record<string, string>): Promise<Kill | undefined> {
  const afterMs =
    kind === 'after-effect' ? random(1, 5) : kind === 'boot' ? random(300, 1500) : random(300, 2500);
  const child = runScript(
    driver,
    kind === 'after-effect' ? { ...env, CRASH_KILL_SELF_AFTER_EFFECTS: String(afterMs) } : env,
  );
  if (kind === 'work') await child.waitFor('"what":"deployed"');
  let timer: NodeJS.Timeout | undefined;
  const due =
    kind === 'after-effect'
      ? new Promise<never>(() => undefined)
      : new Promise<void>((resolve) => (timer = setTimeout(resolve, afterMs)));
  const exitedFirst = await Promise.race([due.then(() => undefined), child.exited]);
  clearTimeout(timer);
  if (exitedFirst?.code === 0) return undefined;
  // a run that dies by itself (other than the planned self-kill) failed: "stuck", or an error
  if (exitedFirst && kind !== 'after-effect') {
    throw new Error(
      `a run exited (${JSON.stringify(exitedFirst)}) before its kill:\n${child.output().slice(-3000)}`,
    );
  }
  const exit = await child.kill();
  const lines = child.output().trim().split('\n');
  return { kind, afterMs, last: lines[lines.length - 1] ?? '', exit };
}

async function finish(env: Record<string, string>): Promise<{ exit: Exit; ms: number; output: string }> {
  const began = Date.now();
  const child = runScript(driver, env);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, FINISH_WITHIN_MS)));
  const exit = await Promise.race([child.exited, late.then(() => child.kill())]);
  clearTimeout(timer);
  return { exit, ms: Date.now() - began, output: child.output() };
}

async function crashAndFinish(env: Record<string, string>) {
  const kills: Kill[] = [];
  for (const kind of PLAN) {
    const kill = await killRun(kind, env);
    if (!kill) break; // everything finished before this kill: too fast a machine for the plan (asserted below)
    kills.push(kill);
  }
  return { kills, last: await finish(env) };
}

interface Outcome {
  instances: { business_key: string; status: string }[];
  effectsPerInstance: { n: number; instances: number }[];
  effects: number;
  attempts: number;
  /** effect keys without a recorded attempt (impossible unless the test's tables lie) */
  effectsWithoutAttempt: number;
  historyPerInstance: { kind: string; n: number; instances: number }[];
  openTasks: number;
  timers: number;
  pendingJobs: number;
}

async function outcome(overrides: Record<string, string>): Promise<Outcome> {
  const store = await prepareStore(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...overrides }));
  try {
    const one = async (q: ReturnType<typeof sql>) => (await store.rows<{ n: number }>(q))[0]?.n ?? -1;
    const mine = sql`(select id from wf_instances where process_id = 'crash-flow')`;
    return {
      instances: await store.rows(
        sql`select business_key, status from wf_instances where process_id = 'crash-flow'`,
      ),
      effectsPerInstance: await store.rows(sql`
        select n, count(*)::int as instances from (
          select i.id, count(e.key)::int as n from wf_instances i left join crash_effects e on e.instance_id = i.id
          where i.process_id = 'crash-flow' group by i.id) per
        group by n order by n`),
      effects: await one(sql`select count(*)::int as n from crash_effects`),
      attempts: await one(sql`select count(*)::int as n from crash_attempts`),
      effectsWithoutAttempt: await one(
        sql`select count(*)::int as n from crash_effects e where not exists (select 1 from crash_attempts a where a.key = e.key)`,
      ),
      // per history kind: how many instances have it how many times
      historyPerInstance: await store.rows(sql`
        select kind, n, count(*)::int as instances from (
          select i.id, k.kind, count(h.id)::int as n
          from wf_instances i
          cross join (values ('instance.started'), ('instance.completed'), ('timer.fired')) as k(kind)
          left join wf_history h on h.instance_id = i.id and h.kind = k.kind
          where i.process_id = 'crash-flow' group by i.id, k.kind) per
        group by kind, n order by kind, n`),
      openTasks: await one(
        sql`select count(*)::int as n from wf_tasks where status = 'open' and instance_id in ${mine}`,
      ),
      timers: await one(sql`select count(*)::int as n from wf_timers where instance_id in ${mine}`),
      pendingJobs: await one(
        sql`select count(*)::int as n from wf_jobs where status <> 'done' and instance_id in ${mine}`,
      ),
    };
  } finally {
    await store.close();
  }
}

function expectSurvived(result: Outcome, kills: Kill[], last: { exit: Exit; output: string }): void {
  // at least 5 random kills, and the planned self-kill, hit runs with work left
  expect(kills.filter((k) => k.kind !== 'after-effect').length).toBeGreaterThanOrEqual(5);
  expect(kills.some((k) => k.kind === 'after-effect')).toBe(true);
  expect(kills.filter((k) => k.exit.code === 0 || k.last.includes('"finished"'))).toEqual([]);
  if (last.exit.code !== 0)
    throw new Error(
      `the last run did not finish (${JSON.stringify(last.exit)}):\n${last.output.slice(-4000)}`,
    );

  // every business key has exactly one instance, and it completed
  expect(result.instances).toHaveLength(INSTANCES);
  expect(new Set(result.instances.map((i) => i.business_key)).size).toBe(INSTANCES);
  expect(result.instances.filter((i) => i.status !== 'completed')).toEqual([]);
  // the side effect: exactly one per instance, whatever was attempted
  expect(result.effectsPerInstance).toEqual([{ n: 1, instances: INSTANCES }]);
  expect(result.effects).toBe(INSTANCES);
  expect(result.attempts).toBeGreaterThanOrEqual(result.effects);
  expect(result.effectsWithoutAttempt).toBe(0);
  // the history tells the story once: started once, one timer fired once, completed once
  expect(result.historyPerInstance).toEqual([
    { kind: 'instance.completed', n: 1, instances: INSTANCES },
    { kind: 'instance.started', n: 1, instances: INSTANCES },
    { kind: 'timer.fired', n: 1, instances: INSTANCES },
  ]);
  expect({ openTasks: result.openTasks, timers: result.timers, pendingJobs: result.pendingJobs }).toEqual({
    openTasks: 0,
    timers: 0,
    pendingJobs: 0,
  });
}

function report(where: string, kills: Kill[], last: { ms: number }, result: Outcome): void {
  const said = (k: Kill) => {
    const line = JSON.parse(k.last || '{}') as { what?: string; done?: number };
    return line.what ? `${line.what}${line.done === undefined ? '' : ` ${line.done} done`}` : 'booting';
  };
  console.log(
    `${where}: ${kills.length} kills: ` +
      kills
        .map(
          (k) =>
            `${k.kind} ${k.kind === 'after-effect' ? `#${k.afterMs}` : `${k.afterMs} ms`} (last said: ${said(k)})`,
        )
        .join('; ') +
      `\nlast run finished in ${last.ms} ms; side effects ${result.effects}, handler attempts ${result.attempts}` +
      `; effects per instance ${JSON.stringify(result.effectsPerInstance)}`,
  );
}

describe('the workflow runtime killed with SIGKILL at random moments', () => {
  it('finishes every instance exactly once on PGlite in a data folder', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-crash-'));
    try {
      const env = { DATA_DIR: dataDir, CRASH_INSTANCES: String(INSTANCES) };
      const { kills, last } = await crashAndFinish(env);
      const result = await outcome({ DATA_DIR: dataDir, DATABASE_URL: '' });
      report('PGlite', kills, last, result);
      expectSurvived(result, kills, last);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  const serverUrl = process.env.DATABASE_URL;
  (serverUrl ? it : it.skip)(
    'finishes every instance exactly once on PostgreSQL (DATABASE_URL)',
    async () => {
      const db = await freshDatabase(serverUrl!, 'linli_crash');
      try {
        const env = { DATABASE_URL: db.url, CRASH_INSTANCES: String(INSTANCES) };
        const { kills, last } = await crashAndFinish(env);
        const result = await outcome({ DATABASE_URL: db.url });
        report('PostgreSQL', kills, last, result);
        expectSurvived(result, kills, last);
      } finally {
        await db.drop();
      }
    },
    300_000,
  );
  if (!serverUrl) console.log('crash test on PostgreSQL skipped: DATABASE_URL is not set');
});
