// The flow editor's handler picker over real HTTP: staff read the service-task handlers the runtime has
// registered, each with a Chinese description and the input parameters it reads; residents may not; every handler
// the product registers has a description (a new one without its line fails here).
import { issueSession } from '../../auth/tokens.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';
import { HANDLER_DESCRIPTIONS } from './definitions.js';

let server: TestServer;
let world: World;

async function token(role: Role): Promise<string> {
  return (await issueSession(server.services, world.users[role], 'password')).accessToken;
}

interface Listed {
  name: string;
  description: string;
  group: string;
  inputs: string[];
}

beforeAll(async () => {
  server = await createTestServer(
    {},
    {
      handlers: {
        'test.extra': async () => ({}),
      },
    },
  );
  world = await buildWorld(server.services.db, server.services.vault, '甲', 1);
});
afterAll(async () => server?.close());

describe('GET /definitions/handlers', () => {
  it('lists every registered handler with what it does in Chinese', async () => {
    // when
    const res = await server.api.get('/api/v1/definitions/handlers', await token('community_admin'));

    // then: exactly the runtime's registry, the shared ones first
    expect(res.status).toBe(200);
    const items = res.body.items as Listed[];
    const registered = [...server.services.workflow.runtime.handlerNames].sort();
    expect(items.map((h) => h.name).sort()).toEqual(registered);
    expect(items[0]).toMatchObject({
      name: 'notify',
      group: '通用',
      inputs: ['to', 'title', 'body', 'template'],
    });
    expect(items.find((h) => h.name === 'repair.autoDispatch')).toEqual({
      name: 'repair.autoDispatch',
      description: expect.stringContaining('自动派单'),
      group: '物业报修',
      inputs: ['acceptLimit', 'confirmLimit'],
    });
    // a handler registered without a description is still listed, and says so
    expect(items.find((h) => h.name === 'test.extra')).toMatchObject({ description: '（暂无说明）' });
  });

  it('describes every handler the product registers, in Chinese', async () => {
    const product = [...server.services.workflow.runtime.handlerNames].filter((n) => n !== 'test.extra');
    expect(product.length).toBeGreaterThan(20);
    expect(product.filter((n) => !HANDLER_DESCRIPTIONS[n])).toEqual([]);
    for (const name of product) expect(HANDLER_DESCRIPTIONS[name]!.description).toMatch(/[\u4e00-\u9fa5]/);
    // and describes nothing that is not registered (a renamed handler leaves no stale line)
    expect(Object.keys(HANDLER_DESCRIPTIONS).filter((n) => !product.includes(n))).toEqual([]);
  });

  it('is for staff: a grid worker and a technician read it, a resident is refused', async () => {
    for (const role of ['grid_worker', 'technician'] as Role[]) {
      const res = await server.api.get('/api/v1/definitions/handlers', await token(role));
      expect(res.status).toBe(200);
    }
    const resident = await server.api.get('/api/v1/definitions/handlers', await token('resident'));
    expect(resident.status).toBe(403);
    const anonymous = await server.api.get('/api/v1/definitions/handlers');
    expect(anonymous.status).toBe(401);
  });

  it('does not shadow reading one version by id', async () => {
    const res = await server.api.get('/api/v1/definitions/not-a-uuid', await token('community_admin'));
    expect(res.status).toBe(400);
  });
});
