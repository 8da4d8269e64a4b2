// The alert demo data: the demo bridge can post, the seven demo devices sit at real places of 凤凰社区 (the elderly
// door sensor in the room of a resident living alone), their grids have a duty roster; seeding twice changes
// nothing. An e-bike in the lift of FH-LIFT-07, posted as the bridge would, becomes an alert for its grid.
import { eq } from 'drizzle-orm';
import { seedDemo as seedCommunity } from '../../seed/demo.js';
import { householdBindings, residents } from '../../db/schema.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { TEST_PASSWORD_HASH } from '../../testing/world.js';
import { devices, gridDutyRoster } from '../../alerts/schema.js';
import { event, postEvents } from '../../alerts/testing.js';
import { DEMO_BRIDGE_ID, DEMO_BRIDGE_SECRET, seedDemo } from './seed.js';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ ALERT_JOBS: 'false', NOTIFY_DISPATCHER: 'false' });
  await seedCommunity(server.services.db, server.services.vault, { passwordHash: TEST_PASSWORD_HASH });
}, 600_000);
afterAll(async () => server?.close());

it('places the demo devices in 凤凰社区 with a duty roster, once, and the demo bridge posts', async () => {
  await seedDemo(server.services);
  await seedDemo(server.services);
  const rows = await server.services.db.select().from(devices).orderBy(devices.code);
  expect(rows.map((d) => d.code)).toEqual([
    'FH-CAM-31',
    'FH-CAM-33',
    'FH-DH-01',
    'FH-DOOR-40',
    'FH-DOOR-52',
    'FH-HOME-ELDER-1',
    'FH-LIFT-07',
  ]);
  expect(rows.every((d) => d.gridId !== null)).toBe(true);
  const elder = rows.find((d) => d.code === 'FH-HOME-ELDER-1')!;
  const [living] = await server.services.db
    .select({ tags: residents.tags })
    .from(householdBindings)
    .innerJoin(residents, eq(residents.id, householdBindings.residentId))
    .where(eq(householdBindings.roomId, elder.roomId!));
  expect(living!.tags).toContain('elderly_living_alone');
  const roster = await server.services.db.select().from(gridDutyRoster);
  expect(roster.length).toBeGreaterThan(0);
  const res = await postEvents(
    server.api,
    { events: [event('FH-LIFT-07', 'ebike_in_lift', new Date())] },
    { bridgeId: DEMO_BRIDGE_ID, secret: DEMO_BRIDGE_SECRET, now: new Date() },
  );
  expect(res.status).toBe(200);
  expect(res.body.results[0]).toMatchObject({ status: 'accepted', alertId: expect.any(String) });
});
