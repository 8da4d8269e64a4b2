// The repair API. Each step route checks the repair rules (who, what state, which files), then completes the
// case's task through the runtime and records what was done on the repair and its timeline. The generic task
// API works too, but only these routes record photos, materials and ratings.
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import {
  AcceptRepair,
  CommunityDecision,
  ConfirmRepair,
  CreateRepair,
  DispatchRepair,
  FixRepair,
  IdParams,
  Repair,
  RepairQuery,
  ResumeRepair,
  ReviewRepair,
  SendBackRepair,
  pageOf as pageSchema,
} from '@linli/contracts';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { badRequest, conflict, forbidden } from '../../http/errors.js';
import { claimFiles } from '../../files/service.js';
import { requirePermission } from '../../policy/policy.js';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import { createRepair } from './commands.js';
import {
  categoryName,
  checkOwnFiles,
  loadRepair,
  presentRepair,
  presentRepairs,
  readableCondition,
  recordDispatch,
  requirePropertyStaff,
  requireTechnicianFor,
  STEP,
  syncStatus,
  taskToWork,
  type RepairRow,
} from './domain.js';
import { repairOrders } from './schema.js';

const TAG = 'repairs';

async function event(
  s: Services,
  r: RepairRow,
  kind: string,
  actor: string,
  body: Record<string, unknown>,
): Promise<void> {
  await recordCaseEvent(s.db, { instanceId: r.instanceId!, kind, actor, at: s.now(), body });
}

async function tellReporter(s: Services, r: RepairRow, what: string, title: string, body: string) {
  await enqueueNotice(s.db, {
    dedupKey: `repair.${what}:${r.id}:${randomUUID()}`,
    recipients: [r.reporterUserId],
    template: `repair.${what}`,
    title,
    body,
    instanceId: r.instanceId,
    link: `/pages/repair/detail?id=${r.id}`,
    data: { repairId: r.id, number: r.number },
  });
}

const create = defineRoute({
  method: 'post',
  path: '/repairs',
  summary:
    'Report a repair: a resident for a room they are bound to (or a public area of their compound); staff for a room or public area of their area',
  tag: TAG,
  auth: 'user',
  body: CreateRepair,
  status: 201,
  response: Repair,
  matrix: {
    body: (fx) => ({ roomId: fx.room, category: 'water', description: '厨房水龙头关不紧，一直滴水' }),
  },
  handler: async ({ body, principal: p, services: s }) => {
    requirePermission(p, 'repairs', 'create');
    const row = await createRepair(s, p, body);
    return presentRepair(s, row.id);
  },
});

const list = defineRoute({
  method: 'get',
  path: '/repairs',
  summary: 'Repairs you reported, your jobs as a technician, or (staff) those of your area',
  tag: TAG,
  auth: 'user',
  query: RepairQuery,
  response: pageSchema(Repair),
  handler: async ({ query: q, principal: p, services: s }) => {
    requirePermission(p, 'repairs', 'read');
    const where: SQL[] = [readableCondition(p)];
    if (q.view === 'mine') where.push(eq(repairOrders.reporterUserId, p.userId));
    if (q.view === 'assigned') where.push(eq(repairOrders.technicianId, p.userId));
    if (q.status) where.push(eq(repairOrders.status, q.status));
    if (q.category) where.push(eq(repairOrders.category, q.category));
    if (q.compoundId) where.push(eq(repairOrders.compoundId, q.compoundId));
    const cond = and(...where);
    const [total] = await s.db.select({ n: count() }).from(repairOrders).where(cond);
    const rows = await s.db
      .select()
      .from(repairOrders)
      .where(cond)
      .orderBy(desc(repairOrders.createdAt), desc(repairOrders.number))
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

const get = defineRoute({
  method: 'get',
  path: '/repairs/:id',
  summary: 'Read a repair with the step it waits at (its timeline: GET /instances/:instanceId/timeline)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  response: Repair,
  matrix: { target: 'repair' },
  handler: async ({ params, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    return presentRepair(s, r.id);
  },
});

const dispatch = defineRoute({
  method: 'post',
  path: '/repairs/:id/dispatch',
  summary:
    'Dispatch a repair to a technician by hand (dispatcher), or take over the automatic choice before it is accepted (改派)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: DispatchRepair,
  response: Repair,
  matrix: {
    target: 'repairDispatch',
    body: (fx) => ({ technicianId: fx.technicianUser, comment: '请今天下午上门' }),
  },
  handler: async ({ params, body, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    requirePropertyStaff(p, r, 'manage');
    await requireTechnicianFor(s, r, body.technicianId);
    const open = r.instanceId
      ? await s.workflow.store.queryTasks({ instanceId: r.instanceId, status: 'open', limit: 20, offset: 0 })
      : { items: [] };
    const waiting = open.items.find((t) => t.activityId === STEP.dispatch);
    if (waiting) {
      const { task, actor } = await taskToWork(s, p, r, [STEP.dispatch], 'dispatch');
      await s.workflow.tasks.complete(task.id, actor, {
        outcome: 'dispatched',
        variables: { technician: body.technicianId },
      });
      await recordDispatch(s, r, {
        key: `task:${task.id}`,
        technicianId: body.technicianId,
        mode: 'manual',
        by: p.userId,
        comment: body.comment ?? null,
      });
      return presentRepair(s, r.id);
    }
    if (!open.items.some((t) => t.activityId === STEP.accept || t.activityId === STEP.handle))
      throw conflict(
        `Repair ${r.number} is not waiting for a technician (it is ${r.status}); it cannot be dispatched now`,
      );
    if (r.technicianId === body.technicianId)
      throw conflict('The repair is already dispatched to this technician');
    // take-over (调度改派): the message interrupts acceptance or the visit and asks the new technician to accept
    const delivered = await s.workflow.runtime.correlateMessage('repair.reassign', r.number, {
      technician: body.technicianId,
    });
    if (!delivered.length) throw conflict(`Repair ${r.number} is not waiting for acceptance`);
    const previous = r.technicianId;
    await recordDispatch(s, r, {
      key: `takeover:${randomUUID()}`,
      technicianId: body.technicianId,
      mode: 'takeover',
      by: p.userId,
      comment: body.comment ?? null,
    });
    if (previous)
      await enqueueNotice(s.db, {
        dedupKey: `repair.reassigned:${r.id}:${randomUUID()}`,
        recipients: [previous],
        template: 'repair.reassigned',
        title: '工单已改派',
        body: `报修单 ${r.number}（${r.location}）已由物业调度改派给其他维修工，您无需再处理。`,
        instanceId: r.instanceId,
        data: { repairId: r.id, number: r.number },
      });
    return presentRepair(s, r.id);
  },
});

const accept = defineRoute({
  method: 'post',
  path: '/repairs/:id/accept',
  summary: 'Accept a job dispatched to you (接单), or decline it with a reason (back to the dispatcher)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: AcceptRepair,
  response: Repair,
  matrix: { target: 'repairAccept', body: () => ({ decision: 'accept', comment: '半小时内到' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    requirePermission(p, 'repairs', 'update');
    if (body.decision === 'decline' && !body.comment)
      throw badRequest('comment: say why you decline the job');
    const { task, actor } = await taskToWork(s, p, r, [STEP.accept], 'acceptance');
    await s.workflow.tasks.complete(task.id, actor, {
      outcome: body.decision,
      variables: body.decision === 'accept' ? { technician: p.userId } : {},
    });
    if (body.decision === 'accept') {
      await syncStatus(s, r, { acceptedAt: s.now(), technicianId: p.userId });
      await event(s, r, 'repair.accepted', p.userId, {
        activityId: STEP.accept,
        comment: body.comment ?? '已接单',
      });
    } else {
      await syncStatus(s, r, { technicianId: null });
      await event(s, r, 'repair.declined', p.userId, { activityId: STEP.accept, comment: body.comment });
    }
    return presentRepair(s, r.id);
  },
});

const fix = defineRoute({
  method: 'post',
  path: '/repairs/:id/fix',
  summary:
    'Record the fix of your job: what was done, photos of the result, materials used; the reporter is asked to confirm',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: FixRepair,
  response: Repair,
  matrix: {
    target: 'repairFix',
    body: (fx) => ({
      note: '更换水龙头阀芯，试水正常',
      afterPhotoFileIds: [fx.technicianPhoto],
      materials: [{ name: '陶瓷阀芯', quantity: 1, unit: '个', cost: 25 }],
    }),
  },
  handler: async ({ params, body, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    requirePermission(p, 'repairs', 'update');
    const { task, actor } = await taskToWork(s, p, r, [STEP.handle], 'the fix');
    await checkOwnFiles(s.db, body.afterPhotoFileIds, {
      uploaderId: p.userId,
      kinds: ['image'],
      label: 'afterPhotoFileIds',
      instanceId: r.instanceId,
    });
    await s.workflow.tasks.complete(task.id, actor, { outcome: 'fixed', variables: {} });
    const cost = body.materials.reduce((sum, m) => sum + m.cost, 0);
    await s.db.transaction(async (tx) => {
      await claimFiles(tx, body.afterPhotoFileIds, {
        uploaderId: p.userId,
        instanceId: r.instanceId!,
        orgPath: r.orgPath,
        kinds: ['image'],
        label: 'afterPhotoFileIds',
      });
    });
    await syncStatus(s, r, {
      fixNote: body.note,
      afterPhotoFileIds: [...new Set(body.afterPhotoFileIds)],
      materials: body.materials,
      materialsCost: cost.toFixed(2),
      fixedAt: s.now(),
    });
    const used = body.materials.map((m) => `${m.name}×${m.quantity}${m.unit ?? ''}`).join('、');
    await event(s, r, 'repair.fixed', p.userId, {
      activityId: STEP.handle,
      comment: body.note,
      fileIds: body.afterPhotoFileIds,
      materials: body.materials,
      materialsCost: Number(cost.toFixed(2)),
    });
    await tellReporter(
      s,
      r,
      'fixed',
      '报修已完工，请确认评价',
      `您的报修（${r.number}，${categoryName(r.category)}）已维修完成：${body.note}${used ? `（用料：${used}，合计${cost.toFixed(2)}元）` : ''}。请在 3 天内确认并评价，逾期将自动确认。`,
    );
    return presentRepair(s, r.id);
  },
});

const sendBack = defineRoute({
  method: 'post',
  path: '/repairs/:id/send-back',
  summary:
    "Send your job back: it needs parts (it waits, then you resume), or it is not the property's responsibility (to the community)",
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: SendBackRepair,
  response: Repair,
  matrix: {
    target: 'repairSendBack',
    body: () => ({ reason: 'needs_parts', comment: '需更换同型号角阀，配件明天到货' }),
  },
  handler: async ({ params, body, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    requirePermission(p, 'repairs', 'update');
    const { task, actor } = await taskToWork(s, p, r, [STEP.handle], 'the fix');
    await s.workflow.tasks.complete(task.id, actor, { outcome: body.reason, variables: {} });
    await syncStatus(s, r, { sendBackReason: body.reason, sendBackNote: body.comment });
    await event(s, r, 'repair.sent_back', p.userId, {
      activityId: STEP.handle,
      outcome: body.reason,
      comment: body.comment,
    });
    await tellReporter(
      s,
      r,
      body.reason === 'needs_parts' ? 'waiting_parts' : 'referred',
      body.reason === 'needs_parts' ? '报修等待配件' : '报修已转社区处理',
      body.reason === 'needs_parts'
        ? `您的报修（${r.number}）需要更换配件：${body.comment}。配件到货后师傅会继续上门维修。`
        : `您的报修（${r.number}）经师傅查看不属于物业维修范围：${body.comment}。已转社区处理，请留意后续通知。`,
    );
    return presentRepair(s, r.id);
  },
});

const resume = defineRoute({
  method: 'post',
  path: '/repairs/:id/resume',
  summary: 'The parts arrived: continue the job',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: ResumeRepair,
  response: Repair,
  matrix: { target: 'repairResume', body: () => ({ comment: '配件已到，明早上门' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    requirePermission(p, 'repairs', 'update');
    const { task, actor } = await taskToWork(s, p, r, [STEP.waitParts], 'the parts');
    await s.workflow.tasks.complete(task.id, actor, { outcome: 'resume', variables: {} });
    await syncStatus(s, r);
    await event(s, r, 'repair.resumed', p.userId, {
      activityId: STEP.waitParts,
      comment: body.comment ?? '配件已到，继续维修',
    });
    return presentRepair(s, r.id);
  },
});

const community = defineRoute({
  method: 'post',
  path: '/repairs/:id/community',
  summary:
    "The community decides on a repair that is not the property's: handled (closed), or back to the property",
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: CommunityDecision,
  response: Repair,
  matrix: {
    target: 'repairCommunity',
    body: () => ({ decision: 'resolved', comment: '已联系自来水公司更换入户总阀' }),
  },
  handler: async ({ params, body, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    requirePermission(p, 'repairs', 'supervise');
    const { task, actor } = await taskToWork(s, p, r, [STEP.community], 'the community');
    await s.workflow.tasks.complete(task.id, actor, { outcome: body.decision, variables: {} });
    await syncStatus(s, r, body.decision === 'back_to_property' ? { technicianId: null } : {});
    await event(s, r, 'repair.community_decided', p.userId, {
      activityId: STEP.community,
      outcome: body.decision,
      comment: body.comment,
    });
    return presentRepair(s, r.id);
  },
});

const confirm = defineRoute({
  method: 'post',
  path: '/repairs/:id/confirm',
  summary:
    'Confirm the fix of your repair and rate it 1–5 with a comment (2 or less opens a review by the property manager)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: ConfirmRepair,
  response: Repair,
  matrix: { target: 'repairConfirm', body: () => ({ rating: 5, comment: '师傅很专业，修得又快又好' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    if (r.reporterUserId !== p.userId)
      throw forbidden('Only the person who reported a repair confirms and rates it');
    const { task, actor } = await taskToWork(s, p, r, [STEP.confirm], 'confirmation');
    await s.db
      .update(repairOrders)
      .set({
        rating: body.rating,
        ratingComment: body.comment ?? null,
        confirmedAt: s.now(),
        updatedAt: s.now(),
      })
      .where(eq(repairOrders.id, r.id));
    await event(s, r, 'repair.rated', p.userId, {
      activityId: STEP.confirm,
      comment: body.comment ?? null,
      rating: body.rating,
    });
    await s.workflow.tasks.complete(task.id, actor, {
      outcome: 'confirmed',
      variables: { rating: body.rating },
    });
    await syncStatus(s, r);
    return presentRepair(s, r.id);
  },
});

const review = defineRoute({
  method: 'post',
  path: '/repairs/:id/review',
  summary:
    'Review a badly rated repair (property manager): reopen it (back to dispatch) or close it with a note',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: ReviewRepair,
  response: Repair,
  matrix: {
    target: 'repairReview',
    body: () => ({ decision: 'close', note: '已电话回访，住户认可处理结果' }),
  },
  handler: async ({ params, body, principal: p, services: s }) => {
    const r = await loadRepair(s, p, params.id);
    requirePropertyStaff(p, r, 'review');
    const { task, actor } = await taskToWork(s, p, r, [STEP.review], 'review');
    await s.db
      .update(repairOrders)
      .set({
        reviewNote: body.note,
        ...(body.decision === 'reopen'
          ? { reopenCount: sql`${repairOrders.reopenCount} + 1`, technicianId: null }
          : {}),
        updatedAt: s.now(),
      })
      .where(eq(repairOrders.id, r.id));
    await event(s, r, 'repair.reviewed', p.userId, {
      activityId: STEP.review,
      outcome: body.decision,
      comment: body.note,
    });
    await s.workflow.tasks.complete(task.id, actor, { outcome: body.decision, variables: {} });
    await syncStatus(s, r);
    if (body.decision === 'reopen')
      await tellReporter(
        s,
        r,
        'reopened',
        '报修已重新处理',
        `您对报修（${r.number}）的评价已收到，物业经理复核后将重新派单维修：${body.note}`,
      );
    return presentRepair(s, r.id);
  },
});

export const repairRoutes: RouteDef[] = [
  create,
  list,
  get,
  dispatch,
  accept,
  fix,
  sendBack,
  resume,
  community,
  confirm,
  review,
];
