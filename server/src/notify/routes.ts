// The in-app inbox (every signed-in person's own: no grant needed, like GET /me), channel preferences, the
// WeChat subscribe-message consent ledger the mini-program reports to, and the grids' WeCom robots (admins).
import { and, count, desc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  ConsentGapPage,
  ConsentGapQuery,
  ConsentOverview,
  DeliveryPage,
  DeliveryQuery,
  DeliveryRetry,
  DeliveryRetryResult,
  MarkRead,
  MarkReadResult,
  NotificationPage,
  NotificationQuery,
  NotifyPreferences,
  NotifyPreferencesUpdate,
  RobotList,
  RobotUpdate,
  SubscribeReport,
  UnreadCount,
} from '@linli/contracts';
import { defineRoute, type RouteDef } from '../http/route.js';
import { badRequest, notFound } from '../http/errors.js';
import { orgUnits, residents, users } from '../db/schema.js';
import {
  authorize,
  escapeLike,
  requirePermission,
  scopeCondition,
  type AccessScope,
} from '../policy/policy.js';
import { writeAudit } from '../domain/audit.js';
import type { Services } from '../services.js';
import {
  notifyConsents,
  notifyCursors,
  notifyDeliveries,
  notifyInbox,
  notifyPreferences,
  notifyRobots,
} from './schema.js';
import { presentItem } from './present.js';
import { loadRecipients } from './plan.js';

async function unreadOf(s: Services, userId: string): Promise<number> {
  const [row] = await s.db
    .select({ n: count() })
    .from(notifyInbox)
    .where(and(eq(notifyInbox.userId, userId), isNull(notifyInbox.readAt)));
  return row?.n ?? 0;
}

const list = defineRoute({
  method: 'get',
  path: '/notifications',
  summary: 'My notifications, newest first (unread only with unread=true; after=<seq> for what came since)',
  tag: 'notifications',
  auth: 'user',
  query: NotificationQuery,
  response: NotificationPage,
  handler: async ({ query, principal, services: s }) => {
    const where = and(
      eq(notifyInbox.userId, principal.userId),
      query.unread === 'true' ? isNull(notifyInbox.readAt) : undefined,
      query.after !== undefined ? gt(notifyInbox.seq, query.after) : undefined,
    );
    const [total] = await s.db.select({ n: count() }).from(notifyInbox).where(where);
    const rows = await s.db
      .select()
      .from(notifyInbox)
      .where(where)
      .orderBy(desc(notifyInbox.seq))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize);
    return { items: rows.map(presentItem), total: total?.n ?? 0, page: query.page, pageSize: query.pageSize };
  },
});

const unread = defineRoute({
  method: 'get',
  path: '/notifications/unread-count',
  summary: 'How many of my notifications are unread, and the last sequence number (the resume point)',
  tag: 'notifications',
  auth: 'user',
  response: UnreadCount,
  handler: async ({ principal, services: s }) => {
    const [cursor] = await s.db
      .select()
      .from(notifyCursors)
      .where(eq(notifyCursors.userId, principal.userId));
    return { unread: await unreadOf(s, principal.userId), lastSeq: cursor?.seq ?? 0 };
  },
});

const markRead = defineRoute({
  method: 'post',
  path: '/notifications/read',
  summary: 'Mark my notifications read: by id, up to a sequence number, or all',
  tag: 'notifications',
  auth: 'user',
  body: MarkRead,
  response: MarkReadResult,
  matrix: { body: () => ({ all: true }) },
  handler: async ({ body, principal, services: s }) => {
    const which = body.all
      ? undefined
      : body.ids
        ? inArray(notifyInbox.id, body.ids)
        : lte(notifyInbox.seq, body.upToSeq!);
    const updated = await s.db
      .update(notifyInbox)
      .set({ readAt: s.now() })
      .where(and(eq(notifyInbox.userId, principal.userId), isNull(notifyInbox.readAt), which))
      .returning({ id: notifyInbox.id });
    return { updated: updated.length, unread: await unreadOf(s, principal.userId) };
  },
});

async function preferencesOf(s: Services, userId: string): Promise<NotifyPreferences> {
  const [row] = await s.db.select().from(notifyPreferences).where(eq(notifyPreferences.userId, userId));
  const { start, end } = s.config.notify.quietHours;
  // what the dispatcher uses when there is no row (plan.ts loadRecipients): staff WeCom first
  const [staff] = await s.store.rows<{ n: number }>(
    sql`select count(*)::int as n from role_assignments where user_id = ${userId} and role not in ('resident', 'volunteer')`,
  );
  const isStaff = (staff?.n ?? 0) > 0;
  return {
    normal:
      (row?.normal as NotifyPreferences['normal'] | null) ?? (isStaff ? ['wecom', 'wechat'] : ['wechat']),
    urgent:
      (row?.urgent as NotifyPreferences['urgent'] | null) ??
      (isStaff ? ['wecom', 'wechat', 'sms'] : ['wechat', 'sms']),
    quietStart: row?.quietStart ?? start,
    quietEnd: row?.quietEnd ?? end,
    wecomUserId: row?.wecomUserId ?? null,
    supervisorId: row?.supervisorId ?? null,
  };
}

const getPreferences = defineRoute({
  method: 'get',
  path: '/notifications/preferences',
  summary: 'How I want to be reached: channels by urgency, quiet hours, my WeCom id',
  tag: 'notifications',
  auth: 'user',
  response: NotifyPreferences,
  handler: async ({ principal, services: s }) => preferencesOf(s, principal.userId),
});

const setPreferences = defineRoute({
  method: 'patch',
  path: '/notifications/preferences',
  summary: 'Change how I want to be reached (urgent items ignore quiet hours)',
  tag: 'notifications',
  auth: 'user',
  body: NotifyPreferencesUpdate,
  response: NotifyPreferences,
  matrix: { body: () => ({ quietStart: '22:30', quietEnd: '07:00' }) },
  handler: async ({ body, principal, services: s }) => {
    if ((body.quietStart === undefined) !== (body.quietEnd === undefined))
      throw badRequest('Give quietStart and quietEnd together');
    if (body.supervisorId) {
      const [u] = await s.db.select({ id: users.id }).from(users).where(eq(users.id, body.supervisorId));
      if (!u) throw notFound('User', body.supervisorId);
    }
    const values = { ...body, updatedAt: s.now() };
    await s.db
      .insert(notifyPreferences)
      .values({ userId: principal.userId, ...values })
      .onConflictDoUpdate({ target: notifyPreferences.userId, set: values });
    return preferencesOf(s, principal.userId);
  },
});

async function consentOverview(s: Services, userId: string): Promise<z.infer<typeof ConsentOverview>> {
  const byTemplate = new Map<string, string>();
  for (const [key, entry] of Object.entries(s.notify.channels.templates))
    if (entry.wechat && !byTemplate.has(entry.wechat.templateId))
      byTemplate.set(entry.wechat.templateId, key);
  const rows = await s.db.select().from(notifyConsents).where(eq(notifyConsents.userId, userId));
  const ledger = new Map(rows.map((r) => [r.templateId, r]));
  for (const r of rows) if (!byTemplate.has(r.templateId)) byTemplate.set(r.templateId, r.templateId);
  const templates = [...byTemplate].map(([templateId, key]) => {
    const r = ledger.get(templateId);
    return {
      key,
      templateId,
      available: r?.available ?? 0,
      longTerm: r?.longTerm ?? false,
      missed: r?.missed ?? 0,
      lastResult: r?.lastResult ?? null,
    };
  });
  // a banned or filtered template shows no dialog any more: asking is pointless
  const ask = templates
    .filter((t) => !t.longTerm && t.available === 0 && !['ban', 'filter'].includes(t.lastResult ?? ''))
    .sort((a, b) => b.missed - a.missed)
    .slice(0, 3)
    .map((t) => t.templateId);
  return { templates, ask };
}

const getConsents = defineRoute({
  method: 'get',
  path: '/notifications/subscriptions',
  summary: 'My WeChat subscribe-message consents, and which templates to ask for at the next tap',
  tag: 'notifications',
  auth: 'user',
  response: ConsentOverview,
  handler: async ({ principal, services: s }) => consentOverview(s, principal.userId),
});

const reportConsents = defineRoute({
  method: 'post',
  path: '/notifications/subscriptions',
  summary: 'Report what wx.requestSubscribeMessage answered (each accept allows one message)',
  tag: 'notifications',
  auth: 'user',
  body: SubscribeReport,
  response: ConsentOverview,
  matrix: { body: () => ({ results: { 'matrix-template': 'accept' } }) },
  handler: async ({ body, principal, services: s }) => {
    const now = s.now();
    await s.db.transaction(async (tx) => {
      for (const [templateId, result] of Object.entries(body.results)) {
        const accept = result === 'accept';
        await tx
          .insert(notifyConsents)
          .values({
            userId: principal.userId,
            templateId,
            available: accept ? 1 : 0,
            lastResult: result,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [notifyConsents.userId, notifyConsents.templateId],
            set: {
              available: accept ? sql`${notifyConsents.available} + 1` : sql`${notifyConsents.available}`,
              lastResult: result,
              ...(accept ? { missed: 0 } : {}),
              updatedAt: now,
            },
          });
      }
    });
    return consentOverview(s, principal.userId);
  },
});

const consentGaps = defineRoute({
  method: 'get',
  path: '/notifications/consent-gaps',
  summary:
    'Residents of my area who missed notifications for want of a WeChat subscription (to ask them again)',
  tag: 'notifications',
  auth: 'user',
  query: ConsentGapQuery,
  response: ConsentGapPage,
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'notifications', 'read');
    const where = and(sql`${notifyConsents.missed} > 0`, scopeCondition(scope, residents.orgPath));
    const base = () =>
      s.db
        .select({
          userId: notifyConsents.userId,
          displayName: users.displayName,
          templateId: notifyConsents.templateId,
          missed: notifyConsents.missed,
          lastResult: notifyConsents.lastResult,
          updatedAt: notifyConsents.updatedAt,
        })
        .from(notifyConsents)
        .innerJoin(users, eq(users.id, notifyConsents.userId))
        .innerJoin(residents, eq(residents.id, users.residentId));
    const [total] = await s.db
      .select({ n: count() })
      .from(notifyConsents)
      .innerJoin(users, eq(users.id, notifyConsents.userId))
      .innerJoin(residents, eq(residents.id, users.residentId))
      .where(where);
    const rows = await base()
      .where(where)
      .orderBy(desc(notifyConsents.missed), desc(notifyConsents.updatedAt))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize);
    return {
      items: rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })),
      total: total?.n ?? 0,
      page: query.page,
      pageSize: query.pageSize,
    };
  },
});

const listRobots = defineRoute({
  method: 'get',
  path: '/notifications/robots',
  summary: "The WeCom work-group robots of the grids in my area (the key's end only)",
  tag: 'notifications',
  auth: 'user',
  response: RobotList,
  handler: async ({ principal, services: s }) => {
    const scope = requirePermission(principal, 'notifications', 'read');
    const rows = await s.db.select().from(notifyRobots).where(scopeCondition(scope, notifyRobots.orgPath));
    return {
      items: rows.map((r) => ({
        orgUnitId: r.orgUnitId,
        name: r.name,
        keyHint: `…${r.webhookKey.slice(-4)}`,
        pausedUntil: r.pausedUntil?.toISOString() ?? null,
      })),
    };
  },
});

const putRobot = defineRoute({
  method: 'put',
  path: '/notifications/robots',
  summary: "Set a grid's (or community's) WeCom work-group robot webhook key",
  tag: 'notifications',
  auth: 'user',
  body: RobotUpdate,
  status: 204,
  matrix: { body: (fx) => ({ orgUnitId: fx.grid, webhookKey: 'matrix-robot-key-0001', name: '网格群' }) },
  handler: async ({ body, principal, services: s }) => {
    const [unit] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, body.orgUnitId));
    if (!unit) throw notFound('Org unit', body.orgUnitId);
    authorize(principal, 'notifications', 'manage', { orgPath: unit.path }, 'org unit', unit.id);
    const values = {
      webhookKey: body.webhookKey,
      name: body.name ?? unit.name,
      orgPath: unit.path,
      pausedUntil: null,
      updatedAt: s.now(),
    };
    await s.db
      .insert(notifyRobots)
      .values({ orgUnitId: unit.id, ...values })
      .onConflictDoUpdate({ target: notifyRobots.orgUnitId, set: values });
    return undefined;
  },
});

// ------------------------------------------------------------------ deliveries that did not go out

/**
 * Where a delivery belongs, for scoping: the case's area on its inbox item, else the resident's address, else
 * the recipient's first grant, else the work group's unit (robot deliveries).
 */
const deliveryPath = sql<string | null>`coalesce(
  (select i.org_path from notify_inbox i where i.id = ${notifyDeliveries.inboxId}),
  (select r.org_path from users u join residents r on r.id = u.resident_id where u.id = ${notifyDeliveries.userId}),
  (select min(o.path) from role_assignments ra join org_units o on o.id = ra.org_unit_id
    where ra.user_id = ${notifyDeliveries.userId}),
  (select nr.org_path from notify_robots nr where 'grid:' || nr.org_unit_id::text = ${notifyDeliveries.target}))`;

function deliveryScope(scope: AccessScope) {
  if (scope.any) return sql`true`;
  if (!scope.prefixes.length) return sql`false`;
  return sql.join(
    scope.prefixes.map((prefix) => sql`${deliveryPath} like ${`${escapeLike(prefix)}%`}`),
    sql` or `,
  );
}

const PROBLEMS = ['failed', 'uncertain', 'no_consent'] as const;

const listDeliveries = defineRoute({
  method: 'get',
  path: '/notifications/deliveries',
  summary: 'Chat deliveries in my area that failed, may not have gone out (uncertain) or lacked consent',
  tag: 'notifications',
  auth: 'user',
  query: DeliveryQuery,
  response: DeliveryPage,
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'notifications', 'read');
    const where = and(
      inArray(notifyDeliveries.status, query.status ? [query.status] : [...PROBLEMS]),
      query.channel ? eq(notifyDeliveries.channel, query.channel) : undefined,
      sql`(${deliveryScope(scope)})`,
    );
    const [total] = await s.db.select({ n: count() }).from(notifyDeliveries).where(where);
    const rows = await s.db
      .select({ d: notifyDeliveries, name: users.displayName })
      .from(notifyDeliveries)
      .leftJoin(users, eq(users.id, notifyDeliveries.userId))
      .where(where)
      .orderBy(desc(notifyDeliveries.createdAt))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize);
    return {
      items: rows.map(({ d, name }) => ({
        id: d.id,
        channel: d.channel,
        status: d.status,
        template: d.template,
        urgency: d.urgency,
        title: typeof d.message.title === 'string' ? d.message.title : d.template,
        recipient: name ?? (d.channel === 'robot' ? '网格工作群' : '—'),
        attempts: d.attempts,
        lastError: d.lastError,
        createdAt: d.createdAt.toISOString(),
      })),
      total: total?.n ?? 0,
      page: query.page,
      pageSize: query.pageSize,
    };
  },
});

const retryDeliveries = defineRoute({
  method: 'post',
  path: '/notifications/deliveries/retry',
  summary:
    'Send failed deliveries again (uncertain ones only with acceptRepeat: they may have reached the person)',
  tag: 'notifications',
  auth: 'user',
  body: DeliveryRetry,
  response: DeliveryRetryResult,
  matrix: { body: () => ({ ids: ['00000000-0000-4000-8000-00000000d001'] }) },
  handler: async ({ body, principal, services: s, requestId }) => {
    const scope = requirePermission(principal, 'notifications', 'manage');
    const retryable = body.acceptRepeat ? [...PROBLEMS] : ['failed' as const, 'no_consent' as const];
    const ids = [...new Set(body.ids)];
    const retried = await s.db.transaction(async (tx) => {
      const rows = await tx
        .update(notifyDeliveries)
        .set({ status: 'pending', nextAt: s.now(), lockedUntil: null })
        .where(
          and(
            inArray(notifyDeliveries.id, ids),
            inArray(notifyDeliveries.status, retryable),
            sql`(${deliveryScope(scope)})`,
          ),
        )
        .returning({
          id: notifyDeliveries.id,
          userId: notifyDeliveries.userId,
          channel: notifyDeliveries.channel,
          message: notifyDeliveries.message,
        });
      // the person may have fixed their account since (WeCom member id, WeChat openid): send to the current one
      const people = await loadRecipients(
        tx,
        s.config,
        rows.flatMap((r) => (r.userId ? [r.userId] : [])),
      );
      for (const r of rows) {
        const person = r.userId ? people.get(r.userId) : undefined;
        if (!person || (r.channel !== 'wecom' && r.channel !== 'wechat')) continue;
        const address =
          r.channel === 'wecom' ? { wecomUserId: person.wecomUserId } : { openid: person.openid };
        await tx
          .update(notifyDeliveries)
          .set({ message: { ...r.message, ...address } })
          .where(eq(notifyDeliveries.id, r.id));
      }
      for (const r of rows)
        await writeAudit(tx, {
          actorUserId: principal.userId,
          action: 'notify.retry',
          targetType: 'notify_delivery',
          targetId: r.id,
          requestId,
        });
      return rows.map((r) => r.id);
    });
    if (retried.length) s.notify.dispatcher.wake();
    return { retried: retried.length, skipped: ids.filter((id) => !retried.includes(id)) };
  },
});

export const notifyRoutes: RouteDef[] = [
  listDeliveries,
  retryDeliveries,
  list,
  unread,
  markRead,
  getPreferences,
  setPreferences,
  getConsents,
  reportConsents,
  consentGaps,
  listRobots,
  putRobot,
];
