// A first sign-in (a WeChat account with no role and no resident record yet) finds its room in the address
// directory and follows its own binding request: pending, then refused with the reviewer's note; it never sees
// other people's requests.
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { issueSession } from '../auth/tokens.js';
import { users } from '../db/schema.js';

let server: TestServer;
let w: World;
let staff: string;

beforeAll(async () => {
  server = await createTestServer();
  w = await buildWorld(server.services.db, server.services.vault, '戊', 5);
  staff = (await issueSession(server.services, w.users.community_admin, 'password')).accessToken;
});
afterAll(async () => server?.close());

async function firstSignIn(openid: string): Promise<string> {
  const [user] = await server.services.db
    .insert(users)
    .values({ displayName: '微信用户', wechatOpenid: openid })
    .returning();
  return (await issueSession(server.services, user!.id, 'wechat')).accessToken;
}

describe('a first sign-in binding to a room', () => {
  it('searches the address directory before it has a role or a resident record', async () => {
    const me = await firstSignIn('o-directory');
    const room = await server.api.get(`/api/v1/rooms/${w.ids.room}`, staff);
    const found = await server.api.get(
      `/api/v1/rooms?q=${encodeURIComponent(room.body.standardAddress)}`,
      me,
    );
    expect(found.status).toBe(200);
    expect(found.body.items.map((r: { id: string }) => r.id)).toEqual([w.ids.room]);
    // what is staff-only about a room stays hidden
    expect(found.body.items[0].occupancy).toBeUndefined();
    // and nothing beyond the directory opens up
    expect((await server.api.get('/api/v1/residents', me)).status).toBe(403);
    expect((await server.api.get('/api/v1/household-bindings', me)).status).toBe(403);
  });

  it('sees its own pending request, then the refusal with the note, and nobody else’s', async () => {
    const me = await firstSignIn('o-follow');
    const asked = await server.api.post(
      '/api/v1/me/household-bindings',
      { roomId: w.ids.spareRoom, relation: 'tenant', name: '新租户' },
      me,
    );
    expect(asked.status).toBe(201);
    const mine = await server.api.get('/api/v1/household-bindings', me);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((b: { id: string; status: string }) => [b.id, b.status])).toEqual([
      [asked.body.id, 'pending'],
    ]);

    const refused = await server.api.post(
      `/api/v1/household-bindings/${asked.body.id}/review`,
      { decision: 'reject', note: '租赁合同不在有效期内' },
      staff,
    );
    expect(refused.status).toBe(200);
    const after = await server.api.get('/api/v1/household-bindings', me);
    expect(after.body.items).toHaveLength(1);
    expect(after.body.items[0]).toMatchObject({ status: 'rejected', reviewNote: '租赁合同不在有效期内' });
    // the world's other pending request (another resident, another room) is not in the list
    expect(after.body.items.map((b: { id: string }) => b.id)).not.toContain(w.ids.pendingBinding);
  });
});
