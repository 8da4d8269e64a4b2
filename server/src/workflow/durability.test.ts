// Scenarios for what makes the runtime durable: versions, rejected deploys, timers that fell due while
// the server was down, concurrent commands, and service-task failures becoming incidents.
import { WorkflowError, WorkflowRuntime } from '@linli/workflows';
import { sql } from 'drizzle-orm';
import { fixture, scenario, type Scenario } from './testing.js';

let s: Scenario;
let failuresLeft = 0;
const calls: string[] = [];

beforeAll(async () => {
  s = await scenario({
    'test.record': async ({ key }) => {
      calls.push(key);
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('维修系统暂时不可用');
      }
      return {};
    },
  });
});
afterAll(async () => s.dispose());

describe('versions', () => {
  it('given a deployed process, when the same XML is deployed again, then no new version is made', async () => {
    const first = await s.wf.runtime.deploy(fixture('user-task.bpmn'), null);
    const again = await s.wf.runtime.deploy(fixture('user-task.bpmn').replace(/\n/g, '\r\n'), null);
    expect(again).toEqual({ definition: first.definition, created: false });
  });

  it('given a running case on v1, when v2 is deployed, then the case stays on v1 and new cases start on v2', async () => {
    const v1 = (await s.wf.runtime.deploy(fixture('timer-long.bpmn'), null)).definition;
    const old = await s.wf.runtime.start({ processId: 'timer-long' });
    const changed = fixture('timer-long.bpmn').replace('P30D', 'P15D');
    const v2 = (await s.wf.runtime.deploy(changed, null)).definition;
    expect(v2.version).toBe(v1.version + 1);
    const fresh = await s.wf.runtime.start({ processId: 'timer-long' });
    expect(fresh.definitionVersion).toBe(v2.version);
    const pinned = await s.wf.runtime.start({ processId: 'timer-long', version: v1.version });
    expect(pinned.definitionVersion).toBe(v1.version);
    s.restart();
    const [oldTimer] = await s.wf.store.pendingTimers(old.id);
    const [newTimer] = await s.wf.store.pendingTimers(fresh.id);
    expect(oldTimer!.dueAt.getTime() - newTimer!.dueAt.getTime()).toBe(15 * 86_400_000);
  });
});

describe('the latest version', () => {
  it('given cases starting at once while the latest version is not remembered, then one lookup serves them all', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const store = s.wf.store;
    const find = store.findDefinition.bind(store);
    const lookups: unknown[] = [];
    store.findDefinition = (by) => {
      if (!('id' in by) && !('hash' in by) && !by.version) lookups.push(by);
      return find(by);
    };
    try {
      // a deploy here drops the remembered version: the next starts must look it up
      const changed = fixture('parallel.bpmn').replace(
        '</bpmn:definitions>',
        '<!-- v2 --></bpmn:definitions>',
      );
      const v2 = (await s.wf.runtime.deploy(changed, null)).definition;
      const started = await Promise.all(Array.from({ length: 10 }, () => s.wf.runtime.start({ processId })));
      expect(started.every((i) => i.definitionVersion === v2.version)).toBe(true);
      expect(lookups).toHaveLength(1);
    } finally {
      store.findDefinition = find;
    }
  });
});

describe('rejected deploys', () => {
  it('stores nothing and names every problem with its element', async () => {
    const before = await s.wf.store.listDefinitions();
    const bad = fixture('invalid-unknown-handler.bpmn');
    const err = await s.wf.runtime.deploy(bad, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowError);
    expect((err as WorkflowError).code).toBe('invalid');
    const problems = (err as WorkflowError).details as { elementId?: string; message: string }[];
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.message.length > 0)).toBe(true);
    expect(problems.some((p) => p.elementId)).toBe(true);
    expect(await s.wf.store.listDefinitions()).toHaveLength(before.length);
  });
});

describe('timers that fall due while the server is down', () => {
  it('fires them when the worker starts again', async () => {
    const processId = await s.deploy('timer-intermediate.bpmn');
    const instances = await Promise.all([1, 2, 3].map(() => s.wf.runtime.start({ processId })));
    s.restart(); // the process "dies": nothing in memory
    s.clock.advance(60_000); // …and comes back a minute later
    await s.wf.worker.start();
    await s.wf.worker.stop();
    for (const i of instances) expect((await s.wf.store.getInstance(i.id))!.status).toBe('completed');
  });
});

describe('concurrent commands', () => {
  it('given two runtimes (two processes) on one database, when both complete the same task, then exactly one applies', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    const [task] = await s.openTasks(instance.id);
    const second = new WorkflowRuntime({ store: s.wf.store, handlers: {}, now: () => s.clock.now });
    const results = await Promise.allSettled([
      s.wf.runtime.completeTask(task!.id, { actor: 'a' }),
      second.completeTask(task!.id, { actor: 'b' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(WorkflowError);
    expect((failed.reason as WorkflowError).code).toBe('conflict');
    const history = await s.wf.store.history(instance.id);
    expect(
      history.filter((h) => h.kind === 'task.completed' && h.activityId === task!.activityId),
    ).toHaveLength(1);
  });

  it('given two runtimes, when each completes a different branch at once, then both apply (the loser retries)', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    const [a, b] = await s.openTasks(instance.id);
    const second = new WorkflowRuntime({ store: s.wf.store, handlers: {}, now: () => s.clock.now });
    await Promise.all([
      s.wf.runtime.completeTask(a!.id, { actor: 'a' }),
      second.completeTask(b!.id, { actor: 'b' }),
    ]);
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('completed');
  });
});

describe('live engines', () => {
  it('keeps at most the configured number between steps, and a case whose engine was dropped goes on from its stored state', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const runtime = new WorkflowRuntime({
      store: s.wf.store,
      handlers: {},
      now: () => s.clock.now,
      liveCacheSize: 2,
    });
    const cases = [];
    for (let i = 0; i < 4; i++) cases.push(await runtime.start({ processId }));
    expect(runtime.liveEngines).toBe(2);
    // the first case's engine is gone: completing its tasks recovers it and still ends the case
    for (const task of await s.openTasks(cases[0]!.id)) await runtime.completeTask(task.id, { actor: 'a' });
    expect((await s.wf.store.getInstance(cases[0]!.id))!.status).toBe('completed');
    // its recovery pushed out the third case's engine, and a finished case keeps none: the fourth's is left
    expect(runtime.liveEngines).toBe(1);
  });

  it('completes a task its live engine created without reading it, and still refuses one another process completed meanwhile', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    const [a, b] = await s.openTasks(instance.id);
    const store = s.wf.store as unknown as { getTask: (id: string) => Promise<unknown> };
    const getTask = store.getTask;
    let reads = 0;
    store.getTask = (id) => {
      reads++;
      return getTask.call(s.wf.store, id);
    };
    try {
      await s.wf.runtime.completeTask(a!.id, { actor: 'a' });
      expect(reads).toBe(0);
      // another process completes b; this process's engine still thinks b waits: the commit finds the case
      // moved on, the retry reads it afresh and refuses
      const second = new WorkflowRuntime({ store: s.wf.store, handlers: {}, now: () => s.clock.now });
      await second.completeTask(b!.id, { actor: 'b' });
      await expect(s.wf.runtime.completeTask(b!.id, { actor: 'a' })).rejects.toMatchObject({
        code: 'conflict',
      });
    } finally {
      store.getTask = getTask;
    }
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('completed');
    const completed = (await s.wf.store.history(instance.id)).filter((h) => h.kind === 'task.completed');
    expect(completed.map((h) => h.actor)).toEqual(['a', 'b']);
  });

  it('drops engines that took no step for the idle time', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const runtime = new WorkflowRuntime({
      store: s.wf.store,
      handlers: {},
      now: () => s.clock.now,
      liveIdleMs: 50,
    });
    const first = await runtime.start({ processId });
    await new Promise((r) => setTimeout(r, 80));
    await runtime.start({ processId });
    // only the case that just stepped is kept
    expect(runtime.liveEngines).toBe(1);
    const [task] = await s.openTasks(first.id);
    await runtime.completeTask(task!.id, { actor: 'a' });
    expect(await s.openTasks(first.id)).toHaveLength(1);
  });
});

describe('incidents', () => {
  it('retries a failing service task with backoff, raises an incident after the last attempt, and an admin retry finishes it', async () => {
    const processId = await s.deploy('service-task.bpmn');
    failuresLeft = 10;
    const before = calls.length;
    const instance = await s.wf.runtime.start({ processId });
    expect(calls.length - before).toBe(1); // the first attempt runs inline
    let [job] = await s.wf.store.jobsOf(instance.id);
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: '维修系统暂时不可用' });

    s.restart();
    s.clock.advance(10_001);
    await s.wf.worker.poll();
    [job] = await s.wf.store.jobsOf(instance.id);
    expect(job).toMatchObject({ status: 'pending', attempts: 2 });
    // backoff: the third attempt waits twice as long
    s.clock.advance(10_001);
    await s.wf.worker.poll();
    expect((await s.wf.store.jobsOf(instance.id))[0]!.attempts).toBe(2);
    s.clock.advance(10_001);
    await s.wf.worker.poll();
    [job] = await s.wf.store.jobsOf(instance.id);
    expect(job).toMatchObject({ status: 'incident', attempts: 3 });
    expect((await s.wf.store.listIncidents()).map((j) => j.id)).toContain(job!.id);
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('running');

    failuresLeft = 0;
    await s.wf.runtime.retryIncident(job!.id);
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('completed');
    expect((await s.wf.store.jobsOf(instance.id))[0]!.status).toBe('done');
    expect(calls.length - before).toBe(4);
  });

  it('leaves a failing service task alone while its retry is not yet due, even when the case is recovered', async () => {
    const processId = await s.deploy('service-task.bpmn');
    failuresLeft = 1;
    const before = calls.length;
    const instance = await s.wf.runtime.start({ processId });
    s.restart();
    s.clock.advance(1_000);
    await s.wf.worker.poll();
    expect(calls.length - before).toBe(1);
    s.clock.advance(10_000);
    await s.wf.worker.poll();
    expect(calls.length - before).toBe(2);
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('completed');
  });
});

describe('the store', () => {
  it('writes a step whole or not at all: a failing write leaves the instance as it was', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    const [task] = await s.openTasks(instance.id);
    // sabotage one of the step's writes: history rows cannot be inserted
    await s.wf.store['db'].execute(
      sql`alter table wf_history add constraint wf_history_no_writes check (kind <> 'task.completed') not valid`,
    );
    try {
      await expect(s.wf.runtime.completeTask(task!.id, { actor: 'a' })).rejects.toThrow();
    } finally {
      await s.wf.store['db'].execute(sql`alter table wf_history drop constraint wf_history_no_writes`);
    }
    expect((await s.wf.store.getTask(task!.id))!.status).toBe('open');
    expect((await s.wf.store.getInstance(instance.id))!.revision).toBe(instance.revision);
    await s.wf.runtime.completeTask(task!.id, { actor: 'a' });
    expect((await s.wf.store.getTask(task!.id))!.status).toBe('completed');
  });

  it('keeps the variables and history of a case that ended, but no engine state nobody will resume', async () => {
    const processId = await s.deploy('user-task.bpmn');
    const instance = await s.wf.runtime.start({
      processId,
      variables: { houseId: '3-201', manager: 'tech1' },
    });
    expect(Object.keys((await s.wf.store.getInstance(instance.id))!.state).length).toBeGreaterThan(0);
    const [task] = await s.openTasks(instance.id);
    await s.wf.runtime.completeTask(task!.id, { actor: 'a', variables: { accepted: true } });
    const ended = (await s.wf.store.getInstance(instance.id))!;
    expect(ended.status).toBe('completed');
    expect(ended.state).toEqual({});
    expect(ended.variables).toMatchObject({ houseId: '3-201', accepted: true });
    const kinds = (await s.wf.store.history(instance.id)).map((h) => h.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['instance.started', 'task.completed', 'instance.completed']),
    );
  });

  it('sends steps that are ready together in one statement, and one that fails there fails alone', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const instances = await Promise.all(Array.from({ length: 8 }, () => s.wf.runtime.start({ processId })));
    const tasks = await Promise.all(instances.map(async (i) => (await s.openTasks(i.id))[0]!));
    const store = s.wf.store;
    const db = store['db'];
    const execute = db.execute.bind(db);
    // hold the first two statements (the most that go out at once) until every other step waits behind them
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    let batches = 0;
    db.execute = (async (query: Parameters<typeof execute>[0]) => {
      const text = JSON.stringify(query);
      if (text.includes('wf_commit_steps(')) batches++;
      else if (text.includes('wf_commit_step(') && held < 2) {
        held++;
        await gate;
      }
      return execute(query);
    }) as typeof db.execute;
    let victim = '';
    try {
      const completing = tasks.map((t) => s.wf.runtime.completeTask(t.id, { actor: 'a' }));
      while (store['waiting'].length < 6) await new Promise((r) => setTimeout(r, 5));
      // one step of the six that will go together cannot write its history
      victim = store['waiting'][2]!.instanceId;
      await execute(
        sql.raw(
          `alter table wf_history add constraint wf_history_no_victim check (kind <> 'task.completed' or instance_id <> '${victim}') not valid`,
        ),
      );
      release();
      const results = await Promise.allSettled(completing);
      expect(batches).toBe(1);
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [instances[i]!.id] : []));
      expect(failed).toEqual([victim]);
    } finally {
      db.execute = execute;
      await execute(sql`alter table wf_history drop constraint if exists wf_history_no_victim`);
    }
    for (const [i, instance] of instances.entries()) {
      const row = (await store.getInstance(instance.id))!;
      const task = (await store.getTask(tasks[i]!.id))!;
      if (instance.id === victim) {
        expect(task.status).toBe('open');
        expect(row.revision).toBe(instance.revision);
      } else {
        expect(task.status).toBe('completed');
        expect(row.revision).toBeGreaterThan(instance.revision);
      }
    }
  });
});
