// 审计日志 over real HTTP: the time range. `from` is inclusive and `to` exclusive, so that one China day is
// [day 00:00+08:00, next day 00:00+08:00); a range the wrong way round, or a time without its offset, is a 400
// that names the field and reads nothing.
import { issueSession } from '../auth/tokens.js';
import type { Role } from '../policy/permissions.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';

let server: TestServer;
let mine: World;

beforeAll(async () => {
  server = await createTestServer();
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
});
afterAll(async () => server?.close());

const as = async (role: Role) =>
  (await issueSession(server.services, mine.users[role], 'password')).accessToken;

interface Entry {
  id: string;
  at: string;
  actorUserId: string;
  reason: string;
}

async function log(query: string): Promise<{ status: number; items: Entry[]; body: any }> {
  const res = await server.api.get(`/api/v1/audit-logs?${query}`, await as('community_admin'));
  return { status: res.status, items: (res.body.items ?? []) as Entry[], body: res.body };
}

const iso = (ms: number) => new Date(ms).toISOString();

it('keeps to the range: from inclusive, to exclusive, either side open', async () => {
  const revealed = await server.api.post(
    `/api/v1/residents/${mine.ids.resident}/reveal`,
    { fields: ['phone'], reason: '核对审计时间范围' },
    await as('grid_worker'),
  );
  expect(revealed.status).toBe(200);
  const target = `action=reveal&targetId=${mine.ids.resident}`;
  const all = await log(target);
  expect(all.items).toHaveLength(1);
  const at = Date.parse(all.items[0]!.at);
  expect(all.items[0]!.reason).toBe('核对审计时间范围');

  // the China day of the reveal holds it; the day before does not
  const dayStart = at - ((at + 8 * 3_600_000) % 86_400_000);
  const day = (start: number) => `from=${iso(start)}&to=${iso(start + 86_400_000)}`;
  expect((await log(`${target}&${day(dayStart)}`)).items.map((e) => e.id)).toEqual([all.items[0]!.id]);
  expect((await log(`${target}&${day(dayStart - 86_400_000)}`)).items).toEqual([]);

  // an offset of +08:00 means the same instant as Z
  const china = new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
  expect((await log(`${target}&from=${encodeURIComponent(china)}`)).items).toHaveLength(1);

  // the bounds: at the entry's instant `from` holds it, `to` does not
  expect((await log(`${target}&from=${iso(at)}`)).items).toHaveLength(1);
  expect((await log(`${target}&to=${iso(at)}`)).items).toEqual([]);
  expect((await log(`${target}&to=${iso(at + 1)}`)).items).toHaveLength(1);
  expect((await log(`${target}&from=${iso(at + 1)}`)).items).toEqual([]);
  // the total follows the range too
  expect((await log(`${target}&from=${iso(at + 1)}`)).body.total).toBe(0);
});

it('refuses a range the wrong way round and times it cannot read, naming the field', async () => {
  const reversed = await log(`from=${iso(Date.UTC(2026, 10, 2))}&to=${iso(Date.UTC(2026, 10, 1))}`);
  expect(reversed.status).toBe(400);
  expect(reversed.body.error.message).toMatch(/from/);
  expect(reversed.body.error.message).toMatch(/to/);
  expect(reversed.body.error.details).toEqual([{ path: 'from', message: 'must not be later than to' }]);

  for (const [query, field] of [
    ['from=2026-11-01', 'from'],
    ['to=2026-11-01T00:00:00', 'to'],
    ['to=yesterday', 'to'],
  ] as const) {
    const res = await log(query);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: field, message: 'must be an ISO date-time with an offset' },
    ]);
  }

  // an empty range is no error: nothing is in it
  const empty = await log(`from=${iso(Date.UTC(2026, 10, 1))}&to=${iso(Date.UTC(2026, 10, 1))}`);
  expect(empty.status).toBe(200);
  expect(empty.items).toEqual([]);
});
