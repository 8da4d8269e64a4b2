// The demo catalogue and applications load into the demo communities, and loading twice changes nothing.
import { eq, sql } from 'drizzle-orm';
import { seedDemo as seedCommunity } from '../../seed/demo.js';
import { TEST_PASSWORD_HASH } from '../../testing/world.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { readBundledProcess } from '../deploy.js';
import { seedDemo } from './seed.js';
import { approvalItems, approvals } from './schema.js';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
});
afterAll(async () => server?.close());

it('seeds five items per demo community and two applications of the demo resident, once', async () => {
  const s = server.services;
  await seedCommunity(s.db, s.vault, { passwordHash: TEST_PASSWORD_HASH });
  await s.workflow.runtime.deploy(await readBundledProcess('approval.bpmn'), null);
  await seedDemo(s);
  await seedDemo(s);
  const items = await s.db.select().from(approvalItems);
  expect(items).toHaveLength(10);
  expect(new Set(items.map((i) => i.name))).toEqual(
    new Set(['居住证明', '最低生活保障申请（低保）', '高龄津贴申领', '残疾人证代办', '小区停车证办理']),
  );
  const lowIncome = items.find((i) => i.code === 'low-income')!;
  expect(lowIncome).toMatchObject({ timeLimitDays: 30, reviewGroup: 'street_admin', published: true });
  expect(lowIncome.materials.filter((m) => m.required).length).toBeGreaterThanOrEqual(4);
  const rows = await s.db.select().from(approvals);
  expect(rows.map((r) => r.itemName).sort()).toEqual(['居住证明', '小区停车证办理'].sort());
  const [open] = await s.db
    .select({ n: sql<number>`count(*)::int` })
    .from(approvals)
    .where(eq(approvals.channel, 'online'));
  expect(open!.n).toBe(2);
});
