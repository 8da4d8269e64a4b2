// The organisation tree (district → street → community → grid) and the property companies.
import { and, asc, eq, ilike, type SQL } from 'drizzle-orm';
import {
  CreateOrgUnit,
  CreatePropertyCompany,
  IdParams,
  OrgUnit,
  OrgUnitQuery,
  PropertyCompany,
  PropertyCompanyQuery,
  UpdateOrgUnit,
  UpdatePropertyCompany,
  pageOf as pageSchema,
} from '@linli/contracts';
import { randomUUID } from 'node:crypto';
import { defineRoute, type RouteDef } from '../http/route.js';
import { badRequest, notFound } from '../http/errors.js';
import { orgUnits, propertyCompanies } from '../db/schema.js';
import { authorize, escapeLike, requirePermission, scopeCondition } from '../policy/policy.js';
import { CHILD_KIND, getOrgUnit } from '../domain/org.js';
import { pageOf } from '../domain/paging.js';

const presentUnit = (u: typeof orgUnits.$inferSelect) => ({
  id: u.id,
  kind: u.kind,
  parentId: u.parentId,
  name: u.name,
  code: u.code,
  path: u.path,
  boundary: u.boundary ?? null,
});

const list = defineRoute({
  method: 'get',
  path: '/org-units',
  summary: 'List org units (district, street, community, grid)',
  tag: 'org',
  auth: 'user',
  query: OrgUnitQuery,
  response: pageSchema(OrgUnit),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'org_units', 'read');
    const filters: (SQL | undefined)[] = [
      scopeCondition(scope, orgUnits.path),
      q.kind ? eq(orgUnits.kind, q.kind) : undefined,
      q.parentId ? eq(orgUnits.parentId, q.parentId) : undefined,
      q.q ? ilike(orgUnits.name, `%${escapeLike(q.q)}%`) : undefined,
    ];
    const where = and(...filters);
    return pageOf(s.db, orgUnits, where, q, async (offset, limit) =>
      (
        await s.db
          .select()
          .from(orgUnits)
          .where(where)
          .orderBy(asc(orgUnits.path))
          .offset(offset)
          .limit(limit)
      ).map(presentUnit),
    );
  },
});

const get = defineRoute({
  method: 'get',
  path: '/org-units/:id',
  summary: 'Read an org unit',
  tag: 'org',
  auth: 'user',
  params: IdParams,
  response: OrgUnit,
  matrix: { target: 'grid' },
  handler: async ({ params, principal, services: s }) => {
    const unit = await getOrgUnit(s.db, params.id);
    authorize(principal, 'org_units', 'read', { orgPath: unit.path }, 'Org unit', params.id);
    return presentUnit(unit);
  },
});

const create = defineRoute({
  method: 'post',
  path: '/org-units',
  summary: 'Create a street, community or grid under its parent',
  tag: 'org',
  auth: 'user',
  body: CreateOrgUnit,
  status: 201,
  response: OrgUnit,
  matrix: {
    target: 'community',
    body: (fx) => ({ kind: 'grid', parentId: fx.community, name: `新网格${randomUUID().slice(0, 4)}` }),
  },
  handler: async ({ body, principal, services: s }) => {
    const parent = await getOrgUnit(s.db, body.parentId);
    authorize(principal, 'org_units', 'create', { orgPath: parent.path }, 'Org unit', parent.id);
    if (CHILD_KIND[parent.kind] !== body.kind) {
      throw badRequest(
        `A ${body.kind} cannot be placed under a ${parent.kind}; under a ${parent.kind} comes a ${CHILD_KIND[parent.kind] ?? 'nothing'}`,
      );
    }
    const id = randomUUID();
    const [row] = await s.db
      .insert(orgUnits)
      .values({
        id,
        kind: body.kind,
        parentId: parent.id,
        name: body.name,
        code: body.code ?? null,
        path: `${parent.path}${id}/`,
        boundary: body.boundary ?? null,
      })
      .returning();
    return presentUnit(row!);
  },
});

const update = defineRoute({
  method: 'patch',
  path: '/org-units/:id',
  summary: 'Rename an org unit, change its code or a grid boundary',
  tag: 'org',
  auth: 'user',
  params: IdParams,
  body: UpdateOrgUnit,
  response: OrgUnit,
  matrix: { target: 'grid', body: () => ({ name: '第一网格（调整）' }) },
  handler: async ({ params, body, principal, services: s }) => {
    const unit = await getOrgUnit(s.db, params.id);
    authorize(principal, 'org_units', 'update', { orgPath: unit.path }, 'Org unit', params.id);
    if (body.boundary && unit.kind !== 'grid') throw badRequest('Only a grid carries a boundary');
    const [row] = await s.db
      .update(orgUnits)
      .set({ ...body, updatedAt: s.now() })
      .where(eq(orgUnits.id, unit.id))
      .returning();
    return presentUnit(row!);
  },
});

const presentCompany = (c: typeof propertyCompanies.$inferSelect) => ({
  id: c.id,
  name: c.name,
  creditCode: c.creditCode,
  contactName: c.contactName,
  contactPhone: c.contactPhone,
  orgUnitId: c.orgUnitId,
});

async function getCompany(s: { db: import('../db/client.js').Db }, id: string) {
  const [row] = await s.db.select().from(propertyCompanies).where(eq(propertyCompanies.id, id));
  if (!row) throw notFound('Property company', id);
  return row;
}

const listCompanies = defineRoute({
  method: 'get',
  path: '/property-companies',
  summary: 'List property companies',
  tag: 'org',
  auth: 'user',
  query: PropertyCompanyQuery,
  response: pageSchema(PropertyCompany),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'property_companies', 'read');
    const where = and(
      scopeCondition(scope, propertyCompanies.orgPath),
      q.q ? ilike(propertyCompanies.name, `%${escapeLike(q.q)}%`) : undefined,
    );
    return pageOf(s.db, propertyCompanies, where, q, async (offset, limit) =>
      (
        await s.db
          .select()
          .from(propertyCompanies)
          .where(where)
          .orderBy(asc(propertyCompanies.name))
          .offset(offset)
          .limit(limit)
      ).map(presentCompany),
    );
  },
});

const getCompanyRoute = defineRoute({
  method: 'get',
  path: '/property-companies/:id',
  summary: 'Read a property company',
  tag: 'org',
  auth: 'user',
  params: IdParams,
  response: PropertyCompany,
  matrix: { target: 'propertyCompany' },
  handler: async ({ params, principal, services: s }) => {
    const company = await getCompany(s, params.id);
    authorize(
      principal,
      'property_companies',
      'read',
      { orgPath: company.orgPath },
      'Property company',
      params.id,
    );
    return presentCompany(company);
  },
});

const createCompany = defineRoute({
  method: 'post',
  path: '/property-companies',
  summary: 'Register a property company serving a community',
  tag: 'org',
  auth: 'user',
  body: CreatePropertyCompany,
  status: 201,
  response: PropertyCompany,
  matrix: {
    target: 'community',
    body: (fx) => ({ name: `测试物业${randomUUID().slice(0, 4)}`, orgUnitId: fx.community }),
  },
  handler: async ({ body, principal, services: s }) => {
    const unit = await getOrgUnit(s.db, body.orgUnitId);
    authorize(principal, 'property_companies', 'create', { orgPath: unit.path }, 'Org unit', unit.id);
    const [row] = await s.db
      .insert(propertyCompanies)
      .values({ ...body, orgPath: unit.path })
      .returning();
    return presentCompany(row!);
  },
});

const updateCompany = defineRoute({
  method: 'patch',
  path: '/property-companies/:id',
  summary: 'Update a property company',
  tag: 'org',
  auth: 'user',
  params: IdParams,
  body: UpdatePropertyCompany,
  response: PropertyCompany,
  matrix: { target: 'propertyCompany', body: () => ({ contactName: '王经理' }) },
  handler: async ({ params, body, principal, services: s }) => {
    const company = await getCompany(s, params.id);
    authorize(
      principal,
      'property_companies',
      'update',
      { orgPath: company.orgPath },
      'Property company',
      params.id,
    );
    const [row] = await s.db
      .update(propertyCompanies)
      .set({ ...body, updatedAt: s.now() })
      .where(eq(propertyCompanies.id, company.id))
      .returning();
    return presentCompany(row!);
  },
});

export const orgRoutes: RouteDef[] = [
  list,
  get,
  create,
  update,
  listCompanies,
  getCompanyRoute,
  createCompany,
  updateCompany,
];
