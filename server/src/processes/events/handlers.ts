// The service tasks of community_event. Each runs at least once per execution: every write is idempotent
// (it sets the same values again) and every notice carries the execution key as its dedup key.
//   events.dispatch      派单: category + place → handler group/users, time limit; or route to repair/dispute
//   events.to_repair     转为物业报修 (once per event: the event remembers the case it became)
//   events.to_dispute    转为矛盾调解 (likewise)
//   events.escalate      督办: input `level` 1 (community admins) or 2 (street admins)
//   events.feedback      反馈上报人: the reporter reads the result and is asked to rate
//   events.hotline_reply 回复12345: the reply the hotline integration reads back
//   events.close         办结: input `reason` rated | no_rating
import { eq } from 'drizzle-orm';
import { BusinessError, type ServiceHandler } from '@linli/workflows';
import { ApiError } from '../../http/errors.js';
import { pathInScope, scopeFor } from '../../policy/policy.js';
import { loadPrincipal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import { getCategory, type CategoryRow } from './categories.js';
import { linkOfConvertedCase, linkOfEvent } from './links.js';
import { fileRepairFromEvent, registerDisputeFromEvent } from './conversions.js';
import {
  compoundOf,
  getEvent,
  propertyStaffOf,
  staffOn,
  timeLimit,
  usersAbove,
  type EventRow,
} from './domain.js';
import { communityEvents } from './schema.js';

const TARGET_NAMES = { grid_worker: '网格员', property: '物业公司', street: '街道职能部门' } as const;

const fmt = (d: Date) =>
  d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }).replace(/:\d\d$/, '');

async function eventOf(s: Services, variables: Record<string, unknown>): Promise<EventRow> {
  const event = await getEvent(s.db, String(variables.eventId ?? ''));
  if (!event) throw new Error(`event ${String(variables.eventId)} does not exist`);
  return event;
}

const link = (e: EventRow) => linkOfEvent(e.id);

interface Dispatch {
  route: 'handle' | 'repair' | 'dispute';
  target: EventRow['target'];
  handlerGroup: string;
  handlerUsers: string[];
  propertyCompanyId: string | null;
  handlerOrgUnitId: string | null;
  note: string;
}

/** Who handles an event of this category at this place. */
async function chooseHandler(s: Services, e: EventRow, c: CategoryRow): Promise<Dispatch> {
  const base = { propertyCompanyId: null, handlerOrgUnitId: null, handlerUsers: [] as string[] };
  if (c.kind === 'repair' || c.kind === 'dispute')
    return { ...base, route: c.kind, target: null, handlerGroup: '', note: '' };
  if (c.target === 'property') {
    const compound = e.compoundId ? await compoundOf(s.db, e.compoundId) : undefined;
    if (compound?.propertyCompanyId) {
      const staff = await propertyStaffOf(s.db, compound.propertyCompanyId);
      return {
        ...base,
        route: 'handle',
        target: 'property',
        propertyCompanyId: compound.propertyCompanyId,
        // the compound's own company when it has accounts, else every property company of the area
        handlerGroup: staff.length ? '' : 'property_staff',
        handlerUsers: staff,
        note: `派给${compound.name}物业`,
      };
    }
    // no compound (a street, a square) or no property company: the grid handles it
    return {
      ...base,
      route: 'handle',
      target: 'grid_worker',
      handlerGroup: 'grid_worker',
      note: '位置不属于有物业的小区，派给网格员',
    };
  }
  if (c.target === 'street') {
    if (c.handlerOrgUnitId) {
      const staff = await staffOn(s.db, c.handlerOrgUnitId);
      if (staff.length)
        return {
          ...base,
          route: 'handle',
          target: 'street',
          handlerGroup: '',
          handlerUsers: staff,
          handlerOrgUnitId: c.handlerOrgUnitId,
          note: '派给街道职能部门',
        };
    }
    return { ...base, route: 'handle', target: 'street', handlerGroup: 'street_admin', note: '派给街道' };
  }
  return { ...base, route: 'handle', target: 'grid_worker', handlerGroup: 'grid_worker', note: '派给网格员' };
}

export function eventHandlers(s: Services): Record<string, ServiceHandler> {
  return {
    'events.dispatch': async ({ key, instanceId, variables }) => {
      const event = await eventOf(s, variables);
      const categoryId = String(variables.categoryId ?? event.reportedCategoryId ?? '');
      const category = categoryId ? await getCategory(s.db, categoryId) : undefined;
      if (!category) throw new Error(`event ${event.id} has no category ${categoryId}`);
      const now = s.now();
      const d = await chooseHandler(s, event, category);
      const { due, escalate } = timeLimit(s, category, now);
      const classifiedBy = typeof variables.classifiedBy === 'string' ? variables.classifiedBy : null;
      await s.db
        .update(communityEvents)
        .set({
          categoryId: category.id,
          sensitive: category.kind === 'dispute',
          classifiedBy: classifiedBy ?? event.classifiedBy,
          classifiedAt: now,
          ...(d.route === 'handle'
            ? {
                state: 'dispatched' as const,
                target: d.target,
                propertyCompanyId: d.propertyCompanyId,
                handlerOrgUnitId: d.handlerOrgUnitId,
                handlerUserIds: d.handlerUsers,
                dueAt: due,
                dispatchedAt: now,
                overdueLevel: 0,
              }
            : {}),
          updatedAt: now,
        })
        .where(eq(communityEvents.id, event.id));
      if (d.route !== 'handle') return { route: d.route, handlerGroup: '', handlerUsers: [] };
      await recordCaseEvent(s.db, {
        instanceId,
        kind: 'events.dispatched',
        actor: 'system',
        body: {
          comment: `${category.name}：${d.note}，处置时限 ${fmt(due)}`,
          target: d.target,
          targetName: TARGET_NAMES[d.target!],
          dueAt: due.toISOString(),
          key,
        },
      });
      // the reporter is told where it went (a staff member who classified their own report already knows)
      if (event.reporterUserId && (event.source === 'resident' || event.reporterUserId !== classifiedBy))
        await enqueueNotice(s.db, {
          dedupKey: `${key}:reporter`,
          recipients: [event.reporterUserId],
          template: 'event.dispatched',
          title: '您上报的事件已派单',
          body: `“${event.title}”已派给${TARGET_NAMES[d.target!]}处置，预计 ${fmt(due)} 前完成。`,
          instanceId,
          link: link(event),
        });
      return {
        route: 'handle',
        handlerGroup: d.handlerGroup,
        handlerUsers: d.handlerUsers,
        // the timers count from now: durations (a date the engine reads against the wall clock, not the runtime's)
        handleDue: due.toISOString(),
        handleLimit: `PT${Math.max(1, Math.round((due.getTime() - now.getTime()) / 1000))}S`,
        escalateLimit: `PT${Math.max(1, Math.round((escalate.getTime() - now.getTime()) / 1000))}S`,
        outcome: null,
      };
    },

    'events.to_repair': async ({ key, instanceId, variables }) =>
      convert(s, key, instanceId, variables, 'repair'),
    'events.to_dispute': async ({ key, instanceId, variables }) =>
      convert(s, key, instanceId, variables, 'dispute'),

    'events.escalate': async ({ key, instanceId, variables, input }) => {
      const event = await eventOf(s, variables);
      const level = Number(input.level ?? 1) >= 2 ? 2 : 1;
      if (event.state !== 'dispatched') return;
      await s.db
        .update(communityEvents)
        .set({ overdueLevel: Math.max(event.overdueLevel, level), updatedAt: s.now() })
        .where(eq(communityEvents.id, event.id));
      const supervisors = await usersAbove(s.db, event.orgPath, [
        level === 1 ? 'community_admin' : 'street_admin',
      ]);
      const handlers = event.handlerUserIds.length
        ? event.handlerUserIds
        : event.target === 'grid_worker'
          ? await usersAbove(s.db, event.orgPath, ['grid_worker'])
          : [];
      const who = level === 1 ? '社区' : '街道';
      await recordCaseEvent(s.db, {
        instanceId,
        kind: 'events.supervised',
        actor: 'system',
        body: {
          comment: `事件超过处置时限${level === 2 ? '一倍' : ''}仍未处置，已提交${who}督办`,
          level,
          key,
        },
      });
      await enqueueNotice(s.db, {
        dedupKey: `${key}:supervisors`,
        recipients: supervisors,
        template: 'event.overdue',
        title: `事件超期督办（${who}）`,
        body: `“${event.title}”已超过处置时限（${event.dueAt ? fmt(event.dueAt) : ''}），请督促处置。`,
        instanceId,
        link: link(event),
        data: { level },
      });
      await enqueueNotice(s.db, {
        dedupKey: `${key}:handlers`,
        recipients: handlers,
        template: 'event.urged',
        title: '事件已超期，请尽快处置',
        body: `“${event.title}”已超过处置时限，${who}已督办。`,
        instanceId,
        link: link(event),
      });
    },

    'events.feedback': async ({ key, instanceId, variables }) => {
      const event = await eventOf(s, variables);
      await s.db
        .update(communityEvents)
        .set({ state: 'feedback', updatedAt: s.now() })
        .where(eq(communityEvents.id, event.id));
      if (event.reporterUserId)
        await enqueueNotice(s.db, {
          dedupKey: key,
          recipients: [event.reporterUserId],
          template: 'event.handled',
          title: '您上报的事件已处置，请评价',
          body: `“${event.title}”处置结果：${event.result ?? ''}。请在3天内评价，逾期视为满意。`,
          instanceId,
          link: link(event),
        });
    },

    'events.hotline_reply': async ({ instanceId, variables }) => {
      const event = await eventOf(s, variables);
      const now = s.now();
      await s.db
        .update(communityEvents)
        .set({
          state: 'closed',
          closeReason: 'hotline_replied',
          closedAt: event.closedAt ?? now,
          hotlineReply: `您反映的“${event.title}”（工单号 ${event.hotlineTicketNo}）已处置：${event.result ?? ''}`,
          hotlineReplyStatus: 'resolved',
          updatedAt: now,
        })
        .where(eq(communityEvents.id, event.id));
      if (!event.closedAt)
        await recordCaseEvent(s.db, {
          instanceId,
          kind: 'events.hotline_replied',
          actor: 'system',
          body: { comment: '处置结果已回复12345热线' },
        });
    },

    'events.close': async ({ key, instanceId, variables, input }) => {
      const event = await eventOf(s, variables);
      const reason = input.reason === 'no_rating' ? 'no_rating' : 'rated';
      const now = s.now();
      await s.db
        .update(communityEvents)
        .set({ state: 'closed', closeReason: reason, closedAt: event.closedAt ?? now, updatedAt: now })
        .where(eq(communityEvents.id, event.id));
      if (reason === 'no_rating' && !event.closedAt)
        await recordCaseEvent(s.db, {
          instanceId,
          kind: 'events.auto_closed',
          actor: 'system',
          body: { comment: '上报人3天未评价，视为满意，事件办结' },
        });
      // a poor rating (1–2) is followed up by the community (差评回访)
      if (reason === 'rated' && event.rating !== null && event.rating <= 2)
        await enqueueNotice(s.db, {
          dedupKey: `${key}:poor`,
          recipients: await usersAbove(s.db, event.orgPath, ['community_admin']),
          template: 'event.poor_rating',
          title: '事件差评提醒，请回访',
          body: `“${event.title}”上报人评价 ${event.rating} 星${event.ratingComment ? `：${event.ratingComment}` : ''}，请回访核实处置情况。`,
          instanceId,
          link: link(event),
        });
      const handlers = event.handledBy ? [event.handledBy] : [];
      await enqueueNotice(s.db, {
        dedupKey: key,
        recipients: handlers,
        template: 'event.closed',
        title: '事件已办结',
        body:
          reason === 'rated'
            ? `“${event.title}”已办结，上报人评价 ${event.rating ?? '-'} 星${event.ratingComment ? `：${event.ratingComment}` : ''}。`
            : `“${event.title}”已办结（上报人未评价，默认满意）。`,
        instanceId,
        link: link(event),
      });
    },
  };
}

/** Files the event as a repair or a dispute, once: a second run finds the case already recorded. */
async function convert(
  s: Services,
  key: string,
  instanceId: string,
  variables: Record<string, unknown>,
  to: 'repair' | 'dispute',
) {
  const event = await eventOf(s, variables);
  if (event.convertedCaseId) return { convertedCaseId: event.convertedCaseId };
  const actorId =
    (typeof variables.classifiedBy === 'string' && variables.classifiedBy) ||
    event.classifiedBy ||
    event.createdBy;
  const principal = await loadPrincipal(s.db, actorId);
  const refuse = async (comment: string, message: string) => {
    await s.db
      .update(communityEvents)
      .set({ state: 'classifying', updatedAt: s.now() })
      .where(eq(communityEvents.id, event.id));
    await recordCaseEvent(s.db, {
      instanceId,
      kind: 'events.convert_failed',
      actor: 'system',
      body: { comment, key },
    });
    return new BusinessError('CONVERT_FAILED', message);
  };
  if (!principal)
    throw await refuse('分类人账号已停用，请重新分类', 'the person who classified the event is gone');
  // a dispute is registered by staff: a resident's own choice of 邻里纠纷 is confirmed by the grid first
  if (to === 'dispute' && !pathInScope(scopeFor(principal, 'disputes', 'create'), event.orgPath))
    throw await refuse(
      '纠纷需网格员或社区确认后转矛盾调解',
      'disputes are registered by staff: classify the event to confirm',
    );
  const category = event.categoryId ? await getCategory(s.db, event.categoryId) : undefined;
  let caseId: string;
  let caseInstanceId: string;
  try {
    if (to === 'repair') {
      const r = await fileRepairFromEvent(s, principal, {
        eventId: event.id,
        eventInstanceId: instanceId,
        orgPath: event.orgPath,
        compoundId: event.compoundId,
        roomId: event.roomId,
        category: category?.code ?? 'facility_damage',
        description: [event.description, event.address ? `地点：${event.address}` : '']
          .filter(Boolean)
          .join('\n'),
        photoFileIds: event.photoFileIds,
        reporterUserId: event.reporterUserId ?? event.createdBy,
      });
      caseId = r.repairId;
      caseInstanceId = r.instanceId;
    } else {
      const d = await registerDisputeFromEvent(s, principal, {
        eventId: event.id,
        eventInstanceId: instanceId,
        orgPath: event.orgPath,
        summary: event.title,
        description: [event.description, event.address ? `地点：${event.address}` : '']
          .filter(Boolean)
          .join('\n'),
        reporterUserId: event.reporterUserId ?? event.createdBy,
      });
      caseId = d.disputeId;
      caseInstanceId = d.instanceId;
    }
  } catch (err) {
    // the other process refused the event (bad input for it): staff classify it again
    if (err instanceof ApiError && err.status < 500)
      throw await refuse(`无法转为${to === 'repair' ? '物业报修' : '矛盾调解'}：${err.message}`, err.message);
    throw err;
  }
  const now = s.now();
  const name = to === 'repair' ? '物业报修' : '矛盾调解';
  await s.db
    .update(communityEvents)
    .set({
      state: 'converted',
      convertedTo: to,
      convertedCaseId: caseId,
      convertedInstanceId: caseInstanceId,
      closeReason: 'converted',
      closedAt: now,
      ...(event.source === 'hotline'
        ? {
            hotlineReplyStatus: 'transferred' as const,
            hotlineReply: `您反映的“${event.title}”（工单号 ${event.hotlineTicketNo}）已转为${name}办理。`,
          }
        : {}),
      updatedAt: now,
    })
    .where(eq(communityEvents.id, event.id));
  await recordCaseEvent(s.db, {
    instanceId,
    kind: 'events.converted',
    actor: 'system',
    body: { comment: `已转为${name}`, to, caseId, caseInstanceId },
  });
  if (event.reporterUserId)
    await enqueueNotice(s.db, {
      dedupKey: key,
      recipients: [event.reporterUserId],
      template: 'event.converted',
      title: `您上报的事件已转为${name}`,
      body: `“${event.title}”已转为${name}，后续进度请在${name}中查看。`,
      instanceId,
      link: linkOfConvertedCase(to, caseId),
      data: { to, caseId, caseInstanceId },
    });
  return { convertedCaseId: caseId, convertedInstanceId: caseInstanceId };
}
