// Scenarios per BPMN element kind the runtime supports, over the fixtures in bpmn/fixtures/.
// Each restarts the runtime (forgets live engines) between steps where it matters, so what is tested
// is the durable path: state recovered from the database.
import { BusinessError } from '@linli/workflows';
import { fixture, scenario, type Scenario } from './testing.js';

const H = 3_600_000;
let s: Scenario;
const effects: string[] = [];
let failNext: string | undefined;

beforeAll(async () => {
  s = await scenario({
    'test.record': async ({ key }) => {
      if (failNext) {
        const code = failNext;
        failNext = undefined;
        throw new BusinessError(code);
      }
      effects.push(key);
      return { recordedAt: 'now' };
    },
  });
});
afterAll(async () => s.dispose());

describe('user tasks', () => {
  it('given a user task with Camunda attributes, when the case starts, then the task carries them resolved', async () => {
    const processId = await s.deploy('user-task.bpmn');
    const instance = await s.wf.runtime.start({
      processId,
      initiator: 'u-resident',
      variables: { manager: 'u-manager' },
      orgPath: '/a/b/',
    });
    const [task] = await s.openTasks(instance.id);
    expect(task).toMatchObject({
      activityId: 'Task_Accept',
      name: '受理',
      assignee: 'u-resident',
      orgPath: '/a/b/',
    });
    expect(task!.candidateUsers).toEqual(['zhangsan', 'u-manager']);
    expect(task!.dueAt).not.toBeNull();
  });
});

describe('service tasks', () => {
  it('given a service task, when the case reaches it, then its handler runs once with the execution as key', async () => {
    const processId = await s.deploy('service-task.bpmn');
    const before = effects.length;
    const instance = await s.wf.runtime.start({ processId });
    expect(effects.length).toBe(before + 1);
    expect(effects.at(-1)).toMatch(new RegExp(`^${instance.id}:Task_Record`));
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('completed');
  });
});

describe('parallel gateways', () => {
  it('given a parallel split, when one branch completes, then the join waits for the other', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    const open = await s.openTasks(instance.id);
    expect(open.map((t) => t.activityId).sort()).toEqual(['Task_GridCheck', 'Task_PropertyCheck']);
    s.restart();
    await s.wf.runtime.completeTask(open[0]!.id, { actor: 'a' });
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('running');
    s.restart();
    await s.wf.runtime.completeTask(open[1]!.id, { actor: 'b' });
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('completed');
  });
});

describe('embedded sub-processes', () => {
  it('given a sub-process, when its inner task completes, then the case goes on after it', async () => {
    const processId = await s.deploy('subprocess.bpmn');
    const instance = await s.wf.runtime.start({
      processId,
      initiator: 'u-resident',
      variables: { technician: 'u-tech' },
    });
    const [inner] = await s.openTasks(instance.id);
    expect(inner).toMatchObject({ activityId: 'Sub_Repair', assignee: 'u-tech' });
    s.restart();
    await s.wf.runtime.completeTask(inner!.id, { actor: 'u-tech' });
    const [rate] = await s.openTasks(instance.id);
    expect(rate).toMatchObject({ activityId: 'Task_Rate', assignee: 'u-resident' });
  });

  it.each([
    [true, 'Task_Accept', false],
    [false, 'Task_Supplement', false],
    [true, 'Task_Accept', true],
  ])(
    'given a gateway inside a sub-process, when the task before it completes with complete=%s, then %s opens (recovered: %s)',
    async (complete, next, recovered) => {
      const processId = await s.deploy('subprocess-gateway.bpmn');
      const instance = await s.wf.runtime.start({ processId, initiator: 'u-resident' });
      const [check] = await s.openTasks(instance.id);
      expect(check).toMatchObject({ activityId: 'Task_Check' });
      if (recovered) s.restart();
      await s.wf.runtime.completeTask(check!.id, { actor: 'u-grid', variables: { complete } });
      const open = await s.openTasks(instance.id);
      expect(open.map((t) => t.activityId)).toEqual([next]);
      // and the decision is a case variable afterwards, beside nothing of the engine's own messages
      const stored = await s.wf.store.getInstance(instance.id);
      expect(stored!.variables.complete).toBe(complete);
      expect(Object.keys(stored!.variables).sort()).toEqual(['businessKey', 'complete', 'initiator']);
      expect(JSON.stringify(stored!.state)).not.toContain('"variables":{"fields"');
    },
  );

  it('given an error boundary on the sub-process, when the handler raises that business error, then the error path runs', async () => {
    const processId = await s.deploy('subprocess.bpmn');
    const instance = await s.wf.runtime.start({ processId, variables: { technician: 'u-tech' } });
    const [inner] = await s.openTasks(instance.id);
    failNext = 'REPAIR_FAILED';
    await s.wf.runtime.completeTask(inner!.id, { actor: 'u-tech' });
    const open = await s.openTasks(instance.id);
    expect(open.map((t) => t.activityId)).toEqual(['Task_Outsource']);
  });
});

describe('timers', () => {
  it('given a non-interrupting boundary timer, when it falls due, then a reminder task opens beside the original', async () => {
    const processId = await s.deploy('timer-boundary.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    s.restart();
    s.clock.advance(31 * 60_000);
    await s.wf.worker.poll();
    const open = await s.openTasks(instance.id);
    expect(open.map((t) => t.activityId).sort()).toEqual(['Task_Remind', 'Task_Repair']);
  });

  it('given an interrupting boundary timer, when it falls due, then the task is cancelled and the escalation opens', async () => {
    const processId = await s.deploy('timer-boundary.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    const [repair] = await s.openTasks(instance.id);
    s.restart();
    s.clock.advance(61 * 60_000);
    await s.wf.worker.poll();
    const open = await s.openTasks(instance.id);
    expect(open.map((t) => t.activityId).sort()).toEqual(['Task_Escalate', 'Task_Remind']);
    expect((await s.wf.store.getTask(repair!.id))!.status).toBe('cancelled');
  });

  it('given an intermediate timer, when the worker polls before it is due, then nothing fires; after, the case goes on', async () => {
    const processId = await s.deploy('timer-intermediate.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    await s.wf.worker.poll();
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('running');
    s.clock.advance(2_500);
    await s.wf.worker.poll();
    const history = (await s.wf.store.history(instance.id)).map((h) => h.kind);
    expect(history.filter((k) => k === 'timer.fired')).toHaveLength(1);
  });

  it('given a 30-day timer, when the runtime restarts meanwhile, then it still fires on day 30 and not before', async () => {
    const processId = await s.deploy('timer-long.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    const [timer] = await s.wf.store.pendingTimers(instance.id);
    expect(timer!.dueAt.getTime() - s.clock.now.getTime()).toBe(30 * 24 * H);
    s.restart();
    s.clock.advance(29 * 24 * H);
    await s.wf.worker.poll();
    expect(await s.openTasks(instance.id)).toHaveLength(0);
    s.restart();
    s.clock.advance(1 * 24 * H + 1000);
    await s.wf.worker.poll();
    expect((await s.openTasks(instance.id)).map((t) => t.activityId)).toEqual(['Task_Revisit']);
  });

  it('given a timer start event with a cycle R3/PT1H, when three hours pass, then three cases start and no fourth', async () => {
    const processId = await s.deploy('timer-start-cycle.bpmn');
    const started = async () => (await s.wf.store.queryTasks({ processId, limit: 100, offset: 0 })).total;
    for (let hour = 1; hour <= 4; hour++) {
      s.clock.advance(H + 1000);
      await s.wf.worker.poll();
    }
    expect(await started()).toBe(3);
  });
});

describe('working days', () => {
  it('given a time limit of one working day set on a Friday afternoon, then it falls due on Monday afternoon', async () => {
    const xml = fixture('timer-boundary.bpmn').replace(
      '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>',
      '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${workingDays(1)}</bpmn:timeDuration>',
    );
    await s.wf.runtime.deploy(xml, null);
    s.clock.now = new Date('2026-03-06T15:00:00+08:00'); // a Friday
    const instance = await s.wf.runtime.start({ processId: 'timer-boundary' });
    const timers = await s.wf.store.pendingTimers(instance.id);
    const timeout = timers.find((t) => t.activityId === 'Boundary_Timeout')!;
    expect(timeout.dueAt.toISOString()).toBe(new Date('2026-03-09T15:00:00+08:00').toISOString());
  });
});

describe('messages', () => {
  it('given a case waiting for a message, when it is correlated by name and business key, then only that case moves', async () => {
    const processId = await s.deploy('message-catch.bpmn');
    const a = await s.wf.runtime.start({ processId, businessKey: 'alert-1' });
    const b = await s.wf.runtime.start({ processId, businessKey: 'alert-2' });
    s.restart();
    const delivered = await s.wf.runtime.correlateMessage('alert.acknowledged', 'alert-1', {
      ackBy: 'u-grid',
    });
    expect(delivered).toEqual([a.id]);
    expect((await s.openTasks(a.id)).map((t) => t.activityId)).toEqual(['Task_Verify']);
    expect(await s.openTasks(b.id)).toHaveLength(0);
    expect((await s.wf.store.getInstance(a.id))!.variables.ackBy).toBe('u-grid');
    expect(await s.wf.runtime.correlateMessage('alert.acknowledged', 'alert-1')).toEqual([]);
  });

  it('given a non-interrupting message boundary event, when the message comes three times, then each runs the side path and the task waits on', async () => {
    const processId = await s.deploy('message-boundary.bpmn');
    const instance = await s.wf.runtime.start({ processId, businessKey: 'alert-7' });
    const notes = () => effects.filter((k) => k.startsWith(`${instance.id}:Service_Note:`));
    expect(await s.wf.runtime.correlateMessage('alert.repeat', 'alert-7')).toEqual([instance.id]);
    expect(await s.wf.runtime.correlateMessage('alert.repeat', 'alert-7')).toEqual([instance.id]);
    // also after a restart: the boundary event is armed again in the stored state
    s.restart();
    expect(await s.wf.runtime.correlateMessage('alert.repeat', 'alert-7')).toEqual([instance.id]);
    expect(new Set(notes()).size).toBe(3);
    const [task] = await s.openTasks(instance.id);
    expect(task!.activityId).toBe('Task_Handle');
    // the task's end disarms it: no message reaches the finished case
    await s.wf.runtime.completeTask(task!.id, { actor: 'u-grid' });
    expect((await s.wf.store.getInstance(instance.id))!.status).toBe('completed');
    expect(await s.wf.runtime.correlateMessage('alert.repeat', 'alert-7')).toEqual([]);
  });
});
