// What a worker needs to choose before handing a task on: the colleagues who may receive it (转办, 委派, 抄送) and
// the earlier steps of its case it may go back to (退回). Both are for those who may act on the task.
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { IdParams, ReturnTarget, TaskReceiver } from '@linli/contracts';
import type { TaskRow } from '@linli/workflows';
import { orgUnits, roleAssignments, users } from '../../db/schema.js';
import type { DbOrTx } from '../../db/client.js';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { PERMISSIONS, ROLE_NAMES, type Role } from '../../policy/permissions.js';
import { ownedProcesses } from '../../processes/ownership.js';
import { loadTask } from '../../workflow/task-access.js';

/** the roles that work tasks in a subtree: the only ones a task can be handed to (policy/workflow.ts) */
const WORKING_ROLES: Role[] = ROLE_NAMES.filter((r) => PERMISSIONS[r].tasks?.update === 'subtree');

/**
 * The active staff whose grants cover the task's place: a grant on the task's org unit or one of its parents,
 * in a role that works tasks (the same rule as `mayReceiveTask`, so the server accepts whoever is listed).
 * Nearest colleagues first (the deepest grant), then by name; the caller is left out.
 */
async function receiversOf(db: DbOrTx, task: TaskRow, callerId: string): Promise<TaskReceiver[]> {
  if (!task.orgPath) return [];
  const rows = await db
    .select({
      id: users.id,
      displayName: users.displayName,
      role: roleAssignments.role,
      orgUnitName: orgUnits.name,
      orgPath: orgUnits.path,
    })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(
      and(
        eq(users.status, 'active'),
        ne(users.id, callerId),
        inArray(roleAssignments.role, WORKING_ROLES),
        sql`starts_with(${task.orgPath}, ${orgUnits.path})`,
      ),
    );
  const byUser = new Map<string, TaskReceiver & { depth: number }>();
  for (const r of rows) {
    const depth = r.orgPath.length;
    const seen = byUser.get(r.id);
    if (!seen) {
      byUser.set(r.id, {
        id: r.id,
        displayName: r.displayName,
        roles: [r.role],
        orgUnitName: r.orgUnitName,
        depth,
      });
      continue;
    }
    if (!seen.roles.includes(r.role)) seen.roles.push(r.role);
    if (depth > seen.depth) Object.assign(seen, { orgUnitName: r.orgUnitName, depth });
  }
  return [...byUser.values()]
    .sort((a, b) => b.depth - a.depth || a.displayName.localeCompare(b.displayName, 'zh-CN'))
    .map(({ depth: _depth, ...receiver }) => receiver);
}

/**
 * The user-task steps this case completed before the task was created (not the task's own step), each once with
 * who completed it last. Empty when the task is not open, or when its process's module works its steps through
 * its own API (the generic return is refused there: `requireGenericStep`).
 */
async function returnTargetsOf(
  db: DbOrTx,
  completed: TaskRow[],
  task: TaskRow,
  ownedSteps: boolean,
): Promise<ReturnTarget[]> {
  if (task.status !== 'open' || ownedSteps) return [];
  const latest = new Map<string, TaskRow>();
  for (const t of completed) {
    if (t.activityId === task.activityId || !t.completedAt || t.completedAt > task.createdAt) continue;
    const seen = latest.get(t.activityId);
    if (!seen || seen.completedAt! < t.completedAt) latest.set(t.activityId, t);
  }
  const steps = [...latest.values()].sort((a, b) => a.completedAt!.getTime() - b.completedAt!.getTime());
  const ids = [...new Set(steps.map((t) => t.completedBy).filter((u): u is string => !!u))];
  const names = new Map(
    ids.length
      ? (
          await db
            .select({ id: users.id, displayName: users.displayName })
            .from(users)
            .where(inArray(users.id, ids))
        ).map((u) => [u.id, u.displayName])
      : [],
  );
  return steps.map((t) => ({
    activityId: t.activityId,
    name: t.name,
    completedBy: t.completedBy,
    completedByName: t.completedBy ? (names.get(t.completedBy) ?? null) : null,
    completedAt: t.completedAt!.toISOString(),
  }));
}

const receivers = defineRoute({
  method: 'get',
  path: '/tasks/:id/receivers',
  summary:
    'Colleagues a task may be transferred, delegated or copied to: staff working where its case is (no phones or ID numbers)',
  tag: 'tasks',
  auth: 'user',
  params: IdParams,
  response: TaskReceiver.array(),
  matrix: { target: 'task' },
  handler: async ({ params, principal, services: s }) => {
    const { task } = await loadTask(s, principal, params.id, 'act');
    return receiversOf(s.db, task, principal.userId);
  },
});

const returnTargets = defineRoute({
  method: 'get',
  path: '/tasks/:id/return-targets',
  summary: 'The earlier steps of the case a task may be returned to (退回), with who completed them',
  tag: 'tasks',
  auth: 'user',
  params: IdParams,
  response: ReturnTarget.array(),
  matrix: { target: 'task' },
  handler: async ({ params, principal, services: s }) => {
    const { task } = await loadTask(s, principal, params.id, 'act');
    const owned = (await ownedProcesses()).get(task.processId)?.ownsTaskSteps ?? false;
    const completed = await s.workflow.store.queryTasks({
      instanceId: task.instanceId,
      status: 'completed',
      limit: 200,
      offset: 0,
    });
    return returnTargetsOf(s.db, completed.items, task, owned);
  },
});

export const taskChoiceRoutes: RouteDef[] = [receivers, returnTargets];
