// Organisations (shops, companies, social organisations) and vehicles registered in the community.
import { and, asc, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import {
  CreateOrganisation,
  CreateVehicle,
  IdParams,
  Organisation,
  OrganisationQuery,
  UpdateOrganisation,
  UpdateVehicle,
  Vehicle,
  VehicleQuery,
  pageOf as pageSchema,
} from '@linli/contracts';
import { randomInt } from 'node:crypto';
import { defineRoute, type RouteDef } from '../http/route.js';
import { badRequest, notFound } from '../http/errors.js';
import { organisations, residents, vehicles } from '../db/schema.js';
import { authorize, escapeLike, pathInScope, requirePermission, scopeCondition } from '../policy/policy.js';
import type { Principal } from '../policy/principal.js';
import { getOrgUnit } from '../domain/org.js';
import { getRoom } from '../domain/address.js';
import { pageOf } from '../domain/paging.js';
import { maskPhone } from '../domain/pii.js';
import { getResident, householdOf, inHousehold } from '../domain/residents.js';
import type { DbOrTx } from '../db/client.js';
import type { Services } from '../services.js';

type OrgRow = typeof organisations.$inferSelect;
const presentOrganisation = (o: OrgRow) => ({
  id: o.id,
  communityId: o.communityId,
  name: o.name,
  kind: o.kind,
  creditCode: o.creditCode,
  legalRepresentative: o.legalRepresentative,
  contactName: o.contactName,
  contactPhone: o.contactPhoneMasked,
  roomId: o.roomId,
  address: o.address,
  employees: o.employees,
});

async function getOrganisation(db: DbOrTx, id: string): Promise<OrgRow> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
  if (!row) throw notFound('Organisation', id);
  return row;
}

const listOrganisations = defineRoute({
  method: 'get',
  path: '/organisations',
  summary: 'List organisations in the community (shops, companies, social organisations)',
  tag: 'people',
  auth: 'user',
  query: OrganisationQuery,
  response: pageSchema(Organisation),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'organisations', 'read');
    const where = and(
      scopeCondition(scope, organisations.orgPath),
      q.communityId ? eq(organisations.communityId, q.communityId) : undefined,
      q.kind ? eq(organisations.kind, q.kind) : undefined,
      q.q ? ilike(organisations.name, `%${escapeLike(q.q)}%`) : undefined,
    );
    return pageOf(s.db, organisations, where, q, async (offset, limit) =>
      (
        await s.db
          .select()
          .from(organisations)
          .where(where)
          .orderBy(asc(organisations.name))
          .offset(offset)
          .limit(limit)
      ).map(presentOrganisation),
    );
  },
});

const getOrganisationRoute = defineRoute({
  method: 'get',
  path: '/organisations/:id',
  summary: 'Read an organisation',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  response: Organisation,
  matrix: { target: 'organisation' },
  handler: async ({ params, principal, services: s }) => {
    const o = await getOrganisation(s.db, params.id);
    authorize(principal, 'organisations', 'read', { orgPath: o.orgPath }, 'Organisation', o.id);
    return presentOrganisation(o);
  },
});

function sealContact(s: Services, phone: string | undefined) {
  return phone === undefined
    ? {}
    : { contactPhoneEnc: s.vault.encrypt(phone), contactPhoneMasked: maskPhone(phone) };
}

const createOrganisation = defineRoute({
  method: 'post',
  path: '/organisations',
  summary: 'Register an organisation (in a room, or at community level)',
  tag: 'people',
  auth: 'user',
  body: CreateOrganisation,
  status: 201,
  response: Organisation,
  matrix: {
    target: 'room',
    body: (fx) => ({
      communityId: fx.community,
      name: '便民超市',
      kind: 'shop',
      roomId: fx.room,
      contactPhone: '13800001234',
    }),
  },
  handler: async ({ body, principal, services: s }) => {
    const community = await getOrgUnit(s.db, body.communityId, 'community');
    const room = body.roomId ? await getRoom(s.db, body.roomId) : undefined;
    if (room && !room.orgPath.startsWith(community.path))
      throw badRequest('The room is not in this community');
    const orgPath = room?.orgPath ?? community.path;
    authorize(
      principal,
      'organisations',
      'create',
      { orgPath },
      room ? 'Room' : 'Community',
      room?.id ?? community.id,
    );
    const { contactPhone, ...rest } = body;
    const [row] = await s.db
      .insert(organisations)
      .values({
        ...rest,
        ...sealContact(s, contactPhone),
        address: body.address ?? room?.standardAddress ?? null,
        orgPath,
      })
      .returning();
    return presentOrganisation(row!);
  },
});

const updateOrganisation = defineRoute({
  method: 'patch',
  path: '/organisations/:id',
  summary: 'Update an organisation',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  body: UpdateOrganisation,
  response: Organisation,
  matrix: { target: 'organisation', body: () => ({ employees: 12 }) },
  handler: async ({ params, body, principal, services: s }) => {
    const o = await getOrganisation(s.db, params.id);
    authorize(principal, 'organisations', 'update', { orgPath: o.orgPath }, 'Organisation', o.id);
    const room = body.roomId ? await getRoom(s.db, body.roomId) : undefined;
    if (room && !room.orgPath.includes(`/${o.communityId}/`))
      throw badRequest('The room is not in this community');
    const { contactPhone, ...rest } = body;
    const [row] = await s.db
      .update(organisations)
      .set({
        ...rest,
        ...sealContact(s, contactPhone),
        ...(room ? { orgPath: room.orgPath } : {}),
        updatedAt: s.now(),
      })
      .where(eq(organisations.id, o.id))
      .returning();
    return presentOrganisation(row!);
  },
});

// ---- vehicles

type VehicleRow = typeof vehicles.$inferSelect;

async function presentVehicles(db: DbOrTx, p: Principal, rows: VehicleRow[]) {
  const ownerIds = rows.map((v) => v.ownerResidentId).filter((id): id is string => !!id);
  const owners = ownerIds.length
    ? await db
        .select({ id: residents.id, name: residents.name })
        .from(residents)
        .where(inArray(residents.id, ownerIds))
    : [];
  const names = new Map(owners.map((o) => [o.id, o.name]));
  return rows.map((v) => ({
    id: v.id,
    communityId: v.communityId,
    plate: v.plate,
    kind: v.kind,
    ownerResidentId: v.ownerResidentId,
    ownerName: v.ownerResidentId ? (names.get(v.ownerResidentId) ?? null) : null,
    brand: v.brand,
    color: v.color,
  }));
}

async function getVehicle(db: DbOrTx, id: string): Promise<VehicleRow> {
  const [row] = await db.select().from(vehicles).where(eq(vehicles.id, id));
  if (!row) throw notFound('Vehicle', id);
  return row;
}

const listVehicles = defineRoute({
  method: 'get',
  path: '/vehicles',
  summary: 'List vehicles (cars, e-bikes) by plate, kind or owner',
  tag: 'people',
  auth: 'user',
  query: VehicleQuery,
  response: pageSchema(Vehicle),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'vehicles', 'read');
    const self = principal.residentId
      ? inArray(vehicles.ownerResidentId, householdOf(s.db, principal.residentId))
      : undefined;
    const filters: (SQL | undefined)[] = [
      scopeCondition(scope, vehicles.orgPath, self),
      q.communityId ? eq(vehicles.communityId, q.communityId) : undefined,
      q.kind ? eq(vehicles.kind, q.kind) : undefined,
      q.plate ? ilike(vehicles.plate, `%${escapeLike(q.plate.toUpperCase())}%`) : undefined,
      q.ownerResidentId ? eq(vehicles.ownerResidentId, q.ownerResidentId) : undefined,
    ];
    const where = and(...filters);
    const page = await pageOf(s.db, vehicles, where, q, (offset, limit) =>
      s.db.select().from(vehicles).where(where).orderBy(asc(vehicles.plate)).offset(offset).limit(limit),
    );
    return { ...page, items: await presentVehicles(s.db, principal, page.items) };
  },
});

const getVehicleRoute = defineRoute({
  method: 'get',
  path: '/vehicles/:id',
  summary: 'Read a vehicle',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  response: Vehicle,
  matrix: { target: 'vehicle' },
  handler: async ({ params, principal, services: s }) => {
    const v = await getVehicle(s.db, params.id);
    const isSelf = await inHousehold(s.db, principal.residentId, v.ownerResidentId);
    authorize(principal, 'vehicles', 'read', { orgPath: v.orgPath, isSelf }, 'Vehicle', v.id);
    return (await presentVehicles(s.db, principal, [v]))[0];
  },
});

const createVehicle = defineRoute({
  method: 'post',
  path: '/vehicles',
  summary: 'Register a vehicle (residents register their own)',
  tag: 'people',
  auth: 'user',
  body: CreateVehicle,
  status: 201,
  response: Vehicle,
  matrix: {
    target: 'resident',
    body: (fx) => ({
      communityId: fx.community,
      plate: `鲁J${randomInt(10000, 99999)}`,
      kind: 'car',
      ownerResidentId: fx.resident,
    }),
  },
  handler: async ({ body, principal, services: s }) => {
    const community = await getOrgUnit(s.db, body.communityId, 'community');
    const owner = body.ownerResidentId ? await getResident(s.db, body.ownerResidentId) : undefined;
    if (owner && owner.communityId !== community.id)
      throw badRequest('The owner is registered in another community');
    const orgPath = owner?.orgPath ?? community.path;
    const isSelf = !!owner && owner.id === principal.residentId;
    authorize(
      principal,
      'vehicles',
      'create',
      { orgPath, isSelf },
      owner ? 'Resident' : 'Community',
      owner?.id ?? community.id,
    );
    const [row] = await s.db
      .insert(vehicles)
      .values({ ...body, ownerResidentId: owner?.id ?? null, orgPath })
      .returning();
    return (await presentVehicles(s.db, principal, [row!]))[0];
  },
});

const updateVehicle = defineRoute({
  method: 'patch',
  path: '/vehicles/:id',
  summary: 'Update a vehicle',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  body: UpdateVehicle,
  response: Vehicle,
  matrix: { target: 'vehicle', body: () => ({ color: '白色' }) },
  handler: async ({ params, body, principal, services: s }) => {
    const v = await getVehicle(s.db, params.id);
    const scope = authorize(principal, 'vehicles', 'update', { orgPath: v.orgPath }, 'Vehicle', v.id);
    let orgPath = v.orgPath;
    if (body.ownerResidentId) {
      const owner = await getResident(s.db, body.ownerResidentId);
      if (owner.communityId !== v.communityId)
        throw badRequest('The owner is registered in another community');
      if (pathInScope(scope, owner.orgPath)) orgPath = owner.orgPath;
    }
    const [row] = await s.db
      .update(vehicles)
      .set({ ...body, orgPath, updatedAt: s.now() })
      .where(eq(vehicles.id, v.id))
      .returning();
    return (await presentVehicles(s.db, principal, [row!]))[0];
  },
});

export const organisationRoutes: RouteDef[] = [
  listOrganisations,
  getOrganisationRoute,
  createOrganisation,
  updateOrganisation,
  listVehicles,
  getVehicleRoute,
  createVehicle,
  updateVehicle,
];
