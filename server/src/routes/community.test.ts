// The community model through the API, as the community office, a grid worker and a resident use it.
import { sql } from 'drizzle-orm';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, idNumberFor, type World } from '../testing/world.js';
import { issueSession } from '../auth/tokens.js';
import type { Role } from '../policy/permissions.js';
import { users } from '../db/schema.js';

let server: TestServer;
let w: World;
const token: Partial<Record<Role, string>> = {};
const wrongCheckDigit = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
const count = async (table: string) =>
  (await server.services.store.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

beforeAll(async () => {
  server = await createTestServer();
  w = await buildWorld(server.services.db, server.services.vault, '丙', 3);
  await buildWorld(server.services.db, server.services.vault, '丁', 4);
  for (const role of Object.keys(w.users) as Role[]) {
    token[role] = (await issueSession(server.services, w.users[role], 'password')).accessToken;
  }
});
afterAll(async () => server?.close());

describe('residents', () => {
  it('pages through residents with a stable total', async () => {
    const first = await server.api.get('/api/v1/residents?page=1&pageSize=2', token.community_admin);
    const second = await server.api.get('/api/v1/residents?page=2&pageSize=2', token.community_admin);
    expect(first.body.total).toBe(5);
    expect(first.body.items).toHaveLength(2);
    expect(second.body.items).toHaveLength(2);
    const ids = [...first.body.items, ...second.body.items].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('finds a resident by exact ID number or phone without storing either in clear', async () => {
    const byId = await server.api.get(
      `/api/v1/residents?idNumber=${w.secrets.idNumbers[1]}`,
      token.grid_worker,
    );
    expect(byId.body.items.map((r: { id: string }) => r.id)).toEqual([w.ids.familyMember]);
    const byPhone = await server.api.get(`/api/v1/residents?phone=${w.secrets.phones[1]}`, token.grid_worker);
    expect(byPhone.body.total).toBe(1);
    const raw = await server.services.store.rows<{ enc: string }>(
      sql`select id_number_enc as enc from residents`,
    );
    expect(raw.some((r) => r.enc.includes(w.secrets.idNumbers[1]!))).toBe(false);
  });

  it('filters by care tag and by name', async () => {
    const tagged = await server.api.get('/api/v1/residents?tag=community_correction', token.community_admin);
    expect(tagged.body.items.map((r: { name: string }) => r.name)).toEqual(['丙业主']);
    const named = await server.api.get(
      `/api/v1/residents?q=${encodeURIComponent('家属')}`,
      token.community_admin,
    );
    expect(named.body.total).toBe(1);
  });

  it('rejects an invalid ID number or a bad page size and writes nothing', async () => {
    const before = await count('residents');
    const bad = await server.api.post(
      '/api/v1/residents',
      { communityId: w.ids.community, name: '错号', idNumber: wrongCheckDigit(idNumberFor(3900)) },
      token.community_admin,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('idNumber');
    expect((await server.api.get('/api/v1/residents?pageSize=1000', token.community_admin)).status).toBe(400);
    expect(await count('residents')).toBe(before);
  });

  it('lets a grid worker register a resident into a room of their grid, masked on read', async () => {
    const idNumber = idNumberFor(3901);
    const created = await server.api.post(
      '/api/v1/residents',
      {
        communityId: w.ids.community,
        name: '新住户',
        idNumber,
        phone: '13611112222',
        roomId: w.ids.spareRoom,
        relation: 'tenant',
        residency: 'floating',
      },
      token.grid_worker,
    );
    expect(created.status).toBe(201);
    expect(created.body.idNumber).toBe(`${idNumber.slice(0, 3)}***********${idNumber.slice(-4)}`);
    expect(created.body.phone).toBe('136****2222');
    expect(created.body.birthDate).toBe(
      `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    );
    expect(created.body.rooms).toEqual([
      expect.objectContaining({ roomId: w.ids.spareRoom, relation: 'tenant', status: 'verified' }),
    ]);
    const again = await server.api.post(
      '/api/v1/residents',
      { communityId: w.ids.community, name: '重复', idNumber, roomId: w.ids.spareRoom, relation: 'family' },
      token.grid_worker,
    );
    expect(again.status).toBe(409);
  });

  it('refuses a gender that contradicts the ID number', async () => {
    const res = await server.api.post(
      '/api/v1/residents',
      { communityId: w.ids.community, name: '性别', idNumber: idNumberFor(3902, true), gender: 'female' },
      token.community_admin,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/gender/);
  });

  it('lets a resident change their own phone but nothing else about themself', async () => {
    const ok = await server.api.patch(
      `/api/v1/residents/${w.ids.resident}`,
      { phone: '13799998888' },
      token.resident,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.phone).toBe('13799998888');
    const refused = await server.api.patch(
      `/api/v1/residents/${w.ids.resident}`,
      { tags: [] },
      token.resident,
    );
    expect(refused.status).toBe(403);
  });
});

describe('household bindings', () => {
  it('takes a new WeChat user from a binding request to a verified household member', async () => {
    const [user] = await server.services.db
      .insert(users)
      .values({ displayName: '微信用户', wechatOpenid: 'o-new-user' })
      .returning();
    const me = (await issueSession(server.services, user!.id, 'wechat')).accessToken;
    const asked = await server.api.post(
      '/api/v1/me/household-bindings',
      { roomId: w.ids.room, relation: 'family', name: '新家属', phone: '13512345678' },
      me,
    );
    expect(asked.status).toBe(201);
    expect(asked.body.status).toBe('pending');
    const pending = await server.api.get('/api/v1/household-bindings?status=pending', token.property_staff);
    expect(pending.body.items.map((b: { id: string }) => b.id)).toContain(asked.body.id);

    const verified = await server.api.post(
      `/api/v1/household-bindings/${asked.body.id}/review`,
      { decision: 'verify', note: '已核实' },
      token.property_staff,
    );
    expect(verified.body.status).toBe('verified');
    const twice = await server.api.post(
      `/api/v1/household-bindings/${asked.body.id}/review`,
      { decision: 'verify' },
      token.property_staff,
    );
    expect(twice.status).toBe(409);

    // now the newcomer sees their household, the owner among them, masked
    const household = await server.api.get('/api/v1/residents', me);
    const names = household.body.items.map((r: { name: string }) => r.name).sort();
    expect(names).toEqual(['丙业主', '丙家属', '新家属'].sort());
    const owner = household.body.items.find((r: { name: string }) => r.name === '丙业主');
    expect(owner.masked).toBe(true);
    expect(owner.tags).toEqual([]);
    const self = household.body.items.find((r: { name: string }) => r.name === '新家属');
    expect(self.phone).toBe('13512345678');
  });

  it('ends a binding when someone moves out', async () => {
    const ended = await server.api.post(
      `/api/v1/household-bindings/${w.ids.pendingBinding}/review`,
      { decision: 'end', note: '搬离' },
      token.community_admin,
    );
    expect(ended.body.status).toBe('ended');
  });
});

describe('the address tree', () => {
  it('builds compound → building → unit → room with standard addresses, and a rename follows down the tree', async () => {
    const admin = token.community_admin;
    const compound = await server.api.post(
      '/api/v1/compounds',
      { communityId: w.ids.community, name: '新城花园' },
      admin,
    );
    expect(compound.status).toBe(201);
    expect(compound.body.standardAddress).toBe('丙区丙街道丙社区新城花园');
    const building = await server.api.post(
      '/api/v1/buildings',
      { compoundId: compound.body.id, gridId: w.ids.grid, name: '8号楼', floors: 11 },
      admin,
    );
    const unit = await server.api.post(
      '/api/v1/units',
      { buildingId: building.body.id, name: '2单元' },
      admin,
    );
    const room = await server.api.post(
      '/api/v1/rooms',
      { unitId: unit.body.id, number: '1102', areaM2: 96.5 },
      admin,
    );
    expect(room.status).toBe(201);
    expect(room.body.floor).toBe(11);
    expect(room.body.standardAddress).toBe('丙区丙街道丙社区新城花园8号楼2单元1102室');

    const duplicate = await server.api.post('/api/v1/rooms', { unitId: unit.body.id, number: '1102' }, admin);
    expect(duplicate.status).toBe(409);

    await server.api.patch(`/api/v1/compounds/${compound.body.id}`, { name: '新城雅苑' }, admin);
    const renamed = await server.api.get(`/api/v1/rooms/${room.body.id}`, admin);
    expect(renamed.body.standardAddress).toBe('丙区丙街道丙社区新城雅苑8号楼2单元1102室');
  });

  it('moves a building to another grid, and its residents move to that grid worker', async () => {
    const before = await server.api.get(`/api/v1/residents?gridId=${w.ids.grid2}`, token.community_admin);
    expect(before.body.total).toBe(0);
    const moved = await server.api.patch(
      `/api/v1/buildings/${w.ids.building}`,
      { gridId: w.ids.grid2 },
      token.community_admin,
    );
    expect(moved.body.gridId).toBe(w.ids.grid2);
    const after = await server.api.get(`/api/v1/residents?gridId=${w.ids.grid2}`, token.community_admin);
    expect(after.body.total).toBeGreaterThan(0);
    const gridWorker = await server.api.get('/api/v1/residents', token.grid_worker);
    expect(gridWorker.body.total).toBe(0);
    await server.api.patch(
      `/api/v1/buildings/${w.ids.building}`,
      { gridId: w.ids.grid },
      token.community_admin,
    );
  });

  it('places org units only under the right kind of parent', async () => {
    const wrong = await server.api.post(
      '/api/v1/org-units',
      { kind: 'street', parentId: w.ids.community, name: '错层级' },
      token.street_admin,
    );
    expect(wrong.status).toBe(400);
    const grid = await server.api.post(
      '/api/v1/org-units',
      { kind: 'grid', parentId: w.ids.community, name: '第三网格' },
      token.community_admin,
    );
    expect(grid.status).toBe(201);
    expect(grid.body.path).toBe(`/${w.ids.district}/${w.ids.street}/${w.ids.community}/${grid.body.id}/`);
    const children = await server.api.get(`/api/v1/org-units?parentId=${w.ids.community}`, token.resident);
    expect(children.body.total).toBe(3);
  });
});

describe('organisations and vehicles', () => {
  it('registers a shop in a room and lists it by kind', async () => {
    const shop = await server.api.post(
      '/api/v1/organisations',
      {
        communityId: w.ids.community,
        name: '惠民药店',
        kind: 'shop',
        roomId: w.ids.otherRoom,
        contactPhone: '13866667777',
      },
      token.grid_worker,
    );
    expect(shop.status).toBe(201);
    expect(shop.body.contactPhone).toBe('138****7777');
    expect(shop.body.address).toContain('201室');
    const shops = await server.api.get('/api/v1/organisations?kind=shop', token.grid_worker);
    expect(shops.body.items.map((o: { name: string }) => o.name)).toContain('惠民药店');
  });

  it('registers a resident vehicle, refuses a malformed plate, and finds it by plate', async () => {
    const bad = await server.api.post(
      '/api/v1/vehicles',
      { communityId: w.ids.community, plate: 'ABC123', ownerResidentId: w.ids.resident },
      token.resident,
    );
    expect(bad.status).toBe(400);
    const car = await server.api.post(
      '/api/v1/vehicles',
      { communityId: w.ids.community, plate: '鲁J8K2Q7', kind: 'car', ownerResidentId: w.ids.resident },
      token.resident,
    );
    expect(car.status).toBe(201);
    expect(car.body.ownerName).toBe('丙业主');
    const found = await server.api.get('/api/v1/vehicles?plate=8k2q', token.property_staff);
    expect(found.body.items.map((v: { plate: string }) => v.plate)).toEqual(['鲁J8K2Q7']);
  });
});

describe('staff accounts', () => {
  it('lets a community admin create a grid worker who can then sign in, but not a street admin', async () => {
    const created = await server.api.post(
      '/api/v1/users',
      {
        displayName: '李网格',
        username: 'li.grid',
        password: 'Grid-worker-2026',
        roles: [{ role: 'grid_worker', orgUnitId: w.ids.grid2 }],
      },
      token.community_admin,
    );
    expect(created.status).toBe(201);
    expect(created.body.roles).toEqual([
      expect.objectContaining({ role: 'grid_worker', orgUnitId: w.ids.grid2 }),
    ]);
    const login = await server.api.post('/api/v1/auth/password', {
      username: 'li.grid',
      password: 'Grid-worker-2026',
    });
    expect(login.status).toBe(200);
    expect(login.body.user.roles[0].role).toBe('grid_worker');

    const above = await server.api.post(
      '/api/v1/users',
      {
        displayName: '越权',
        username: 'too.high',
        password: 'Street-admin-2026',
        roles: [{ role: 'street_admin', orgUnitId: w.ids.street }],
      },
      token.community_admin,
    );
    expect(above.status).toBe(403);
    const taken = await server.api.post(
      '/api/v1/users',
      {
        displayName: '重名',
        username: 'li.grid',
        password: 'Grid-worker-2026',
        roles: [{ role: 'grid_worker', orgUnitId: w.ids.grid }],
      },
      token.community_admin,
    );
    expect(taken.status).toBe(409);
    const weak = await server.api.post(
      '/api/v1/users',
      {
        displayName: '弱密码',
        username: 'weak.pw',
        password: 'short',
        roles: [{ role: 'grid_worker', orgUnitId: w.ids.grid }],
      },
      token.community_admin,
    );
    expect(weak.status).toBe(400);
  });

  it('lists staff by role within the admin scope only', async () => {
    const gridWorkers = await server.api.get('/api/v1/users?role=grid_worker', token.street_admin);
    expect(
      gridWorkers.body.items.every((u: { roles: { role: string }[] }) =>
        u.roles.some((r) => r.role === 'grid_worker'),
      ),
    ).toBe(true);
    expect(gridWorkers.body.items.every((u: { username: string }) => !u.username.endsWith('.4'))).toBe(true);
    expect(gridWorkers.body.total).toBeGreaterThanOrEqual(1);
  });
});
