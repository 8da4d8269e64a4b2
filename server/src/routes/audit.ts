import { and, desc, eq, gte, lt } from 'drizzle-orm';
import { AuditEntry, AuditQuery, pageOf as pageSchema } from '@linli/contracts';
import { defineRoute, type RouteDef } from '../http/route.js';
import { auditLog, users } from '../db/schema.js';
import { requirePermission, scopeCondition } from '../policy/policy.js';
import { pageOf } from '../domain/paging.js';

const list = defineRoute({
  method: 'get',
  path: '/audit-logs',
  summary: 'Who revealed or changed personal data, and other sensitive actions, in your scope',
  tag: 'audit',
  auth: 'user',
  query: AuditQuery,
  response: pageSchema(AuditEntry),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'audit_log', 'read');
    const where = and(
      scopeCondition(scope, auditLog.orgPath),
      q.action ? eq(auditLog.action, q.action) : undefined,
      q.targetType ? eq(auditLog.targetType, q.targetType) : undefined,
      q.targetId ? eq(auditLog.targetId, q.targetId) : undefined,
      q.actorUserId ? eq(auditLog.actorUserId, q.actorUserId) : undefined,
      // [from, to): a day's range ends at the next day's start
      q.from ? gte(auditLog.at, new Date(q.from)) : undefined,
      q.to ? lt(auditLog.at, new Date(q.to)) : undefined,
    );
    return pageOf(s.db, auditLog, where, q, async (offset, limit) => {
      const rows = await s.db
        .select({ entry: auditLog, actorName: users.displayName })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorUserId))
        .where(where)
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .offset(offset)
        .limit(limit);
      return rows.map(({ entry, actorName }) => ({
        id: entry.id,
        at: entry.at.toISOString(),
        actorUserId: entry.actorUserId,
        actorName,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        fields: entry.fields,
        reason: entry.reason,
        requestId: entry.requestId,
      }));
    });
  },
});

export const auditRoutes: RouteDef[] = [list];
