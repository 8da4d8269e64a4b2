// The task operations users of Chinese approval systems expect: claim, unclaim, complete, return (退回),
// transfer (转办), delegate and get back (委派), withdraw (撤回), urge (催办), comment, carbon copy (抄送)
// and attachments. Whether the caller may act on a task at all is the server's policy; the rules here
// are about the task itself (who holds it, what state it is in).
import type { RuntimeStore, TaskEvent, TaskRow, Variables } from './ports.js';
import { WorkflowError, type WorkflowRuntime } from './runtime.js';

export interface Actor {
  userId: string;
  /** groups (roles) the actor belongs to, for candidate-group tasks */
  groups: string[];
  /** may act on any task in scope (admins supervising) */
  supervisor?: boolean;
}

export class TaskService {
  private readonly store: RuntimeStore;

  constructor(private readonly runtime: WorkflowRuntime) {
    this.store = runtime.store;
  }

  async get(taskId: string): Promise<TaskRow> {
    const task = await this.store.getTask(taskId);
    if (!task) throw new WorkflowError('not_found', `Task ${taskId} does not exist`);
    return task;
  }

  private async open(taskId: string): Promise<TaskRow> {
    const task = await this.get(taskId);
    if (task.status !== 'open') throw new WorkflowError('conflict', `This task is already ${task.status}`);
    return task;
  }

  isCandidate(task: TaskRow, actor: Actor): boolean {
    return (
      task.candidateUsers.includes(actor.userId) || task.candidateGroups.some((g) => actor.groups.includes(g))
    );
  }

  private holds(task: TaskRow, actor: Actor): boolean {
    return task.assignee === actor.userId || (!!actor.supervisor && task.assignee !== null);
  }

  private async event(
    task: TaskRow,
    kind: TaskEvent['kind'],
    actor: Actor,
    body: Record<string, unknown> = {},
    targetUser: string | null = null,
  ) {
    await this.store.addTaskEvent({
      taskId: task.id,
      instanceId: task.instanceId,
      kind,
      actor: actor.userId,
      targetUser,
      body,
    });
  }

  async claim(taskId: string, actor: Actor): Promise<TaskRow> {
    const task = await this.open(taskId);
    if (task.assignee === actor.userId) return task;
    if (task.assignee) throw new WorkflowError('conflict', 'Someone else has already claimed this task');
    if (!this.isCandidate(task, actor) && !actor.supervisor)
      throw new WorkflowError('forbidden', 'You are not a candidate for this task');
    // two people claiming at once: the update takes the task only while nobody holds it, so the second finds it
    // taken (a status check alone let the second overwrite the first, and both were told they had it)
    const claimed = await this.store.updateTask(
      taskId,
      { assignee: actor.userId, claimedAt: new Date() },
      'open',
      null,
    );
    if (!claimed || claimed.assignee !== actor.userId)
      throw new WorkflowError('conflict', 'Someone else has already claimed this task');
    await this.event(task, 'claim', actor);
    return claimed;
  }

  async unclaim(taskId: string, actor: Actor): Promise<TaskRow> {
    const task = await this.open(taskId);
    if (!this.holds(task, actor))
      throw new WorkflowError('forbidden', 'Only the person holding the task can give it back');
    if (task.candidateUsers.length === 0 && task.candidateGroups.length === 0) {
      throw new WorkflowError('invalid', 'This task has no candidates to take it over; transfer it instead');
    }
    const updated = await this.store.updateTask(taskId, { assignee: null, claimedAt: null }, 'open');
    await this.event(task, 'unclaim', actor);
    return updated!;
  }

  async complete(
    taskId: string,
    actor: Actor,
    input: { variables?: Variables; outcome?: string | null; comment?: string | null },
  ) {
    const task = await this.open(taskId);
    if (task.delegationState === 'pending')
      throw new WorkflowError(
        'invalid',
        'This task is delegated: the delegate resolves it and the owner completes it',
      );
    if (!this.holds(task, actor)) {
      if (!task.assignee && this.isCandidate(task, actor)) await this.claim(taskId, actor);
      else
        throw new WorkflowError(
          'forbidden',
          task.assignee ? 'This task is assigned to someone else' : 'Claim the task first',
        );
    }
    if (input.comment) await this.event(task, 'comment', actor, { text: input.comment });
    return this.runtime.completeTask(taskId, { actor: actor.userId, ...input });
  }

  /** 转办: hand the task to someone else for good. */
  async transfer(taskId: string, actor: Actor, to: string, reason: string | null): Promise<TaskRow> {
    const task = await this.open(taskId);
    if (!this.holds(task, actor))
      throw new WorkflowError(
        'forbidden',
        'Only the person holding the task (or a supervisor) can transfer it',
      );
    if (to === task.assignee) throw new WorkflowError('invalid', 'The task is already theirs');
    const updated = await this.store.updateTask(
      taskId,
      { assignee: to, owner: null, delegationState: null, claimedAt: new Date() },
      'open',
    );
    await this.event(task, 'transfer', actor, { from: task.assignee, reason }, to);
    return updated!;
  }

  /** 委派: ask someone to do the work; the task comes back to its owner, who completes it. */
  async delegate(taskId: string, actor: Actor, to: string, note: string | null): Promise<TaskRow> {
    const task = await this.open(taskId);
    if (task.assignee !== actor.userId)
      throw new WorkflowError('forbidden', 'Only the person holding the task can delegate it');
    if (task.delegationState === 'pending')
      throw new WorkflowError('conflict', 'This task is already delegated');
    const updated = await this.store.updateTask(
      taskId,
      { owner: actor.userId, assignee: to, delegationState: 'pending' },
      'open',
    );
    await this.event(task, 'delegate', actor, { note }, to);
    return updated!;
  }

  /** The delegate is done: the task returns to its owner. */
  async resolve(
    taskId: string,
    actor: Actor,
    input: { comment?: string | null; variables?: Variables },
  ): Promise<TaskRow> {
    const task = await this.open(taskId);
    if (task.delegationState !== 'pending' || task.assignee !== actor.userId) {
      throw new WorkflowError('forbidden', 'Only the delegate of a delegated task can hand it back');
    }
    const updated = await this.store.updateTask(
      taskId,
      { assignee: task.owner, delegationState: 'resolved' },
      'open',
    );
    await this.event(
      task,
      'resolve',
      actor,
      { comment: input.comment ?? null, variables: input.variables ?? {} },
      task.owner,
    );
    return updated!;
  }

  /** 退回: send the case back to an earlier step, which opens again. */
  async returnTo(taskId: string, actor: Actor, activityId: string, reason: string) {
    const task = await this.open(taskId);
    if (!this.holds(task, actor))
      throw new WorkflowError(
        'forbidden',
        'Only the person holding the task (or a supervisor) can return it',
      );
    if (activityId === task.activityId)
      throw new WorkflowError('invalid', 'Return to an earlier step, not to this one');
    const earlier = await this.store.queryTasks({
      instanceId: task.instanceId,
      status: 'completed',
      limit: 200,
      offset: 0,
    });
    if (!earlier.items.some((t) => t.activityId === activityId)) {
      throw new WorkflowError(
        'invalid',
        `The case has not been through ${activityId}; it can only go back to a step it completed`,
      );
    }
    await this.event(task, 'return', actor, { to: activityId, reason });
    return this.runtime.restoreTo(task.instanceId, activityId, 'return', actor.userId, reason);
  }

  /**
   * 撤回: the person who completed a step takes it back, as long as nobody has started the next step
   * (nothing completed or claimed since).
   */
  async withdraw(completedTaskId: string, actor: Actor, reason: string | null) {
    const done = await this.get(completedTaskId);
    if (done.status !== 'completed' || done.completedBy !== actor.userId) {
      throw new WorkflowError('forbidden', 'You can only withdraw a step you completed yourself');
    }
    const all = await this.store.queryTasks({ instanceId: done.instanceId, limit: 500, offset: 0 });
    const after = all.items.filter(
      (t) => t.createdAt >= (done.completedAt ?? done.createdAt) && t.id !== done.id,
    );
    const started = after.some((t) => t.status === 'completed' || t.claimedAt !== null);
    const laterCompletion = all.items.some(
      (t) =>
        t.status === 'completed' && t.completedAt && done.completedAt && t.completedAt > done.completedAt,
    );
    if (started || laterCompletion)
      throw new WorkflowError(
        'conflict',
        'The next step has already started; ask its handler to return the case instead',
      );
    await this.store.addTaskEvent({
      taskId: done.id,
      instanceId: done.instanceId,
      kind: 'withdraw',
      actor: actor.userId,
      body: { reason },
    });
    return this.runtime.restoreTo(done.instanceId, done.activityId, 'withdraw', actor.userId, reason);
  }

  /** 催办: remind the holder; recorded with who urged. Notification goes out through the outbox. */
  async urge(taskId: string, actor: Actor, message: string | null): Promise<void> {
    const task = await this.open(taskId);
    await this.event(
      task,
      'urge',
      actor,
      { message, assignee: task.assignee, candidateGroups: task.candidateGroups },
      task.assignee,
    );
  }

  async comment(taskId: string, actor: Actor, text: string): Promise<void> {
    const task = await this.get(taskId);
    await this.event(task, 'comment', actor, { text });
  }

  /** 抄送: let others read the task and its case. */
  async carbonCopy(taskId: string, actor: Actor, users: string[], note: string | null): Promise<void> {
    const task = await this.get(taskId);
    for (const user of new Set(users)) await this.event(task, 'cc', actor, { note }, user);
  }

  async attach(
    taskId: string,
    actor: Actor,
    file: { name: string; url: string; contentType?: string; size?: number },
  ): Promise<void> {
    const task = await this.get(taskId);
    await this.event(task, 'attachment', actor, file);
  }
}
