// Scenarios for the task operations users of Chinese approval systems expect (see docs/GLOSSARY).
import { WorkflowError, type Actor } from '@linli/workflows';
import { eq } from 'drizzle-orm';
import { wfOutbox } from '../db/schema.js';
import { scenario, type Scenario } from './testing.js';

let s: Scenario;
const person = (userId: string, groups: string[] = []): Actor => ({ userId, groups });
const dispatcher = person('u-dispatcher', ['dispatcher']);
const other = person('u-other-dispatcher', ['dispatcher']);
const outsider = person('u-outsider', ['technician']);

beforeAll(async () => {
  s = await scenario({ 'test.record': async () => ({}) });
});
afterAll(async () => s.dispose());

async function caseWithTwoSteps() {
  const processId = await s.deploy('parallel.bpmn');
  return s.wf.runtime.start({ processId, initiator: 'u-resident' });
}

async function sequentialCase() {
  // 受理 (assignee ${initiator}) is the first step of user-task.bpmn
  const processId = await s.deploy('user-task.bpmn');
  return s.wf.runtime.start({ processId, initiator: 'u-resident', variables: { manager: 'u-manager' } });
}

const expectError = async (p: Promise<unknown>, code: WorkflowError['code']) => {
  await expect(p).rejects.toBeInstanceOf(WorkflowError);
  await expect(p).rejects.toMatchObject({ code });
};

describe('claim and unclaim', () => {
  it('given a group task, when two candidates claim it, then the first holds it and the second hears it is taken', async () => {
    const instance = await caseWithTwoSteps();
    const task = (await s.openTasks(instance.id)).find((t) => t.candidateGroups.includes('property_staff'))!;
    const staff = person('u-staff', ['property_staff']);
    await s.wf.tasks.claim(task.id, staff);
    await expectError(s.wf.tasks.claim(task.id, person('u-staff-2', ['property_staff'])), 'conflict');
    await expectError(s.wf.tasks.claim(task.id, outsider), 'conflict');
    const back = await s.wf.tasks.unclaim(task.id, staff);
    expect(back.assignee).toBeNull();
  });

  it('given two candidates who both read the task as free, when both claim, then only one holds it', async () => {
    const instance = await caseWithTwoSteps();
    const task = (await s.openTasks(instance.id)).find((t) => t.candidateGroups.includes('property_staff'))!;
    // both claims read the task before either writes: the race two phones make at once
    const store = s.wf.store as unknown as { getTask: (id: string) => Promise<unknown> };
    const getTask = store.getTask;
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    store.getTask = async (id) => {
      const row = await getTask.call(s.wf.store, id);
      if (++arrived === 2) release();
      await bothRead;
      return row;
    };
    let results: PromiseSettledResult<unknown>[];
    try {
      results = await Promise.allSettled([
        s.wf.tasks.claim(task.id, person('u-staff-a', ['property_staff'])),
        s.wf.tasks.claim(task.id, person('u-staff-b', ['property_staff'])),
      ]);
    } finally {
      store.getTask = getTask;
    }
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: 'conflict' });
    const won = (
      results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ assignee: string }>
    ).value;
    expect((await s.wf.store.getTask(task.id))!.assignee).toBe(won.assignee);
  });

  it('refuses a claim by someone who is not a candidate', async () => {
    const instance = await caseWithTwoSteps();
    const task = (await s.openTasks(instance.id))[0]!;
    await expectError(s.wf.tasks.claim(task.id, outsider), 'forbidden');
  });
});

describe('transfer (转办) and delegate (委派)', () => {
  it('given my task, when I transfer it, then it is theirs and I can no longer complete it', async () => {
    const instance = await caseWithTwoSteps();
    const task = (await s.openTasks(instance.id)).find((t) => t.candidateGroups.includes('grid_worker'))!;
    const grid = person('u-grid', ['grid_worker']);
    await s.wf.tasks.claim(task.id, grid);
    const moved = await s.wf.tasks.transfer(task.id, grid, 'u-grid-2', '本人休假');
    expect(moved.assignee).toBe('u-grid-2');
    await expectError(s.wf.tasks.complete(task.id, grid, {}), 'forbidden');
    await s.wf.tasks.complete(task.id, person('u-grid-2'), { outcome: 'checked' });
    expect((await s.wf.store.getTask(task.id))!).toMatchObject({
      status: 'completed',
      completedBy: 'u-grid-2',
    });
  });

  it('given my task, when I delegate it, then the delegate resolves it and it comes back to me to complete', async () => {
    const instance = await caseWithTwoSteps();
    const task = (await s.openTasks(instance.id)).find((t) => t.candidateGroups.includes('grid_worker'))!;
    const owner = person('u-owner', ['grid_worker']);
    await s.wf.tasks.claim(task.id, owner);
    await s.wf.tasks.delegate(task.id, owner, 'u-helper', '请协助核实');
    await expectError(s.wf.tasks.complete(task.id, person('u-helper'), {}), 'invalid');
    const back = await s.wf.tasks.resolve(task.id, person('u-helper'), { comment: '已核实' });
    expect(back).toMatchObject({ assignee: 'u-owner', delegationState: 'resolved' });
    await s.wf.tasks.complete(task.id, owner, {});
    expect((await s.wf.store.getTask(task.id))!.status).toBe('completed');
  });
});

describe('return (退回) and withdraw (撤回)', () => {
  it('given a case past its first step, when the next handler returns it, then the first step opens again', async () => {
    const processId = await s.deploy('repair-shaped.bpmn');
    const instance = await s.wf.runtime.start({ processId, initiator: 'u-resident' });
    const [dispatch] = await s.openTasks(instance.id);
    await s.wf.tasks.complete(dispatch!.id, dispatcher, { outcome: 'accept' });
    const [confirm] = await s.openTasks(instance.id);
    expect(confirm!.activityId).toBe('Task_Confirm');
    s.restart();
    await s.wf.tasks.returnTo(confirm!.id, person('u-resident'), 'Task_Dispatch', '没有修好');
    const open = await s.openTasks(instance.id);
    expect(open.map((t) => t.activityId)).toEqual(['Task_Dispatch']);
    expect((await s.wf.store.getTask(confirm!.id))!.status).toBe('cancelled');
    // the case goes on from there as usual
    await s.wf.tasks.complete(open[0]!.id, dispatcher, { outcome: 'accept' });
    expect((await s.openTasks(instance.id)).map((t) => t.activityId)).toEqual(['Task_Confirm']);
    const kinds = (await s.wf.store.history(instance.id)).map((h) => h.kind);
    expect(kinds).toContain('task.returned');
  });

  it('refuses to return to a step the case never went through', async () => {
    const instance = await sequentialCase();
    const [task] = await s.openTasks(instance.id);
    await expectError(s.wf.tasks.returnTo(task!.id, person('u-resident'), 'Task_Nowhere', '原因'), 'invalid');
  });

  it('given I completed a step and nobody started the next, when I withdraw, then my step opens again', async () => {
    const processId = await s.deploy('repair-shaped.bpmn');
    const instance = await s.wf.runtime.start({ processId, initiator: 'u-resident' });
    const [dispatch] = await s.openTasks(instance.id);
    await s.wf.tasks.complete(dispatch!.id, dispatcher, { outcome: 'accept' });
    await expectError(s.wf.tasks.withdraw(dispatch!.id, other, null), 'forbidden');
    await s.wf.tasks.withdraw(dispatch!.id, dispatcher, '派错了');
    const open = await s.openTasks(instance.id);
    expect(open.map((t) => t.activityId)).toEqual(['Task_Dispatch']);
  });

  it('refuses to withdraw once someone has claimed the next step', async () => {
    const processId = await s.deploy('repair-shaped.bpmn');
    const instance = await s.wf.runtime.start({ processId, initiator: 'u-resident' });
    const [dispatch] = await s.openTasks(instance.id);
    await s.wf.tasks.complete(dispatch!.id, dispatcher, { outcome: 'reject' });
    const [again] = await s.openTasks(instance.id);
    expect(again!.activityId).toBe('Task_Dispatch');
    await s.wf.tasks.claim(again!.id, other);
    await expectError(s.wf.tasks.withdraw(dispatch!.id, dispatcher, null), 'conflict');
  });

  it('refuses to withdraw once the next step is done', async () => {
    const processId = await s.deploy('parallel.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    const [first, second] = await s.openTasks(instance.id);
    const a = person('u-a', first!.candidateGroups);
    const b = person('u-b', second!.candidateGroups);
    await s.wf.tasks.complete(first!.id, a, {});
    s.clock.advance(5_000);
    await s.wf.tasks.complete(second!.id, b, {});
    await expectError(s.wf.tasks.withdraw(first!.id, a, null), 'conflict');
  });
});

describe('urge (催办), comment, carbon copy (抄送) and attachments', () => {
  it('records who urged, commented, copied and attached, and lists a CC in the copied person’s inbox', async () => {
    const instance = await caseWithTwoSteps();
    const task = (await s.openTasks(instance.id))[0]!;
    const admin: Actor = { userId: 'u-admin', groups: [], supervisor: true };
    await s.wf.tasks.urge(task.id, admin, '请今天处理');
    await s.wf.tasks.comment(task.id, admin, '业主很着急');
    await s.wf.tasks.carbonCopy(task.id, admin, ['u-leader', 'u-leader'], '请知悉');
    await s.wf.tasks.attach(task.id, admin, {
      name: '现场照片.jpg',
      url: '/files/abc',
      contentType: 'image/jpeg',
      size: 1024,
    });
    const events = await s.wf.store.taskEvents(instance.id);
    expect(events.map((e) => e.kind)).toEqual(['urge', 'comment', 'cc', 'attachment']);
    expect(events[0]).toMatchObject({
      actor: 'u-admin',
      body: expect.objectContaining({ message: '请今天处理' }),
    });
    const cc = await s.wf.store.queryTasks({ ccUser: 'u-leader', limit: 10, offset: 0 });
    expect(cc.items.map((t) => t.id)).toEqual([task.id]);
    // the urge and the copy reach people: each wrote its outbox row with the event (comments and files do not)
    // (the cases of earlier tests in this file wrote theirs too: only this task's count)
    const told = (await s.db.select().from(wfOutbox).where(eq(wfOutbox.kind, 'task.event')))
      .map((r) => r.payload as { taskId?: string })
      .filter((p) => p.taskId === task.id);
    expect(told).toEqual([
      expect.objectContaining({ event: 'urge', taskId: task.id, target: task.assignee, actor: 'u-admin' }),
      expect.objectContaining({ event: 'cc', taskId: task.id, target: 'u-leader' }),
    ]);
  });
});

describe('cancel', () => {
  it('given a running case, when it is cancelled with a reason, then its tasks close and its timers go', async () => {
    const processId = await s.deploy('timer-boundary.bpmn');
    const instance = await s.wf.runtime.start({ processId });
    expect(await s.wf.store.pendingTimers(instance.id)).toHaveLength(2);
    const cancelled = await s.wf.runtime.cancel(instance.id, '居民撤销报修', 'u-admin');
    expect(cancelled).toMatchObject({ status: 'cancelled', endReason: '居民撤销报修' });
    expect(await s.openTasks(instance.id)).toHaveLength(0);
    expect(await s.wf.store.pendingTimers(instance.id)).toHaveLength(0);
    await expectError(s.wf.runtime.cancel(instance.id, 'again', null), 'conflict');
  });
});
