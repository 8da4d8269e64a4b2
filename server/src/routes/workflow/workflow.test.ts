// The workflow API over real HTTP: deploying and versioning diagrams, cases and the task inbox, every task
// operation changing what the right person sees, cancelling, history, incidents, and pushes over /ws.
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import type { PushMessage } from '@linli/contracts';
import { issueSession } from '../../auth/tokens.js';
import { roleAssignments, users } from '../../db/schema.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, TEST_PASSWORD_HASH, type World } from '../../testing/world.js';
import { GRID_CASE_XML } from '../../testing/workflow-world.js';
import { deployBundledProcesses } from '../../processes/deploy.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../bpmn/fixtures/${name}`, import.meta.url), 'utf8');

/** `test.record` fails the first 3 times it is called for a case, then records it */
const recordCalls = new Map<string, number>();

let server: TestServer;
let mine: World;
let other: World;
let secondGridWorker: string;
const tokens = new Map<string, string>();

beforeAll(async () => {
  server = await createTestServer(
    {},
    {
      handlers: {
        'test.record': async ({ instanceId }) => {
          const calls = (recordCalls.get(instanceId) ?? 0) + 1;
          recordCalls.set(instanceId, calls);
          if (calls <= 3) throw new Error(`the register is offline (call ${calls})`);
          return { recorded: true };
        },
      },
      // short enough for the dead-socket test, long enough that a busy test process still answers in time
      ws: { heartbeatMs: 1000 },
    },
  );
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  const [gw2] = await db
    .insert(users)
    .values({ displayName: '甲网格员二', username: 'gw2.1', passwordHash: TEST_PASSWORD_HASH })
    .returning();
  await db
    .insert(roleAssignments)
    .values({ userId: gw2!.id, role: 'grid_worker', orgUnitId: mine.ids.grid! });
  secondGridWorker = gw2!.id;
});
afterAll(async () => server?.close());

async function token(userId: string): Promise<string> {
  if (!tokens.has(userId))
    tokens.set(userId, (await issueSession(server.services, userId, 'password')).accessToken);
  return tokens.get(userId)!;
}
const as = (world: World, role: Role) => token(world.users[role]);

const deploy = async (xml: string, tok?: string) =>
  server.api.request('POST', '/api/v1/definitions', {
    token: tok ?? (await as(mine, 'community_admin')),
    raw: xml,
    contentType: 'application/xml',
  });
const get = async (path: string, tok: string) => server.api.get(`/api/v1${path}`, tok);
const post = async (path: string, body: unknown, tok: string) => server.api.post(`/api/v1${path}`, body, tok);
const inbox = async (tok: string, view = 'assigned', extra = '') =>
  ((await get(`/tasks?view=${view}${extra}`, tok)).body.items as { id: string; activityId: string }[]).map(
    (t) => t.id,
  );

/** starts a grid case as mine's resident and returns its first task */
async function startGridCase(): Promise<{ instanceId: string; taskId: string }> {
  const res = await post('/instances', { processId: 'matrix-case' }, await as(mine, 'resident'));
  expect(res.status).toBe(201);
  return { instanceId: res.body.id, taskId: res.body.openTasks[0].id };
}

describe('deploying', () => {
  it('refuses a diagram with every problem listed by element, and stores nothing', async () => {
    const broken = fixture('service-task.bpmn')
      .replace('camunda:topic="test.record"', 'camunda:topic="sms.send"')
      .replace('name="办结"', '');
    const res = await deploy(broken);
    expect(res.status).toBe(422);
    expect(res.body.error.id).toBe('invalid_definition');
    const problems = res.body.error.details.problems as {
      elementId?: string;
      rule: string;
      message: string;
    }[];
    expect(problems.map((p) => [p.elementId, p.rule])).toEqual(
      expect.arrayContaining([
        ['Task_Record', 'unknown-handler'],
        ['EndEvent_1', 'bpmnlint/label-required'],
      ]),
    );
    const stored = await get('/definitions?processId=service-task', await as(mine, 'community_admin'));
    expect(stored.body.total).toBe(0);
  });

  it('refuses XML that is not well-formed, and a body that is not XML', async () => {
    const res = await deploy(fixture('invalid-broken-xml.bpmn'));
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems[0].rule).toBe('xml');
    const json = await post('/definitions', { xml: '<x/>' }, await as(mine, 'community_admin'));
    expect(json.status).toBe(415);
  });

  it('refuses deploys by staff who are not admins', async () => {
    expect((await deploy(fixture('user-task.bpmn'), await as(mine, 'grid_worker'))).status).toBe(403);
  });
});

describe('versions', () => {
  it('keeps running cases on their version, starts new ones on the latest, and shows what changed', async () => {
    const admin = await as(mine, 'community_admin');
    const v1 = await deploy(fixture('repair-shaped.bpmn'));
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({
      created: true,
      definition: { processId: 'repair-shaped', version: 1, name: '报修' },
    });
    const again = await deploy(fixture('repair-shaped.bpmn'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      created: false,
      definition: { id: v1.body.definition.id, version: 1 },
    });

    const onV1 = await post('/instances', { processId: 'repair-shaped', businessKey: 'R-1' }, admin);
    expect(onV1.body.definitionVersion).toBe(1);
    const v2 = await deploy(fixture('repair-shaped-v2.bpmn'));
    expect(v2.status).toBe(201);
    expect(v2.body.definition.version).toBe(2);
    const onV2 = await post('/instances', { processId: 'repair-shaped', businessKey: 'R-2' }, admin);
    expect(onV2.body.definitionVersion).toBe(2);
    expect((await get(`/instances/${onV1.body.id}`, admin)).body.definitionVersion).toBe(1);
    const pinned = await post('/instances', { processId: 'repair-shaped', version: 1 }, admin);
    expect(pinned.body.definitionVersion).toBe(1);

    const diff = await get(`/definitions/${v2.body.definition.id}/diff?with=${v1.body.definition.id}`, admin);
    expect(diff.status).toBe(200);
    expect(diff.body.added.map((e: { id: string }) => e.id)).toContain('Task_Repair');
    expect(diff.body.removed.map((e: { id: string }) => e.id)).toContain('Task_Record');
    const dispatch = diff.body.changed.find((c: { id: string }) => c.id === 'Task_Dispatch');
    expect(dispatch.changes).toContainEqual({
      field: 'camunda:candidateGroups',
      from: 'dispatcher',
      to: 'dispatcher,property_staff',
    });

    const latest = await get('/definitions', admin);
    expect(
      latest.body.items.filter((d: { processId: string }) => d.processId === 'repair-shaped'),
    ).toHaveLength(1);
    const all = await get('/definitions?processId=repair-shaped', admin);
    expect(all.body.items.map((d: { version: number }) => d.version)).toEqual([2, 1]);
    const xml = await get(`/definitions/${v1.body.definition.id}/xml`, await as(mine, 'grid_worker'));
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(xml.body).toBe(fixture('repair-shaped.bpmn'));
  });
});

describe('cases and the inbox', () => {
  beforeAll(async () => {
    expect((await deploy(GRID_CASE_XML)).status).toBe(201);
  });

  it("puts a resident's case in the candidate inbox of their grid's workers only", async () => {
    const { instanceId, taskId } = await startGridCase();
    expect(await inbox(await as(mine, 'grid_worker'), 'candidate')).toContain(taskId);
    expect(await inbox(await token(secondGridWorker), 'candidate')).toContain(taskId);
    expect(await inbox(await as(mine, 'property_staff'), 'candidate')).not.toContain(taskId);
    expect(await inbox(await as(other, 'grid_worker'), 'candidate')).not.toContain(taskId);
    expect((await get(`/tasks/${taskId}`, await as(other, 'grid_worker'))).status).toBe(404);
    // supervisors see every task of their area; nobody else may ask for that view
    expect(await inbox(await as(mine, 'street_admin'), 'all')).toContain(taskId);
    expect(await inbox(await as(other, 'district_admin'), 'all')).not.toContain(taskId);
    expect((await get('/tasks?view=all', await as(mine, 'grid_worker'))).status).toBe(403);
    // the resident follows their case but sees no variables; staff of the area do
    const own = await get(`/instances/${instanceId}`, await as(mine, 'resident'));
    expect(own.body.variables).toBeUndefined();
    expect(own.body.openTasks.map((t: { id: string }) => t.id)).toEqual([taskId]);
    expect(
      (await get(`/instances/${instanceId}`, await as(mine, 'grid_worker'))).body.variables,
    ).toMatchObject({ initiator: mine.users.resident });
    expect((await get(`/instances/${instanceId}`, await as(mine, 'volunteer'))).status).toBe(404);
    const mineOnly = await get('/instances?processId=matrix-case', await as(mine, 'volunteer'));
    expect(mineOnly.body.items).toEqual([]);
  });

  it('lets only the starter groups a diagram names start its cases (camunda:candidateStarterGroups)', async () => {
    const xml = GRID_CASE_XML.replaceAll('matrix-case', 'staff-only-case').replace(
      'isExecutable="true"',
      'isExecutable="true" camunda:candidateStarterGroups="grid_worker,community_admin"',
    );
    expect((await deploy(xml)).status).toBe(201);
    const refused = await post('/instances', { processId: 'staff-only-case' }, await as(mine, 'resident'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('grid_worker, community_admin');
    const started = await post('/instances', { processId: 'staff-only-case' }, await as(mine, 'grid_worker'));
    expect(started.status).toBe(201);
    const list = await get('/instances?processId=staff-only-case', await as(mine, 'community_admin'));
    expect(list.body.items).toHaveLength(1);
  });

  it('refuses to start a community process through the generic API, naming the API that records its case', async () => {
    await deployBundledProcesses(server.services);
    const before = await get('/instances?processId=repair', await as(mine, 'community_admin'));
    const res = await post('/instances', { processId: 'repair' }, await as(mine, 'resident'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('repair API');
    const after = await get('/instances?processId=repair', await as(mine, 'community_admin'));
    expect(after.body.total).toBe(before.body.total);
  });

  it('lets one of two candidates claim; the other gets 409', async () => {
    const { taskId } = await startGridCase();
    const [a, b] = await Promise.all([
      post(`/tasks/${taskId}/claim`, undefined, await as(mine, 'grid_worker')),
      post(`/tasks/${taskId}/claim`, undefined, await token(secondGridWorker)),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? mine.users.grid_worker : secondGridWorker;
    expect((a.status === 200 ? a : b).body.assignee).toBe(winner);
    expect(await inbox(await token(winner), 'assigned')).toContain(taskId);
    expect(await inbox(await as(mine, 'grid_worker'), 'candidate')).not.toContain(taskId);
  });

  it('completes with an outcome and opens the next step for the candidates', async () => {
    const gw = await as(mine, 'grid_worker');
    const { instanceId, taskId } = await startGridCase();
    const done = await post(`/tasks/${taskId}/complete`, { outcome: 'accept', comment: '材料齐全' }, gw);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      outcome: 'accept',
      completedBy: mine.users.grid_worker,
    });
    expect(await inbox(gw, 'done')).toContain(taskId);
    const next = (await get(`/instances/${instanceId}`, gw)).body.openTasks;
    expect(next.map((t: { activityId: string }) => t.activityId)).toEqual(['Task_Review']);
    expect(await inbox(gw, 'candidate')).toContain(next[0].id);
    expect((await post(`/tasks/${taskId}/complete`, {}, gw)).status).toBe(409);
  });
});

describe('task operations', () => {
  let gw1: string;
  let gw2: string;
  beforeAll(async () => {
    gw1 = await as(mine, 'grid_worker');
    gw2 = await token(secondGridWorker);
  });

  it('transfers to a colleague of the area, and nowhere else (转办)', async () => {
    const { taskId } = await startGridCase();
    await post(`/tasks/${taskId}/claim`, undefined, gw1);
    const outside = await post(`/tasks/${taskId}/transfer`, { to: other.users.grid_worker }, gw1);
    expect(outside.status).toBe(422);
    const moved = await post(`/tasks/${taskId}/transfer`, { to: secondGridWorker, reason: '我请假' }, gw1);
    expect(moved.status).toBe(200);
    expect(await inbox(gw2, 'assigned')).toContain(taskId);
    expect(await inbox(gw1, 'assigned')).not.toContain(taskId);
    // a supervisor may take it over from whoever holds it
    const admin = await as(mine, 'community_admin');
    expect((await post(`/tasks/${taskId}/transfer`, { to: mine.users.grid_worker }, admin)).status).toBe(200);
    expect(await inbox(gw1, 'assigned')).toContain(taskId);
  });

  it('delegates and gets the task back to complete it (委派)', async () => {
    const { taskId } = await startGridCase();
    await post(`/tasks/${taskId}/claim`, undefined, gw1);
    expect(
      (await post(`/tasks/${taskId}/delegate`, { to: secondGridWorker, note: '请上门看看' }, gw1)).status,
    ).toBe(200);
    expect(await inbox(gw2, 'assigned')).toContain(taskId);
    expect((await post(`/tasks/${taskId}/complete`, {}, gw2)).status).toBe(422);
    const back = await post(`/tasks/${taskId}/resolve`, { comment: '已看过，需更换水管' }, gw2);
    expect(back.body).toMatchObject({ assignee: mine.users.grid_worker, delegationState: 'resolved' });
    expect(await inbox(gw2, 'assigned')).not.toContain(taskId);
    expect((await post(`/tasks/${taskId}/complete`, { outcome: 'accept' }, gw1)).status).toBe(200);
  });

  it('returns the case to an earlier step, which its candidates see again (退回)', async () => {
    const { instanceId, taskId } = await startGridCase();
    await post(`/tasks/${taskId}/complete`, { outcome: 'accept' }, gw1);
    const review = (await get(`/instances/${instanceId}`, gw1)).body.openTasks[0].id;
    await post(`/tasks/${review}/claim`, undefined, gw2);
    expect(
      (await post(`/tasks/${review}/return`, { activityId: 'Task_Review', reason: '?' }, gw2)).status,
    ).toBe(422);
    const returned = await post(
      `/tasks/${review}/return`,
      { activityId: 'Task_Handle', reason: '照片不清楚' },
      gw2,
    );
    expect(returned.status).toBe(200);
    expect(returned.body.openTasks.map((t: { activityId: string }) => t.activityId)).toEqual(['Task_Handle']);
    expect((await get(`/tasks/${review}`, gw2)).body.status).toBe('cancelled');
    expect(await inbox(gw1, 'candidate')).toContain(returned.body.openTasks[0].id);
  });

  it('lets who completed a step take it back while the next has not started (撤回)', async () => {
    const { instanceId, taskId } = await startGridCase();
    await post(`/tasks/${taskId}/complete`, { outcome: 'accept' }, gw1);
    expect((await post(`/tasks/${taskId}/withdraw`, {}, gw2)).status).toBe(403);
    const back = await post(`/tasks/${taskId}/withdraw`, { reason: '填错了' }, gw1);
    expect(back.status).toBe(200);
    expect(back.body.openTasks.map((t: { activityId: string }) => t.activityId)).toEqual(['Task_Handle']);
    expect((await get(`/instances/${instanceId}`, gw1)).body.openTasks).toHaveLength(1);
  });

  it('lets the resident and supervisors urge, and copies the task to a colleague (催办, 抄送)', async () => {
    const { taskId } = await startGridCase();
    const resident = await as(mine, 'resident');
    expect((await post(`/tasks/${taskId}/urge`, { message: '漏水严重，请尽快' }, resident)).status).toBe(204);
    expect((await post(`/tasks/${taskId}/urge`, {}, gw1)).status).toBe(403);
    const property = await as(mine, 'property_staff');
    expect((await get(`/tasks/${taskId}`, property)).status).toBe(404);
    expect(
      (await post(`/tasks/${taskId}/cc`, { users: [mine.users.property_staff], note: '涉及物业' }, gw1))
        .status,
    ).toBe(204);
    expect(await inbox(property, 'cc')).toContain(taskId);
    expect((await get(`/tasks/${taskId}`, property)).status).toBe(200);
    expect((await post(`/tasks/${taskId}/claim`, undefined, property)).status).toBe(403);
    await post(`/tasks/${taskId}/comments`, { text: '已电话联系' }, gw1);
    await post(
      `/tasks/${taskId}/attachments`,
      { name: '照片.jpg', url: 'https://files.example.org/p.jpg' },
      resident,
    );
    const events = await get(`/tasks/${taskId}/events`, gw1);
    expect(events.body.map((e: { kind: string }) => e.kind)).toEqual(['urge', 'cc', 'comment', 'attachment']);
    expect(events.body[0]).toMatchObject({
      actor: mine.users.resident,
      body: { message: '漏水严重，请尽快' },
    });
  });
});

describe('cancelling and history', () => {
  it('cancels a case with its open tasks, and tells staff and the resident what happened', async () => {
    const { instanceId, taskId } = await startGridCase();
    const gw = await as(mine, 'grid_worker');
    await post(`/tasks/${taskId}/claim`, undefined, gw);
    expect((await post(`/instances/${instanceId}/cancel`, { reason: '居民撤销' }, gw)).status).toBe(403);
    expect(
      (
        await post(
          `/instances/${instanceId}/cancel`,
          { reason: '居民撤销' },
          await as(other, 'community_admin'),
        )
      ).status,
    ).toBe(404);
    const cancelled = await post(
      `/instances/${instanceId}/cancel`,
      { reason: '居民撤销' },
      await as(mine, 'community_admin'),
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', endReason: '居民撤销', openTasks: [] });
    expect((await get(`/tasks/${taskId}`, gw)).body.status).toBe('cancelled');
    expect((await post(`/tasks/${taskId}/complete`, {}, gw)).status).toBe(409);

    const staff = await get(`/instances/${instanceId}/history`, await as(mine, 'community_admin'));
    expect(staff.body.history.map((h: { kind: string }) => h.kind)).toEqual(
      expect.arrayContaining(['instance.started', 'task.created', 'instance.cancelled']),
    );
    expect(staff.body.events.map((e: { kind: string }) => e.kind)).toEqual(['claim']);
    const resident = await get(`/instances/${instanceId}/history`, await as(mine, 'resident'));
    expect(resident.status).toBe(200);
    expect(resident.body.history.every((h: { data?: unknown }) => h.data === undefined)).toBe(true);
  });
});

describe('incidents', () => {
  it('lists a service task that failed every attempt to the admins of its area, and retries it', async () => {
    const admin = await as(mine, 'community_admin');
    expect((await deploy(fixture('service-task.bpmn'))).status).toBe(201);
    const started = await post('/instances', { processId: 'service-task' }, admin);
    expect(started.body.status).toBe('running');
    // the retries fall due 10 s and 20 s later: move the clock for the worker only
    const realNow = server.services.now;
    for (const ahead of [60_000, 120_000]) {
      server.services.now = () => new Date(Date.now() + ahead);
      await server.services.workflow.worker.poll();
    }
    server.services.now = realNow;

    const listed = await get('/incidents', admin);
    const incident = listed.body.items.find((i: { instanceId: string }) => i.instanceId === started.body.id);
    expect(incident).toMatchObject({
      processId: 'service-task',
      activityId: 'Task_Record',
      attempts: 3,
      status: 'incident',
    });
    expect(incident.lastError).toMatch(/offline \(call 3\)/);
    expect((await get('/incidents', await as(other, 'community_admin'))).body.items).toEqual([]);
    expect(
      (await post(`/incidents/${incident.id}/retry`, undefined, await as(other, 'community_admin'))).status,
    ).toBe(404);
    expect(
      (await post(`/incidents/${incident.id}/retry`, undefined, await as(mine, 'grid_worker'))).status,
    ).toBe(403);

    const retried = await post(`/incidents/${incident.id}/retry`, undefined, admin);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('done');
    const after = await get(`/instances/${started.body.id}`, admin);
    expect(after.body).toMatchObject({ status: 'completed', variables: { recorded: true } });
    expect((await post(`/incidents/${incident.id}/retry`, undefined, admin)).status).toBe(409);
  });
});

describe('pushes over /ws', () => {
  interface Client {
    ws: WebSocket;
    /** received and not yet taken by next() */
    messages: PushMessage[];
    /** the first unread message of this type, waiting for it if need be */
    next(type: PushMessage['type']): Promise<PushMessage>;
  }

  async function connect(
    tok: string,
    how: 'query' | 'protocol' = 'query',
    opts: { autoPong?: boolean } = {},
  ): Promise<Client> {
    const url = server.url.replace(/^http/, 'ws') + '/ws' + (how === 'query' ? `?token=${tok}` : '');
    const ws = how === 'query' ? new WebSocket(url, opts) : new WebSocket(url, ['linli', tok], opts);
    const messages: PushMessage[] = [];
    let wake: (() => void) | undefined;
    let closedWith: number | undefined;
    ws.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as PushMessage);
      wake?.();
    });
    ws.on('close', (code) => {
      closedWith = code;
      wake?.();
    });
    const next = async (type: PushMessage['type']): Promise<PushMessage> => {
      for (;;) {
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) return messages.splice(i, 1)[0]!;
        if (closedWith !== undefined)
          throw new Error(`the socket closed (${closedWith}) before a ${type} came`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };
    await next('ready');
    return { ws, messages, next };
  }

  const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));

  it('tells the assignee, the grid and the resident, and nobody elsewhere', async () => {
    const resident = await connect(await as(mine, 'resident'));
    const grid = await connect(await as(mine, 'grid_worker'), 'protocol');
    expect(grid.ws.protocol).toBe('linli');
    const elsewhere = await connect(await as(other, 'grid_worker'));

    // user-task.bpmn assigns its task to the person who started the case
    expect((await deploy(fixture('user-task.bpmn'))).status).toBe(201);
    const own = await post(
      '/instances',
      { processId: 'user-task', variables: { manager: mine.users.community_admin, houseId: 'H-101' } },
      await as(mine, 'resident'),
    );
    expect(own.status).toBe(201);
    const created = await resident.next('task.created');
    expect(created).toMatchObject({ instanceId: own.body.id, name: '受理' });
    expect(await resident.next('instance.updated')).toMatchObject({
      instanceId: own.body.id,
      status: 'running',
    });

    const { taskId } = await startGridCase();
    expect(await grid.next('task.created')).toMatchObject({ taskId, processId: 'matrix-case' });
    expect((await post(`/tasks/${taskId}/claim`, undefined, await as(mine, 'grid_worker'))).status).toBe(200);
    const moved = await post(
      `/tasks/${taskId}/transfer`,
      { to: secondGridWorker },
      await as(mine, 'grid_worker'),
    );
    expect(moved.status).toBe(200);
    expect(await grid.next('task.updated')).toMatchObject({ taskId, assignee: mine.users.grid_worker });
    expect(await grid.next('task.updated')).toMatchObject({ taskId, assignee: secondGridWorker });

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(elsewhere.messages).toEqual([]);
    for (const c of [resident, grid, elsewhere]) c.ws.close();
  });

  it('closes a socket with a bad token with 4401', async () => {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws?token=not-a-token');
    expect(await closed(ws)).toBe(4401);
    const none = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws');
    expect(await closed(none)).toBe(4401);
  });

  it('drops a socket that stops answering pings', async () => {
    const silent = await connect(await as(mine, 'resident'), 'query', { autoPong: false });
    expect(await closed(silent.ws)).toBe(1006);
  });
});
