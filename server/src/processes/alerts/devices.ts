// Devices, device bridges, the grids' alert duty roster and the alert type settings: the admin side of alerts.
//   devices        community admins register them at a place (room, unit, building or compound + grid); staff
//                  of the area read them with their online state
//   device-bridges community admins create a bridge and rotate its secret (the secret is shown once)
//   alert-duty     the duty roster of a grid: who answers its alerts on which weekdays and shift, in what order
//   alert-types    the default settings per alert type and the community's overrides
import { and, asc, count, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import {
  AlertDutyEntry,
  AlertDutyQuery,
  AlertType,
  AlertTypeParams,
  AlertTypeQuery,
  AlertTypeSetting,
  BridgeWithSecret,
  CreateBridge,
  CreateDevice,
  Device,
  DeviceBridge,
  DeviceQuery,
  IdParams,
  PatchAlertDuty,
  PutAlertDuty,
  PutAlertTypeSetting,
  UpdateDevice,
  pageOf,
} from '@linli/contracts';
import { z } from 'zod';
import { buildings, compounds, orgUnits, roleAssignments, rooms, units, users } from '../../db/schema.js';
import { ApiError, conflict, forbidden, notFound } from '../../http/errors.js';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { escapeLike, pathInScope, requirePermission, scopeCondition } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { alertTypeOverrides, deviceBridges, devices, gridDutyRoster } from '../../alerts/schema.js';
import { applyOverride } from '../../alerts/types.js';
import { forgetBridge, newBridgeSecret } from '../../alerts/signing.js';

type DeviceRow = typeof devices.$inferSelect;

export function presentDevice(d: DeviceRow): Device {
  return {
    id: d.id,
    code: d.code,
    name: d.name,
    vendor: d.vendor,
    kind: d.kind,
    communityId: d.communityId,
    gridId: d.gridId,
    compoundId: d.compoundId,
    buildingId: d.buildingId,
    unitId: d.unitId,
    roomId: d.roomId,
    location: d.spot ? `${d.location}（${d.spot}）` : d.location,
    online: d.online,
    lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
    active: d.active,
  };
}

const invalid = (message: string) => new ApiError(422, 'invalid_operation', message);

export interface DevicePlace {
  communityId: string;
  gridId: string | null;
  compoundId: string;
  buildingId: string | null;
  unitId: string | null;
  roomId: string | null;
  orgPath: string;
  location: string;
  propertyCompanyId: string | null;
}

/** Where a device is, from the most specific place given. */
export async function placeOf(
  s: Services,
  body: Pick<CreateDevice, 'roomId' | 'unitId' | 'buildingId' | 'compoundId' | 'gridId'>,
): Promise<DevicePlace> {
  let compoundId: string;
  let buildingId: string | null = null;
  let unitId: string | null = null;
  let roomId: string | null = null;
  let gridId: string | null = body.gridId ?? null;
  let location: string;
  if (body.roomId) {
    const [r] = await s.db.select().from(rooms).where(eq(rooms.id, body.roomId));
    if (!r) throw notFound('Room', body.roomId);
    ({ compoundId, buildingId, unitId, gridId } = r);
    roomId = r.id;
    location = r.standardAddress;
  } else if (body.unitId) {
    const [u] = await s.db
      .select({ u: units, b: buildings })
      .from(units)
      .innerJoin(buildings, eq(buildings.id, units.buildingId))
      .where(eq(units.id, body.unitId));
    if (!u) throw notFound('Unit', body.unitId);
    compoundId = u.b.compoundId;
    buildingId = u.b.id;
    unitId = u.u.id;
    gridId = u.b.gridId;
    location = u.u.standardAddress;
  } else if (body.buildingId) {
    const [b] = await s.db.select().from(buildings).where(eq(buildings.id, body.buildingId));
    if (!b) throw notFound('Building', body.buildingId);
    compoundId = b.compoundId;
    buildingId = b.id;
    gridId = b.gridId;
    location = b.standardAddress;
  } else if (body.compoundId) {
    compoundId = body.compoundId;
    location = '';
  } else throw invalid('Say where the device is: roomId, unitId, buildingId or compoundId');
  const [c] = await s.db.select().from(compounds).where(eq(compounds.id, compoundId));
  if (!c) throw notFound('Compound', compoundId);
  if (!location) location = c.standardAddress;
  let orgPath = c.orgPath;
  if (gridId) {
    const [g] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, gridId));
    if (!g || g.kind !== 'grid' || g.parentId !== c.communityId)
      throw invalid(`gridId: ${gridId} is not a grid of the compound's community`);
    orgPath = g.path;
  }
  return {
    communityId: c.communityId,
    gridId,
    compoundId,
    buildingId,
    unitId,
    roomId,
    orgPath,
    location,
    propertyCompanyId: c.propertyCompanyId,
  };
}

const listDevices = defineRoute({
  method: 'get',
  path: '/devices',
  summary: 'Devices in your area with their online state (filter by grid, community, online)',
  tag: 'devices',
  auth: 'user',
  query: DeviceQuery,
  response: pageOf(Device),
  handler: async ({ query: q, principal: p, services: s }) => {
    const scope = requirePermission(p, 'devices', 'read');
    const where: SQL[] = [scopeCondition(scope, devices.orgPath)];
    if (q.gridId) where.push(eq(devices.gridId, q.gridId));
    if (q.communityId) where.push(eq(devices.communityId, q.communityId));
    if (q.online) where.push(eq(devices.online, q.online === 'true'));
    const cond = and(...where);
    const [total] = await s.db.select({ n: count() }).from(devices).where(cond);
    const rows = await s.db
      .select()
      .from(devices)
      .where(cond)
      .orderBy(asc(devices.code))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    return {
      items: rows.map(presentDevice),
      total: Number(total?.n ?? 0),
      page: q.page,
      pageSize: q.pageSize,
    };
  },
});

const createDevice = defineRoute({
  method: 'post',
  path: '/devices',
  summary:
    'Register a device at a place of your community (its code is the one the bridge is configured with)',
  tag: 'devices',
  auth: 'user',
  body: CreateDevice,
  status: 201,
  response: Device,
  matrix: {
    body: (fx) => ({
      code: `M-${fx.compound!.slice(0, 8)}-${Math.random().toString(36).slice(2, 8)}`,
      name: '单元门禁',
      vendor: 'hikvision',
      kind: 'door',
      unitId: fx.unit,
    }),
  },
  handler: async ({ body, principal: p, services: s }) => {
    const scope = requirePermission(p, 'devices', 'manage');
    const place = await placeOf(s, body);
    if (!pathInScope(scope, place.orgPath)) throw forbidden('You may register devices only in your own area');
    const [dup] = await s.db.select({ id: devices.id }).from(devices).where(eq(devices.code, body.code));
    if (dup) throw conflict(`A device with code ${body.code} exists already`);
    const [row] = await s.db
      .insert(devices)
      .values({
        code: body.code,
        name: body.name,
        vendor: body.vendor,
        kind: body.kind,
        ...place,
        spot: body.spot ?? null,
        offlineAfterSeconds: body.offlineAfterSeconds,
        lastSeenAt: s.now(),
      })
      .returning();
    return presentDevice(row!);
  },
});

async function loadDevice(
  s: Services,
  p: Principal,
  id: string,
  action: 'read' | 'manage',
): Promise<DeviceRow> {
  const [row] = await s.db.select().from(devices).where(eq(devices.id, id));
  const read = requirePermission(p, 'devices', 'read');
  if (!row || !pathInScope(read, row.orgPath)) throw notFound('Device', id);
  if (action === 'manage' && !pathInScope(requirePermission(p, 'devices', 'manage'), row.orgPath))
    throw forbidden('You may not change this device');
  return row;
}

const updateDevice = defineRoute({
  method: 'patch',
  path: '/devices/:id',
  summary: 'Rename a device, change its spot or offline window, or deactivate it',
  tag: 'devices',
  auth: 'user',
  params: IdParams,
  body: UpdateDevice,
  response: Device,
  matrix: { target: 'device', body: () => ({ offlineAfterSeconds: 900 }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    await loadDevice(s, p, params.id, 'manage');
    const [row] = await s.db
      .update(devices)
      .set({ ...body, updatedAt: s.now() })
      .where(eq(devices.id, params.id))
      .returning();
    return presentDevice(row!);
  },
});

// ------------------------------------------------------------------------------------------------ bridges

const presentBridge = (b: typeof deviceBridges.$inferSelect) => ({
  id: b.id,
  name: b.name,
  communityId: b.communityId,
  active: b.active,
  lastSeenAt: b.lastSeenAt?.toISOString() ?? null,
});

const listBridges = defineRoute({
  method: 'get',
  path: '/device-bridges',
  summary: 'Device bridges of your area and when each last posted',
  tag: 'devices',
  auth: 'user',
  response: z.object({ items: z.array(DeviceBridge) }),
  handler: async ({ principal: p, services: s }) => {
    const scope = requirePermission(p, 'devices', 'manage');
    const rows = await s.db
      .select()
      .from(deviceBridges)
      .where(scopeCondition(scope, deviceBridges.orgPath))
      .orderBy(asc(deviceBridges.id));
    return { items: rows.map(presentBridge) };
  },
});

const createBridge = defineRoute({
  method: 'post',
  path: '/device-bridges',
  summary: 'Create a device bridge for your community; the answer shows its secret once',
  tag: 'devices',
  auth: 'user',
  body: CreateBridge,
  status: 201,
  response: BridgeWithSecret,
  matrix: {
    body: (fx) => ({
      id: `b-${Math.random().toString(36).slice(2, 10)}`,
      name: '小区网关',
      communityId: fx.community,
    }),
  },
  handler: async ({ body, principal: p, services: s }) => {
    const scope = requirePermission(p, 'devices', 'manage');
    const [c] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, body.communityId));
    if (!c || c.kind !== 'community') throw notFound('Community', body.communityId);
    if (!pathInScope(scope, c.path)) throw forbidden('You may create bridges only for your own community');
    const [dup] = await s.db
      .select({ id: deviceBridges.id })
      .from(deviceBridges)
      .where(eq(deviceBridges.id, body.id));
    if (dup) throw conflict(`A bridge with id ${body.id} exists already`);
    const secret = newBridgeSecret();
    const [row] = await s.db
      .insert(deviceBridges)
      .values({
        id: body.id,
        name: body.name,
        communityId: c.id,
        orgPath: c.path,
        secretEnc: s.vault.encrypt(secret),
      })
      .returning();
    return { ...presentBridge(row!), secret };
  },
});

const BridgeParams = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a bridge id'),
});

const rotateBridge = defineRoute({
  method: 'post',
  path: '/device-bridges/:id/rotate-secret',
  summary: 'Give a bridge a new secret (shown once); the old one stops working at once',
  tag: 'devices',
  auth: 'user',
  params: BridgeParams,
  response: BridgeWithSecret,
  matrix: { target: 'bridge' },
  handler: async ({ params, principal: p, services: s }) => {
    const scope = requirePermission(p, 'devices', 'manage');
    const [b] = await s.db.select().from(deviceBridges).where(eq(deviceBridges.id, params.id));
    if (!b || !pathInScope(scope, b.orgPath)) throw notFound('Device bridge', params.id);
    const secret = newBridgeSecret();
    const [row] = await s.db
      .update(deviceBridges)
      .set({ secretEnc: s.vault.encrypt(secret), updatedAt: s.now() })
      .where(eq(deviceBridges.id, b.id))
      .returning();
    forgetBridge(b.id);
    return { ...presentBridge(row!), secret };
  },
});

// ------------------------------------------------------------------------------------------------ duty roster

type DutyRow = typeof gridDutyRoster.$inferSelect;

async function presentDuty(s: Services, rows: DutyRow[]): Promise<AlertDutyEntry[]> {
  const ids = [...new Set(rows.map((r) => r.userId))];
  const names = new Map(
    ids.length
      ? (
          await s.db.select({ id: users.id, n: users.displayName }).from(users).where(inArray(users.id, ids))
        ).map((u) => [u.id, u.n])
      : [],
  );
  return rows.map((r) => ({
    id: r.id,
    gridId: r.gridId,
    user: { id: r.userId, name: names.get(r.userId) ?? '' },
    weekdays: r.weekdays,
    shiftStart: r.shiftStart,
    shiftEnd: r.shiftEnd,
    order: r.order,
  }));
}

const listDuty = defineRoute({
  method: 'get',
  path: '/alert-duty',
  summary: "The grids' alert duty roster in your area (who answers alerts when, and the order of escalation)",
  tag: 'alerts',
  auth: 'user',
  query: AlertDutyQuery,
  response: pageOf(AlertDutyEntry),
  handler: async ({ query: q, principal: p, services: s }) => {
    const scope = requirePermission(p, 'alerts', 'read');
    const where: SQL[] = [scopeCondition(scope, gridDutyRoster.orgPath)];
    if (q.gridId) where.push(eq(gridDutyRoster.gridId, q.gridId));
    const cond = and(...where);
    const [total] = await s.db.select({ n: count() }).from(gridDutyRoster).where(cond);
    const rows = await s.db
      .select()
      .from(gridDutyRoster)
      .where(cond)
      .orderBy(asc(gridDutyRoster.gridId), asc(gridDutyRoster.order))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    return {
      items: await presentDuty(s, rows),
      total: Number(total?.n ?? 0),
      page: q.page,
      pageSize: q.pageSize,
    };
  },
});

const putDuty = defineRoute({
  method: 'post',
  path: '/alert-duty',
  summary: "Put a grid worker on a grid's alert duty roster (or change their entry)",
  tag: 'alerts',
  auth: 'user',
  body: PutAlertDuty,
  response: AlertDutyEntry,
  matrix: {
    body: (fx) => ({
      gridId: fx.grid,
      userId: fx.gridWorkerUser,
      weekdays: [1, 2, 3, 4, 5],
      shiftStart: '08:00',
      shiftEnd: '20:00',
    }),
  },
  handler: async ({ body, principal: p, services: s }) => {
    const scope = requirePermission(p, 'alerts', 'manage');
    const [g] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, body.gridId));
    if (!g || g.kind !== 'grid') throw notFound('Grid', body.gridId);
    if (!pathInScope(scope, g.path))
      throw forbidden("You may keep the duty roster of your own community's grids only");
    // the worker must work in this grid (a grid worker grant on it or above)
    const [worker] = await s.db
      .select({ id: roleAssignments.userId })
      .from(roleAssignments)
      .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
      .where(
        and(
          eq(roleAssignments.userId, body.userId),
          inArray(roleAssignments.role, ['grid_worker', 'community_admin']),
          or(
            like(orgUnits.path, `${escapeLike(g.path)}%`),
            sql`left(${g.path}, length(${orgUnits.path})) = ${orgUnits.path}`,
          ),
        ),
      );
    if (!worker)
      throw invalid(`userId: ${body.userId} is not a grid worker of this grid or an admin of its community`);
    const [row] = await s.db
      .insert(gridDutyRoster)
      .values({
        gridId: g.id,
        orgPath: g.path,
        userId: body.userId,
        weekdays: body.weekdays,
        shiftStart: body.shiftStart,
        shiftEnd: body.shiftEnd,
        order: body.order,
      })
      .onConflictDoUpdate({
        target: [gridDutyRoster.gridId, gridDutyRoster.userId],
        set: {
          weekdays: body.weekdays,
          shiftStart: body.shiftStart,
          shiftEnd: body.shiftEnd,
          order: body.order,
          updatedAt: s.now(),
        },
      })
      .returning();
    return (await presentDuty(s, [row!]))[0];
  },
});

async function loadDuty(s: Services, p: Principal, id: string): Promise<DutyRow> {
  const [row] = await s.db.select().from(gridDutyRoster).where(eq(gridDutyRoster.id, id));
  const read = requirePermission(p, 'alerts', 'read');
  if (!row || !pathInScope(read, row.orgPath)) throw notFound('Duty roster entry', id);
  if (!pathInScope(requirePermission(p, 'alerts', 'manage'), row.orgPath))
    throw forbidden('You may not change this roster');
  return row;
}

const patchDuty = defineRoute({
  method: 'patch',
  path: '/alert-duty/:id',
  summary: 'Change the weekdays, shift or escalation order of a duty roster entry',
  tag: 'alerts',
  auth: 'user',
  params: IdParams,
  body: PatchAlertDuty,
  response: AlertDutyEntry,
  matrix: { target: 'alertDuty', body: () => ({ order: 1 }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    await loadDuty(s, p, params.id);
    const [row] = await s.db
      .update(gridDutyRoster)
      .set({ ...body, updatedAt: s.now() })
      .where(eq(gridDutyRoster.id, params.id))
      .returning();
    return (await presentDuty(s, [row!]))[0];
  },
});

const deleteDuty = defineRoute({
  method: 'delete',
  path: '/alert-duty/:id',
  summary: 'Take someone off the duty roster of a grid',
  tag: 'alerts',
  auth: 'user',
  params: IdParams,
  matrix: { target: 'alertDutySpare' },
  handler: async ({ params, principal: p, services: s }) => {
    await loadDuty(s, p, params.id);
    await s.db.delete(gridDutyRoster).where(eq(gridDutyRoster.id, params.id));
    return undefined;
  },
});

// ------------------------------------------------------------------------------------------------ type settings

async function communityIn(s: Services, p: Principal, id: string, action: 'read' | 'manage') {
  const scope = requirePermission(p, 'alerts', action);
  const [c] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, id));
  // admins above the community and workers of a grid in it both read its settings
  const related =
    c &&
    (pathInScope(scope, c.path) || (action === 'read' && scope.prefixes.some((x) => x.startsWith(c.path))));
  if (!c || c.kind !== 'community' || !related) throw notFound('Community', id);
  return c;
}

const listTypes = defineRoute({
  method: 'get',
  path: '/alert-types',
  summary:
    "Every alert type's settings for a community: severity, needs handling, minutes to acknowledge, storm window",
  tag: 'alerts',
  auth: 'user',
  query: AlertTypeQuery,
  response: z.object({ items: z.array(AlertTypeSetting) }),
  matrix: { query: (fx) => ({ communityId: fx.community! }) },
  handler: async ({ query: q, principal: p, services: s }) => {
    const c = await communityIn(s, p, q.communityId, 'read');
    const rows = await s.db.select().from(alertTypeOverrides).where(eq(alertTypeOverrides.communityId, c.id));
    return {
      items: AlertType.options.map((type) => ({
        type,
        ...applyOverride(
          type,
          rows.find((r) => r.type === type),
        ),
      })),
    };
  },
});

const putType = defineRoute({
  method: 'put',
  path: '/alert-types/:id',
  summary: "Override an alert type's settings for your community",
  tag: 'alerts',
  auth: 'user',
  params: AlertTypeParams,
  body: PutAlertTypeSetting,
  response: AlertTypeSetting,
  matrix: { target: 'alertType', body: (fx) => ({ communityId: fx.community, ackMinutes: 8 }) },
  handler: async ({ params, body, principal: p, services: s }) => {
    const c = await communityIn(s, p, body.communityId, 'manage');
    const set = {
      ...(body.severity !== undefined ? { severity: body.severity } : {}),
      ...(body.needsHandling !== undefined ? { needsHandling: body.needsHandling } : {}),
      ...(body.ackMinutes !== undefined ? { ackMinutes: body.ackMinutes } : {}),
      ...(body.stormWindowSeconds !== undefined ? { stormWindowSeconds: body.stormWindowSeconds } : {}),
    };
    const [row] = await s.db
      .insert(alertTypeOverrides)
      .values({ communityId: c.id, type: params.id, ...set })
      .onConflictDoUpdate({
        target: [alertTypeOverrides.communityId, alertTypeOverrides.type],
        set: { ...set, updatedAt: s.now() },
      })
      .returning();
    return { type: params.id, ...applyOverride(params.id, row) };
  },
});

export const deviceRoutes: RouteDef[] = [
  listDevices,
  createDevice,
  updateDevice,
  listBridges,
  createBridge,
  rotateBridge,
  listDuty,
  putDuty,
  patchDuty,
  deleteDuty,
  listTypes,
  putType,
];
