// Cases (process instances): a resident starts and follows their own; staff those of their area; admins
// may cancel them.
import {
  CancelInstance,
  IdParams,
  Instance,
  InstanceDetail,
  InstanceHistory,
  InstanceQuery,
  StartInstance,
  Timeline,
  pageOf as pageSchema,
} from '@linli/contracts';
import { eq } from 'drizzle-orm';
import { orgUnits } from '../../db/schema.js';
import { notFound } from '../../http/errors.js';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { pathInScope, requirePermission } from '../../policy/policy.js';
import type { Services } from '../../services.js';
import { cancelCase, loadCase, startCase, type CaseView } from '../../workflow/cases.js';
import { presentHistory, presentInstance, presentTask, presentTaskEvent } from '../../workflow/present.js';
import { listInstances, openTasksOf } from '../../workflow/queries.js';
import { caseTimeline } from '../../workflow/timeline.js';

async function detail(s: Services, { instance, staff }: CaseView) {
  const tasks = await openTasksOf(s.db, [instance.id]);
  return { ...presentInstance(instance, staff), openTasks: tasks.map(presentTask) };
}

const start = defineRoute({
  method: 'post',
  path: '/instances',
  summary: 'Start a case of the latest (or a given) version of a process',
  tag: 'workflow',
  auth: 'user',
  body: StartInstance,
  status: 201,
  response: InstanceDetail,
  matrix: { body: () => ({ processId: 'matrix-case', businessKey: 'matrix' }) },
  handler: async ({ body, principal, services: s }) => {
    const instance = await startCase(s, principal, body);
    // the starter sees the variables they sent only if their scope covers the case, as on every later read
    return detail(s, await loadCase(s, principal, instance.id));
  },
});

const list = defineRoute({
  method: 'get',
  path: '/instances',
  summary:
    'Cases you started, or those of your area; by process, version, state, org unit, or with a step overdue',
  tag: 'workflow',
  auth: 'user',
  query: InstanceQuery,
  response: pageSchema(Instance),
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'instances', 'read');
    const { orgUnitId, overdue, ...rest } = query;
    let orgPath: string | undefined;
    if (orgUnitId) {
      const [unit] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, orgUnitId));
      if (!unit) throw notFound(`Org unit ${orgUnitId} does not exist`);
      orgPath = unit.path;
    }
    const page = await listInstances(s.db, principal, scope, {
      ...rest,
      orgPath,
      overdueAt: overdue ? s.now() : undefined,
    });
    return {
      ...page,
      items: page.items.map((i) => presentInstance(i, i.orgPath !== null && pathInScope(scope, i.orgPath))),
    };
  },
});

const get = defineRoute({
  method: 'get',
  path: '/instances/:id',
  summary: 'Read a case with its open tasks',
  tag: 'workflow',
  auth: 'user',
  params: IdParams,
  response: InstanceDetail,
  matrix: { target: 'instance' },
  handler: async ({ params, principal, services: s }) => detail(s, await loadCase(s, principal, params.id)),
});

const history = defineRoute({
  method: 'get',
  path: '/instances/:id/history',
  summary: 'What happened in a case: the steps, and what people did with its tasks',
  tag: 'workflow',
  auth: 'user',
  params: IdParams,
  response: InstanceHistory,
  matrix: { target: 'instance' },
  handler: async ({ params, principal, services: s }) => {
    const { instance, staff } = await loadCase(s, principal, params.id);
    const [entries, events] = await Promise.all([
      s.workflow.store.history(instance.id),
      s.workflow.store.taskEvents(instance.id),
    ]);
    return {
      history: entries.map((h) => presentHistory(h, staff)),
      events: events.map((e) => presentTaskEvent(e, staff)),
    };
  },
});

const timeline = defineRoute({
  method: 'get',
  path: '/instances/:id/timeline',
  summary: 'The case as people read it: who did what, when, with which comment and files',
  tag: 'workflow',
  auth: 'user',
  params: IdParams,
  response: Timeline,
  matrix: { target: 'instance' },
  handler: async ({ params, principal, services: s }) => {
    const { instance } = await loadCase(s, principal, params.id);
    return { instanceId: instance.id, entries: await caseTimeline(s, instance.id) };
  },
});

const cancel = defineRoute({
  method: 'post',
  path: '/instances/:id/cancel',
  summary: 'Cancel a running case, with the reason (its open tasks are cancelled too)',
  tag: 'workflow',
  auth: 'user',
  params: IdParams,
  body: CancelInstance,
  response: InstanceDetail,
  matrix: { target: 'cancelInstance', body: () => ({ reason: '重复提交' }) },
  handler: async ({ params, body, principal, services: s, requestId }) =>
    detail(s, await cancelCase(s, principal, params.id, body.reason, requestId)),
});

export const instanceRoutes: RouteDef[] = [list, start, get, history, timeline, cancel];
