// Uploads over real HTTP: what is accepted (type, size, real content), who can download, and filing with a
// case; and the case timeline that shows who did what with which comment.
import { issueSession } from '../auth/tokens.js';
import type { Role } from '../policy/permissions.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { addWorkflowFixtures, WORKFLOW_TEST_HANDLERS } from '../testing/workflow-world.js';
import { claimFiles } from './service.js';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 1)]);
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(100, 2),
]);
const AMR = Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.alloc(300, 3)]);

let server: TestServer;
let mine: World;
let other: World;

beforeAll(async () => {
  server = await createTestServer({}, { handlers: WORKFLOW_TEST_HANDLERS });
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  await addWorkflowFixtures(server.services, mine);
});
afterAll(async () => server?.close());

const as = async (world: World, role: Role) =>
  (await issueSession(server.services, world.users[role], 'password')).accessToken;

const upload = async (data: Buffer, contentType: string, token: string, name = '照片.jpg') =>
  server.api.request('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, {
    token,
    raw: data,
    contentType,
  });

describe('uploading', () => {
  it('stores a photo and a voice note and gives them back to the uploader byte for byte', async () => {
    const token = await as(mine, 'resident');
    const photo = await upload(JPEG, 'image/jpeg', token, '漏水.jpg');
    expect(photo.status).toBe(201);
    expect(photo.body).toMatchObject({ name: '漏水.jpg', kind: 'image', size: JPEG.length });
    const voice = await upload(AMR, 'audio/amr', token, '语音.amr');
    expect(voice.body.kind).toBe('audio');

    const res = await fetch(`${server.url}/api/v1/files/${photo.body.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(JPEG)).toBe(true);
  });

  it('refuses a file whose content is not what its type says, a type it does not take, and an empty file', async () => {
    const token = await as(mine, 'resident');
    const renamed = await upload(PNG, 'image/jpeg', token);
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toContain('image/jpeg');
    const exe = await upload(Buffer.from('MZ\x90\x00', 'latin1'), 'application/x-msdownload', token);
    expect(exe.status).toBe(415);
    const empty = await upload(Buffer.alloc(0), 'image/png', token);
    expect(empty.status).toBe(400);
  });

  it("takes a browser's voice note (WebM) and refuses one that only says it is", async () => {
    const token = await as(mine, 'resident');
    const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from('webm-opus-frames')]);
    const voice = await upload(webm, 'audio/webm', token, '语音说明');
    expect(voice.status).toBe(201);
    expect(voice.body.kind).toBe('audio');
    const fake = await upload(Buffer.from('not a recording'), 'audio/webm', token);
    expect(fake.status).toBe(400);
  });

  it('refuses a voice note over 5 MB, naming the limit', async () => {
    const big = Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.alloc(5 * 1024 * 1024 + 1)]);
    const res = await upload(big, 'audio/amr', await as(mine, 'resident'));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toContain('5 MB');
  });
});

describe('reading', () => {
  it('shows an unfiled upload to nobody but its uploader', async () => {
    const photo = await upload(JPEG, 'image/jpeg', await as(mine, 'resident'));
    for (const [world, role] of [
      [mine, 'grid_worker'],
      [mine, 'volunteer'],
      [mine, 'community_admin'],
    ] as [World, Role][]) {
      const res = await server.api.get(`/api/v1/files/${photo.body.id}`, await as(world, role));
      expect(res.status).toBe(404);
    }
  });

  it('shows a file filed with a case to the staff of its area, and not to another district', async () => {
    const token = await as(mine, 'resident');
    const photo = await upload(JPEG, 'image/jpeg', token);
    const instance = await server.services.workflow.store.getInstance(mine.ids.instance!);
    await claimFiles(server.services.db, [photo.body.id], {
      uploaderId: mine.users.resident,
      instanceId: instance!.id,
      orgPath: instance!.orgPath!,
      kinds: ['image'],
    });
    expect(
      (await server.api.get(`/api/v1/files/${photo.body.id}`, await as(mine, 'grid_worker'))).status,
    ).toBe(200);
    expect(
      (await server.api.get(`/api/v1/files/${photo.body.id}`, await as(other, 'grid_worker'))).status,
    ).toBe(404);
    expect(
      (await server.api.get(`/api/v1/files/${photo.body.id}`, await as(other, 'district_admin'))).status,
    ).toBe(404);
  });

  it('will not file someone else’s upload, or one of the wrong kind, and then files nothing', async () => {
    const mineUpload = await upload(JPEG, 'image/jpeg', await as(mine, 'resident'));
    const voice = await upload(AMR, 'audio/amr', await as(mine, 'resident'));
    const theirs = await upload(JPEG, 'image/jpeg', await as(mine, 'grid_worker'));
    const instance = await server.services.workflow.store.getInstance(mine.ids.instance!);
    const claim = (ids: string[]) =>
      claimFiles(server.services.db, ids, {
        uploaderId: mine.users.resident,
        instanceId: instance!.id,
        orgPath: instance!.orgPath!,
        kinds: ['image'],
        label: 'photos',
      });
    await expect(claim([mineUpload.body.id, theirs.body.id])).rejects.toThrow(theirs.body.id);
    await expect(claim([voice.body.id])).rejects.toThrow('photos');
    // nothing was filed: staff still cannot read the resident's own upload
    expect(
      (await server.api.get(`/api/v1/files/${mineUpload.body.id}`, await as(mine, 'grid_worker'))).status,
    ).toBe(404);
  });
});

describe('timeline', () => {
  it('shows each step with its name, who did it, the outcome and the comment, to the resident and staff', async () => {
    const gw = await as(mine, 'grid_worker');
    const started = await server.api.post(
      '/api/v1/instances',
      { processId: 'matrix-case' },
      await as(mine, 'resident'),
    );
    const taskId = started.body.openTasks[0].id;
    await server.api.post(`/api/v1/tasks/${taskId}/comments`, { text: '已联系居民，明早上门' }, gw);
    const done = await server.api.post(
      `/api/v1/tasks/${taskId}/complete`,
      { outcome: 'accept', comment: '材料齐全，予以受理' },
      gw,
    );
    expect(done.status).toBe(200);

    const res = await server.api.get(
      `/api/v1/instances/${started.body.id}/timeline`,
      await as(mine, 'resident'),
    );
    expect(res.status).toBe(200);
    const entries = res.body.entries as {
      kind: string;
      activityName: string | null;
      actor: { name: string } | null;
      outcome: string | null;
      comment: string | null;
    }[];
    expect(entries.map((e) => e.kind)).toEqual([
      'instance.started',
      'task.created',
      'comment',
      'claim',
      'task.completed',
      'task.created',
    ]);
    const completed = entries.find((e) => e.kind === 'task.completed')!;
    expect(completed).toMatchObject({
      activityName: '受理',
      actor: { name: '甲grid_worker' },
      outcome: 'accept',
      comment: '材料齐全，予以受理',
    });
    expect(entries.find((e) => e.kind === 'comment')!.comment).toBe('已联系居民，明早上门');
    expect(entries.at(-1)!.activityName).toBe('办理');
    // no variables (which may hold personal data) leak into the timeline
    expect(JSON.stringify(res.body)).not.toContain('variables');

    const foreign = await server.api.get(
      `/api/v1/instances/${started.body.id}/timeline`,
      await as(other, 'community_admin'),
    );
    expect(foreign.status).toBe(404);
  });
});
