// 派单台 (the property dispatcher's queue): the repairs of the compounds my company manages in my area, by what
// they wait for: waiting (待派单: no technician yet), working (with a technician: dispatched, accepted, waiting for
// parts; optionally one of them), overdue (past the time limit of 人工派单 or 接单, the steps a dispatcher
// watches). The workload per technician is the duty roster's openJobs (GET /repair-duty).
import { and, asc, count, desc, eq, inArray, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { Paging, Repair, RepairStatus, pageOf as pageSchema } from '@linli/contracts';
import { wfTasks } from '../../db/schema.js';
import { badRequest } from '../../http/errors.js';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { PERMISSIONS } from '../../policy/permissions.js';
import { escapeLike, requirePermission } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import { OPEN_JOB_STATUSES, presentRepairs, STEP } from './domain.js';
import { repairOrders } from './schema.js';

export const RepairQueueQuery = z.strictObject({
  ...Paging,
  tab: z.enum(['waiting', 'working', 'overdue']).default('waiting'),
  /** working only: one of its statuses */
  status: RepairStatus.extract(OPEN_JOB_STATUSES).optional(),
});

/** the repairs a dispatcher may give out: their area, and their property company's compounds */
function dispatchable(p: Principal): SQL {
  const parts = p.grants
    .filter((g) => PERMISSIONS[g.role].repairs?.manage === 'subtree')
    .map((g) =>
      and(
        like(repairOrders.orgPath, `${escapeLike(g.orgPath)}%`),
        g.propertyCompanyId
          ? or(
              isNull(repairOrders.propertyCompanyId),
              eq(repairOrders.propertyCompanyId, g.propertyCompanyId),
            )
          : undefined,
      )!,
    );
  return parts.length ? or(...parts)! : sql`false`;
}

const queue = defineRoute({
  method: 'get',
  path: '/repair-queue',
  summary:
    "The dispatcher's queue (派单台): repairs waiting for a technician, being worked on, or past the time limit of dispatch or acceptance",
  tag: 'repairs',
  auth: 'user',
  query: RepairQueueQuery,
  response: pageSchema(Repair),
  handler: async ({ query: q, principal: p, services: s }) => {
    requirePermission(p, 'repairs', 'manage');
    if (q.status && q.tab !== 'working')
      throw badRequest('status: only the working tab (tab=working) is narrowed by a status');
    const where: SQL[] = [dispatchable(p)];
    if (q.tab === 'waiting') where.push(eq(repairOrders.status, 'dispatching'));
    if (q.tab === 'working')
      where.push(
        q.status ? eq(repairOrders.status, q.status) : inArray(repairOrders.status, [...OPEN_JOB_STATUSES]),
      );
    if (q.tab === 'overdue') {
      const late = s.db
        .select({ id: wfTasks.instanceId })
        .from(wfTasks)
        .where(
          and(
            eq(wfTasks.status, 'open'),
            inArray(wfTasks.activityId, [STEP.dispatch, STEP.accept]),
            lt(wfTasks.dueAt, s.now()),
          ),
        );
      where.push(inArray(repairOrders.instanceId, late));
    }
    const cond = and(...where);
    const [total] = await s.db.select({ n: count() }).from(repairOrders).where(cond);
    // a queue: the longest waiting first; what is being worked on: the newest first
    const order =
      q.tab === 'working'
        ? [desc(repairOrders.createdAt), desc(repairOrders.number)]
        : [asc(repairOrders.createdAt), asc(repairOrders.number)];
    const rows = await s.db
      .select()
      .from(repairOrders)
      .where(cond)
      .orderBy(...order)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    return {
      items: await presentRepairs(s, rows),
      total: Number(total?.n ?? 0),
      page: q.page,
      pageSize: q.pageSize,
    };
  },
});

export const queueRoutes: RouteDef[] = [queue];
