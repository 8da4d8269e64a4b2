// The duty roster (值班表): which technician is on duty for which compounds and categories of a community.
// The property company's staff keep it (put on, change, take off, and list the company's technicians who may be
// put on); a technician switches themself on or off duty; admins read it.
import { and, asc, count, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  DutyEntry,
  DutyQuery,
  IdParams,
  PatchDutyEntry,
  PutDutyEntry,
  pageOf as pageSchema,
} from '@linli/contracts';
import { compounds, orgUnits, roleAssignments, users } from '../../db/schema.js';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { ApiError, forbidden, notFound } from '../../http/errors.js';
import { getOrgUnit } from '../../domain/org.js';
import { effectiveGrants, escapeLike } from '../../policy/policy.js';
import { loadPrincipal, type Principal } from '../../policy/principal.js';
import type { Role } from '../../policy/permissions.js';
import type { Services } from '../../services.js';
import { repairDutyRoster, repairOrders } from './schema.js';

const READERS: Role[] = ['property_staff', 'technician', 'community_admin', 'street_admin', 'district_admin'];
type DutyRow = typeof repairDutyRoster.$inferSelect;

function readerPaths(p: Principal): string[] {
  const paths = effectiveGrants(p)
    .filter((g) => READERS.includes(g.role))
    .map((g) => g.orgPath);
  if (!paths.length) throw forbidden('You may not read the duty roster');
  return paths;
}

/** the property staff grant that keeps the roster of this community */
function keeper(p: Principal, orgPath: string, propertyCompanyId?: string) {
  return p.grants.find(
    (g) =>
      g.role === 'property_staff' &&
      orgPath.startsWith(g.orgPath) &&
      !!g.propertyCompanyId &&
      (!propertyCompanyId || g.propertyCompanyId === propertyCompanyId),
  );
}

async function present(s: Services, rows: DutyRow[]): Promise<DutyEntry[]> {
  if (!rows.length) return [];
  const techIds = [...new Set(rows.map((r) => r.technicianId))];
  const names = new Map(
    (
      await s.db
        .select({ id: users.id, name: users.displayName })
        .from(users)
        .where(inArray(users.id, techIds))
    ).map((u) => [u.id, u.name]),
  );
  const jobs = new Map(
    (
      await s.db
        .select({ id: repairOrders.technicianId, n: count() })
        .from(repairOrders)
        .where(
          and(
            inArray(repairOrders.technicianId, techIds),
            inArray(repairOrders.status, ['dispatched', 'accepted', 'waiting_parts']),
          ),
        )
        .groupBy(repairOrders.technicianId)
    ).map((j) => [j.id!, Number(j.n)]),
  );
  return rows.map((r) => ({
    id: r.id,
    technician: { id: r.technicianId, name: names.get(r.technicianId) ?? '' },
    propertyCompanyId: r.propertyCompanyId,
    communityId: r.communityId,
    compoundIds: r.compoundIds,
    categories: r.categories as DutyEntry['categories'],
    onDuty: r.onDuty,
    openJobs: jobs.get(r.technicianId) ?? 0,
    updatedAt: r.updatedAt.toISOString(),
  }));
}

async function checkCompounds(s: Services, ids: string[], communityId: string, companyId: string) {
  if (!ids.length) return;
  const rows = await s.db.select().from(compounds).where(inArray(compounds.id, ids));
  const bad = ids.filter((id) => {
    const c = rows.find((r) => r.id === id);
    return !c || c.communityId !== communityId || c.propertyCompanyId !== companyId;
  });
  if (bad.length)
    throw new ApiError(
      422,
      'invalid_operation',
      `compoundIds: ${bad.join(', ')} are not compounds your company manages in this community`,
      {
        compoundIds: bad,
      },
    );
}

const list = defineRoute({
  method: 'get',
  path: '/repair-duty',
  summary: "The duty roster of technicians in your area, with each one's open jobs",
  tag: 'repairs',
  auth: 'user',
  query: DutyQuery,
  response: pageSchema(DutyEntry),
  handler: async ({ query: q, principal: p, services: s }) => {
    const paths = readerPaths(p);
    const where: SQL[] = [
      or(...paths.map((path) => like(repairDutyRoster.orgPath, `${escapeLike(path)}%`)))!,
    ];
    if (q.communityId) where.push(eq(repairDutyRoster.communityId, q.communityId));
    const cond = and(...where);
    const [total] = await s.db.select({ n: count() }).from(repairDutyRoster).where(cond);
    const rows = await s.db
      .select()
      .from(repairDutyRoster)
      .where(cond)
      .orderBy(repairDutyRoster.createdAt)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    return {
      items: await present(s, rows),
      total: Number(total?.n ?? 0),
      page: q.page,
      pageSize: q.pageSize,
    };
  },
});

const put = defineRoute({
  method: 'post',
  path: '/repair-duty',
  summary: 'Put a technician of your company on the roster of a community (or change their entry)',
  tag: 'repairs',
  auth: 'user',
  body: PutDutyEntry,
  response: DutyEntry,
  matrix: { body: (fx) => ({ technicianId: fx.technicianUser, communityId: fx.community, onDuty: false }) },
  handler: async ({ body, principal: p, services: s }) => {
    if (!p.grants.some((g) => g.role === 'property_staff'))
      throw forbidden('Only property staff keep the duty roster');
    const community = await getOrgUnit(s.db, body.communityId, 'community');
    const grant = keeper(p, community.path);
    if (!grant) throw notFound('Community', body.communityId);
    const tech = await loadPrincipal(s.db, body.technicianId);
    if (
      !tech?.grants.some(
        (g) =>
          g.role === 'technician' &&
          community.path.startsWith(g.orgPath) &&
          g.propertyCompanyId === grant.propertyCompanyId,
      )
    )
      throw new ApiError(
        422,
        'invalid_operation',
        `${tech?.displayName ?? body.technicianId} is not a technician of your company in this community`,
      );
    await checkCompounds(s, body.compoundIds, community.id, grant.propertyCompanyId!);
    const now = s.now();
    const [row] = await s.db
      .insert(repairDutyRoster)
      .values({
        technicianId: body.technicianId,
        propertyCompanyId: grant.propertyCompanyId!,
        communityId: community.id,
        orgPath: community.path,
        compoundIds: body.compoundIds,
        categories: body.categories,
        onDuty: body.onDuty,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [repairDutyRoster.technicianId, repairDutyRoster.communityId],
        set: {
          compoundIds: body.compoundIds,
          categories: body.categories,
          onDuty: body.onDuty,
          propertyCompanyId: grant.propertyCompanyId!,
          updatedAt: now,
        },
      })
      .returning();
    return (await present(s, [row!]))[0];
  },
});

const patch = defineRoute({
  method: 'patch',
  path: '/repair-duty/:id',
  summary:
    'Change a roster entry (property staff), or go on or off duty yourself (the technician: onDuty only)',
  tag: 'repairs',
  auth: 'user',
  params: IdParams,
  body: PatchDutyEntry,
  response: DutyEntry,
  matrix: { target: 'dutyEntry', body: () => ({ onDuty: false }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const paths = readerPaths(p);
    const [row] = await s.db.select().from(repairDutyRoster).where(eq(repairDutyRoster.id, params.id));
    if (!row || !paths.some((path) => row.orgPath.startsWith(path)))
      throw notFound('Duty roster entry', params.id);
    const staff = !!keeper(p, row.orgPath, row.propertyCompanyId);
    const self = row.technicianId === p.userId;
    if (!staff && !self) throw forbidden('Only the property staff and the technician change this entry');
    if (!staff && (body.compoundIds || body.categories))
      throw forbidden(
        'A technician only goes on or off duty; the property staff set compounds and categories',
      );
    if (body.compoundIds) await checkCompounds(s, body.compoundIds, row.communityId, row.propertyCompanyId);
    const [updated] = await s.db
      .update(repairDutyRoster)
      .set({
        ...(body.compoundIds ? { compoundIds: body.compoundIds } : {}),
        ...(body.categories ? { categories: body.categories } : {}),
        ...(body.onDuty !== undefined ? { onDuty: body.onDuty } : {}),
        updatedAt: s.now(),
      })
      .where(eq(repairDutyRoster.id, row.id))
      .returning();
    return (await present(s, [updated!]))[0];
  },
});

const remove = defineRoute({
  method: 'delete',
  path: '/repair-duty/:id',
  summary: 'Take a technician off the duty roster of a community (property staff of the company)',
  tag: 'repairs',
  auth: 'user',
  params: IdParams,
  matrix: { target: 'dutyEntrySpare' },
  handler: async ({ params, principal: p, services: s }) => {
    const paths = readerPaths(p);
    const [row] = await s.db.select().from(repairDutyRoster).where(eq(repairDutyRoster.id, params.id));
    if (!row || !paths.some((path) => row.orgPath.startsWith(path)))
      throw notFound('Duty roster entry', params.id);
    if (!keeper(p, row.orgPath, row.propertyCompanyId))
      throw forbidden('Only the property staff of the company take a technician off the roster');
    await s.db.delete(repairDutyRoster).where(eq(repairDutyRoster.id, row.id));
    return undefined;
  },
});

const TechnicianQuery = z.strictObject({ communityId: z.uuid() });
const DutyCandidates = z.object({
  items: z.array(z.object({ id: z.uuid(), name: z.string(), onRoster: z.boolean() })),
});

const candidates = defineRoute({
  method: 'get',
  path: '/repair-duty/technicians',
  summary:
    'The technicians of your company who work in a community: the people property staff may put on its roster',
  tag: 'repairs',
  auth: 'user',
  query: TechnicianQuery,
  response: DutyCandidates,
  matrix: { query: (fx) => ({ communityId: fx.community! }) },
  handler: async ({ query: q, principal: p, services: s }) => {
    if (!p.grants.some((g) => g.role === 'property_staff'))
      throw forbidden('Only property staff keep the duty roster');
    const community = await getOrgUnit(s.db, q.communityId, 'community');
    const grant = keeper(p, community.path);
    if (!grant) throw notFound('Community', q.communityId);
    // a technician grant of the company on the community, a unit above it or a grid below it
    const rows = await s.db
      .selectDistinct({ id: users.id, name: users.displayName })
      .from(roleAssignments)
      .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .where(
        and(
          eq(roleAssignments.role, 'technician'),
          eq(roleAssignments.propertyCompanyId, grant.propertyCompanyId!),
          eq(users.status, 'active'),
          or(
            like(orgUnits.path, `${escapeLike(community.path)}%`),
            sql`left(${community.path}, length(${orgUnits.path})) = ${orgUnits.path}`,
          ),
        ),
      )
      .orderBy(asc(users.displayName));
    const on = new Set(
      (
        await s.db
          .select({ id: repairDutyRoster.technicianId })
          .from(repairDutyRoster)
          .where(eq(repairDutyRoster.communityId, community.id))
      ).map((r) => r.id),
    );
    return { items: rows.map((r) => ({ ...r, onRoster: on.has(r.id) })) };
  },
});

export const dutyRoutes: RouteDef[] = [list, candidates, put, patch, remove];
