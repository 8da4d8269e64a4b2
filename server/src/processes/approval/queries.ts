// Reading applications: lists scoped to the caller, one application as the caller may see it, the supervision
// list (督办) and the office's statistics. The state of a case is its open step (the workflow's open task), or
// its outcome once concluded; the SQL below derives it the same way.
import { and, desc, eq, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  ApprovalDetail,
  ApprovalQuery,
  ApprovalState,
  ApprovalStats,
  ApprovalSummary,
  StatsQuery,
  SupervisionQuery,
} from '@linli/contracts';
import type { TaskRow } from '@linli/workflows';
import type { DbOrTx } from '../../db/client.js';
import { users, wfInstances, wfTasks } from '../../db/schema.js';
import { getOrgUnit } from '../../domain/org.js';
import { authorize, requirePermission, scopeCondition } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { asWorkingDays, calendarOf, DAY_MS, usedUntil } from './clock.js';
import { instanceStatuses, STEPS, type ApprovalRow } from './cases.js';
import { approvals } from './schema.js';

interface CaseFacts {
  task: TaskRow | undefined;
  instance: { status: string; version: number } | undefined;
}

async function factsOf(s: Services, rows: ApprovalRow[]): Promise<Map<string, CaseFacts>> {
  const ids = rows.map((r) => r.instanceId);
  const statuses = await instanceStatuses(s.db, ids);
  const tasks = ids.length
    ? await s.db
        .select()
        .from(wfTasks)
        .where(and(inArray(wfTasks.instanceId, ids), eq(wfTasks.status, 'open')))
    : [];
  const out = new Map<string, CaseFacts>();
  for (const r of rows)
    out.set(r.id, {
      task: tasks.find((t) => t.instanceId === r.instanceId) as TaskRow | undefined,
      instance: statuses.get(r.instanceId),
    });
  return out;
}

function stateOf(r: ApprovalRow, f: CaseFacts): ApprovalState {
  if (r.outcome) return r.outcome;
  if (f.instance?.status === 'cancelled') return 'cancelled';
  return (STEPS[f.task?.activityId ?? '']?.state ?? 'handle') as ApprovalState;
}

function summary(s: Services, r: ApprovalRow, f: CaseFacts): ApprovalSummary {
  const now = s.now();
  const running = !r.outcome && f.instance?.status === 'running';
  return {
    id: r.id,
    number: r.number,
    itemId: r.itemId,
    itemName: r.itemName,
    instanceId: r.instanceId,
    applicantName: r.applicantName,
    channel: r.channel,
    state: stateOf(r, f),
    taskId: f.task?.id ?? null,
    submittedAt: r.submittedAt.toISOString(),
    dueAt: r.dueAt?.toISOString() ?? null,
    paused: r.pausedAt !== null,
    warned: r.warnedAt !== null,
    overdue:
      r.overdueAt !== null ||
      (running && r.pausedAt === null && r.dueAt !== null && r.dueAt.getTime() < now.getTime()) ||
      r.onTime === false,
    concludedAt: r.concludedAt?.toISOString() ?? null,
    rating: r.rating,
  };
}

export async function listApprovals(s: Services, p: Principal, q: z.infer<typeof ApprovalQuery>) {
  const scope = requirePermission(p, 'approvals', 'read');
  const where = and(
    scopeCondition(scope, approvals.orgPath, eq(approvals.applicantUserId, p.userId)),
    q.itemId ? eq(approvals.itemId, q.itemId) : undefined,
    q.state ? sql`${stateSql} = ${q.state}` : undefined,
  );
  const [total] = await s.db
    .select({ n: sql<number>`count(*)::int` })
    .from(approvals)
    .innerJoin(wfInstances, eq(wfInstances.id, approvals.instanceId))
    .where(where);
  const rows = (
    await s.db
      .select()
      .from(approvals)
      .innerJoin(wfInstances, eq(wfInstances.id, approvals.instanceId))
      .where(where)
      .orderBy(desc(approvals.submittedAt))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
  ).map((r) => r.approvals);
  const facts = await factsOf(s, rows);
  return {
    items: rows.map((r) => summary(s, r, facts.get(r.id)!)),
    total: total?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function person(db: DbOrTx, id: string | null) {
  if (!id) return null;
  const [u] = await db.select({ id: users.id, name: users.displayName }).from(users).where(eq(users.id, id));
  return u ?? null;
}

export async function presentDetail(s: Services, r: ApprovalRow): Promise<ApprovalDetail> {
  const f = (await factsOf(s, [r])).get(r.id)!;
  const vars = (await s.workflow.store.getInstance(r.instanceId))?.variables ?? {};
  const used =
    r.concludedAt || r.pausedAt || f.instance?.status !== 'running'
      ? r.usedWorkingMs
      : usedUntil(
          calendarOf(s),
          s.now(),
          typeof vars.usedMs === 'number' ? vars.usedMs : 0,
          typeof vars.segmentStart === 'string' ? vars.segmentStart : null,
        );
  return {
    ...summary(s, r, f),
    timeLimitDays: r.timeLimitDays,
    form: r.form,
    materials: r.materials,
    missing: r.missing,
    supplementCount: r.supplementCount,
    warnAt: r.warnAt?.toISOString() ?? null,
    usedWorkingDays: asWorkingDays(used),
    registeredBy: await person(s.db, r.registeredBy),
    handler: await person(s.db, r.handlerUserId),
    outcome: r.outcome,
    refusalReason: r.refusalReason,
    resultFileIds: r.resultFileIds,
    onTime: r.onTime,
    ratingComment: r.ratingComment,
    urgeCount: r.urgeCount,
    definitionVersion: f.instance?.version ?? 1,
  };
}

// ------------------------------------------------------------------------------------------ supervision

export async function supervisionList(s: Services, p: Principal, q: z.infer<typeof SupervisionQuery>) {
  const scope = requirePermission(p, 'approvals', 'supervise');
  const now = s.now();
  const overdue = or(isNotNull(approvals.overdueAt), lt(approvals.dueAt, now))!;
  const warning = or(isNotNull(approvals.warnedAt), lt(approvals.warnAt, now))!;
  const where = and(
    scopeCondition(scope, approvals.orgPath),
    isNull(approvals.outcome),
    isNull(approvals.pausedAt),
    eq(wfInstances.status, 'running'),
    q.view === 'overdue' ? overdue : q.view === 'warning' ? and(warning, sql`not (${overdue})`) : warning,
  );
  const [total] = await s.db
    .select({ n: sql<number>`count(*)::int` })
    .from(approvals)
    .innerJoin(wfInstances, eq(wfInstances.id, approvals.instanceId))
    .where(where);
  const rows = (
    await s.db
      .select()
      .from(approvals)
      .innerJoin(wfInstances, eq(wfInstances.id, approvals.instanceId))
      .where(where)
      .orderBy(approvals.dueAt)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
  ).map((r) => r.approvals);
  const facts = await factsOf(s, rows);
  const cal = calendarOf(s);
  const items = [];
  for (const r of rows) {
    const f = facts.get(r.id)!;
    items.push({
      ...summary(s, r, f),
      stepName: f.task ? (STEPS[f.task.activityId]?.name ?? f.task.name) : null,
      holder: await person(s.db, f.task?.assignee ?? null),
      candidateGroups: f.task?.candidateGroups ?? [],
      overdueWorkingDays:
        r.dueAt && r.dueAt.getTime() < now.getTime() ? cal.workingDaysBetween(r.dueAt, now) : 0,
      urgeCount: r.urgeCount,
      lastUrgedAt: r.lastUrgedAt?.toISOString() ?? null,
    });
  }
  return { items, total: total?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

// ------------------------------------------------------------------------------------------ statistics

/** SQL: the state of the application in the row (same rule as stateOf) */
const stateSql = sql<string>`(case
  when ${approvals.outcome} is not null then ${approvals.outcome}
  when ${wfInstances.status} = 'cancelled' then 'cancelled'
  else coalesce((select case t.activity_id
      ${sql.raw(
        Object.entries(STEPS)
          .map(([a, v]) => `when '${a}' then '${v.state}'`)
          .join(' '),
      )}
      else 'handle' end
    from wf_tasks t where t.instance_id = ${approvals.instanceId} and t.status = 'open' limit 1), 'handle')
  end)`;

const ratio = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10000) / 10000);
const days = (v: unknown) =>
  v === null || v === undefined ? null : Math.round((Number(v) / DAY_MS) * 100) / 100;
const avg = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

export async function statistics(
  s: Services,
  p: Principal,
  q: z.infer<typeof StatsQuery>,
): Promise<ApprovalStats> {
  const scope = requirePermission(p, 'approvals', 'supervise');
  let unitCondition: SQL | undefined;
  if (q.orgUnitId) {
    const unit = await getOrgUnit(s.db, q.orgUnitId);
    authorize(p, 'approvals', 'supervise', { orgPath: unit.path }, 'Org unit', unit.id);
    unitCondition = sql`${approvals.orgPath} like ${unit.path.replace(/[\\%_]/g, (c) => `\\${c}`) + '%'}`;
  }
  // dates are China days: [from 00:00, to+1 00:00) at +08:00
  const from = q.from ? new Date(`${q.from}T00:00:00+08:00`) : undefined;
  const to = q.to ? new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + DAY_MS) : undefined;
  const where = and(
    scopeCondition(scope, approvals.orgPath),
    unitCondition,
    from ? sql`${approvals.submittedAt} >= ${from.toISOString()}` : undefined,
    to ? sql`${approvals.submittedAt} < ${to.toISOString()}` : undefined,
  );
  const now = s.now().toISOString();
  const concludedCols = {
    concluded: sql<number>`count(${approvals.concludedAt})::int`,
    approved: sql<number>`count(*) filter (where ${approvals.outcome} = 'approved')::int`,
    refused: sql<number>`count(*) filter (where ${approvals.outcome} = 'refused')::int`,
    avgMs: sql<
      string | null
    >`avg(${approvals.usedWorkingMs}) filter (where ${approvals.concludedAt} is not null)`,
    onTime: sql<
      string | null
    >`avg(case when ${approvals.onTime} then 1.0 else 0.0 end) filter (where ${approvals.concludedAt} is not null)`,
    avgRating: sql<string | null>`avg(${approvals.rating})`,
    ratings: sql<number>`count(${approvals.rating})::int`,
  };
  const [totals] = await s.db
    .select({
      cases: sql<number>`count(*)::int`,
      ...concludedCols,
      overdueOpen: sql<number>`count(*) filter (where ${approvals.outcome} is null and ${wfInstances.status} = 'running' and ${approvals.pausedAt} is null and (${approvals.overdueAt} is not null or ${approvals.dueAt} < ${now}))::int`,
    })
    .from(approvals)
    .innerJoin(wfInstances, eq(wfInstances.id, approvals.instanceId))
    .where(where);
  const byItemRows = await s.db
    .select({
      itemId: approvals.itemId,
      itemName: sql<string>`max(${approvals.itemName})`,
      cases: sql<number>`count(*)::int`,
      ...concludedCols,
    })
    .from(approvals)
    .innerJoin(wfInstances, eq(wfInstances.id, approvals.instanceId))
    .where(where)
    .groupBy(approvals.itemId)
    .orderBy(approvals.itemId);
  const stateRows = await s.db
    .select({ itemId: approvals.itemId, state: stateSql, n: sql<number>`count(*)::int` })
    .from(approvals)
    .innerJoin(wfInstances, eq(wfInstances.id, approvals.instanceId))
    .where(where)
    .groupBy(approvals.itemId, stateSql);
  // 绩效: the staff who completed steps of these cases (the applicant's own supplement is not staff work)
  const perCase = s.db
    .select({
      userId: sql<string>`${wfTasks.completedBy}`.as('user_id'),
      approvalId: sql<string>`${approvals.id}`.as('approval_id'),
      rating: sql<number | null>`${approvals.rating}`.as('rating'),
      onTime: sql<boolean | null>`${approvals.onTime}`.as('on_time'),
      concluded: sql<boolean>`${approvals.concludedAt} is not null`.as('concluded'),
      steps: sql<number>`count(*)`.as('steps'),
    })
    .from(wfTasks)
    .innerJoin(approvals, eq(approvals.instanceId, wfTasks.instanceId))
    .innerJoin(wfInstances, eq(wfInstances.id, approvals.instanceId))
    .where(
      and(
        where,
        eq(wfTasks.status, 'completed'),
        isNotNull(wfTasks.completedBy),
        sql`${wfTasks.activityId} <> 'Task_Supplement'`,
      ),
    )
    .groupBy(wfTasks.completedBy, approvals.id)
    .as('per_case');
  const workerRows = await s.db
    .select({
      userId: perCase.userId,
      name: sql<string | null>`max(${users.displayName})`,
      steps: sql<number>`sum(${perCase.steps})::int`,
      cases: sql<number>`count(*)::int`,
      concluded: sql<number>`count(*) filter (where ${perCase.concluded})::int`,
      onTime: sql<
        string | null
      >`avg(case when ${perCase.onTime} then 1.0 else 0.0 end) filter (where ${perCase.concluded})`,
      avgRating: sql<string | null>`avg(${perCase.rating})`,
    })
    .from(perCase)
    .leftJoin(users, sql`${users.id}::text = ${perCase.userId}`)
    .groupBy(perCase.userId)
    .orderBy(desc(sql`sum(${perCase.steps})`), perCase.userId);
  return {
    from: q.from ?? null,
    to: q.to ?? null,
    totals: {
      cases: totals?.cases ?? 0,
      concluded: totals?.concluded ?? 0,
      approved: totals?.approved ?? 0,
      refused: totals?.refused ?? 0,
      avgWorkingDays: days(totals?.avgMs),
      onTimeRate: ratio(totals?.onTime),
      avgRating: avg(totals?.avgRating),
      ratings: totals?.ratings ?? 0,
      overdueOpen: totals?.overdueOpen ?? 0,
    },
    byItem: byItemRows.map((r) => ({
      itemId: r.itemId,
      itemName: r.itemName,
      cases: r.cases,
      byState: Object.fromEntries(stateRows.filter((x) => x.itemId === r.itemId).map((x) => [x.state, x.n])),
      avgWorkingDays: days(r.avgMs),
      onTimeRate: ratio(r.onTime),
      avgRating: avg(r.avgRating),
    })),
    byWorker: workerRows
      .filter((r): r is typeof r & { userId: string } => !!r.userId)
      .map((r) => ({
        userId: r.userId,
        name: r.name ?? '',
        steps: r.steps,
        cases: r.cases,
        concluded: r.concluded,
        onTimeRate: ratio(r.onTime),
        avgRating: avg(r.avgRating),
      })),
  };
}
