// The volunteer demo data on top of the demo community: volunteers with history, a stocked mall, live cases,
// written once however often it runs, and readable through the API by the demo accounts.
import { eq, sql } from 'drizzle-orm';
import { issueSession } from '../../auth/tokens.js';
import { users } from '../../db/schema.js';
import { seedDemo as seedCommunity } from '../../seed/demo.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { readBundledProcess } from '../deploy.js';
import { VOLUNTEER_BPMN } from './index.js';
import { seedDemo } from './seed.js';

let server: TestServer;

beforeAll(async () => {
  server = await createTestServer();
  await seedCommunity(server.services.db, server.services.vault);
  for (const file of VOLUNTEER_BPMN)
    await server.services.workflow.runtime.deploy(await readBundledProcess(file), null);
  await seedDemo(server.services);
}, 120_000);
afterAll(async () => server?.close());

const count = async (table: string) =>
  (await server.services.store.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

async function tokenOf(username: string) {
  const [user] = await server.services.db.select().from(users).where(eq(users.username, username));
  return (await issueSession(server.services, user!.id, 'password')).accessToken;
}

it('writes nothing the second time', async () => {
  const before = await Promise.all(['points_ledger', 'mall_items', 'volunteer_activities'].map(count));
  await seedDemo(server.services);
  expect(await Promise.all(['points_ledger', 'mall_items', 'volunteer_activities'].map(count))).toEqual(
    before,
  );
});

it('gives volunteer1 a record and a rank, and residents a mall and open opportunities', async () => {
  const volunteer = await tokenOf('volunteer1');
  const record = await server.api.get('/api/v1/volunteer/me/record', volunteer);
  expect(record.status).toBe(200);
  expect(record.body).toMatchObject({ name: '刘洋', isPartyMember: true, registration: 'approved' });
  expect(record.body.balance).toBe(70); // 重阳节敬老院慰问 30 + 帮独居老人买菜 15 + 社区义务理发 25
  expect(record.body.rank.pointsAllTime.rank).toBe(1);

  const resident = await tokenOf('resident1');
  const mall = await server.api.get('/api/v1/volunteer/mall/items', resident);
  expect(mall.body.items.map((i: { name: string }) => i.name)).toEqual(
    expect.arrayContaining(['洗衣液（2kg）', '理发服务券', '社区食堂餐券']),
  );
  const open = await server.api.get('/api/v1/volunteer/activities?status=open', volunteer);
  expect(open.body.items.map((a: { title: string }) => a.title)).toEqual(
    expect.arrayContaining(['周末楼道小广告清理', '帮忙安装晾衣架']),
  );
  const ranking = await server.api.get('/api/v1/volunteer/ranking?period=all', resident);
  expect(ranking.body.items.length).toBeGreaterThanOrEqual(4);
});
