// Who hears a case over /ws: besides the person who started it and the people its tasks name, the admins whose
// area holds the case (a street admin hears a case of a grid two levels below), and no admin of another area.
// The pushes carry ids, step names and states, never a resident's personal data.
import { WebSocket } from 'ws';
import type { PushMessage } from '@linli/contracts';
import { issueSession } from '../auth/tokens.js';
import type { Role } from '../policy/permissions.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { GRID_CASE_XML } from '../testing/workflow-world.js';
import { OVERSEERS } from './push.js';

let server: TestServer;
let mine: World;
let other: World;

beforeAll(async () => {
  server = await createTestServer();
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  const deployed = await server.api.request('POST', '/api/v1/definitions', {
    token: await as(mine, 'community_admin'),
    raw: GRID_CASE_XML,
    contentType: 'application/xml',
  });
  expect(deployed.status).toBe(201);
});
afterAll(async () => server?.close());

async function as(world: World, role: Role): Promise<string> {
  return (await issueSession(server.services, world.users[role], 'password')).accessToken;
}
const post = async (path: string, body: unknown, tok: string) => server.api.post(`/api/v1${path}`, body, tok);

interface Client {
  ws: WebSocket;
  /** every message after `ready`, in the order it came */
  received: PushMessage[];
  /** the first message not yet taken that matches, waiting for it if need be */
  next(match: (m: PushMessage) => boolean): Promise<PushMessage>;
}

async function connect(tok: string): Promise<Client> {
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws', ['linli', tok]);
  const received: PushMessage[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  let closedWith: number | undefined;
  ws.on('message', (data) => {
    received.push(JSON.parse(String(data)) as PushMessage);
    wake?.();
  });
  ws.on('close', (code) => {
    closedWith = code;
    wake?.();
  });
  const next = async (match: (m: PushMessage) => boolean): Promise<PushMessage> => {
    for (;;) {
      const i = received.findIndex((m, index) => index >= taken && match(m));
      if (i >= 0) {
        taken = i + 1;
        return received[i]!;
      }
      if (closedWith !== undefined)
        throw new Error(`the socket closed (${closedWith}) before the message came`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  await next((m) => m.type === 'ready');
  received.shift();
  taken = 0;
  return { ws, received, next };
}

const about =
  (instanceId: string, type?: PushMessage['type']) =>
  (m: PushMessage): boolean =>
    'instanceId' in m && m.instanceId === instanceId && (!type || m.type === type);

async function startCase(world: World): Promise<{ instanceId: string; taskId: string }> {
  const res = await post('/instances', { processId: 'matrix-case' }, await as(world, 'resident'));
  expect(res.status).toBe(201);
  return { instanceId: res.body.id as string, taskId: res.body.openTasks[0].id as string };
}

it('the overseeing roles are the admins of the permission table', () => {
  expect([...OVERSEERS].sort()).toEqual(['community_admin', 'district_admin', 'street_admin']);
});

it("tells the admins of the case's area, up to the district, and no admin elsewhere", async () => {
  const community = await connect(await as(mine, 'community_admin'));
  const street = await connect(await as(mine, 'street_admin'));
  const district = await connect(await as(mine, 'district_admin'));
  const elsewhere = await connect(await as(other, 'community_admin'));
  const elsewhereStreet = await connect(await as(other, 'street_admin'));

  // a resident of a grid of mine reports: the case and its first task reach every admin above the grid
  const { instanceId, taskId } = await startCase(mine);
  for (const admin of [community, street, district]) {
    expect(await admin.next(about(instanceId, 'task.created'))).toMatchObject({ taskId, name: '受理' });
    expect(await admin.next(about(instanceId, 'instance.updated'))).toMatchObject({ status: 'running' });
  }

  // the grid worker claims the task (task.updated) and completes it (the next step and the case move on)
  const grid = await as(mine, 'grid_worker');
  expect((await post(`/tasks/${taskId}/claim`, undefined, grid)).status).toBe(200);
  expect((await post(`/tasks/${taskId}/complete`, {}, grid)).status).toBe(200);
  for (const admin of [community, street]) {
    expect(await admin.next(about(instanceId, 'task.updated'))).toMatchObject({
      taskId,
      assignee: mine.users.grid_worker,
    });
    expect(await admin.next(about(instanceId, 'task.created'))).toMatchObject({ name: '办理' });
    expect(await admin.next(about(instanceId, 'instance.updated'))).toMatchObject({ status: 'running' });
  }

  // the other area's admins: the first thing they hear of is their own area's case, nothing of mine before it
  const theirs = await startCase(other);
  for (const admin of [elsewhere, elsewhereStreet]) {
    await admin.next(about(theirs.instanceId, 'instance.updated'));
    expect(admin.received.length).toBeGreaterThan(0);
    expect(admin.received.every((m) => 'instanceId' in m && m.instanceId === theirs.instanceId)).toBe(true);
  }
  // and mine's admins never hear of theirs: a later case of mine reaches them with nothing of theirs before it
  const later = await startCase(mine);
  await community.next(about(later.instanceId, 'instance.updated'));
  expect(community.received.some((m) => 'instanceId' in m && m.instanceId === theirs.instanceId)).toBe(false);

  // no personal data in what the admins heard: only the push's own fields, none of the residents' secrets
  const heard = JSON.stringify([...community.received, ...street.received, ...district.received]);
  for (const secret of [...mine.secrets.idNumbers, ...mine.secrets.phones])
    expect(heard).not.toContain(secret);
  for (const m of community.received)
    expect(Object.keys(m).sort()).toEqual(
      {
        'task.created': ['dueAt', 'instanceId', 'name', 'processId', 'taskId', 'type'],
        'task.updated': ['assignee', 'instanceId', 'processId', 'status', 'taskId', 'type'],
        'instance.updated': ['businessKey', 'instanceId', 'processId', 'status', 'type'],
        ready: [],
      }[m.type],
    );

  for (const c of [community, street, district, elsewhere, elsewhereStreet]) c.ws.close();
});
