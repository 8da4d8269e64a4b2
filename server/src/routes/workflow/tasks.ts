// The task inbox and what people do with a task. Whether the caller may see or act on a task is decided by
// policy/workflow.ts (through loadTask); whether the task allows it now (who holds it, its state) by the
// runtime's TaskService. Handovers push `task.updated` to the old and the new holder.
import type { z } from 'zod';
import {
  Attachment,
  CarbonCopy,
  Comment,
  CompleteTask,
  Delegate,
  IdParams,
  InstanceDetail,
  Resolve,
  ReturnTask,
  Task,
  TaskEvent,
  TaskQuery,
  Transfer,
  Urge,
  Withdraw,
  pageOf as pageSchema,
} from '@linli/contracts';
import type { InstanceRow, TaskRow } from '@linli/workflows';
import { defineRoute, type MatrixHints, type RouteDef } from '../../http/route.js';
import { conflict } from '../../http/errors.js';
import { requirePermission } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { caseView } from '../../workflow/cases.js';
import { presentForm, presentInstance, presentTask, presentTaskEvent } from '../../workflow/present.js';
import { inbox, openTasksOf } from '../../workflow/queries.js';
import { loadTask, requireReceiver, type LoadedTask, type TaskNeed } from '../../workflow/task-access.js';
import { publishTaskUpdate } from '../../ws/push.js';
import { requireGenericStep } from '../../processes/ownership.js';
import { taskChoiceRoutes } from './task-receivers.js';

interface OpContext<B> {
  s: Services;
  p: Principal;
  loaded: LoadedTask;
  body: B;
}

/** A POST /tasks/:id/<name> operation: load the task with what the operation needs, then run it. */
function operation<B extends z.ZodType = z.ZodUndefined>(def: {
  name: string;
  summary: string;
  need: TaskNeed;
  body?: B;
  response?: z.ZodType;
  matrix: MatrixHints;
  run: (ctx: OpContext<z.infer<B>>) => Promise<unknown>;
}): RouteDef {
  return defineRoute({
    method: 'post',
    path: `/tasks/:id/${def.name}`,
    summary: def.summary,
    tag: 'tasks',
    auth: 'user',
    params: IdParams,
    ...(def.body ? { body: def.body } : {}),
    ...(def.response ? { response: def.response } : {}),
    matrix: def.matrix,
    handler: async ({ params, body, principal, services }) =>
      def.run({
        s: services,
        p: principal,
        loaded: await loadTask(services, principal, params.id, def.need),
        body: body as z.infer<B>,
      }),
  });
}

/** A handover: tell the previous and the new holder, and answer with the task as it is now. */
function handedOver(s: Services, updated: TaskRow, previous: string | null) {
  publishTaskUpdate(s.push, updated, previous);
  return presentTask(updated);
}

async function caseAfter(s: Services, p: Principal, instance: InstanceRow) {
  const { staff } = caseView(p, instance);
  const tasks = await openTasksOf(s.db, [instance.id]);
  return { ...presentInstance(instance, staff), openTasks: tasks.map(presentTask) };
}

const list = defineRoute({
  method: 'get',
  path: '/tasks',
  summary:
    'Your inbox: tasks assigned to you, to claim, copied to you, done by you, or (supervisors) all in your area',
  tag: 'tasks',
  auth: 'user',
  query: TaskQuery,
  response: pageSchema(Task),
  handler: async ({ query, principal, services: s }) => {
    requirePermission(principal, 'tasks', 'read');
    const page = await inbox(s.db, principal, query, s.now());
    return { ...page, items: page.items.map(presentTask) };
  },
});

const get = defineRoute({
  method: 'get',
  path: '/tasks/:id',
  summary: "Read a task, with the fields its form asks for (the step's camunda:formData)",
  tag: 'tasks',
  auth: 'user',
  params: IdParams,
  response: Task,
  matrix: { target: 'task' },
  handler: async ({ params, principal, services: s }) => {
    const { task } = await loadTask(s, principal, params.id, 'read');
    return { ...presentTask(task), form: presentForm(await s.workflow.runtime.formOf(task)) };
  },
});

const events = defineRoute({
  method: 'get',
  path: '/tasks/:id/events',
  summary: 'Comments, handovers, urges, copies and attachments of a task',
  tag: 'tasks',
  auth: 'user',
  params: IdParams,
  response: TaskEvent.array(),
  matrix: { target: 'task' },
  handler: async ({ params, principal, services: s }) => {
    const { task, access } = await loadTask(s, principal, params.id, 'read');
    const all = await s.workflow.store.taskEvents(task.instanceId);
    return all.filter((e) => e.taskId === task.id).map((e) => presentTaskEvent(e, access.act));
  },
});

const claim = operation({
  name: 'claim',
  summary: 'Claim a task you are a candidate for (409 when someone else was quicker)',
  need: 'act',
  response: Task,
  matrix: { target: 'task' },
  run: async ({ s, loaded: { task, actor } }) =>
    handedOver(s, await s.workflow.tasks.claim(task.id, actor), task.assignee),
});

const unclaim = operation({
  name: 'unclaim',
  summary: 'Give a claimed task back to its candidates',
  need: 'act',
  response: Task,
  matrix: { target: 'task' },
  run: async ({ s, loaded: { task, actor } }) =>
    handedOver(s, await s.workflow.tasks.unclaim(task.id, actor), task.assignee),
});

const complete = operation({
  name: 'complete',
  summary: 'Complete a task (claiming it first if you are a candidate), with an outcome and variables',
  need: 'act',
  body: CompleteTask,
  response: Task,
  matrix: { target: 'completeTask', body: () => ({ outcome: 'done', comment: '已处理' }) },
  run: async ({ s, loaded: { task, actor }, body }) => {
    await requireGenericStep(task.processId, 'complete');
    await s.workflow.tasks.complete(task.id, actor, body);
    return presentTask(await s.workflow.tasks.get(task.id));
  },
});

const transfer = operation({
  name: 'transfer',
  summary: 'Transfer a task you hold (or supervise) to someone who works where the case is (转办)',
  need: 'act',
  body: Transfer,
  response: Task,
  matrix: { target: 'transferTask', body: (fx) => ({ to: fx.staffUser, reason: '请维修工处理' }) },
  run: async ({ s, loaded: { task, actor }, body }) => {
    await requireReceiver(s, task, body.to);
    if (body.to === task.assignee) throw conflict('The task is already theirs');
    return handedOver(
      s,
      await s.workflow.tasks.transfer(task.id, actor, body.to, body.reason ?? null),
      task.assignee,
    );
  },
});

const delegate = operation({
  name: 'delegate',
  summary: 'Ask someone to do a task you hold; it comes back to you to complete (委派)',
  need: 'act',
  body: Delegate,
  response: Task,
  matrix: { target: 'delegateTask', body: (fx) => ({ to: fx.staffUser, note: '请协助上门查看' }) },
  run: async ({ s, loaded: { task, actor }, body }) => {
    await requireReceiver(s, task, body.to);
    return handedOver(
      s,
      await s.workflow.tasks.delegate(task.id, actor, body.to, body.note ?? null),
      task.assignee,
    );
  },
});

const resolve = operation({
  name: 'resolve',
  summary: 'Hand a delegated task back to its owner',
  need: 'act',
  body: Resolve,
  response: Task,
  matrix: { target: 'resolveTask', body: () => ({ comment: '已查看' }) },
  run: async ({ s, loaded: { task, actor }, body }) =>
    handedOver(s, await s.workflow.tasks.resolve(task.id, actor, body), task.assignee),
});

const returnTask = operation({
  name: 'return',
  summary: 'Send the case back to an earlier step, which opens again (退回)',
  need: 'act',
  body: ReturnTask,
  response: InstanceDetail,
  matrix: { target: 'returnTask', body: () => ({ activityId: 'Task_Handle', reason: '材料不全' }) },
  run: async ({ s, p, loaded: { task, actor }, body }) => {
    await requireGenericStep(task.processId, 'return');
    return caseAfter(s, p, await s.workflow.tasks.returnTo(task.id, actor, body.activityId, body.reason));
  },
});

const withdraw = operation({
  name: 'withdraw',
  summary: 'Take back a step you completed, while the next one has not started (撤回)',
  need: 'read',
  body: Withdraw,
  response: InstanceDetail,
  matrix: { target: 'withdrawTask', body: () => ({ reason: '填写有误' }) },
  run: async ({ s, p, loaded: { task, actor }, body }) => {
    await requireGenericStep(task.processId, 'withdraw');
    return caseAfter(s, p, await s.workflow.tasks.withdraw(task.id, actor, body.reason ?? null));
  },
});

const urge = operation({
  name: 'urge',
  summary: 'Remind whoever holds an open task (催办): supervisors, and the person whose case it is',
  need: 'urge',
  body: Urge,
  matrix: { target: 'task', body: () => ({ message: '请尽快处理' }) },
  run: async ({ s, loaded: { task, actor }, body }) => {
    await s.workflow.tasks.urge(task.id, actor, body.message ?? null);
  },
});

const comment = operation({
  name: 'comments',
  summary: 'Comment on a task',
  need: 'participate',
  body: Comment,
  matrix: { target: 'task', body: () => ({ text: '已联系住户' }) },
  run: async ({ s, loaded: { task, actor }, body }) => {
    await s.workflow.tasks.comment(task.id, actor, body.text);
  },
});

const cc = operation({
  name: 'cc',
  summary: 'Copy a task to colleagues who work where the case is (抄送): they may read it',
  need: 'act',
  body: CarbonCopy,
  matrix: { target: 'task', body: (fx) => ({ users: [fx.staffUser], note: '请知悉' }) },
  run: async ({ s, loaded: { task, actor }, body }) => {
    for (const user of new Set(body.users)) await requireReceiver(s, task, user);
    await s.workflow.tasks.carbonCopy(task.id, actor, body.users, body.note ?? null);
  },
});

const attach = operation({
  name: 'attachments',
  summary: 'Attach a file (already uploaded) to a task',
  need: 'participate',
  body: Attachment,
  matrix: {
    target: 'task',
    body: () => ({
      name: '现场照片.jpg',
      url: 'https://files.example.org/a.jpg',
      contentType: 'image/jpeg',
      size: 1024,
    }),
  },
  run: async ({ s, loaded: { task, actor }, body }) => {
    await s.workflow.tasks.attach(task.id, actor, body);
  },
});

export const taskRoutes: RouteDef[] = [
  list,
  get,
  events,
  claim,
  unclaim,
  complete,
  transfer,
  delegate,
  resolve,
  returnTask,
  withdraw,
  urge,
  comment,
  cc,
  attach,
  ...taskChoiceRoutes,
];
