// Test helpers for device alerts: a bridge with a known secret, devices in a test world, signed posts.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DeviceEvent } from '@linli/contracts';
import { orgUnits } from '../db/schema.js';
import type { Services } from '../services.js';
import type { ApiClient } from '../testing/server.js';
import type { World } from '../testing/world.js';
import { deviceBridges, devices } from './schema.js';
import { sign } from './signing.js';
import { createHash } from 'node:crypto';

export const SECRET = 'test-bridge-secret-0123456789';

export async function addBridgeAndDevices(s: Services, world: World, label: string) {
  const [community] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, world.ids.community!));
  const [grid] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, world.ids.grid!));
  const bridgeId = `bridge-${label}`;
  await s.db.insert(deviceBridges).values({
    id: bridgeId,
    name: '测试网关',
    communityId: community!.id,
    orgPath: community!.path,
    secretEnc: s.vault.encrypt(SECRET),
  });
  const base = {
    communityId: community!.id,
    gridId: world.ids.grid!,
    compoundId: world.ids.compound!,
    buildingId: world.ids.building!,
    orgPath: grid!.path,
    propertyCompanyId: world.ids.propertyCompany!,
    lastSeenAt: s.now(),
    lastEventAt: s.now(),
  };
  const rows = await s.db
    .insert(devices)
    .values([
      {
        ...base,
        code: `${label}-DOOR`,
        name: '单元门禁',
        vendor: 'hikvision',
        kind: 'door',
        unitId: world.ids.unit!,
        location: '1号楼1单元',
      },
      {
        ...base,
        code: `${label}-CAM`,
        name: '车棚摄像机',
        vendor: 'dahua',
        kind: 'camera',
        location: '1号楼',
        spot: '车棚',
      },
      {
        ...base,
        code: `${label}-HOME`,
        name: '家门磁',
        vendor: 'generic',
        kind: 'sensor',
        unitId: world.ids.unit!,
        roomId: world.ids.room!,
        location: '1号楼1单元101室',
      },
    ] as (typeof devices.$inferInsert)[])
    .returning();
  return { bridgeId, door: rows[0]!, cam: rows[1]!, home: rows[2]! };
}

export function event(
  deviceCode: string,
  type: DeviceEvent['type'],
  at: Date,
  extra: Partial<DeviceEvent> = {},
): DeviceEvent {
  return {
    eventId: randomUUID(),
    deviceCode,
    source: 'mqtt',
    vendorCode: type,
    type,
    state: 'pulse',
    occurredAt: at.toISOString(),
    receivedAt: at.toISOString(),
    count: 1,
    snapshots: [],
    payload: {},
    ...extra,
  };
}

export interface Signed {
  bridgeId: string;
  secret?: string;
  timestamp?: number;
}

export async function postEvents(api: ApiClient, body: unknown, o: Signed & { now: Date }) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const ts = String(o.timestamp ?? o.now.getTime());
  return api.request('POST', '/api/v1/device-events', {
    raw,
    contentType: 'application/json',
    headers: {
      'x-linli-bridge': o.bridgeId,
      'x-linli-timestamp': ts,
      'x-linli-signature': sign(o.secret ?? SECRET, ts, raw),
    },
  });
}

export async function postSnapshot(api: ApiClient, data: Buffer, kind: string, o: Signed & { now: Date }) {
  const ts = String(o.timestamp ?? o.now.getTime());
  const sha = createHash('sha256').update(data).digest('hex');
  return api.request('POST', '/api/v1/device-snapshots', {
    raw: data,
    contentType: 'image/jpeg',
    headers: {
      'x-linli-bridge': o.bridgeId,
      'x-linli-timestamp': ts,
      'x-linli-signature': sign(o.secret ?? SECRET, ts, sha),
      'x-linli-snapshot-kind': kind,
    },
  });
}
