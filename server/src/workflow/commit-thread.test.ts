// The workflow steps' commits from a thread of their own (PostgreSQL server only; PGlite runs in this thread):
// steps of many cases go through it and commit, a conflicting or failing step fails alone and changes nothing,
// and when the thread is gone no step hangs and later steps commit from the main thread.
import { WorkflowError } from '@linli/workflows';
import { sql } from 'drizzle-orm';
import { createTestStore, type TestStore } from '../testing/db.js';
import { createLogger } from '../lib/logger.js';
import { createWorkflow, type Workflow } from './index.js';
import { fixture } from './testing.js';
import type { CommitThread } from './commit-thread.js';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) console.log('commit thread test skipped: it needs PostgreSQL (set DATABASE_URL)');

(serverUrl ? describe : describe.skip)('the workflow commit thread', () => {
  let t: TestStore;
  let wf: Workflow;
  let thread: CommitThread;
  /** statements that carried steps from the main thread's pool (the path without the thread) */
  let inlineCommits = 0;

  const make = () =>
    createWorkflow({
      db: t.store.db,
      commits: t.store.commits,
      logger: createLogger('silent'),
      now: () => new Date(),
      handlers: { 'test.record': async () => ({}) },
    });
  const openTasks = async (w: Workflow, instanceId: string) =>
    (await w.store.queryTasks({ instanceId, status: 'open', limit: 100, offset: 0 })).items;

  beforeAll(async () => {
    t = await createTestStore();
    thread = t.store.commits!;
    const db = t.store.db;
    const execute = db.execute.bind(db);
    db.execute = ((query: Parameters<typeof execute>[0]) => {
      const chunks = (query as { queryChunks?: unknown[] }).queryChunks ?? [];
      if (chunks.some((c) => String((c as { value?: unknown })?.value ?? '').includes('wf_commit_step')))
        inlineCommits += 1;
      return execute(query);
    }) as typeof db.execute;
    wf = make();
    await wf.runtime.deploy(fixture('user-task.bpmn'), null);
    await wf.runtime.deploy(fixture('parallel.bpmn'), null);
  }, 60_000);
  afterAll(async () => {
    await wf?.worker.stop();
    wf?.runtime.forgetLiveEngines();
    await t?.dispose();
  });

  it('runs on a PostgreSQL store, and 40 cases started and finished at once all commit through it', async () => {
    expect(thread.running).toBe(true);
    const cases = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        wf.runtime.start({ processId: 'user-task', businessKey: `ct-${i}`, variables: { manager: 'tech1' } }),
      ),
    );
    await Promise.all(
      cases.map(async (c) => {
        const [task] = await openTasks(wf, c.id);
        await wf.runtime.completeTask(task!.id, { actor: 'tech1', variables: { accepted: true } });
      }),
    );
    const [row] = await t.store.rows<{ completed: number; tasks: number }>(sql`
      select (select count(*)::int from wf_instances where business_key like 'ct-%' and status = 'completed') as completed,
             (select count(*)::int from wf_tasks t join wf_instances i on i.id = t.instance_id
               where i.business_key like 'ct-%' and t.status = 'completed') as tasks`);
    expect(row).toEqual({ completed: 40, tasks: 40 });
    expect(inlineCommits).toBe(0);
  });

  it('gives two runtimes completing the same task one success and one conflict', async () => {
    const other = make();
    const c = await wf.runtime.start({ processId: 'user-task', variables: { manager: 'tech1' } });
    const [task] = await openTasks(wf, c.id);
    const results = await Promise.allSettled([
      wf.runtime.completeTask(task!.id, { actor: 'tech1', variables: { accepted: true } }),
      other.runtime.completeTask(task!.id, { actor: 'tech2', variables: { accepted: false } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(WorkflowError);
    expect((failed.reason as WorkflowError).code).toBe('conflict');
    const history = await wf.store.history(c.id);
    expect(history.filter((h) => h.kind === 'task.completed')).toHaveLength(1);
    other.runtime.forgetLiveEngines();
  });

  it('fails a step the database refuses alone, with nothing of it written', async () => {
    const c = await wf.runtime.start({ processId: 'parallel' });
    const [task] = await openTasks(wf, c.id);
    const bystander = await wf.runtime.start({ processId: 'parallel' });
    const [bystanderTask] = await openTasks(wf, bystander.id);
    // DDL takes no parameters; the id is the runtime's own UUID
    await t.store.rows(
      sql.raw(
        `alter table wf_history add constraint wf_history_no_c check (instance_id <> '${c.id}') not valid`,
      ),
    );
    try {
      const [refused, fine] = await Promise.allSettled([
        wf.runtime.completeTask(task!.id, { actor: 'a' }),
        wf.runtime.completeTask(bystanderTask!.id, { actor: 'a' }),
      ]);
      expect(refused.status).toBe('rejected');
      expect(String((refused as PromiseRejectedResult).reason)).toMatch(/wf_history_no_c/);
      expect(fine.status).toBe('fulfilled');
    } finally {
      await t.store.rows(sql`alter table wf_history drop constraint wf_history_no_c`);
    }
    expect((await wf.store.getTask(task!.id))!.status).toBe('open');
    expect((await wf.store.getInstance(c.id))!.revision).toBe(c.revision);
    await wf.runtime.completeTask(task!.id, { actor: 'a' });
    expect((await wf.store.getTask(task!.id))!.status).toBe('completed');
    expect(inlineCommits).toBe(0);
  });

  it('when the thread is gone, answers every step it held and commits the next ones from the main thread', async () => {
    const held = Array.from({ length: 10 }, (_, i) =>
      wf.runtime.start({ processId: 'user-task', businessKey: `gone-${i}`, variables: { manager: 'tech1' } }),
    );
    // the thread dies with steps on their way (as it would if it crashed)
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const settled = await Promise.allSettled(held);
    for (const r of settled)
      if (r.status === 'rejected') expect(String(r.reason)).toMatch(/commit thread|did not|changed/);
    expect(thread.running).toBe(false);

    const c = await wf.runtime.start({ processId: 'user-task', variables: { manager: 'tech1' } });
    const [task] = await openTasks(wf, c.id);
    const done = await wf.runtime.completeTask(task!.id, { actor: 'tech1', variables: { accepted: true } });
    expect(done.status).toBe('completed');
    expect(inlineCommits).toBeGreaterThan(0);
  });
});
