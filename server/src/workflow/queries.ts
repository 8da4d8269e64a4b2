// Reads over the workflow tables that the API lists, each limited to what the caller may see. The runtime's
// own store answers single rows; lists live here because their scope is the server's policy.
import {
  and,
  asc,
  count,
  desc,
  eq,
  exists,
  getTableColumns,
  gte,
  inArray,
  like,
  lt,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { Page } from '@linli/contracts';
import type { DefinitionRow, InstanceRow, JobRow, TaskRow } from '@linli/workflows';
import type { DbOrTx } from '../db/client.js';
import { wfDefinitions, wfInstances, wfJobs, wfTaskEvents, wfTasks } from '../db/workflow-schema.js';
import type { PageQuery } from '../domain/paging.js';
import { pageOf } from '../domain/paging.js';
import { escapeLike, scopeCondition, type AccessScope } from '../policy/policy.js';
import type { Principal } from '../policy/principal.js';
import { candidateCondition, copiedCondition, supervisedCondition } from '../policy/workflow.js';

const { xml: _xml, ...definitionColumns } = getTableColumns(wfDefinitions);

/** The latest version of every process, or every version of one, without the XML. */
export async function listDefinitions(
  db: DbOrTx,
  q: PageQuery & { processId?: string | undefined },
): Promise<Page<Omit<DefinitionRow, 'xml'>>> {
  const offset = (q.page - 1) * q.pageSize;
  if (q.processId) {
    const where = eq(wfDefinitions.processId, q.processId);
    return pageOf(db, wfDefinitions, where, q, (o, limit) =>
      db
        .select(definitionColumns)
        .from(wfDefinitions)
        .where(where)
        .orderBy(desc(wfDefinitions.version))
        .offset(o)
        .limit(limit),
    );
  }
  const latest = db
    .selectDistinctOn([wfDefinitions.processId], definitionColumns)
    .from(wfDefinitions)
    .orderBy(asc(wfDefinitions.processId), desc(wfDefinitions.version))
    .as('latest');
  const [total] = await db.select({ n: count() }).from(latest);
  const items = await db
    .select()
    .from(latest)
    .orderBy(asc(latest.processId))
    .offset(offset)
    .limit(q.pageSize);
  return { items, total: Number(total?.n ?? 0), page: q.page, pageSize: q.pageSize };
}

export interface InstanceFilter extends PageQuery {
  processId?: string | undefined;
  version?: number | undefined;
  status?: InstanceRow['status'] | undefined;
  businessKey?: string | undefined;
  /** cases under this org path */
  orgPath?: string | undefined;
  /** only cases with an open task due before this time */
  overdueAt?: Date | undefined;
}

/** Cases in the caller's scope: their own (self), or under their grants' org units. */
export function listInstances(
  db: DbOrTx,
  p: Principal,
  scope: AccessScope,
  q: InstanceFilter,
): Promise<Page<InstanceRow>> {
  const where = and(
    scopeCondition(scope, wfInstances.orgPath, eq(wfInstances.initiator, p.userId)),
    q.processId ? eq(wfInstances.processId, q.processId) : undefined,
    q.status ? eq(wfInstances.status, q.status) : undefined,
    q.businessKey ? eq(wfInstances.businessKey, q.businessKey) : undefined,
    q.version ? eq(wfInstances.definitionVersion, q.version) : undefined,
    q.orgPath ? like(wfInstances.orgPath, `${escapeLike(q.orgPath)}%`) : undefined,
    q.overdueAt
      ? exists(
          db
            .select({ one: sql`1` })
            .from(wfTasks)
            .where(
              and(
                eq(wfTasks.instanceId, wfInstances.id),
                eq(wfTasks.status, 'open'),
                lt(wfTasks.dueAt, q.overdueAt),
              ),
            ),
        )
      : undefined,
  );
  return pageOf(db, wfInstances, where, q, (offset, limit) =>
    db
      .select()
      .from(wfInstances)
      .where(where)
      .orderBy(desc(wfInstances.startedAt), asc(wfInstances.id))
      .offset(offset)
      .limit(limit),
  );
}

export interface InboxQuery extends PageQuery {
  view: 'assigned' | 'candidate' | 'cc' | 'done' | 'all';
  processId?: string | undefined;
  instanceId?: string | undefined;
  status?: TaskRow['status'] | undefined;
  /** open tasks past due, or due within the next 24 hours (督办) */
  due?: 'overdue' | 'soon' | undefined;
}

const SOON_MS = 24 * 60 * 60 * 1000;

/** The task inbox: each view is one condition from the policy module, so nobody lists what they may not see.
 * `now` is the services' clock, which tests move, for the due filters. */
export function inbox(db: DbOrTx, p: Principal, q: InboxQuery, now: Date): Promise<Page<TaskRow>> {
  const views: Record<InboxQuery['view'], () => SQL> = {
    assigned: () => eq(wfTasks.assignee, p.userId),
    candidate: () => candidateCondition(p),
    cc: () => copiedCondition(p, db),
    done: () => eq(wfTasks.completedBy, p.userId),
    all: () => supervisedCondition(p),
  };
  const status =
    q.status ?? (q.view === 'done' ? 'completed' : q.view === 'cc' || q.view === 'all' ? undefined : 'open');
  const where = and(
    views[q.view](),
    status ? eq(wfTasks.status, status) : undefined,
    q.processId ? eq(wfTasks.processId, q.processId) : undefined,
    q.instanceId ? eq(wfTasks.instanceId, q.instanceId) : undefined,
    // only open tasks can be late; tasks without a due time are never in these lists
    q.due ? eq(wfTasks.status, 'open') : undefined,
    q.due === 'overdue' ? lt(wfTasks.dueAt, now) : undefined,
    q.due === 'soon'
      ? and(gte(wfTasks.dueAt, now), lt(wfTasks.dueAt, new Date(now.getTime() + SOON_MS)))
      : undefined,
  );
  const order = q.due
    ? [asc(wfTasks.dueAt), desc(wfTasks.priority)]
    : q.view === 'done'
      ? [desc(wfTasks.completedAt)]
      : [desc(wfTasks.priority), asc(wfTasks.dueAt), desc(wfTasks.createdAt)];
  return pageOf(db, wfTasks, where, q, (offset, limit) =>
    db
      .select()
      .from(wfTasks)
      .where(where)
      .orderBy(...order, asc(wfTasks.id))
      .offset(offset)
      .limit(limit),
  );
}

/** Whether the task was carbon-copied to this user (which lets them read it). */
export async function isCopied(db: DbOrTx, taskId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: wfTaskEvents.id })
    .from(wfTaskEvents)
    .where(
      and(eq(wfTaskEvents.taskId, taskId), eq(wfTaskEvents.kind, 'cc'), eq(wfTaskEvents.targetUser, userId)),
    )
    .limit(1);
  return !!row;
}

/** Open tasks of some cases, for instance details. */
export function openTasksOf(db: DbOrTx, instanceIds: string[]): Promise<TaskRow[]> {
  if (!instanceIds.length) return Promise.resolve([]);
  return db
    .select()
    .from(wfTasks)
    .where(and(inArray(wfTasks.instanceId, instanceIds), eq(wfTasks.status, 'open')))
    .orderBy(asc(wfTasks.createdAt));
}

export interface IncidentRow {
  job: JobRow;
  processId: string;
  orgPath: string | null;
}

/** Service tasks that failed every attempt, in cases under the caller's scope. */
export async function listIncidents(
  db: DbOrTx,
  scope: AccessScope,
  q: PageQuery & { processId?: string | undefined },
): Promise<Page<IncidentRow>> {
  const where = and(
    eq(wfJobs.status, 'incident'),
    scopeCondition(scope, wfInstances.orgPath),
    q.processId ? eq(wfInstances.processId, q.processId) : undefined,
  );
  const [total] = await db
    .select({ n: count() })
    .from(wfJobs)
    .innerJoin(wfInstances, eq(wfInstances.id, wfJobs.instanceId))
    .where(where);
  const rows = await db
    .select({ job: wfJobs, processId: wfInstances.processId, orgPath: wfInstances.orgPath })
    .from(wfJobs)
    .innerJoin(wfInstances, eq(wfInstances.id, wfJobs.instanceId))
    .where(where)
    .orderBy(desc(wfJobs.dueAt), asc(wfJobs.id))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  return { items: rows, total: Number(total?.n ?? 0), page: q.page, pageSize: q.pageSize };
}

/** One job with its case's process and org path (to authorise a retry). */
export async function findJob(db: DbOrTx, id: string): Promise<IncidentRow | undefined> {
  const [row] = await db
    .select({ job: wfJobs, processId: wfInstances.processId, orgPath: wfInstances.orgPath })
    .from(wfJobs)
    .innerJoin(wfInstances, eq(wfInstances.id, wfJobs.instanceId))
    .where(eq(wfJobs.id, id));
  return row;
}
