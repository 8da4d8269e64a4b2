// Who may see and act on a workflow task. The permissions table says which roles work tasks in which scope;
// a task in that scope is theirs only when the diagram names them: personally (assignee, owner, candidate
// user) or by a candidate group that is the role of a grant whose subtree holds the task. Supervisors
// (`tasks.supervise`) may act on every task in their area. The person who started the case follows it.
import { and, arrayOverlaps, eq, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import type { TaskRow } from '@linli/workflows';
import type { DbOrTx } from '../db/client.js';
import { wfTaskEvents, wfTasks } from '../db/workflow-schema.js';
import { PERMISSIONS } from './permissions.js';
import { effectiveGrants, escapeLike, pathInScope, requirePermission, scopeFor } from './policy.js';
import type { Principal } from './principal.js';

export interface TaskAccess {
  /** may see the task and its events */
  read: boolean;
  /** may claim, complete, hand over, return, copy */
  act: boolean;
  /** may act on it as a supervisor (take it over, urge) */
  supervise: boolean;
  /** started the case the task belongs to */
  initiator: boolean;
  /** the caller's roles that count as candidate groups for this task (grants whose subtree holds it) */
  groups: string[];
}

export interface TaskFacts {
  initiator: string | null;
  /** the task was carbon-copied to the caller */
  copied: boolean;
}

/** grants whose role works tasks in a subtree, as {group, orgPath} */
function workingGrants(p: Principal): { group: string; orgPath: string }[] {
  return effectiveGrants(p)
    .filter((g) => PERMISSIONS[g.role].tasks?.update === 'subtree')
    .map((g) => ({ group: g.role, orgPath: g.orgPath }));
}

/** The caller's roles that count as candidate groups for a task at this org path. */
export function groupsAt(p: Principal, orgPath: string | null): string[] {
  if (!orgPath) return [];
  return [
    ...new Set(
      workingGrants(p)
        .filter((g) => orgPath.startsWith(g.orgPath))
        .map((g) => g.group),
    ),
  ];
}

/** Throws 403 when the caller works no tasks at all; otherwise says what they may do with this one. */
export function taskAccess(p: Principal, task: TaskRow, facts: TaskFacts): TaskAccess {
  requirePermission(p, 'tasks', 'read');
  const me = p.userId;
  const path = task.orgPath;
  const groups = groupsAt(p, path);
  const personal = task.assignee === me || task.owner === me || task.candidateUsers.includes(me);
  const candidate = task.candidateGroups.some((g) => groups.includes(g));
  const supervise = path !== null && pathInScope(scopeFor(p, 'tasks', 'supervise'), path);
  const initiator = facts.initiator !== null && facts.initiator === me;
  const act = personal || candidate || supervise;
  return {
    read: act || initiator || facts.copied || task.completedBy === me,
    act,
    supervise,
    initiator,
    groups,
  };
}

/** SQL: open tasks the caller may claim (candidate user, or a candidate group of a grant covering the task). */
export function candidateCondition(p: Principal): SQL {
  const byGroup = workingGrants(p).map((g) =>
    and(
      arrayOverlaps(wfTasks.candidateGroups, [g.group]),
      like(wfTasks.orgPath, `${escapeLike(g.orgPath)}%`),
    )!,
  );
  return and(isNull(wfTasks.assignee), or(sql`${p.userId} = any(${wfTasks.candidateUsers})`, ...byGroup))!;
}

/** SQL: tasks carbon-copied to the caller. */
export function copiedCondition(p: Principal, db: DbOrTx): SQL {
  return inArray(
    wfTasks.id,
    db
      .select({ id: sql<string>`${wfTaskEvents.taskId}` })
      .from(wfTaskEvents)
      .where(and(eq(wfTaskEvents.kind, 'cc'), eq(wfTaskEvents.targetUser, p.userId))),
  );
}

/** SQL: every task in the caller's supervision area; throws 403 for callers who supervise nothing. */
export function supervisedCondition(p: Principal): SQL {
  const scope = requirePermission(p, 'tasks', 'supervise');
  const parts = scope.prefixes.map((prefix) => like(wfTasks.orgPath, `${escapeLike(prefix)}%`));
  return parts.length ? or(...parts)! : sql`false`;
}

/** Whether a user may be handed a task (transfer, delegate) or copied on it: they work tasks where it is. */
export function mayReceiveTask(receiver: Principal, task: TaskRow): boolean {
  if (!task.orgPath) return false;
  return pathInScope(scopeFor(receiver, 'tasks', 'update'), task.orgPath);
}
