// The events demo data: the default categories, and three events of 凤凰社区 at different steps, made once.
import { eq } from 'drizzle-orm';
import { seedDemo as seedCommunity } from '../../seed/demo.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { TEST_PASSWORD_HASH } from '../../testing/world.js';
import { latestTask } from './domain.js';
import { communityEvents, eventCategories } from './schema.js';
import { seedDemo } from './seed.js';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
  await seedCommunity(server.services.db, server.services.vault, { passwordHash: TEST_PASSWORD_HASH });
});
afterAll(async () => server?.close());

it('seeds the categories and three demo events of 凤凰社区, once', async () => {
  await seedDemo(server.services);
  await seedDemo(server.services);
  const categories = await server.services.db
    .select({ name: eventCategories.name, kind: eventCategories.kind })
    .from(eventCategories)
    .where(eq(eventCategories.orgPath, ''));
  expect(categories.map((c) => c.name)).toEqual(
    expect.arrayContaining([
      '环境卫生',
      '私搭乱建',
      '占道经营',
      '消防隐患',
      '噪音扰民',
      '设施损坏',
      '邻里纠纷',
      '安全隐患',
      '其他',
    ]),
  );
  expect(categories.find((c) => c.name === '设施损坏')!.kind).toBe('repair');
  expect(categories.find((c) => c.name === '邻里纠纷')!.kind).toBe('dispute');

  const events = await server.services.db.select().from(communityEvents);
  expect(events.map((e) => [e.source, e.state]).sort()).toEqual([
    ['hotline', 'classifying'],
    ['patrol', 'dispatched'],
    ['resident', 'dispatched'],
  ]);
  const patrol = events.find((e) => e.source === 'patrol')!;
  expect(patrol.target).toBe('grid_worker');
  expect((await latestTask(server.services, patrol.instanceId, 'Task_Handle'))?.status).toBe('open');
  expect(events.find((e) => e.source === 'resident')!.target).toBe('property');
});
