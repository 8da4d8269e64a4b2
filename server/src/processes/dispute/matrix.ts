// The dispute routes' rows of the authorisation matrix (policy/matrix.test.ts merges them), and the fixtures
// their `:id`s name, made in each test world. A dispute is seen only by its parties / registrant, its
// mediator and the admins over it: the world's grid worker mediates `disputeMediating`, `disputeOutcome`
// and `disputeSigning` but not `dispute`; property staff and technicians see none.
import { ADMINS, type Expectation, type MatrixFixtures } from '../../testing/matrix.js';
import { disputeCommitteeMembers } from './schema.js';
import {
  acceptedDispute,
  deployDispute,
  partiesOf,
  registeredDispute,
  signingDispute,
  uploadedImage,
  withSession,
} from './fixtures.js';

const WORKERS: Expectation['in'] = ['grid_worker', ...ADMINS];

export const expectations: Record<string, Expectation> = {
  'POST /disputes': {
    in: ['resident', 'volunteer', 'grid_worker', 'community_admin', 'street_admin'],
    why: 'a resident registers for themself; grid workers and admins for residents or from the hotline',
  },
  'GET /disputes': { in: ['resident', 'volunteer', 'grid_worker', ...ADMINS] },
  'GET /disputes/:id': {
    in: ['resident', ...ADMINS],
    why: 'the registrant (a party) and the admins over it',
  },
  'GET /disputes/:id/timeline': { in: ['resident', ...ADMINS] },
  'GET /disputes/:id/mediators': { in: ADMINS, why: 'the committee (not a world role) and admins' },
  'POST /disputes/:id/acceptance': { in: ADMINS, why: 'the committee, or admins supervising it' },
  'POST /disputes/:id/sessions': { in: WORKERS, why: 'its mediator (the grid worker) and admins' },
  'POST /disputes/:id/outcome': { in: WORKERS },
  'POST /disputes/:id/signatures': {
    in: WORKERS,
    why: 'the mediator records; a party signs only for themself',
  },
  'POST /disputes/:id/follow-up': { in: WORKERS },
  'POST /disputes/:id/return': {
    in: WORKERS,
    why: 'the mediator hands it back once; admins then find it back at acceptance',
  },
  'POST /disputes/:id/street-receipt': { in: ['street_admin', 'district_admin'] },
  'POST /disputes/:id/reveal': { in: ['grid_worker', 'community_admin', 'street_admin'] },
  'GET /disputes/:id/file': { in: ['resident', ...ADMINS] },
  'GET /dispute-committee': { in: ADMINS },
  'POST /dispute-committee': { in: ['community_admin', 'street_admin'] },
  'POST /dispute-committee/:id/remove': { in: ['community_admin', 'street_admin'] },
};

export const fixtures: MatrixFixtures = async (s, world) => {
  await deployDispute(s);
  const ids = world.ids;
  const cast = {
    resident: world.users.resident,
    admin: world.users.community_admin,
    mediator: world.users.grid_worker,
  };
  const phone = (n: number) =>
    `137${String(world.users.resident.charCodeAt(0) % 10)}00${String(n).padStart(5, '0')}`;
  ids.disputeMediator = world.users.grid_worker;
  ids.committeeCandidate = world.users.volunteer;

  ids.disputeFile = await uploadedImage(s, world.users.resident, '漏水照片.png');
  const registered = await registeredDispute(s, cast, phone(1), [ids.disputeFile]);
  ids.dispute = registered.id;
  // GET /disputes?instanceId= (the dispute of a task's case)
  ids.disputeInstance = registered.instanceId!;

  const mediating = await acceptedDispute(s, await registeredDispute(s, cast, phone(2)), cast);
  ids.disputeMediating = mediating.id;
  ids.disputeMediatingParty = (await partiesOf(s.db, mediating.id)).find((x) => x.role === 'respondent')!.id;

  const outcome = await acceptedDispute(s, await registeredDispute(s, cast, phone(3)), cast);
  await withSession(s, outcome, cast);
  ids.disputeOutcome = outcome.id;

  const signing = await acceptedDispute(s, await registeredDispute(s, cast, phone(4)), cast);
  await withSession(s, signing, cast);
  await signingDispute(s, signing, cast);
  ids.disputeSigning = signing.id;
  ids.disputeSigningParty = (await partiesOf(s.db, signing.id)).find((x) => x.role === 'respondent')!.id;
  ids.disputeSignatureFile = await uploadedImage(s, world.users.grid_worker);

  const [member] = await s.db
    .insert(disputeCommitteeMembers)
    .values({ communityId: ids.community!, userId: ids.staffUser!, title: '委员' })
    .returning();
  ids.committeeMember = member!.id;
};
