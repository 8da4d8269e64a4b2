// Renumbering a room (PATCH /rooms/:id with number): its standard address follows, a number the unit already has is
// refused, and it is the community office's to do (grid workers keep a room's details, not its address).
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { issueSession } from '../auth/tokens.js';
import type { Role } from '../policy/permissions.js';

let server: TestServer;
let w: World;
const token: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  server = await createTestServer();
  w = await buildWorld(server.services.db, server.services.vault, '戊', 5);
  for (const role of Object.keys(w.users) as Role[]) {
    token[role] = (await issueSession(server.services, w.users[role], 'password')).accessToken;
  }
});
afterAll(async () => server?.close());

describe('renumbering a room', () => {
  it('moves its address and floor with the number; the same number twice in a unit is refused', async () => {
    const room = await server.api.post(
      '/api/v1/rooms',
      { unitId: w.ids.unit, number: '1201' },
      token.community_admin,
    );
    expect(room.status).toBe(201);
    const renumbered = await server.api.patch(
      `/api/v1/rooms/${room.body.id}`,
      { number: '1302', areaM2: 80 },
      token.community_admin,
    );
    expect(renumbered.status).toBe(200);
    expect(renumbered.body).toMatchObject({ number: '1302', floor: 13, areaM2: 80 });
    expect(renumbered.body.standardAddress).toBe(room.body.standardAddress.replace(/1201室$/, '1302室'));
    const found = await server.api.get(
      `/api/v1/rooms?q=1302${encodeURIComponent('室')}`,
      token.community_admin,
    );
    expect(found.body.items.map((r: { id: string }) => r.id)).toContain(room.body.id);

    // a floor given with the number wins over the one read from it
    const withFloor = await server.api.patch(
      `/api/v1/rooms/${room.body.id}`,
      { number: 'B1', floor: -1 },
      token.community_admin,
    );
    expect(withFloor.body).toMatchObject({ number: 'B1', floor: -1 });

    const taken = await server.api.get(`/api/v1/rooms/${w.ids.spareRoom}`, token.community_admin);
    const clash = await server.api.patch(
      `/api/v1/rooms/${room.body.id}`,
      { number: taken.body.number },
      token.community_admin,
    );
    expect(clash.status).toBe(409);
    // (whichever of the two unique keys, unit + number or the address, PostgreSQL checks first)
    expect(clash.body.error.message).toMatch(
      /^(This unit already has a room with this number|A room with this standard address already exists)$/,
    );
    const unchanged = await server.api.get(`/api/v1/rooms/${room.body.id}`, token.community_admin);
    expect(unchanged.body.number).toBe('B1');
  });

  it("is refused to a grid worker, who may still change the room's details", async () => {
    const before = await server.api.get(`/api/v1/rooms/${w.ids.spareRoom}`, token.community_admin);
    const refused = await server.api.patch(
      `/api/v1/rooms/${w.ids.spareRoom}`,
      { number: '999', occupancy: 'rented' },
      token.grid_worker,
    );
    expect(refused.status).toBe(403);
    const after = await server.api.get(`/api/v1/rooms/${w.ids.spareRoom}`, token.community_admin);
    expect(after.body).toMatchObject({ number: before.body.number, occupancy: before.body.occupancy });

    const details = await server.api.patch(
      `/api/v1/rooms/${w.ids.spareRoom}`,
      { occupancy: 'rented', number: before.body.number },
      token.grid_worker,
    );
    expect(details.status).toBe(200);
    expect(details.body.occupancy).toBe('rented');
  });

  it('refuses an empty number', async () => {
    const res = await server.api.patch(
      `/api/v1/rooms/${w.ids.room}`,
      { number: '  ' },
      token.community_admin,
    );
    expect(res.status).toBe(400);
  });
});
