// The dispute diagram's service tasks. Each runs at least once per execution, so each effect is written once
// per `key` (an escalation row keyed by it) or only while it is still missing (a document not yet linked, a
// status not yet set).
//   dispute.escalate   督办: a step ran over its time limit; input `step` (accept | mediate | follow_up)
//   dispute.agreement  generates the mediation agreement from the agreed terms and links it
//   dispute.record     generates the case record (卷宗) that goes with a referral
//   dispute.close      sets the final status; input `result` (closed | rejected | referred_street | referred_court)
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { ServiceHandler } from '@linli/workflows';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import { followers, notifyFollowers, partiesOf, touch, type DisputeRow } from './domain.js';
import { agreementHtml, recordHtml, storeDocument } from './documents.js';
import { linkOfDispute } from './links.js';
import { disputeEscalations, disputes } from './schema.js';

const STEP_NAMES: Record<string, string> = {
  accept: '受理（1个工作日内）',
  mediate: '调解（30天内）',
  follow_up: '回访（7天内）',
};

const RESULTS: Record<string, { title: string; body: (d: DisputeRow) => string }> = {
  closed: {
    title: '纠纷调解已结案',
    body: (d) => `您的纠纷（${d.caseNo}）经调解达成协议并完成回访，现已结案。`,
  },
  rejected: {
    title: '纠纷不予受理',
    body: (d) =>
      `您登记的纠纷（${d.caseNo}）不属于社区人民调解受理范围：${d.rejectReason ?? ''}。建议您向${d.referredTo ?? '有关部门'}反映。`,
  },
  referred_street: {
    title: '纠纷已转街道调解',
    body: (d) => `您的纠纷（${d.caseNo}）经社区调解未能达成协议，已连同调解卷宗移交街道继续调解。`,
  },
  referred_court: {
    title: '纠纷调解终结',
    body: (d) => `您的纠纷（${d.caseNo}）经社区调解未能达成协议，调解终结。您可以依法向人民法院提起诉讼。`,
  },
};

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export function disputeHandlers(s: Services): Record<string, ServiceHandler> {
  const load = async (id: unknown) => {
    const [d] = await s.db
      .select()
      .from(disputes)
      .where(eq(disputes.id, String(id)));
    if (!d) throw new Error(`dispute ${String(id)} does not exist`);
    return d;
  };

  return {
    'dispute.escalate': async ({ key, instanceId, variables, input }) => {
      const d = await load(variables.disputeId);
      const step = String(input.step ?? 'accept');
      const [inserted] = await s.db
        .insert(disputeEscalations)
        .values({ key, disputeId: d.id, step })
        .onConflictDoNothing()
        .returning();
      if (!inserted) return {};
      await s.db
        .update(disputes)
        .set({ overdueCount: sql`${disputes.overdueCount} + 1`, updatedAt: s.now() })
        .where(eq(disputes.id, d.id));
      const what = STEP_NAMES[step] ?? step;
      await recordCaseEvent(s.db, {
        at: s.now(),
        instanceId,
        kind: 'dispute.escalated',
        actor: 'system',
        body: { step, comment: `${what}已超时，已督办社区管理员` },
      });
      const admins = list(variables.communityAdmins);
      await enqueueNotice(s.db, {
        dedupKey: key,
        recipients: [...admins, ...(step !== 'accept' && d.mediatorId ? [d.mediatorId] : [])],
        template: 'dispute.escalated',
        title: '矛盾纠纷督办',
        body: `调解案件${d.caseNo}「${d.title}」${what}已超时，请督促办理。`,
        instanceId,
        link: linkOfDispute(d.id),
      });
      return {};
    },

    'dispute.agreement': async ({ instanceId, variables }) => {
      const d = await load(variables.disputeId);
      if (!d.agreementFileId) {
        const fileId = await storeDocument(
          s,
          d,
          `人民调解协议书-${d.caseNo}.html`,
          await agreementHtml(s, d),
          d.mediatorId ?? d.registeredBy,
        );
        const [linked] = await s.db
          .update(disputes)
          .set({ agreementFileId: fileId, status: 'signing', updatedAt: s.now() })
          .where(and(eq(disputes.id, d.id), isNull(disputes.agreementFileId)))
          .returning();
        if (linked) {
          await recordCaseEvent(s.db, {
            at: s.now(),
            instanceId,
            kind: 'dispute.agreement_generated',
            actor: 'system',
            body: { comment: '已生成人民调解协议书，待当事人签字', fileIds: [fileId] },
          });
          await notifyFollowers(
            s,
            linked,
            await partiesOf(s.db, d.id),
            'agreement',
            '调解协议书已生成',
            `您的纠纷（${d.caseNo}）经调解达成协议，请与调解员约定时间签字。`,
          );
        }
      }
      return {};
    },

    'dispute.record': async ({ instanceId, variables }) => {
      const d = await load(variables.disputeId);
      if (!d.recordFileId) {
        const fileId = await storeDocument(
          s,
          d,
          `人民调解卷宗-${d.caseNo}.html`,
          await recordHtml(s, d),
          d.mediatorId ?? d.registeredBy,
        );
        const [linked] = await s.db
          .update(disputes)
          .set({ recordFileId: fileId, updatedAt: s.now() })
          .where(and(eq(disputes.id, d.id), isNull(disputes.recordFileId)))
          .returning();
        if (linked)
          await recordCaseEvent(s.db, {
            at: s.now(),
            instanceId,
            kind: 'dispute.record_generated',
            actor: 'system',
            body: { comment: '已生成调解卷宗' },
          });
      }
      return {};
    },

    'dispute.close': async ({ key, instanceId, variables, input }) => {
      const d = await load(variables.disputeId);
      const result = String(input.result ?? 'closed');
      const final = RESULTS[result] ? result : 'closed';
      if (!d.closedAt) {
        const now = s.now();
        const closed = await touch(s.db, d.id, { status: final, closedAt: now }, now);
        await recordCaseEvent(s.db, {
          at: s.now(),
          instanceId,
          kind: 'dispute.closed',
          actor: 'system',
          body: { result: final, comment: RESULTS[final]!.title },
        });
        const parties = await partiesOf(s.db, d.id);
        await enqueueNotice(s.db, {
          dedupKey: key,
          recipients: followers(closed, parties),
          template: `dispute.${final}`,
          title: RESULTS[final]!.title,
          body: RESULTS[final]!.body(closed),
          instanceId,
          link: linkOfDispute(d.id),
        });
      }
      return {};
    },
  };
}
