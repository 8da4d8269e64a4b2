// The approval diagram's service tasks. The clock lives in the case's variables (the engine's state is the
// truth, committed with each step); each handler computes from them and mirrors the result onto the
// `approvals` row, so the supervision list and the statistics are plain SQL. Every effect is idempotent:
// row updates are overwrites from the variables, notices carry the call's key.
//   approval.clock     input `action`: start | pause | resume — runs, stops and restarts the time limit
//   approval.check     after pre-review: materials incomplete → the SUPPLEMENT error leaves the timed sub-process
//                      (an error, not a gateway: gateways inside a sub-process do not see variables set in it)
//   approval.warn      the 80% timer fell due: flag the case, tell whoever holds it (异常预警)
//   approval.overdue   the limit passed: flag the case, tell the holders and the supervisors (督办)
//   approval.conclude  办结: record the result, the working time used and whether it was on time; tell the applicant
import { and, eq, isNull } from 'drizzle-orm';
import { BusinessError, type ServiceHandler, type Variables } from '@linli/workflows';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import { asWorkingDays, calendarOf, runClock, usedUntil } from './clock.js';
import { holdersOf, openTasksOf, usersWithRoles } from './cases.js';
import { linkOfApproval, linkOfApprovalHandling } from './links.js';
import { approvals } from './schema.js';

const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

async function rowOf(s: Services, instanceId: string) {
  const [row] = await s.db.select().from(approvals).where(eq(approvals.instanceId, instanceId));
  return row;
}

export function approvalHandlers(s: Services): Record<string, ServiceHandler> {
  const clock: ServiceHandler = async ({ instanceId, variables: v, input }) => {
    const cal = calendarOf(s);
    const now = s.now();
    const limitDays = num(v.limitDays, 1);
    const action = String(input.action ?? 'start');
    let out: Variables;
    if (action === 'pause') {
      const used = usedUntil(cal, now, num(v.usedMs), str(v.segmentStart));
      out = { usedMs: used, segmentStart: null, pausedAt: now.toISOString() };
      await s.db
        .update(approvals)
        .set({ usedWorkingMs: Math.round(used), pausedAt: now, updatedAt: now })
        .where(eq(approvals.instanceId, instanceId));
    } else {
      // start, or resume after a supplement: the limit left is what was not used before the wait
      const used = action === 'start' ? 0 : num(v.usedMs);
      const state = runClock(cal, now, limitDays, used);
      out = { ...state, pausedAt: null };
      if (action === 'start') out.clockStartedAt = now.toISOString();
      await s.db
        .update(approvals)
        .set({
          dueAt: new Date(state.dueAt),
          warnAt: new Date(state.warnAt),
          pausedAt: null,
          usedWorkingMs: Math.round(used),
          updatedAt: now,
        })
        .where(eq(approvals.instanceId, instanceId));
    }
    return out;
  };

  // flag, notice and timeline entry commit together, once per case: the flag is set only where it was not, and a
  // re-run (or a return that replays the timer) finds it set and writes nothing
  const warn: ServiceHandler = async ({ key, instanceId }) => {
    const row = await rowOf(s, instanceId);
    if (!row || row.warnedAt) return;
    const recipients = await holdersOf(s.db, await openTasksOf(s, instanceId));
    const now = s.now();
    await s.db.transaction(async (tx) => {
      const [flagged] = await tx
        .update(approvals)
        .set({ warnedAt: now, updatedAt: now })
        .where(and(eq(approvals.id, row.id), isNull(approvals.warnedAt)))
        .returning({ id: approvals.id });
      if (!flagged) return;
      await enqueueNotice(tx, {
        dedupKey: `${key}:approval.warning`,
        recipients,
        template: 'approval.warning',
        title: '办件时限预警',
        body: `办件“${row.itemName}”（${row.number}，申请人${row.applicantName}）已用去八成办理时限，请在${formatChina(row.dueAt)}前办结。`,
        instanceId,
        link: linkOfApprovalHandling(row.id),
        data: { approvalId: row.id, dueAt: row.dueAt?.toISOString() ?? null },
      });
      await recordCaseEvent(tx, {
        instanceId,
        kind: 'approval.warning',
        actor: 'system',
        body: { comment: '已用去八成办理时限（异常预警）', dueAt: row.dueAt?.toISOString() ?? null },
      });
    });
  };

  const overdue: ServiceHandler = async ({ key, instanceId }) => {
    const row = await rowOf(s, instanceId);
    if (!row || row.overdueAt) return;
    const recipients = [
      ...(await holdersOf(s.db, await openTasksOf(s, instanceId))),
      ...(await usersWithRoles(s.db, ['community_admin', 'street_admin'], row.orgPath)),
    ];
    const now = s.now();
    await s.db.transaction(async (tx) => {
      const [flagged] = await tx
        .update(approvals)
        .set({ overdueAt: now, updatedAt: now })
        .where(and(eq(approvals.id, row.id), isNull(approvals.overdueAt)))
        .returning({ id: approvals.id });
      if (!flagged) return;
      await enqueueNotice(tx, {
        dedupKey: `${key}:approval.overdue`,
        recipients,
        template: 'approval.overdue',
        title: '办件已超期',
        body: `办件“${row.itemName}”（${row.number}，申请人${row.applicantName}）已超过${row.timeLimitDays}个工作日的办理时限，已列入督办。`,
        instanceId,
        link: linkOfApprovalHandling(row.id),
        data: { approvalId: row.id },
      });
      await recordCaseEvent(tx, {
        instanceId,
        kind: 'approval.overdue',
        actor: 'system',
        body: { comment: `超过${row.timeLimitDays}个工作日办理时限，已列入督办` },
      });
    });
  };

  const conclude: ServiceHandler = async ({ key, instanceId, variables: v }) => {
    const row = await rowOf(s, instanceId);
    if (!row) return;
    const now = s.now();
    const used = usedUntil(calendarOf(s), now, num(v.usedMs), str(v.segmentStart));
    const refused = v.result === 'refused' || v.outcome === 'refused';
    const due = str(v.dueAt);
    const resultFileIds = Array.isArray(v.resultFileIds) ? v.resultFileIds.map(String) : [];
    const reason = str(v.refusalReason);
    if (row.concludedAt)
      return { concludedAt: row.concludedAt.toISOString(), usedMs: row.usedWorkingMs, segmentStart: null };
    await s.db.transaction(async (tx) => {
      await tx
        .update(approvals)
        .set({
          outcome: refused ? 'refused' : 'approved',
          refusalReason: refused ? (reason ?? '不符合办理条件') : null,
          resultFileIds,
          concludedAt: now,
          usedWorkingMs: Math.round(used),
          onTime: due ? now.getTime() <= new Date(due).getTime() : true,
          updatedAt: now,
        })
        .where(eq(approvals.id, row.id));
      await recordCaseEvent(tx, {
        instanceId,
        kind: 'approval.concluded',
        actor: 'system',
        body: {
          comment: refused ? `不予批准：${reason ?? ''}` : '准予办理，结果文书已出具',
          outcome: refused ? 'refused' : 'approved',
          fileIds: resultFileIds,
          usedWorkingDays: asWorkingDays(used),
        },
      });
      await enqueueNotice(tx, {
        dedupKey: `${key}:approval.concluded`,
        recipients: [row.applicantUserId ?? ''],
        template: 'approval.concluded',
        title: refused ? '办件已办结（不予批准）' : '办件已办结',
        body: refused
          ? `您申请的“${row.itemName}”（${row.number}）不予批准，理由：${reason ?? ''}。如有疑问请到社区服务窗口咨询。请对本次服务进行评价。`
          : `您申请的“${row.itemName}”（${row.number}）已办结，可在办件详情中查看结果文书。请对本次服务进行评价。`,
        instanceId,
        link: linkOfApproval(row.id),
        data: { approvalId: row.id, outcome: refused ? 'refused' : 'approved' },
      });
    });
    return { concludedAt: now.toISOString(), usedMs: used, segmentStart: null };
  };

  const check: ServiceHandler = async ({ variables: v }) => {
    // the outcome of the pre-review just completed (also when completed through the generic task API, where
    // `preReview` may still hold an earlier round's answer)
    const decision = typeof v.outcome === 'string' ? v.outcome : v.preReview;
    if (decision === 'incomplete') throw new BusinessError('SUPPLEMENT', '申请材料需补正');
  };

  return {
    'approval.clock': clock,
    'approval.check': check,
    'approval.warn': warn,
    'approval.overdue': overdue,
    'approval.conclude': conclude,
  };
}

function formatChina(d: Date | null): string {
  if (!d) return '时限';
  const c = new Date(d.getTime() + 8 * 3_600_000);
  return `${c.getUTCMonth() + 1}月${c.getUTCDate()}日${String(c.getUTCHours()).padStart(2, '0')}:${String(c.getUTCMinutes()).padStart(2, '0')}`;
}
