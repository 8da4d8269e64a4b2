// The demo seed: a mediation committee per demo community and one case under mediation, written once.
import { eq } from 'drizzle-orm';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';
import { deployDispute } from './fixtures.js';
import { seedDemo } from './seed.js';
import { disputeCommitteeMembers, disputeSessions, disputes } from './schema.js';

let server: TestServer;
let world: World;

beforeAll(async () => {
  server = await createTestServer();
  world = await buildWorld(server.services.db, server.services.vault, '凤凰', 3);
  await deployDispute(server.services);
});
afterAll(async () => server?.close());

it('gives 凤凰社区 its committee and a case under mediation, and running it again adds nothing', async () => {
  await seedDemo(server.services);
  await seedDemo(server.services);
  const db = server.services.db;
  const members = await db
    .select()
    .from(disputeCommitteeMembers)
    .where(eq(disputeCommitteeMembers.communityId, world.ids.community!));
  expect(members.map((m) => [m.userId, m.title]).sort()).toEqual(
    [
      [world.users.community_admin, '主任'],
      [world.users.grid_worker, '委员'],
      [world.users.volunteer, '委员'],
    ].sort(),
  );
  const rows = await db.select().from(disputes);
  expect(rows).toEqual([
    expect.objectContaining({
      status: 'mediating',
      mediatorId: world.users.grid_worker,
      registeredBy: world.users.resident,
    }),
  ]);
  expect(await db.select().from(disputeSessions)).toHaveLength(1);
});
