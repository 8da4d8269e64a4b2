// The alert routes' rows of the authorisation matrix (policy/matrix.test.ts merges them), and the fixtures their
// `:id`s name in each test world: a device on the world's unit, alerts waiting at each step of their case (and one
// that needs no case), a face snapshot, a bridge, duty roster entries.
import { eq } from 'drizzle-orm';
import type { Services } from '../../services.js';
import { files, orgUnits } from '../../db/schema.js';
import { GRID, STAFF_READERS, type Expectation, type MatrixFixtures } from '../../testing/matrix.js';
import type { World } from '../../testing/world.js';
import { readBundledProcess } from '../deploy.js';
import { alerts, deviceBridges, deviceSnapshots, devices, gridDutyRoster } from '../../alerts/schema.js';
import { nextNumbers } from '../../alerts/announce.js';
import { startCases } from '../../alerts/cases.js';
import { openTasksOf } from '../../workflow/queries.js';
import { DEVICE_UPLOADER } from '../../alerts/routes.js';

export const expectations: Record<string, Expectation> = {
  'POST /device-events': {
    in: [],
    out: 'not-scoped',
    why: 'device bridges sign with their secret; no session',
  },
  'POST /device-snapshots': {
    in: [],
    out: 'not-scoped',
    why: 'device bridges sign with their secret; no session',
  },
  'GET /alerts': { in: STAFF_READERS },
  'GET /alerts/:id': {
    in: STAFF_READERS,
    why: 'property staff: the fixture is a building fault routed to them',
  },
  'POST /alerts/:id/acknowledge': { in: GRID },
  'POST /alerts/:id/verify': { in: GRID },
  'POST /alerts/:id/resolve': { in: GRID },
  'POST /alerts/:id/close': { in: GRID },
  'GET /alert-snapshots/:id': { in: GRID, why: 'face snapshots: grid workers and community admins only' },
  'GET /devices': { in: STAFF_READERS },
  'POST /devices': { in: ['community_admin'] },
  'PATCH /devices/:id': { in: ['community_admin'] },
  'GET /device-bridges': { in: ['community_admin'] },
  'POST /device-bridges': { in: ['community_admin'] },
  'POST /device-bridges/:id/rotate-secret': { in: ['community_admin'] },
  'GET /alert-duty': { in: STAFF_READERS },
  'POST /alert-duty': { in: ['community_admin'] },
  'PATCH /alert-duty/:id': { in: ['community_admin'] },
  'DELETE /alert-duty/:id': { in: ['community_admin'] },
  'GET /alert-types': { in: STAFF_READERS },
  'PUT /alert-types/:id': { in: ['community_admin'] },
};

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

async function alertIn(
  s: Services,
  world: World,
  deviceId: string,
  code: string,
  type: string,
  needsHandling: boolean,
  forProperty = false,
) {
  const now = s.now();
  const [number] = await nextNumbers(s.db, now, 1);
  const [row] = await s.db
    .insert(alerts)
    .values({
      number: number!,
      type,
      severity: 'major',
      needsHandling,
      forProperty,
      deviceId,
      deviceCode: code,
      communityId: world.ids.community!,
      gridId: world.ids.grid!,
      orgPath: (await s.db.select().from(devices).where(eq(devices.id, deviceId)))[0]!.orgPath,
      location: '1号楼1单元',
      firstAt: now,
      lastAt: now,
      caseState: needsHandling ? 'pending' : 'none',
      routedTo: [world.users.grid_worker],
    })
    .returning();
  if (needsHandling) await startCases(s, [row!.id]);
  return (await s.db.select().from(alerts).where(eq(alerts.id, row!.id)))[0]!;
}

async function step(
  s: Services,
  world: World,
  instanceId: string,
  activityId: string,
  status: 'acknowledged' | 'verifying',
  alertId: string,
) {
  const task = (await openTasksOf(s.db, [instanceId])).find((t) => t.activityId === activityId)!;
  await s.workflow.tasks.complete(
    task.id,
    { userId: world.users.community_admin, groups: ['community_admin'], supervisor: true },
    { outcome: 'done', variables: { handler: world.users.grid_worker } },
  );
  await s.db.update(alerts).set({ status }).where(eq(alerts.id, alertId));
}

export const fixtures: MatrixFixtures = async (s, world) => {
  await s.workflow.runtime.deploy(await readBundledProcess('alert-handling.bpmn'), null);
  const ids = world.ids;
  ids.gridWorkerUser = world.users.grid_worker;
  ids.alertType = 'door_forced';
  const code = `T-${ids.unit!.slice(0, 8)}`;
  const [grid] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, ids.grid!));
  const [community] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, ids.community!));
  const gridPath = grid!.path;
  const [device] = await s.db
    .insert(devices)
    .values({
      code,
      name: '单元门禁',
      vendor: 'hikvision',
      kind: 'door',
      communityId: ids.community!,
      gridId: ids.grid!,
      compoundId: ids.compound!,
      buildingId: ids.building!,
      unitId: ids.unit!,
      orgPath: gridPath,
      location: '1号楼1单元',
      propertyCompanyId: ids.propertyCompany!,
    })
    .returning();
  ids.device = device!.id;
  const alert = await alertIn(s, world, device!.id, code, 'door_held_open', false, true);
  ids.alert = alert.id;
  ids.alertNoCase = (await alertIn(s, world, device!.id, code, 'motion', false)).id;
  const open = await alertIn(s, world, device!.id, code, 'door_forced', true);
  ids.alertOpen = open.id;
  const acked = await alertIn(s, world, device!.id, code, 'door_forced', true);
  await step(s, world, acked.instanceId!, 'Task_Ack', 'acknowledged', acked.id);
  ids.alertAcked = acked.id;
  const verified = await alertIn(s, world, device!.id, code, 'door_forced', true);
  await step(s, world, verified.instanceId!, 'Task_Ack', 'acknowledged', verified.id);
  await step(s, world, verified.instanceId!, 'Task_Verify', 'verifying', verified.id);
  ids.alertVerified = verified.id;
  // each world its own bytes: a bridge's snapshots are unique by content
  const jpeg = Buffer.concat([JPEG, Buffer.from(world.ids.community!)]);
  const stored = await s.files.put(jpeg);
  const [file] = await s.db
    .insert(files)
    .values({
      name: 'face.jpg',
      kind: 'image',
      contentType: 'image/jpeg',
      size: jpeg.length,
      sha256: stored.sha256,
      storageKey: stored.key,
      uploadedBy: DEVICE_UPLOADER,
    })
    .returning();
  await s.db.insert(deviceSnapshots).values({
    fileId: file!.id,
    bridgeId: 'x',
    sha256: stored.sha256,
    kind: 'face',
    alertId: alert.id,
    orgPath: alert.orgPath,
  });
  await s.db
    .update(alerts)
    .set({ snapshotFileIds: [file!.id] })
    .where(eq(alerts.id, alert.id));
  ids.alertFace = file!.id;
  const bridgeId = `bridge-${ids.community!.slice(0, 8)}`;
  await s.db.insert(deviceBridges).values({
    id: bridgeId,
    name: '网关',
    communityId: ids.community!,
    orgPath: community!.path,
    secretEnc: s.vault.encrypt('secret-secret-secret'),
  });
  ids.bridge = bridgeId;
  const [duty] = await s.db
    .insert(gridDutyRoster)
    .values({ gridId: ids.grid!, orgPath: gridPath, userId: world.users.grid_worker, order: 0 })
    .returning();
  ids.alertDuty = duty!.id;
  const [spare] = await s.db
    .insert(gridDutyRoster)
    .values({ gridId: ids.grid!, orgPath: gridPath, userId: world.users.community_admin, order: 5 })
    .returning();
  ids.alertDutySpare = spare!.id;
};
