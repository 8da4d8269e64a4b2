// The standard address tree: compounds, buildings, units and rooms. Addresses are a public directory
// (anyone signed in can find their room to bind to it); occupancy and area are for staff only.
import { and, asc, eq, ilike, type SQL } from 'drizzle-orm';
import {
  Building,
  BuildingQuery,
  Compound,
  CompoundQuery,
  CreateBuilding,
  CreateCompound,
  CreateRoom,
  CreateUnit,
  IdParams,
  Room,
  RoomQuery,
  Unit,
  UnitQuery,
  UpdateBuilding,
  UpdateCompound,
  UpdateRoom,
  UpdateUnit,
  pageOf as pageSchema,
} from '@linli/contracts';
import { randomUUID } from 'node:crypto';
import { defineRoute, type RouteDef } from '../http/route.js';
import { badRequest, notFound } from '../http/errors.js';
import { buildings, compounds, propertyCompanies, rooms, units } from '../db/schema.js';
import {
  authorize,
  escapeLike,
  pathInScope,
  requirePermission,
  scopeCondition,
  scopeFor,
} from '../policy/policy.js';
import type { Principal } from '../policy/principal.js';
import { getOrgUnit } from '../domain/org.js';
import { pageOf } from '../domain/paging.js';
import {
  cascadeAddress,
  communityAddressPrefix,
  floorOfRoomNumber,
  getBuilding,
  getCompound,
  getRoom,
  getUnit,
  moveBuildingToGrid,
  roomAddress,
  type BuildingRow,
  type CompoundRow,
  type RoomRow,
  type UnitRow,
} from '../domain/address.js';
import type { Services } from '../services.js';

const short = () => randomUUID().slice(0, 6);

const presentCompound = (c: CompoundRow) => ({
  id: c.id,
  communityId: c.communityId,
  propertyCompanyId: c.propertyCompanyId,
  name: c.name,
  standardAddress: c.standardAddress,
});
const presentBuilding = (b: BuildingRow) => ({
  id: b.id,
  compoundId: b.compoundId,
  gridId: b.gridId,
  name: b.name,
  floors: b.floors,
  standardAddress: b.standardAddress,
});
const presentUnit = (u: UnitRow) => ({
  id: u.id,
  buildingId: u.buildingId,
  name: u.name,
  standardAddress: u.standardAddress,
});

/** Staff who work the room's grid see occupancy and area; everyone else sees the address only. */
function presentRoom(p: Principal, r: RoomRow) {
  const base = {
    id: r.id,
    unitId: r.unitId,
    buildingId: r.buildingId,
    compoundId: r.compoundId,
    gridId: r.gridId,
    number: r.number,
    floor: r.floor,
    standardAddress: r.standardAddress,
  };
  const staff =
    pathInScope(scopeFor(p, 'residents', 'read'), r.orgPath) ||
    pathInScope(scopeFor(p, 'rooms', 'update'), r.orgPath);
  if (!staff) return base;
  return {
    ...base,
    areaM2: r.areaM2 === null ? null : Number(r.areaM2),
    usage: r.usage,
    occupancy: r.occupancy,
  };
}

async function ensureCompany(s: Services, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const [row] = await s.db
    .select({ id: propertyCompanies.id })
    .from(propertyCompanies)
    .where(eq(propertyCompanies.id, id));
  if (!row) throw notFound('Property company', id);
}

// ---- compounds

const listCompounds = defineRoute({
  method: 'get',
  path: '/compounds',
  summary: 'List compounds (小区)',
  tag: 'address',
  auth: 'user',
  query: CompoundQuery,
  response: pageSchema(Compound),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'compounds', 'read');
    const where = and(
      scopeCondition(scope, compounds.orgPath),
      q.communityId ? eq(compounds.communityId, q.communityId) : undefined,
      q.q ? ilike(compounds.name, `%${escapeLike(q.q)}%`) : undefined,
    );
    return pageOf(s.db, compounds, where, q, async (offset, limit) =>
      (
        await s.db
          .select()
          .from(compounds)
          .where(where)
          .orderBy(asc(compounds.standardAddress))
          .offset(offset)
          .limit(limit)
      ).map(presentCompound),
    );
  },
});

const getCompoundRoute = defineRoute({
  method: 'get',
  path: '/compounds/:id',
  summary: 'Read a compound',
  tag: 'address',
  auth: 'user',
  params: IdParams,
  response: Compound,
  matrix: { target: 'compound' },
  handler: async ({ params, principal, services: s }) => {
    const c = await getCompound(s.db, params.id);
    authorize(principal, 'compounds', 'read', { orgPath: c.orgPath }, 'Compound', c.id);
    return presentCompound(c);
  },
});

const createCompound = defineRoute({
  method: 'post',
  path: '/compounds',
  summary: 'Add a compound to a community',
  tag: 'address',
  auth: 'user',
  body: CreateCompound,
  status: 201,
  response: Compound,
  matrix: { target: 'community', body: (fx) => ({ communityId: fx.community, name: `新建小区${short()}` }) },
  handler: async ({ body, principal, services: s }) => {
    const community = await getOrgUnit(s.db, body.communityId, 'community');
    authorize(principal, 'compounds', 'create', { orgPath: community.path }, 'Community', community.id);
    await ensureCompany(s, body.propertyCompanyId);
    const prefix = await communityAddressPrefix(s.db, community);
    const [row] = await s.db
      .insert(compounds)
      .values({
        communityId: community.id,
        name: body.name,
        propertyCompanyId: body.propertyCompanyId ?? null,
        standardAddress: `${prefix}${body.name}`,
        orgPath: community.path,
      })
      .returning();
    return presentCompound(row!);
  },
});

const updateCompound = defineRoute({
  method: 'patch',
  path: '/compounds/:id',
  summary: 'Rename a compound (addresses below it follow) or change its property company',
  tag: 'address',
  auth: 'user',
  params: IdParams,
  body: UpdateCompound,
  response: Compound,
  matrix: { target: 'compound', body: () => ({ name: `改名小区${short()}` }) },
  handler: async ({ params, body, principal, services: s }) => {
    const c = await getCompound(s.db, params.id);
    authorize(principal, 'compounds', 'update', { orgPath: c.orgPath }, 'Compound', c.id);
    await ensureCompany(s, body.propertyCompanyId);
    return s.db.transaction(async (tx) => {
      const name = body.name ?? c.name;
      const address = c.standardAddress.endsWith(c.name)
        ? `${c.standardAddress.slice(0, -c.name.length)}${name}`
        : c.standardAddress;
      const [row] = await tx
        .update(compounds)
        .set({
          name,
          standardAddress: address,
          propertyCompanyId:
            body.propertyCompanyId === undefined ? c.propertyCompanyId : body.propertyCompanyId,
          updatedAt: s.now(),
        })
        .where(eq(compounds.id, c.id))
        .returning();
      if (address !== c.standardAddress)
        await cascadeAddress(tx, 'compound', c.id, c.standardAddress, address);
      return presentCompound(row!);
    });
  },
});

// ---- buildings

const listBuildings = defineRoute({
  method: 'get',
  path: '/buildings',
  summary: 'List buildings (楼栋)',
  tag: 'address',
  auth: 'user',
  query: BuildingQuery,
  response: pageSchema(Building),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'buildings', 'read');
    const where = and(
      scopeCondition(scope, buildings.orgPath),
      q.compoundId ? eq(buildings.compoundId, q.compoundId) : undefined,
      q.gridId ? eq(buildings.gridId, q.gridId) : undefined,
    );
    return pageOf(s.db, buildings, where, q, async (offset, limit) =>
      (
        await s.db
          .select()
          .from(buildings)
          .where(where)
          .orderBy(asc(buildings.standardAddress))
          .offset(offset)
          .limit(limit)
      ).map(presentBuilding),
    );
  },
});

const getBuildingRoute = defineRoute({
  method: 'get',
  path: '/buildings/:id',
  summary: 'Read a building',
  tag: 'address',
  auth: 'user',
  params: IdParams,
  response: Building,
  matrix: { target: 'building' },
  handler: async ({ params, principal, services: s }) => {
    const b = await getBuilding(s.db, params.id);
    authorize(principal, 'buildings', 'read', { orgPath: b.orgPath }, 'Building', b.id);
    return presentBuilding(b);
  },
});

async function gridOfCompound(s: Services, gridId: string, compound: CompoundRow) {
  const grid = await getOrgUnit(s.db, gridId, 'grid');
  if (grid.parentId !== compound.communityId)
    throw badRequest(`Grid ${grid.name} is not in the community of compound ${compound.name}`);
  return grid;
}

const createBuilding = defineRoute({
  method: 'post',
  path: '/buildings',
  summary: 'Add a building to a compound, in a grid',
  tag: 'address',
  auth: 'user',
  body: CreateBuilding,
  status: 201,
  response: Building,
  matrix: {
    target: 'compound',
    body: (fx) => ({ compoundId: fx.compound, gridId: fx.grid, name: `${short()}号楼`, floors: 6 }),
  },
  handler: async ({ body, principal, services: s }) => {
    const compound = await getCompound(s.db, body.compoundId);
    const grid = await gridOfCompound(s, body.gridId, compound);
    authorize(principal, 'buildings', 'create', { orgPath: grid.path }, 'Grid', grid.id);
    const [row] = await s.db
      .insert(buildings)
      .values({
        compoundId: compound.id,
        gridId: grid.id,
        name: body.name,
        floors: body.floors ?? null,
        standardAddress: `${compound.standardAddress}${body.name}`,
        orgPath: grid.path,
      })
      .returning();
    return presentBuilding(row!);
  },
});

const updateBuilding = defineRoute({
  method: 'patch',
  path: '/buildings/:id',
  summary: 'Rename a building, change its floors, or move it to another grid (rooms and residents follow)',
  tag: 'address',
  auth: 'user',
  params: IdParams,
  body: UpdateBuilding,
  response: Building,
  matrix: { target: 'building', body: () => ({ floors: 7 }) },
  handler: async ({ params, body, principal, services: s }) => {
    const b = await getBuilding(s.db, params.id);
    authorize(principal, 'buildings', 'update', { orgPath: b.orgPath }, 'Building', b.id);
    const compound = await getCompound(s.db, b.compoundId);
    const grid =
      body.gridId && body.gridId !== b.gridId ? await gridOfCompound(s, body.gridId, compound) : undefined;
    if (grid) authorize(principal, 'buildings', 'update', { orgPath: grid.path }, 'Grid', grid.id);
    return s.db.transaction(async (tx) => {
      const name = body.name ?? b.name;
      const address = `${compound.standardAddress}${name}`;
      const [row] = await tx
        .update(buildings)
        .set({
          name,
          standardAddress: address,
          floors: body.floors === undefined ? b.floors : body.floors,
          ...(grid ? { gridId: grid.id, orgPath: grid.path } : {}),
          updatedAt: s.now(),
        })
        .where(eq(buildings.id, b.id))
        .returning();
      if (address !== b.standardAddress)
        await cascadeAddress(tx, 'building', b.id, b.standardAddress, address);
      if (grid) await moveBuildingToGrid(tx, b, grid);
      return presentBuilding(row!);
    });
  },
});

// ---- units

const listUnits = defineRoute({
  method: 'get',
  path: '/units',
  summary: 'List units (单元) of buildings',
  tag: 'address',
  auth: 'user',
  query: UnitQuery,
  response: pageSchema(Unit),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'units', 'read');
    const where = and(
      scopeCondition(scope, units.orgPath),
      q.buildingId ? eq(units.buildingId, q.buildingId) : undefined,
    );
    return pageOf(s.db, units, where, q, async (offset, limit) =>
      (
        await s.db
          .select()
          .from(units)
          .where(where)
          .orderBy(asc(units.standardAddress))
          .offset(offset)
          .limit(limit)
      ).map(presentUnit),
    );
  },
});

const getUnitRoute = defineRoute({
  method: 'get',
  path: '/units/:id',
  summary: 'Read a unit',
  tag: 'address',
  auth: 'user',
  params: IdParams,
  response: Unit,
  matrix: { target: 'unit' },
  handler: async ({ params, principal, services: s }) => {
    const u = await getUnit(s.db, params.id);
    authorize(principal, 'units', 'read', { orgPath: u.orgPath }, 'Unit', u.id);
    return presentUnit(u);
  },
});

const createUnit = defineRoute({
  method: 'post',
  path: '/units',
  summary: 'Add a unit to a building',
  tag: 'address',
  auth: 'user',
  body: CreateUnit,
  status: 201,
  response: Unit,
  matrix: { target: 'building', body: (fx) => ({ buildingId: fx.building, name: `${short()}单元` }) },
  handler: async ({ body, principal, services: s }) => {
    const b = await getBuilding(s.db, body.buildingId);
    authorize(principal, 'units', 'create', { orgPath: b.orgPath }, 'Building', b.id);
    const [row] = await s.db
      .insert(units)
      .values({
        buildingId: b.id,
        name: body.name,
        standardAddress: `${b.standardAddress}${body.name}`,
        orgPath: b.orgPath,
      })
      .returning();
    return presentUnit(row!);
  },
});

const updateUnit = defineRoute({
  method: 'patch',
  path: '/units/:id',
  summary: 'Rename a unit (room addresses follow)',
  tag: 'address',
  auth: 'user',
  params: IdParams,
  body: UpdateUnit,
  response: Unit,
  matrix: { target: 'unit', body: () => ({ name: `${short()}单元` }) },
  handler: async ({ params, body, principal, services: s }) => {
    const u = await getUnit(s.db, params.id);
    authorize(principal, 'units', 'update', { orgPath: u.orgPath }, 'Unit', u.id);
    const b = await getBuilding(s.db, u.buildingId);
    return s.db.transaction(async (tx) => {
      const address = `${b.standardAddress}${body.name}`;
      const [row] = await tx
        .update(units)
        .set({ name: body.name, standardAddress: address, updatedAt: s.now() })
        .where(eq(units.id, u.id))
        .returning();
      await cascadeAddress(tx, 'unit', u.id, u.standardAddress, address);
      return presentUnit(row!);
    });
  },
});

// ---- rooms

const listRooms = defineRoute({
  method: 'get',
  path: '/rooms',
  summary: 'List rooms (房屋), filtered by unit, building, compound, grid, occupancy or address text',
  tag: 'address',
  auth: 'user',
  query: RoomQuery,
  response: pageSchema(Room),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'rooms', 'read');
    const filters: (SQL | undefined)[] = [
      scopeCondition(scope, rooms.orgPath),
      q.unitId ? eq(rooms.unitId, q.unitId) : undefined,
      q.buildingId ? eq(rooms.buildingId, q.buildingId) : undefined,
      q.compoundId ? eq(rooms.compoundId, q.compoundId) : undefined,
      q.gridId ? eq(rooms.gridId, q.gridId) : undefined,
      q.q ? ilike(rooms.standardAddress, `%${escapeLike(q.q)}%`) : undefined,
    ];
    if (q.occupancy) {
      // occupancy is staff-only information: filtering by it is limited to the rooms the caller may see it for
      const staff = scopeFor(principal, 'residents', 'read');
      filters.push(
        eq(rooms.occupancy, q.occupancy),
        scopeCondition({ ...staff, self: false }, rooms.orgPath),
      );
    }
    const where = and(...filters);
    return pageOf(s.db, rooms, where, q, async (offset, limit) =>
      (
        await s.db
          .select()
          .from(rooms)
          .where(where)
          .orderBy(asc(rooms.standardAddress))
          .offset(offset)
          .limit(limit)
      ).map((r) => presentRoom(principal, r)),
    );
  },
});

const getRoomRoute = defineRoute({
  method: 'get',
  path: '/rooms/:id',
  summary: 'Read a room',
  tag: 'address',
  auth: 'user',
  params: IdParams,
  response: Room,
  matrix: { target: 'room' },
  handler: async ({ params, principal, services: s }) => {
    const r = await getRoom(s.db, params.id);
    authorize(principal, 'rooms', 'read', { orgPath: r.orgPath }, 'Room', r.id);
    return presentRoom(principal, r);
  },
});

const createRoom = defineRoute({
  method: 'post',
  path: '/rooms',
  summary: 'Add a room to a unit',
  tag: 'address',
  auth: 'user',
  body: CreateRoom,
  status: 201,
  response: Room,
  matrix: {
    target: 'unit',
    body: (fx) => ({ unitId: fx.unit, number: String(100 + Math.floor(Math.random() * 9000)) }),
  },
  handler: async ({ body, principal, services: s }) => {
    const u = await getUnit(s.db, body.unitId);
    authorize(principal, 'rooms', 'create', { orgPath: u.orgPath }, 'Unit', u.id);
    const b = await getBuilding(s.db, u.buildingId);
    const [row] = await s.db
      .insert(rooms)
      .values({
        unitId: u.id,
        buildingId: b.id,
        compoundId: b.compoundId,
        gridId: b.gridId,
        number: body.number,
        floor: body.floor ?? floorOfRoomNumber(body.number),
        areaM2: body.areaM2 === undefined ? null : String(body.areaM2),
        usage: body.usage ?? 'residential',
        occupancy: body.occupancy ?? 'unknown',
        standardAddress: roomAddress(u, body.number),
        orgPath: u.orgPath,
      })
      .returning();
    return presentRoom(principal, row!);
  },
});

const updateRoom = defineRoute({
  method: 'patch',
  path: '/rooms/:id',
  summary: "Update a room's floor, area, usage or occupancy, or renumber it (its address follows)",
  tag: 'address',
  auth: 'user',
  params: IdParams,
  body: UpdateRoom,
  response: Room,
  matrix: { target: 'room', body: () => ({ occupancy: 'rented' }) },
  handler: async ({ params, body, principal, services: s }) => {
    const r = await getRoom(s.db, params.id);
    authorize(principal, 'rooms', 'update', { orgPath: r.orgPath }, 'Room', r.id);
    const { areaM2, number, ...rest } = body;
    // a new number is a new address: for those who add rooms (the community office), not those who keep details
    const renumber = number !== undefined && number !== r.number;
    if (renumber) authorize(principal, 'rooms', 'create', { orgPath: r.orgPath }, 'Room', r.id);
    const unit = renumber ? await getUnit(s.db, r.unitId) : undefined;
    const [row] = await s.db
      .update(rooms)
      .set({
        ...rest,
        ...(areaM2 !== undefined ? { areaM2: String(areaM2) } : {}),
        ...(unit && number !== undefined
          ? {
              number,
              standardAddress: roomAddress(unit, number),
              floor: rest.floor !== undefined ? rest.floor : (floorOfRoomNumber(number) ?? r.floor),
            }
          : {}),
        updatedAt: s.now(),
      })
      .where(eq(rooms.id, r.id))
      .returning();
    return presentRoom(principal, row!);
  },
});

export const addressRoutes: RouteDef[] = [
  listCompounds,
  getCompoundRoute,
  createCompound,
  updateCompound,
  listBuildings,
  getBuildingRoute,
  createBuilding,
  updateBuilding,
  listUnits,
  getUnitRoute,
  createUnit,
  updateUnit,
  listRooms,
  getRoomRoute,
  createRoom,
  updateRoom,
];
