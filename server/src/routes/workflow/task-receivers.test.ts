// Whom a worker may hand a task to, and which earlier steps they may send it back to, over real HTTP: only
// staff who work where the case is (never phones or ID numbers), only for those who may act on the task, and
// only steps this case completed before the task.
import type { ReturnTarget, TaskReceiver } from '@linli/contracts';
import { issueSession } from '../../auth/tokens.js';
import { roleAssignments, users } from '../../db/schema.js';
import { sealPhone } from '../../domain/pii.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, TEST_PASSWORD_HASH, type World } from '../../testing/world.js';
import { GRID_CASE_XML } from '../../testing/workflow-world.js';

let server: TestServer;
let mine: World;
let other: World;
let colleague: string;
const COLLEAGUE_PHONE = '13812345678';
const tokens = new Map<string, string>();

beforeAll(async () => {
  server = await createTestServer();
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  // a second grid worker of the same grid, with a phone on record that must never be listed
  const [gw2] = await db
    .insert(users)
    .values({
      displayName: '甲网格员二',
      username: 'gw2.1',
      passwordHash: TEST_PASSWORD_HASH,
      ...sealPhone(vault, COLLEAGUE_PHONE),
    })
    .returning();
  await db
    .insert(roleAssignments)
    .values({ userId: gw2!.id, role: 'grid_worker', orgUnitId: mine.ids.grid! });
  colleague = gw2!.id;
  const deployed = await server.api.request('POST', '/api/v1/definitions', {
    token: await as(mine, 'community_admin'),
    raw: GRID_CASE_XML,
    contentType: 'application/xml',
  });
  expect(deployed.status).toBe(201);
});
afterAll(async () => server?.close());

async function token(userId: string): Promise<string> {
  if (!tokens.has(userId))
    tokens.set(userId, (await issueSession(server.services, userId, 'password')).accessToken);
  return tokens.get(userId)!;
}
const as = (world: World, role: Role) => token(world.users[role]);
const get = async (path: string, tok: string) => server.api.get(`/api/v1${path}`, tok);
const post = async (path: string, body: unknown, tok: string) => server.api.post(`/api/v1${path}`, body, tok);

async function startGridCase(): Promise<{ instanceId: string; taskId: string }> {
  const res = await post('/instances', { processId: 'matrix-case' }, await as(mine, 'resident'));
  expect(res.status).toBe(201);
  return { instanceId: res.body.id, taskId: res.body.openTasks[0].id };
}

describe('GET /tasks/:id/receivers', () => {
  it('lists the staff working where the case is, nearest first, without the caller or personal data', async () => {
    const { taskId } = await startGridCase();
    const gw1 = await as(mine, 'grid_worker');
    await post(`/tasks/${taskId}/claim`, undefined, gw1);

    const res = await get(`/tasks/${taskId}/receivers`, gw1);
    expect(res.status).toBe(200);
    const list = res.body as TaskReceiver[];
    const ids = list.map((r) => r.id);
    // the grid's other worker first (same grid), then staff of the community, street and district
    expect(list[0]).toEqual({
      id: colleague,
      displayName: '甲网格员二',
      roles: ['grid_worker'],
      orgUnitName: expect.any(String),
    });
    expect(ids).toEqual(
      expect.arrayContaining([
        mine.users.community_admin,
        mine.users.street_admin,
        mine.users.district_admin,
        mine.users.property_staff,
      ]),
    );
    // not the caller, not residents, not anyone of the other district
    expect(ids).not.toContain(mine.users.grid_worker);
    expect(ids).not.toContain(mine.users.resident);
    for (const id of Object.values(other.users)) expect(ids).not.toContain(id);
    // nothing but id, name, roles and org unit: no phone, masked or not
    for (const r of list)
      expect(Object.keys(r).sort()).toEqual(['displayName', 'id', 'orgUnitName', 'roles']);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(COLLEAGUE_PHONE);
    expect(text).not.toContain('5678');
    expect(text).not.toMatch(/phone|idNumber/i);

    // everyone listed is someone the server lets the task be copied to
    expect((await post(`/tasks/${taskId}/cc`, { users: ids.slice(0, 20) }, gw1)).status).toBe(204);
  });

  it('is refused to those who may not act on the task, and 404 outside their area', async () => {
    const { taskId } = await startGridCase();
    expect((await get(`/tasks/${taskId}/receivers`, await as(other, 'grid_worker'))).status).toBe(404);
    expect((await get(`/tasks/${taskId}/receivers`, await as(other, 'community_admin'))).status).toBe(404);
    expect((await get(`/tasks/${taskId}/return-targets`, await as(other, 'grid_worker'))).status).toBe(404);
    // the resident whose case it is may read the task but not hand it on
    expect((await get(`/tasks/${taskId}/receivers`, await as(mine, 'resident'))).status).toBe(403);
    // property staff are not among the task's candidates: they do not see it at all
    expect((await get(`/tasks/${taskId}/receivers`, await as(mine, 'property_staff'))).status).toBe(404);
  });
});

describe('GET /tasks/:id/return-targets', () => {
  it('offers only the steps this case completed before the task, with who did them', async () => {
    const { instanceId, taskId } = await startGridCase();
    const gw1 = await as(mine, 'grid_worker');
    const gw2 = await token(colleague);
    // the first step has nothing to go back to
    expect((await get(`/tasks/${taskId}/return-targets`, gw1)).body).toEqual([]);

    await post(`/tasks/${taskId}/complete`, { outcome: 'accept' }, gw1);
    const review = (await get(`/instances/${instanceId}`, gw1)).body.openTasks[0].id as string;
    await post(`/tasks/${review}/claim`, undefined, gw2);
    const res = await get(`/tasks/${review}/return-targets`, gw2);
    expect(res.status).toBe(200);
    expect(res.body as ReturnTarget[]).toEqual([
      {
        activityId: 'Task_Handle',
        name: '受理',
        completedBy: mine.users.grid_worker,
        completedByName: '甲grid_worker',
        completedAt: expect.any(String),
      },
    ]);

    // sent back: the reopened first step again has nothing earlier (the returned step was never completed)
    const returned = await post(
      `/tasks/${review}/return`,
      { activityId: 'Task_Handle', reason: '照片不清楚' },
      gw2,
    );
    expect(returned.status).toBe(200);
    const again = returned.body.openTasks[0].id as string;
    expect((await get(`/tasks/${again}/return-targets`, gw1)).body).toEqual([]);
    // and a task that is no longer open offers nothing
    expect((await get(`/tasks/${review}/return-targets`, await as(mine, 'community_admin'))).body).toEqual(
      [],
    );
  });

  it('offers nothing where the process module works its steps itself (the generic return is refused there)', async () => {
    // a case of a bundled process whose module owns its steps (here: two plain steps under its process id)
    const { instanceId } = await startGridCase();
    const { runtime, store, tasks } = server.services.workflow;
    const orgPath = (await store.getInstance(instanceId))!.orgPath;
    await runtime.deploy(GRID_CASE_XML.replaceAll('matrix-case', 'alert-handling'), null);
    const owned = await runtime.start({
      processId: 'alert-handling',
      initiator: mine.users.resident,
      orgPath,
      businessKey: 'owned-steps',
    });
    const openOf = async () =>
      (await store.queryTasks({ instanceId: owned.id, status: 'open', limit: 10, offset: 0 })).items[0]!;
    const worker = { userId: mine.users.grid_worker, groups: ['grid_worker'] };
    await tasks.complete((await openOf()).id, worker, { outcome: 'accept' });
    const second = await openOf();
    await tasks.claim(second.id, worker);

    const gw1 = await as(mine, 'grid_worker');
    expect((await get(`/tasks/${second.id}/return-targets`, gw1)).body).toEqual([]);
    const refused = await post(
      `/tasks/${second.id}/return`,
      { activityId: 'Task_Handle', reason: '补充' },
      gw1,
    );
    expect(refused.status).toBe(409);
    // handing it to a colleague is still offered: the server accepts that for every process
    expect(((await get(`/tasks/${second.id}/receivers`, gw1)).body as TaskReceiver[])[0]!.id).toBe(colleague);
  });
});
