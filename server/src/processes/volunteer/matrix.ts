// The volunteer routes' rows of the authorisation matrix (policy/matrix.test.ts merges them), and the fixtures
// their `:id`s name, made in each test world.
import { users } from '../../db/schema.js';
import { loadPrincipal, type Principal } from '../../policy/principal.js';
import { TEST_PASSWORD_HASH } from '../../testing/world.js';
import type { Expectation, MatrixFixtures } from '../../testing/matrix.js';
import { readBundledProcess } from '../deploy.js';
import { register } from './domain.js';
import { VOLUNTEER_BPMN } from './index.js';
import { redeem } from './points.js';
import { claimActivity, reviewActivity, startActivityCase } from './routes.js';
import { mallItems, pointsLedger } from './schema.js';

const READERS = [
  'resident',
  'volunteer',
  'grid_worker',
  'community_admin',
  'street_admin',
  'district_admin',
] as const;

export const expectations: Record<string, Expectation> = {
  'POST /volunteer/registrations': {
    in: ['resident', 'volunteer'],
    why: 'residents ask to serve in their community',
  },
  'GET /volunteer/registrations': { in: [...READERS] },
  'POST /volunteer/registrations/:id/review': { in: ['grid_worker', 'community_admin'] },
  'POST /volunteer/wishes': { in: ['resident', 'volunteer'], why: 'a resident posts a wish from home' },
  'POST /volunteer/activities': { in: ['grid_worker', 'community_admin'] },
  'GET /volunteer/activities': { in: [...READERS] },
  'GET /volunteer/activities/:id': {
    in: [...READERS],
    why: 'published wishes are seen by the residents of their community',
  },
  'GET /volunteer/activities/:id/timeline': {
    in: [...READERS],
    why: 'the wish owner, the volunteer who serves it, and staff of the area',
  },
  'POST /volunteer/activities/:id/review': { in: ['grid_worker', 'community_admin'] },
  'POST /volunteer/activities/:id/claim': {
    in: ['volunteer'],
    why: 'only registered volunteers claim, never the wish owner',
  },
  'POST /volunteer/activities/:id/confirm': {
    in: ['resident', 'grid_worker', 'community_admin'],
    why: 'the wish owner, or community staff on their behalf; never the volunteer who served',
  },
  'POST /volunteer/activities/:id/withdraw': { in: ['volunteer'], why: 'only the volunteer who claimed it' },
  'POST /volunteer/activities/:id/cancel': {
    in: ['resident', 'grid_worker', 'community_admin'],
    why: 'the poster, or community staff of the area',
  },
  'POST /volunteer/points/adjustments': { in: ['community_admin'] },
  'GET /volunteer/me/record': { in: [...READERS] },
  'GET /volunteer/records/:id': {
    in: ['volunteer', 'grid_worker', 'community_admin', 'street_admin', 'district_admin'],
    why: 'the volunteer themself and staff of their area',
  },
  'GET /volunteer/ranking': { in: [...READERS] },
  'GET /volunteer/mall/items': { in: [...READERS] },
  'POST /volunteer/mall/items': { in: ['community_admin'] },
  'PATCH /volunteer/mall/items/:id': { in: ['community_admin'] },
  'POST /volunteer/mall/items/:id/redeem': {
    in: ['resident', 'volunteer'],
    why: 'members of the community spend their points (the resident has none: 409)',
  },
  'GET /volunteer/redemptions': { in: [...READERS] },
  'POST /volunteer/redemptions/:id/fulfil': {
    in: ['community_admin'],
    why: 'the community (or the shop account named on the item) hands it over',
  },
  'POST /volunteer/redemptions/:id/cancel': {
    in: ['volunteer', 'community_admin'],
    why: 'the redeemer, or the community',
  },
};

async function principal(db: Parameters<typeof loadPrincipal>[0], userId: string): Promise<Principal> {
  const p = await loadPrincipal(db, userId);
  if (!p) throw new Error(`no principal ${userId}`);
  return p;
}

export const fixtures: MatrixFixtures = async (s, world) => {
  for (const file of VOLUNTEER_BPMN) await s.workflow.runtime.deploy(await readBundledProcess(file), null);
  const ids = world.ids;
  const resident = await principal(s.db, world.users.resident);
  const volunteer = await principal(s.db, world.users.volunteer);
  const grid = await principal(s.db, world.users.grid_worker);
  ids.volunteerUser = world.users.volunteer;

  // a family member with an account asks to register
  const [applicant] = await s.db
    .insert(users)
    .values({
      displayName: '志愿申请人',
      username: `vol.applicant.${ids.community}`,
      passwordHash: TEST_PASSWORD_HASH,
      residentId: ids.familyMember!,
    })
    .returning();
  const registration = await register(s, await principal(s.db, applicant!.id), {
    isPartyMember: false,
    skills: ['陪伴老人'],
  });
  ids.volRegistration = registration.id;

  const wish = (title: string) =>
    startActivityCase(s, resident, {
      kind: 'wish',
      communityId: ids.community!,
      orgPath: `/${ids.district}/${ids.street}/${ids.community}/${ids.grid}/`,
      title,
      description: '家里老人行动不便，需要帮忙',
      place: '1号楼1单元101室',
      startsAt: null,
      endsAt: null,
      slots: 1,
      points: 10,
      hours: 1,
      photoIds: [],
    });
  ids.volWish = (await wish('帮忙取药')).id;
  const open = await wish('陪老人聊天');
  await reviewActivity(s, grid, open.id, { approve: true, points: 10 });
  ids.volOpenWish = open.id;
  const serving = await wish('修理自行车');
  await reviewActivity(s, grid, serving.id, { approve: true, points: 15 });
  await claimActivity(s, volunteer, serving.id);
  ids.volConfirmWish = serving.id;
  const leaving = await wish('帮忙搬花盆');
  await reviewActivity(s, grid, leaving.id, { approve: true });
  await claimActivity(s, volunteer, leaving.id);
  ids.volWithdrawWish = leaving.id;
  ids.volCancelWish = (await wish('帮忙修剪窗前树枝')).id;

  // the volunteer has points to spend; the mall has an item and two of the volunteer's redemptions
  await s.db.insert(pointsLedger).values({
    userId: world.users.volunteer,
    communityId: ids.community!,
    orgPath: `/${ids.district}/${ids.street}/${ids.community}/`,
    amount: 200,
    kind: 'adjustment',
    causeKey: `fixture:${ids.community}`,
    note: '历史志愿服务积分导入',
  });
  const [item] = await s.db
    .insert(mallItems)
    .values({
      communityId: ids.community!,
      orgPath: `/${ids.district}/${ids.street}/${ids.community}/`,
      name: '洗衣液',
      pointsPrice: 10,
      stock: 1000,
      organisationId: ids.organisation!,
      providerName: '便利店',
    })
    .returning();
  ids.volMallItem = item!.id;
  ids.volRedemption = (await redeem(s, world.users.volunteer, item!, 1)).redemption.id;
  const toFulfil = (await redeem(s, world.users.volunteer, item!, 1)).redemption;
  ids.volRedemptionToFulfil = toFulfil.id;
  ids.volPickupCode = toFulfil.pickupCode;
};
