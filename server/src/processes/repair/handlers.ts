// The repair diagram's service tasks. Each runs at least once per execution: effects are keyed by the call's
// `key` (a dispatch row per key) or guarded by the repair's state, so a second run writes nothing twice.
//   repair.autoDispatch   picks the technician on duty with the fewest open jobs; passes the diagram's time
//                         limits (input parameters acceptLimit, confirmLimit) on as variables
//   repair.acceptTimeout  the technician did not accept in time: back to the dispatcher
//   repair.close          the case ends (input parameter closedAs: confirmed, auto_confirmed, review_closed,
//                         community); the reporter is told
import { and, eq, ne } from 'drizzle-orm';
import type { ServiceHandler } from '@linli/workflows';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import { categoryName, nameOf, onDutyFor, recordDispatch, STEP } from './domain.js';
import { repairDispatches, repairOrders } from './schema.js';

const CLOSED_AS = ['confirmed', 'auto_confirmed', 'review_closed', 'community'] as const;
type ClosedAs = (typeof CLOSED_AS)[number];

const CLOSING_TEXT: Record<ClosedAs, string> = {
  confirmed: '报修人已确认，报修办结',
  auto_confirmed: '报修人 3 天内未评价，系统自动确认办结',
  review_closed: '物业经理复核后办结',
  community: '非物业责任，社区已处置，报修办结',
};

export function repairHandlers(s: Services): Record<string, ServiceHandler> {
  async function repairOf(variables: Record<string, unknown>) {
    const id = String(variables.repairId ?? '');
    const [row] = id ? await s.db.select().from(repairOrders).where(eq(repairOrders.id, id)) : [];
    if (!row) throw new Error(`repair ${id} of this case does not exist`);
    return row;
  }

  return {
    'repair.autoDispatch': async ({ key, instanceId, variables, input }) => {
      const repair = await repairOf(variables);
      if (repair.instanceId !== instanceId)
        await s.db.update(repairOrders).set({ instanceId }).where(eq(repairOrders.id, repair.id));
      const limits = {
        acceptLimit: String(input.acceptLimit ?? 'PT30M'),
        confirmLimit: String(input.confirmLimit ?? 'P3D'),
      };
      // a re-run of this execution keeps the first choice
      const [done] = await s.db.select().from(repairDispatches).where(eq(repairDispatches.key, key));
      if (done) return { ...limits, technician: done.technicianId, autoDispatched: !!done.technicianId };
      const [chosen] = await onDutyFor(s.db, repair);
      if (!chosen) {
        await s.db.transaction(async (tx) => {
          const [first] = await tx
            .insert(repairDispatches)
            .values({ repairId: repair.id, key, technicianId: null, mode: 'auto', at: s.now() })
            .onConflictDoNothing()
            .returning();
          if (!first) return;
          await recordCaseEvent(tx, {
            instanceId,
            kind: 'repair.no_technician_on_duty',
            actor: 'system',
            at: s.now(),
            body: { activityId: 'Task_AutoDispatch', comment: '当前无值班维修工，转物业调度人工派单' },
          });
        });
        return { ...limits, technician: null, autoDispatched: false };
      }
      await recordDispatch(
        s,
        { ...repair, instanceId },
        { key, technicianId: chosen.technicianId, mode: 'auto', by: null },
      );
      return { ...limits, technician: chosen.technicianId, autoDispatched: true };
    },

    'repair.acceptTimeout': async ({ instanceId, variables }) => {
      const repair = await repairOf(variables);
      const name = await nameOf(s.db, repair.technicianId);
      // the state guard makes a second run a no-op; the change and its timeline entry stand or fall together
      await s.db.transaction(async (tx) => {
        const [changed] = await tx
          .update(repairOrders)
          .set({ status: 'dispatching', technicianId: null, updatedAt: s.now() })
          .where(and(eq(repairOrders.id, repair.id), eq(repairOrders.status, 'dispatched')))
          .returning();
        if (!changed) return;
        await recordCaseEvent(tx, {
          instanceId,
          kind: 'repair.accept_timeout',
          actor: 'system',
          at: s.now(),
          body: {
            activityId: STEP.accept,
            comment: `维修工${name}未在时限内接单，已升级给物业调度重新派单`,
            ...(repair.technicianId ? { targetUser: repair.technicianId } : {}),
          },
        });
      });
    },

    'repair.close': async ({ key, instanceId, variables, input }) => {
      const repair = await repairOf(variables);
      const closedAs: ClosedAs = (CLOSED_AS as readonly string[]).includes(String(input.closedAs))
        ? (input.closedAs as ClosedAs)
        : 'confirmed';
      const now = s.now();
      await s.db.transaction(async (tx) => {
        const [closed] = await tx
          .update(repairOrders)
          .set({
            status: 'closed',
            closedAs,
            closedAt: now,
            ...(closedAs === 'auto_confirmed' ? { autoConfirmed: true, confirmedAt: now } : {}),
            updatedAt: now,
          })
          .where(and(eq(repairOrders.id, repair.id), ne(repairOrders.status, 'closed')))
          .returning();
        if (!closed) return;
        await recordCaseEvent(tx, {
          instanceId,
          kind: 'repair.closed',
          actor: 'system',
          at: now,
          body: { comment: CLOSING_TEXT[closedAs], closedAs },
        });
        await enqueueNotice(tx, {
          dedupKey: `repair.closed:${key}`,
          recipients: [repair.reporterUserId],
          template: 'repair.closed',
          title: '报修已办结',
          body: `您的报修（${repair.number}，${categoryName(repair.category)}）已办结：${CLOSING_TEXT[closedAs]}。感谢您的支持！`,
          instanceId,
          link: `/pages/repair/detail?id=${repair.id}`,
          data: { repairId: repair.id, number: repair.number, closedAs },
        });
      });
    },
  };
}
