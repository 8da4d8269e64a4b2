// Loading a task for an operation: 404 for a task the caller may not see, 403 for one they may see but not
// do this with. What each operation needs:
//   read         see the task and its events
//   act          claim, unclaim, complete, transfer, delegate, resolve, return, copy
//   participate  comment and attach files (those who act, and the person whose case it is)
//   urge         supervisors, and the person whose case it is (催办)
import type { Actor, TaskRow } from '@linli/workflows';
import { ApiError, forbidden, notFound } from '../http/errors.js';
import { loadPrincipal, type Principal } from '../policy/principal.js';
import { mayReceiveTask, taskAccess, type TaskAccess } from '../policy/workflow.js';
import type { Services } from '../services.js';
import { isCopied } from './queries.js';

export type TaskNeed = 'read' | 'act' | 'participate' | 'urge';

export interface LoadedTask {
  task: TaskRow;
  access: TaskAccess;
  /** the caller as the runtime's task rules see them */
  actor: Actor;
}

const ALLOWED: Record<TaskNeed, (a: TaskAccess) => boolean> = {
  read: (a) => a.read,
  act: (a) => a.act,
  participate: (a) => a.act || a.initiator,
  urge: (a) => a.supervise || a.initiator,
};

export async function loadTask(s: Services, p: Principal, id: string, need: TaskNeed): Promise<LoadedTask> {
  const task = await s.workflow.store.getTask(id);
  if (!task) throw notFound('Task', id);
  const instance = await s.workflow.store.getInstance(task.instanceId);
  const facts = { initiator: instance?.initiator ?? null, copied: false };
  let access = taskAccess(p, task, facts);
  if (!access.read)
    access = taskAccess(p, task, { ...facts, copied: await isCopied(s.db, task.id, p.userId) });
  if (!access.read) throw notFound('Task', id);
  if (!ALLOWED[need](access)) throw forbidden(`You may not ${need === 'act' ? 'act on' : need} this task`);
  return { task, access, actor: { userId: p.userId, groups: access.groups, supervisor: access.supervise } };
}

/** Someone a task is handed or copied to must work on tasks where it is: a handover cannot carry it out of scope. */
export async function requireReceiver(s: Services, task: TaskRow, userId: string): Promise<void> {
  const receiver = await loadPrincipal(s.db, userId);
  if (!receiver) throw notFound('User', userId);
  if (!mayReceiveTask(receiver, task)) {
    throw new ApiError(
      422,
      'invalid_operation',
      `${receiver.displayName} does not work on tasks where this case is`,
    );
  }
}
