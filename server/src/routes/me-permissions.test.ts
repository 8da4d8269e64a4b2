// GET /me/permissions: each of the caller's roles with what the server's one permission table grants it, so that
// the console and the mini-program show only what a role may use (the server refuses the rest anyway).
import { issueSession } from '../auth/tokens.js';
import { PERMISSIONS } from '../policy/permissions.js';
import type { Role } from '../policy/permissions.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';

let server: TestServer;
let world: World;

async function permissionsOf(role: Role) {
  const { accessToken } = await issueSession(server.services, world.users[role], 'password');
  const res = await server.api.get('/api/v1/me/permissions', accessToken);
  expect(res.status).toBe(200);
  return res.body.roles as Record<
    string,
    { permissions: Record<string, string[]>; revealable: string[]; grantable: string[] }
  >;
}

beforeAll(async () => {
  server = await createTestServer();
  world = await buildWorld(server.services.db, server.services.vault, '甲', 1);
});
afterAll(async () => server?.close());

describe('GET /me/permissions', () => {
  it("gives a grid worker their role's grants: reveal residents, verify bindings; no staff accounts, no deploy", async () => {
    // when
    const roles = await permissionsOf('grid_worker');

    // then
    expect(Object.keys(roles)).toEqual(['grid_worker']);
    const grid = roles.grid_worker!;
    expect(grid.permissions.residents).toEqual(expect.arrayContaining(['read', 'reveal']));
    expect(grid.permissions.household_bindings).toContain('verify');
    expect(grid.permissions.users).toBeUndefined();
    expect(grid.permissions.definitions).toEqual(['read']);
    expect(grid.revealable).toEqual(['idNumber', 'phone']);
    expect(grid.grantable).toEqual([]);
  });

  it("gives a community admin the whole of the table's row, with the roles they may grant", async () => {
    // when
    const roles = await permissionsOf('community_admin');

    // then
    const admin = roles.community_admin!;
    for (const [resource, actions] of Object.entries(PERMISSIONS.community_admin))
      expect(admin.permissions[resource]).toEqual(Object.keys(actions ?? {}).sort());
    expect(admin.permissions.definitions).toContain('create');
    expect(admin.grantable).toContain('grid_worker');
  });

  it('gives a resident only their own things', async () => {
    // when
    const roles = await permissionsOf('resident');

    // then
    expect(roles.resident!.permissions.definitions).toBeUndefined();
    expect(roles.resident!.permissions.instances).toEqual(['create', 'read']);
    expect(roles.resident!.revealable).toEqual([]);
  });
});
