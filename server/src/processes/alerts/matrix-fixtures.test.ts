// The alert rows of the authorisation matrix need their fixtures: they are made in a test world as the matrix
// test makes them (with the workflow test handlers), and each named record exists.
import { createTestServer, type TestServer } from '../../testing/server.js';
import { buildWorld } from '../../testing/world.js';
import { WORKFLOW_TEST_HANDLERS } from '../../testing/workflow-world.js';
import { fixtures } from './matrix.js';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({}, { handlers: WORKFLOW_TEST_HANDLERS });
}, 300_000);
afterAll(async () => server?.close());

it('makes alerts waiting at each step, a face snapshot, a bridge and roster entries', async () => {
  const world = await buildWorld(server.services.db, server.services.vault, '甲', 1);
  await fixtures(server.services, world);
  for (const key of [
    'alert',
    'alertOpen',
    'alertAcked',
    'alertVerified',
    'alertNoCase',
    'alertFace',
    'device',
    'bridge',
    'alertDuty',
  ])
    expect(world.ids[key]).toBeTruthy();
}, 300_000);
