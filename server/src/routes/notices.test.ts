// Notices and party-building news through the API: the community office writes, publishes and withdraws;
// residents read the published ones of their own community; nobody reaches another community's notices.
import { sql } from 'drizzle-orm';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { issueSession } from '../auth/tokens.js';
import type { Role } from '../policy/permissions.js';
import { users } from '../db/schema.js';

let server: TestServer;
let w: World;
let other: World;
const token: Partial<Record<Role, string>> = {};
const otherToken: Partial<Record<Role, string>> = {};
const count = async () =>
  (await server.services.store.rows<{ n: number }>(sql.raw('select count(*)::int as n from notices')))[0]!.n;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

beforeAll(async () => {
  server = await createTestServer();
  w = await buildWorld(server.services.db, server.services.vault, '戊', 5);
  other = await buildWorld(server.services.db, server.services.vault, '己', 6);
  for (const role of Object.keys(w.users) as Role[]) {
    token[role] = (await issueSession(server.services, w.users[role], 'password')).accessToken;
    otherToken[role] = (await issueSession(server.services, other.users[role], 'password')).accessToken;
  }
});
afterAll(async () => server?.close());

const draft = (over: Record<string, unknown> = {}) => ({
  orgUnitId: w.ids.community,
  kind: 'notice',
  title: '停水通知',
  body: '因管网维修，本周六8:00-14:00停水。\n\n请提前储水。',
  ...over,
});

describe('writing and publishing', () => {
  it('creates a draft that only the office sees, publishes it for residents, withdraws it again', async () => {
    const created = await server.api.post('/api/v1/notices', draft(), token.community_admin);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', publishedAt: null, orgUnitName: '戊社区' });
    expect(created.body.summary).toBe('因管网维修，本周六8:00-14:00停水。');
    const id = created.body.id as string;

    const residentList = async () =>
      (await server.api.get('/api/v1/notices', token.resident)).body.items.map((n: { id: string }) => n.id);
    expect(await residentList()).not.toContain(id);
    expect((await server.api.get(`/api/v1/notices/${id}`, token.resident)).status).toBe(404);

    const published = await server.api.post(
      `/api/v1/notices/${id}/publish`,
      undefined,
      token.community_admin,
    );
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    expect(published.body.publishedAt).not.toBeNull();
    expect(await residentList()).toContain(id);

    const unread = (await server.api.get('/api/v1/notices', token.resident)).body.items.find(
      (n: { id: string }) => n.id === id,
    );
    expect(unread.read).toBe(false);
    const opened = await server.api.get(`/api/v1/notices/${id}`, token.resident);
    expect(opened.body.title).toBe('停水通知');
    const after = (await server.api.get('/api/v1/notices', token.resident)).body.items.find(
      (n: { id: string }) => n.id === id,
    );
    expect(after.read).toBe(true);

    const again = await server.api.post(`/api/v1/notices/${id}/publish`, undefined, token.community_admin);
    expect(again.status).toBe(409);
    const deleted = await server.api.delete(`/api/v1/notices/${id}`, token.community_admin);
    expect(deleted.status).toBe(409);

    const withdrawn = await server.api.post(
      `/api/v1/notices/${id}/withdraw`,
      undefined,
      token.community_admin,
    );
    expect(withdrawn.body.status).toBe('withdrawn');
    expect(await residentList()).not.toContain(id);
    const adminList = await server.api.get('/api/v1/notices?status=withdrawn', token.community_admin);
    expect(adminList.body.items.map((n: { id: string }) => n.id)).toContain(id);

    // a withdrawn notice is corrected and published again
    const fixed = await server.api.patch(
      `/api/v1/notices/${id}`,
      { title: '停水通知（更正）' },
      token.community_admin,
    );
    expect(fixed.body).toMatchObject({ title: '停水通知（更正）', status: 'withdrawn' });
    await server.api.post(`/api/v1/notices/${id}/publish`, undefined, token.community_admin);
    expect(await residentList()).toContain(id);
  });

  it('edits drafts and published notices, deletes drafts only', async () => {
    const { body: n } = await server.api.post(
      '/api/v1/notices',
      draft({ title: '垃圾分类' }),
      token.community_admin,
    );
    const edited = await server.api.patch(
      `/api/v1/notices/${n.id}`,
      { title: '垃圾分类新规', pinned: true },
      token.community_admin,
    );
    expect(edited.body).toMatchObject({ title: '垃圾分类新规', pinned: true, status: 'draft' });
    const gone = await server.api.delete(`/api/v1/notices/${n.id}`, token.community_admin);
    expect(gone.status).toBe(200);
    expect((await server.api.get(`/api/v1/notices/${n.id}`, token.community_admin)).status).toBe(404);
  });

  it('shows pinned notices first, then the newest, and pages', async () => {
    const mk = async (title: string, pinned = false) => {
      const { body } = await server.api.post(
        '/api/v1/notices',
        draft({ title, pinned, kind: 'party_news' }),
        token.community_admin,
      );
      await server.api.post(`/api/v1/notices/${body.id}/publish`, undefined, token.community_admin);
    };
    await mk('主题党日', true);
    await mk('党员志愿服务');
    await mk('党课学习');
    const page1 = await server.api.get('/api/v1/notices?kind=party_news&pageSize=2', token.resident);
    expect(page1.body.total).toBe(3);
    expect(page1.body.items.map((n: { title: string }) => n.title)).toEqual(['主题党日', '党课学习']);
    const page2 = await server.api.get('/api/v1/notices?kind=party_news&pageSize=2&page=2', token.resident);
    expect(page2.body.items.map((n: { title: string }) => n.title)).toEqual(['党员志愿服务']);
    const found = await server.api.get(`/api/v1/notices?q=${encodeURIComponent('志愿')}`, token.resident);
    expect(found.body.items.map((n: { title: string }) => n.title)).toEqual(['党员志愿服务']);
  });

  it("a street's notice reaches the residents of its communities, and the cover is readable by them", async () => {
    const upload = await server.api.request('POST', '/api/v1/files', {
      token: token.street_admin,
      raw: JPEG,
      contentType: 'image/jpeg',
    });
    const { body: n } = await server.api.post(
      '/api/v1/notices',
      draft({ orgUnitId: w.ids.street, title: '街道消防演练', coverFileId: upload.body.id }),
      token.street_admin,
    );
    expect(n.coverFileId).toBe(upload.body.id);
    await server.api.post(`/api/v1/notices/${n.id}/publish`, undefined, token.street_admin);
    const list = await server.api.get('/api/v1/notices', token.resident);
    expect(list.body.items.map((x: { title: string }) => x.title)).toContain('街道消防演练');
    const cover = await server.api.get(`/api/v1/notices/${n.id}/cover`, token.resident);
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toBe('image/jpeg');
    const foreign = await server.api.get(`/api/v1/notices/${n.id}/cover`, otherToken.resident);
    expect(foreign.status).toBe(404);
  });
});

describe('scope', () => {
  it('another community can neither read nor change a notice, nor write for this community', async () => {
    const { body: n } = await server.api.post(
      '/api/v1/notices',
      draft({ title: '消防演练' }),
      token.community_admin,
    );
    await server.api.post(`/api/v1/notices/${n.id}/publish`, undefined, token.community_admin);
    for (const role of ['resident', 'grid_worker', 'community_admin'] as Role[]) {
      expect((await server.api.get(`/api/v1/notices/${n.id}`, otherToken[role])).status).toBe(404);
      const list = await server.api.get('/api/v1/notices?pageSize=200', otherToken[role]);
      expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(n.id);
    }
    const edit = await server.api.patch(
      `/api/v1/notices/${n.id}`,
      { title: '篡改' },
      otherToken.community_admin,
    );
    expect(edit.status).toBe(404);
    const withdraw = await server.api.post(
      `/api/v1/notices/${n.id}/withdraw`,
      undefined,
      otherToken.community_admin,
    );
    expect(withdraw.status).toBe(404);
    const before = await count();
    const foreign = await server.api.post('/api/v1/notices', draft(), otherToken.community_admin);
    expect(foreign.status).toBe(404);
    expect(await count()).toBe(before);
    expect((await server.api.get(`/api/v1/notices/${n.id}`, token.community_admin)).body.title).toBe(
      '消防演练',
    );
  });

  it('someone signed in without a room or a role reads an empty list, not an error', async () => {
    const [stranger] = await server.services.db.insert(users).values({ displayName: '新用户' }).returning();
    const t = (await issueSession(server.services, stranger!.id, 'password')).accessToken;
    const res = await server.api.get('/api/v1/notices', t);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(0);
  });

  it('grid workers and residents read but may not write', async () => {
    const before = await count();
    for (const role of ['grid_worker', 'resident'] as Role[]) {
      expect((await server.api.post('/api/v1/notices', draft(), token[role])).status).toBe(403);
    }
    const drafts = await server.api.get('/api/v1/notices?status=draft', token.grid_worker);
    expect(drafts.status).toBe(403);
    expect(await count()).toBe(before);
  });
});

describe('validation', () => {
  it('answers 400 naming the field and changes nothing', async () => {
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [draft({ title: '' }), 'title'],
      [draft({ title: '很'.repeat(61) }), 'title'],
      [draft({ body: '   ' }), 'body'],
      [draft({ kind: 'advert' }), 'kind'],
      [draft({ orgUnitId: 'nope' }), 'orgUnitId'],
      [draft({ orgUnitId: w.ids.grid }), 'orgUnitId'],
      [draft({ coverFileId: '00000000-0000-4000-8000-000000000000' }), 'coverFileId'],
      [draft({ html: '<script>' }), 'html'],
    ];
    for (const [body, field] of cases) {
      const res = await server.api.post('/api/v1/notices', body, token.community_admin);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(JSON.stringify(res.body)).toContain(field);
    }
    const { body: n } = await server.api.post(
      '/api/v1/notices',
      draft({ title: '原标题' }),
      token.community_admin,
    );
    const bad = await server.api.patch(
      `/api/v1/notices/${n.id}`,
      { title: '', pinned: true },
      token.community_admin,
    );
    expect(bad.status).toBe(400);
    const still = await server.api.get(`/api/v1/notices/${n.id}`, token.community_admin);
    expect(still.body).toMatchObject({ title: '原标题', pinned: false });
    expect(await count()).toBe(before + 1);
  });

  it('keeps markup as text: the body is stored and returned verbatim, never interpreted', async () => {
    const body = '<img src=x onerror=alert(1)>\n\n第二段';
    const { body: n } = await server.api.post('/api/v1/notices', draft({ body }), token.community_admin);
    expect(n.body).toBe(body);
  });

  it('summarises by the first paragraph that says something, not the salutation', async () => {
    const body = '各位居民：\n\n明天8:00至12:00停水。\n\n凤凰社区居委会';
    const { body: n } = await server.api.post('/api/v1/notices', draft({ body }), token.community_admin);
    expect(n.summary).toBe('明天8:00至12:00停水。');
  });
});
