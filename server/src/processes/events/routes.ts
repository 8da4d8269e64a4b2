// The events API: categories, reports (patrol, resident, 12345), lists, and the steps people work through
// their own routes (classify, handle, rate), which check the domain rules before completing the task.
import { and, asc, desc, eq, gt, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  ClassifyEvent,
  CommunityEvent,
  CreateEventCategory,
  EventCategory,
  EventCategoryQuery,
  EventQuery,
  HandleEvent,
  HotlineReply,
  HotlineTicket,
  IdParams,
  RateEvent,
  ReportEvent,
  UpdateEventCategory,
  pageOf,
} from '@linli/contracts';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { ApiError, conflict, forbidden, notFound } from '../../http/errors.js';
import { getOrgUnit } from '../../domain/org.js';
import { getResident } from '../../domain/residents.js';
import { pageOf as page } from '../../domain/paging.js';
import { claimFiles } from '../../files/service.js';
import { authorize, requirePermission, scopeCondition, scopeFor } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { loadTask } from '../../workflow/task-access.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import {
  categoriesAt,
  definedUnder,
  getCategory,
  presentCategory,
  resolveCategory,
  type CategoryRow,
} from './categories.js';
import { getEvent, latestTask, loadEventFor, presentEvent, readScope } from './domain.js';
import { byTicket, fileHotlineTicket, reportEvent } from './report.js';
import { communityEvents, eventCategories } from './schema.js';

const TAG = 'events';

// ---------------------------------------------------------------- categories

/** the org paths whose categories a caller uses: their grants' units and their home */
async function callerPaths(s: Services, p: Principal): Promise<string[]> {
  const paths = p.grants.map((g) => g.orgPath);
  if (p.residentId) paths.push((await getResident(s.db, p.residentId)).orgPath);
  return paths;
}

const listCategories = defineRoute({
  method: 'get',
  path: '/event-categories',
  summary: 'Event categories usable where you work or live (or in one org unit): handler, time limit, kind',
  tag: TAG,
  auth: 'user',
  query: EventCategoryQuery,
  response: pageOf(EventCategory),
  handler: async ({ query, principal: p, services: s }) => {
    const paths = query.orgUnitId
      ? [(await getOrgUnit(s.db, query.orgUnitId)).path]
      : await callerPaths(s, p);
    const all = await categoriesAt(s.db, paths);
    // admins also see what they defined below their own unit
    const manage = scopeFor(p, 'events', 'manage');
    const own = manage.prefixes.length
      ? await s.db
          .select()
          .from(eventCategories)
          .where(definedUnder(manage.prefixes))
          .orderBy(asc(eventCategories.sortOrder))
      : [];
    const rows = [...new Map([...all, ...own].map((c) => [c.id, c])).values()];
    const start = (query.page - 1) * query.pageSize;
    return {
      items: rows.slice(start, start + query.pageSize).map(presentCategory),
      total: rows.length,
      page: query.page,
      pageSize: query.pageSize,
    };
  },
});

async function checkHandlerUnit(s: Services, p: Principal, id: string | null | undefined) {
  if (!id) return;
  const unit = await getOrgUnit(s.db, id);
  authorize(p, 'events', 'manage', { orgPath: unit.path }, 'Org unit', id);
}

const createCategory = defineRoute({
  method: 'post',
  path: '/event-categories',
  summary: 'Add an event category for your area, or override a default one by its code (admins)',
  tag: TAG,
  auth: 'user',
  body: CreateEventCategory,
  status: 201,
  response: EventCategory,
  matrix: {
    body: () => ({
      code: 'pet_nuisance',
      name: '宠物扰民',
      target: 'grid_worker',
      limitValue: 2,
      limitUnit: 'working_days',
    }),
  },
  handler: async ({ body, principal: p, services: s }) => {
    const scope = requirePermission(p, 'events', 'manage');
    let orgPath: string;
    if (body.orgUnitId) {
      const unit = await getOrgUnit(s.db, body.orgUnitId);
      authorize(p, 'events', 'manage', { orgPath: unit.path }, 'Org unit', unit.id);
      orgPath = unit.path;
    } else {
      const prefixes = [...new Set(scope.prefixes)];
      if (prefixes.length !== 1)
        throw conflict('Name the org unit the category belongs to (orgUnitId): you manage more than one');
      orgPath = prefixes[0]!;
    }
    if (body.target === 'street' || body.handlerOrgUnitId)
      await checkHandlerUnit(s, p, body.handlerOrgUnitId);
    const { orgUnitId: _unit, ...values } = body;
    const [row] = await s.db
      .insert(eventCategories)
      .values({ ...values, orgPath })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict(`A category with code ${body.code} already exists there`);
    return presentCategory(row);
  },
});

const updateCategory = defineRoute({
  method: 'patch',
  path: '/event-categories/:id',
  summary: 'Change a category of your area: handler, time limit, kind, or switch it off (admins)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: UpdateEventCategory,
  response: EventCategory,
  matrix: { target: 'eventCategory', body: () => ({ limitValue: 3, limitUnit: 'working_days' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const row = await getCategory(s.db, params.id);
    if (!row) throw notFound('Event category', params.id);
    if (row.orgPath === '' && scopeFor(p, 'events', 'manage').prefixes.length)
      throw forbidden(
        'The default categories are shared by every community: override one by creating a category with its code',
      );
    authorize(p, 'events', 'manage', { orgPath: row.orgPath }, 'Event category', row.id);
    if (body.handlerOrgUnitId) await checkHandlerUnit(s, p, body.handlerOrgUnitId);
    const [updated] = await s.db
      .update(eventCategories)
      .set({ ...body, updatedAt: s.now() })
      .where(eq(eventCategories.id, row.id))
      .returning();
    return presentCategory(updated!);
  },
});

// ---------------------------------------------------------------- reports

const report = defineRoute({
  method: 'post',
  path: '/events',
  summary:
    'Report an event: a grid worker’s patrol photo (随手拍) or a resident’s report, with category, photos and place',
  tag: TAG,
  auth: 'user',
  body: ReportEvent,
  status: 201,
  response: CommunityEvent,
  matrix: {
    body: () => ({
      category: 'sanitation',
      description: '3号楼东侧垃圾桶满溢，周边有散落垃圾',
      address: '3号楼东侧垃圾收集点',
    }),
  },
  handler: async ({ body, principal: p, services: s }) => presentEvent(s, p, await reportEvent(s, p, body)),
});

const hotline = defineRoute({
  method: 'post',
  path: '/events/hotline',
  summary:
    'File a 12345 hotline ticket (staff, or the hotline integration’s account); the same ticket number again returns the same event',
  tag: TAG,
  auth: 'user',
  body: HotlineTicket,
  response: CommunityEvent,
  matrix: {
    body: (fx) => ({
      ticketNo: `12345-${fx.community!.slice(0, 8)}`,
      description: '市民来电反映：小区门口夜间烧烤摊油烟大、噪音扰民',
      orgUnitId: fx.grid,
    }),
  },
  handler: async ({ body, principal: p, services: s, koa }) => {
    const { event, created } = await fileHotlineTicket(s, p, body);
    if (!created) {
      // the integration retried: the ticket is already an event (visible to the caller, or a 409)
      try {
        await loadEventFor(s, p, event.id);
      } catch {
        throw conflict(`Hotline ticket ${body.ticketNo} was filed by another area`);
      }
    }
    koa.state.successStatus = created ? 201 : 200;
    koa.set('location', `/api/v1/events/${event.id}`);
    return presentEvent(s, p, event);
  },
});

const hotlineReply = defineRoute({
  method: 'get',
  path: '/hotline-tickets/:id',
  summary: 'The reply to a 12345 ticket (by ticket number) for the hotline integration: status and text',
  tag: TAG,
  auth: 'user',
  params: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{4,40}$/, 'must be a hotline ticket number') }),
  response: HotlineReply,
  matrix: { target: 'hotlineTicket' },
  handler: async ({ params, principal: p, services: s }) => {
    const found = await byTicket(s.db, params.id);
    if (!found) throw notFound('Hotline ticket', params.id);
    const e = await loadEventFor(s, p, found.id);
    requirePermission(p, 'events', 'read');
    return {
      ticketNo: e.hotlineTicketNo!,
      eventId: e.id,
      state: e.state,
      status: e.hotlineReplyStatus ?? 'pending',
      reply: e.hotlineReply,
      handledAt: e.handledAt?.toISOString() ?? null,
      closedAt: e.closedAt?.toISOString() ?? null,
    };
  },
});

// ---------------------------------------------------------------- reading

const list = defineRoute({
  method: 'get',
  path: '/events',
  summary:
    'Events: staff see those of their area (by state, category, source, overdue); residents their own reports',
  tag: TAG,
  auth: 'user',
  query: EventQuery,
  response: pageOf(CommunityEvent),
  handler: async ({ query, principal: p, services: s }) => {
    const scope = requirePermission(p, 'events', 'read');
    const mine = or(eq(communityEvents.reporterUserId, p.userId), eq(communityEvents.createdBy, p.userId))!;
    const offered = sql`${communityEvents.handlerUserIds} @> ${JSON.stringify([p.userId])}::jsonb`;
    // disputes are not listed for the property company (readScope)
    const visible = or(
      and(eq(communityEvents.sensitive, false), scopeCondition(scope, communityEvents.orgPath)),
      and(eq(communityEvents.sensitive, true), scopeCondition(readScope(p, true), communityEvents.orgPath)),
      mine,
      offered,
    )!;
    const conditions: SQL[] = [query.mine === 'true' ? mine : visible];
    if (query.state) conditions.push(eq(communityEvents.state, query.state));
    if (query.source) conditions.push(eq(communityEvents.source, query.source));
    if (query.category) {
      const ids = s.db
        .select({ id: eventCategories.id })
        .from(eventCategories)
        .where(eq(eventCategories.code, query.category));
      conditions.push(sql`${communityEvents.categoryId} in ${ids}`);
    }
    if (query.overdue) {
      const now = s.now();
      const overdue = or(
        and(
          eq(communityEvents.state, 'dispatched'),
          isNotNull(communityEvents.dueAt),
          gt(sql`${now}`, communityEvents.dueAt),
        ),
        and(isNotNull(communityEvents.handledAt), gt(communityEvents.handledAt, communityEvents.dueAt)),
      )!;
      conditions.push(query.overdue === 'true' ? overdue : sql`not (${overdue})`);
    }
    const where = and(...conditions);
    const result = await page(s.db, communityEvents, where, query, (offset, limit) =>
      s.db
        .select()
        .from(communityEvents)
        .where(where)
        .orderBy(desc(communityEvents.reportedAt), desc(communityEvents.id))
        .offset(offset)
        .limit(limit),
    );
    const categories = new Map<string, CategoryRow>();
    for (const row of await s.db.select().from(eventCategories)) categories.set(row.id, row);
    return {
      ...result,
      items: await Promise.all(result.items.map((e) => presentEvent(s, p, e, categories))),
    };
  },
});

const get = defineRoute({
  method: 'get',
  path: '/events/:id',
  summary: 'One event: where it is in the loop, its times, result, rating and the case it became',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  response: CommunityEvent,
  matrix: { target: 'event' },
  handler: async ({ params, principal: p, services: s }) =>
    presentEvent(s, p, await loadEventFor(s, p, params.id)),
});

// ---------------------------------------------------------------- steps

/** The event, and its latest task at this step, loaded for the caller to act on (404/403/409). */
async function step(s: Services, p: Principal, id: string, activityId: string, waitingFor: string) {
  const event = await loadEventFor(s, p, id);
  const task = await latestTask(s, event.instanceId, activityId);
  if (!task) throw conflict(`The event is not waiting for ${waitingFor}`);
  // the caller sees the event: a step that is not theirs is a 403, not a 404
  const loaded = await loadTask(s, p, task.id, 'act').catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404)
      throw forbidden(`You may not act on this event's ${waitingFor} step`);
    throw err;
  });
  if (loaded.task.status !== 'open') throw conflict(`The event is not waiting for ${waitingFor}`);
  return { event, ...loaded };
}

async function answer(s: Services, p: Principal, id: string) {
  return presentEvent(s, p, (await getEvent(s.db, id))!);
}

const classify = defineRoute({
  method: 'post',
  path: '/events/:id/classify',
  summary: 'Classify an event (grid workers, community admins); it is then dispatched by its category',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: ClassifyEvent,
  response: CommunityEvent,
  matrix: { target: 'classifyEvent', body: () => ({ category: 'fire_hazard', comment: '楼道堆放杂物' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const { event, task, actor } = await step(s, p, params.id, 'Task_Classify', 'classification');
    const category = await resolveCategory(s.db, event.orgPath, body.category);
    await s.workflow.tasks.complete(task.id, actor, {
      outcome: 'classified',
      comment: body.comment ?? `分类为${category.name}`,
      variables: { categoryId: category.id, classifiedBy: p.userId, classified: true },
    });
    return answer(s, p, event.id);
  },
});

const handle = defineRoute({
  method: 'post',
  path: '/events/:id/handle',
  summary:
    'Report the result with photos (处置反馈), or send the event back for another dispatch with a reason (退回)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: HandleEvent,
  response: CommunityEvent,
  matrix: { target: 'handleEvent', body: () => ({ outcome: 'send_back', reason: '不属于本部门职责' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const { event, task, actor } = await step(s, p, params.id, 'Task_Handle', 'handling');
    const now = s.now();
    if (body.outcome === 'done') {
      await s.db.transaction(async (tx) => {
        await claimFiles(tx, body.photoFileIds, {
          uploaderId: p.userId,
          instanceId: event.instanceId!,
          orgPath: event.orgPath,
          kinds: ['image'],
          label: 'photoFileIds',
        });
        await tx
          .update(communityEvents)
          .set({
            state: 'handled',
            result: body.result,
            resultPhotoFileIds: body.photoFileIds,
            handledBy: p.userId,
            handledAt: now,
            updatedAt: now,
          })
          .where(eq(communityEvents.id, event.id));
      });
      try {
        await s.workflow.tasks.complete(task.id, actor, {
          outcome: 'done',
          comment: body.result,
          variables: { outcome: 'done' },
        });
      } catch (err) {
        // someone else finished the step first: the record keeps their result
        await s.db
          .update(communityEvents)
          .set({
            state: event.state,
            result: event.result,
            resultPhotoFileIds: event.resultPhotoFileIds,
            handledBy: event.handledBy,
            handledAt: event.handledAt,
          })
          .where(eq(communityEvents.id, event.id));
        throw err;
      }
      await recordCaseEvent(s.db, {
        instanceId: event.instanceId!,
        kind: 'events.handled',
        actor: p.userId,
        body: { comment: body.result, fileIds: body.photoFileIds, activityId: 'Task_Handle' },
      });
    } else {
      await s.workflow.tasks.complete(task.id, actor, {
        outcome: 'send_back',
        comment: body.reason,
        variables: { outcome: 'send_back' },
      });
      await s.db
        .update(communityEvents)
        .set({ state: 'classifying', updatedAt: now })
        .where(eq(communityEvents.id, event.id));
    }
    return answer(s, p, event.id);
  },
});

const rate = defineRoute({
  method: 'post',
  path: '/events/:id/rate',
  summary: 'The reporter rates the handling (1–5 and a comment); the event closes',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: RateEvent,
  response: CommunityEvent,
  matrix: { target: 'rateEvent', body: () => ({ rating: 5, comment: '处理及时，非常满意' }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const event = await loadEventFor(s, p, params.id);
    if (event.reporterUserId !== p.userId) throw forbidden('Only the person who reported the event rates it');
    const { task, actor } = await step(s, p, params.id, 'Task_Rate', 'a rating');
    await s.db
      .update(communityEvents)
      .set({ rating: body.rating, ratingComment: body.comment ?? null, updatedAt: s.now() })
      .where(and(eq(communityEvents.id, event.id), isNull(communityEvents.rating)));
    await s.workflow.tasks.complete(task.id, actor, {
      outcome: `rated_${body.rating}`,
      comment: body.comment ?? `评价 ${body.rating} 星`,
      variables: { rating: body.rating },
    });
    return answer(s, p, event.id);
  },
});

export const eventRoutes: RouteDef[] = [
  listCategories,
  createCategory,
  updateCategory,
  report,
  hotline,
  hotlineReply,
  list,
  get,
  classify,
  handle,
  rate,
];
