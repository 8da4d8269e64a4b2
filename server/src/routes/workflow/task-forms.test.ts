// A step's form over real HTTP: the admin deploys a diagram whose user task has a generated form
// (camunda:formData); the task says which fields it asks for, a completion that leaves out or gets wrong a field is
// refused naming each field and changes nothing, and a good one moves the case on with values in their types.
import { readFileSync } from 'node:fs';
import { issueSession } from '../../auth/tokens.js';
import type { Role } from '../../policy/permissions.js';
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld, type World } from '../../testing/world.js';

const xml = readFileSync(new URL('../../../../bpmn/fixtures/task-form.bpmn', import.meta.url), 'utf8');

let server: TestServer;
let world: World;

async function token(role: Role): Promise<string> {
  return (await issueSession(server.services, world.users[role], 'password')).accessToken;
}

beforeAll(async () => {
  server = await createTestServer();
  world = await buildWorld(server.services.db, server.services.vault, '甲', 1);
  const res = await server.api.request('POST', '/api/v1/definitions', {
    token: await token('community_admin'),
    raw: xml,
    contentType: 'application/xml',
  });
  expect(res.status).toBe(201);
});
afterAll(async () => server?.close());

async function startInspection(): Promise<string> {
  const res = await server.api.post('/api/v1/instances', { processId: 'task-form' }, await token('resident'));
  expect(res.status).toBe(201);
  return res.body.openTasks[0].id as string;
}

describe('task forms', () => {
  it('a task names the fields its form asks for, with types, choices, defaults and limits', async () => {
    // given
    const taskId = await startInspection();

    // when
    const res = await server.api.get(`/api/v1/tasks/${taskId}`, await token('grid_worker'));

    // then
    expect(res.status).toBe(200);
    expect(res.body.form).toEqual([
      expect.objectContaining({
        id: 'result',
        label: '巡查结论',
        type: 'enum',
        required: true,
        values: [
          { id: 'normal', name: '正常' },
          { id: 'problem', name: '发现隐患' },
        ],
      }),
      expect.objectContaining({ id: 'extinguishers', type: 'long', defaultValue: '4', min: 0, max: 99 }),
      expect.objectContaining({ id: 'note', type: 'string', required: false, maxLength: 200 }),
      expect.objectContaining({ id: 'recheckOn', type: 'date' }),
      expect.objectContaining({ id: 'reported', type: 'boolean', defaultValue: 'false' }),
    ]);
  });

  it('refuses a completion that misses or gets wrong a field, naming each, and the task stays open', async () => {
    // given
    const taskId = await startInspection();
    const worker = await token('grid_worker');

    // when
    const res = await server.api.post(
      `/api/v1/tasks/${taskId}/complete`,
      { variables: { extinguishers: 120, recheckOn: '下周' } },
      worker,
    );

    // then
    expect(res.status).toBe(422);
    expect(res.body.error.id).toBe('invalid_form');
    expect(res.body.error.details.fields).toEqual([
      { field: 'result', message: 'form field "result" (巡查结论) is required' },
      { field: 'extinguishers', message: 'form field "extinguishers" (灭火器数量) must be at most 99' },
      {
        field: 'recheckOn',
        message: 'form field "recheckOn" (复查日期) must be a date (YYYY-MM-DD or an ISO 8601 date-time)',
      },
    ]);
    const after = await server.api.get(`/api/v1/tasks/${taskId}`, worker);
    expect(after.body).toMatchObject({ status: 'open' });
  });

  it('a good completion moves the case on: a hazard goes to the property staff, with the values in their types', async () => {
    // given
    const taskId = await startInspection();
    const worker = await token('grid_worker');

    // when
    const res = await server.api.post(
      `/api/v1/tasks/${taskId}/complete`,
      { variables: { result: 'problem', extinguishers: '3', note: '三楼灭火器过期', reported: true } },
      worker,
    );

    // then
    expect(res.status).toBe(200);
    const instanceId = res.body.instanceId as string;
    const instance = await server.api.get(`/api/v1/instances/${instanceId}`, await token('community_admin'));
    expect(instance.body.variables).toMatchObject({ result: 'problem', extinguishers: 3, reported: true });
    expect(instance.body.openTasks.map((t: { activityId: string }) => t.activityId)).toEqual(['Task_Fix']);
  });
});
