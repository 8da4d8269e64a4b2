// Demo data of device alerts in 凤凰社区 (community code 370902001001), matching the device-bridge's demo
// configuration: the bridge `demo-bridge` (secret DEVICE_BRIDGE_SECRET, demo default linli-demo-bridge-secret),
// the seven demo devices at real seeded places, a duty roster for their grids (each grid's workers in turn),
// and FH-HOME-ELDER-1 in the room of a resident tagged elderly_living_alone. Idempotent: what exists is kept.
import { and, asc, eq, sql } from 'drizzle-orm';
import {
  buildings,
  compounds,
  householdBindings,
  orgUnits,
  residents,
  roleAssignments,
  rooms,
  units,
} from '../../db/schema.js';
import type { Services } from '../../services.js';
import { deviceBridges, devices, gridDutyRoster } from '../../alerts/schema.js';
import { placeOf } from './devices.js';

export const DEMO_BRIDGE_ID = 'demo-bridge';
export const DEMO_BRIDGE_SECRET = 'linli-demo-bridge-secret';
const COMMUNITY_CODE = '370902001001';

type Spec = {
  code: string;
  name: string;
  vendor: 'hikvision' | 'dahua' | 'generic';
  kind: 'camera' | 'door' | 'ai_box' | 'sensor';
  at: 'gate' | 'unit' | 'building' | 'elder';
  compound: number;
  spot: string;
};

const SPECS: Spec[] = [
  {
    code: 'FH-CAM-31',
    name: '凤凰家园1号门摄像机',
    vendor: 'hikvision',
    kind: 'camera',
    at: 'gate',
    compound: 0,
    spot: '1号门',
  },
  {
    code: 'FH-CAM-33',
    name: '凤凰花园东门人脸抓拍机',
    vendor: 'hikvision',
    kind: 'camera',
    at: 'gate',
    compound: 1,
    spot: '东门',
  },
  {
    code: 'FH-DOOR-40',
    name: '单元门磁报警',
    vendor: 'hikvision',
    kind: 'door',
    at: 'unit',
    compound: 0,
    spot: '单元门',
  },
  {
    code: 'FH-DOOR-52',
    name: '凤凰家园2号门门禁',
    vendor: 'hikvision',
    kind: 'door',
    at: 'gate',
    compound: 0,
    spot: '2号门',
  },
  {
    code: 'FH-DH-01',
    name: '车棚摄像机',
    vendor: 'dahua',
    kind: 'camera',
    at: 'building',
    compound: 1,
    spot: '车棚',
  },
  {
    code: 'FH-LIFT-07',
    name: '电梯AI盒子',
    vendor: 'generic',
    kind: 'ai_box',
    at: 'building',
    compound: 2,
    spot: '电梯轿厢',
  },
  {
    code: 'FH-HOME-ELDER-1',
    name: '独居老人家门磁',
    vendor: 'generic',
    kind: 'sensor',
    at: 'elder',
    compound: 0,
    spot: '入户门',
  },
];

export async function seedDemo(s: Services): Promise<void> {
  const [community] = await s.db.select().from(orgUnits).where(eq(orgUnits.code, COMMUNITY_CODE));
  if (!community) return;
  const secret = s.config.alerts.demoBridgeSecret ?? DEMO_BRIDGE_SECRET;
  await s.db
    .insert(deviceBridges)
    .values({
      id: DEMO_BRIDGE_ID,
      name: '凤凰社区演示网关',
      communityId: community.id,
      orgPath: community.path,
      secretEnc: s.vault.encrypt(secret),
    })
    .onConflictDoNothing();
  const comps = await s.db
    .select()
    .from(compounds)
    .where(eq(compounds.communityId, community.id))
    .orderBy(asc(compounds.standardAddress));
  const byName = (n: string) => comps.find((c) => c.name === n);
  const ordered = ['凤凰家园', '凤凰花园', '岱宗苑']
    .map(byName)
    .filter((c): c is (typeof comps)[number] => !!c);
  if (!ordered.length) return;
  const grids = new Set<string>();
  for (const spec of SPECS) {
    const [exists] = await s.db
      .select({ id: devices.id, gridId: devices.gridId })
      .from(devices)
      .where(eq(devices.code, spec.code));
    if (exists) {
      if (exists.gridId) grids.add(exists.gridId);
      continue;
    }
    const compound = ordered[Math.min(spec.compound, ordered.length - 1)]!;
    const [building] = await s.db
      .select()
      .from(buildings)
      .where(eq(buildings.compoundId, compound.id))
      .orderBy(asc(buildings.standardAddress))
      .limit(1);
    if (!building) continue;
    let where: Parameters<typeof placeOf>[1];
    if (spec.at === 'gate') where = { compoundId: compound.id, gridId: building.gridId };
    else if (spec.at === 'building') where = { buildingId: building.id };
    else if (spec.at === 'unit') {
      const [unit] = await s.db
        .select()
        .from(units)
        .where(eq(units.buildingId, building.id))
        .orderBy(asc(units.standardAddress))
        .limit(1);
      if (!unit) continue;
      where = { unitId: unit.id };
    } else {
      // the home of a resident living alone (a verified binding in 凤凰社区)
      const [home] = await s.db
        .select({ roomId: householdBindings.roomId })
        .from(residents)
        .innerJoin(
          householdBindings,
          and(eq(householdBindings.residentId, residents.id), eq(householdBindings.status, 'verified')),
        )
        .innerJoin(rooms, eq(rooms.id, householdBindings.roomId))
        .where(
          and(eq(residents.communityId, community.id), sql`'elderly_living_alone' = any(${residents.tags})`),
        )
        .orderBy(asc(rooms.standardAddress))
        .limit(1);
      if (!home) continue;
      where = { roomId: home.roomId };
    }
    const place = await placeOf(s, where);
    const [row] = await s.db
      .insert(devices)
      .values({
        code: spec.code,
        name: spec.name,
        vendor: spec.vendor,
        kind: spec.kind,
        ...place,
        spot: spec.spot,
        lastSeenAt: s.now(),
        lastEventAt: s.now(),
      })
      .onConflictDoNothing()
      .returning();
    if (row?.gridId) grids.add(row.gridId);
  }
  // the duty roster: each grid's workers, day shift for the first, night shift for the second
  for (const gridId of grids) {
    const [grid] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, gridId));
    const workers = await s.db
      .select({ userId: roleAssignments.userId })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.orgUnitId, gridId), eq(roleAssignments.role, 'grid_worker')));
    for (const [i, w] of workers.entries())
      await s.db
        .insert(gridDutyRoster)
        .values({
          gridId,
          orgPath: grid!.path,
          userId: w.userId,
          shiftStart: i % 2 === 0 ? '08:00' : '20:00',
          shiftEnd: i % 2 === 0 ? '20:00' : '08:00',
          order: i,
        })
        .onConflictDoNothing();
  }
}
