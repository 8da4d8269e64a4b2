// The repair demo data: the demo technicians are on the duty roster, once, and a demo resident's repair is
// dispatched automatically to one of them.
import { eq } from 'drizzle-orm';
import { seedDemo as seedCommunity } from '../../seed/demo.js';
import { users } from '../../db/schema.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { TEST_PASSWORD_HASH } from '../../testing/world.js';
import { repairDutyRoster } from './schema.js';
import { seedDemo } from './seed.js';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
  await seedCommunity(server.services.db, server.services.vault, { passwordHash: TEST_PASSWORD_HASH });
});
afterAll(async () => server?.close());

it('puts the demo technicians on the duty roster of 凤凰社区, once', async () => {
  await seedDemo(server.services);
  await seedDemo(server.services);
  const rows = await server.services.db
    .select({
      username: users.username,
      categories: repairDutyRoster.categories,
      onDuty: repairDutyRoster.onDuty,
    })
    .from(repairDutyRoster)
    .innerJoin(users, eq(users.id, repairDutyRoster.technicianId))
    .orderBy(users.username);
  expect(rows).toEqual([
    { username: 'tech1', categories: ['water', 'electricity', 'door', 'gas', 'other'], onDuty: true },
    { username: 'tech2', categories: [], onDuty: true },
  ]);
});
