// The notice routes' rows of the authorisation matrix (policy/matrix.test.ts merges them through
// processes/matrix.ts), and the notices their `:id`s name, made in each test world.
import { ADMINS, ALL, type Expectation, type MatrixFixtures } from '../testing/matrix.js';
import { loadPrincipal } from '../policy/principal.js';
import { uploadFile } from '../files/service.js';
import { createNotice } from './notices.js';

/** the smallest valid JPEG header */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

export const expectations: Record<string, Expectation> = {
  'GET /notices': { in: ALL, why: 'everyone reads the published notices of their own communities' },
  'POST /notices': { in: ADMINS },
  'GET /notices/:id': {
    in: ALL,
    why: 'a published notice of the community is for everyone who lives or works there',
  },
  'GET /notices/:id/cover': { in: ALL },
  'PATCH /notices/:id': { in: ADMINS },
  'POST /notices/:id/publish': { in: ADMINS },
  'POST /notices/:id/withdraw': { in: ADMINS },
  'DELETE /notices/:id': {
    in: ADMINS,
    why: 'the target is published: admins get 409 (drafts only), others no access',
  },
};

export const fixtures: MatrixFixtures = async (s, world) => {
  const admin = (await loadPrincipal(s.db, world.users.community_admin))!;
  const cover = await uploadFile(s, admin, { contentType: 'image/jpeg', data: JPEG });
  const base = { orgUnitId: world.ids.community!, kind: 'notice' as const, body: '请相互转告。' };
  world.ids.notice = (
    await createNotice(s, admin, { ...base, title: '停水通知', coverFileId: cover.id, publish: true })
  ).id;
  world.ids.noticeDraft = (await createNotice(s, admin, { ...base, title: '消防演练' })).id;
  world.ids.noticeToWithdraw = (
    await createNotice(s, admin, { ...base, title: '垃圾分类', publish: true })
  ).id;
};
