// The approval routes' rows of the authorisation matrix (policy/matrix.test.ts merges them), and the fixtures
// their `:id`s name, made in each test world: a published item of the world's community (pre-review, accept
// and conclude by community admins, handling by grid workers) and one application at each step.
import { getOrgUnit } from '../../domain/org.js';
import { loadPrincipal, type Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { ADMINS, type Expectation, type MatrixFixtures } from '../../testing/matrix.js';
import { readBundledProcess } from '../deploy.js';
import { accept, conclude, handle, preReview, review, submitApproval } from './cases.js';
import { approvalItems } from './schema.js';

const READERS = ['resident', 'grid_worker', ...ADMINS] as Expectation['in'];

export const expectations: Record<string, Expectation> = {
  'GET /approval-items': {
    in: ['resident', 'volunteer', 'grid_worker', ...ADMINS],
    why: 'the catalogue where one lives or works',
  },
  'GET /approval-items/:id': {
    in: ['resident', 'volunteer', 'grid_worker', ...ADMINS],
    why: 'published items of the community one lives in; staff of the area',
  },
  'POST /approval-items': { in: ADMINS },
  'PATCH /approval-items/:id': { in: ADMINS },
  'POST /approvals': {
    in: ['resident', 'grid_worker', ...ADMINS],
    why: 'a resident for themself online; staff at the window for a resident of their area',
  },
  'GET /approvals': {
    in: ['resident', 'volunteer', 'grid_worker', ...ADMINS],
    why: 'one’s own, or the area’s',
  },
  'GET /approvals/supervision': { in: ADMINS },
  'GET /approvals/stats': { in: ADMINS },
  'GET /approvals/:id': { in: READERS, why: 'the applicant, and staff of the area' },
  'POST /approvals/:id/pre-review': {
    in: ADMINS,
    why: 'the window (the item’s accept group) and supervisors',
  },
  'POST /approvals/:id/supplement': {
    in: ['resident', ...ADMINS],
    why: 'whoever holds the supplement (the applicant), and supervisors on their behalf',
  },
  'POST /approvals/:id/accept': { in: ADMINS },
  'POST /approvals/:id/handle': { in: ['grid_worker', ...ADMINS], why: 'the item’s handling group' },
  'POST /approvals/:id/review': { in: ADMINS },
  'POST /approvals/:id/conclude': { in: ADMINS },
  'POST /approvals/:id/return': { in: ADMINS, why: 'whoever may work the open step (review here)' },
  'POST /approvals/:id/urge': { in: ADMINS, why: 'supervisors (督办)' },
  'POST /approvals/:id/rating': { in: ['resident'], why: 'only the applicant rates' },
  'POST /approvals/:id/reveal': {
    in: ['grid_worker', 'community_admin'],
    why: 'the roles that may reveal ID numbers (REVEALABLE), in their area',
  },
};

async function principal(s: Services, userId: string): Promise<Principal> {
  return (await loadPrincipal(s.db, userId))!;
}

export const fixtures: MatrixFixtures = async (s, world) => {
  await s.workflow.runtime.deploy(await readBundledProcess('approval.bpmn'), null);
  const [item] = await s.db
    .insert(approvalItems)
    .values({
      orgUnitId: world.ids.community!,
      orgPath: (await getOrgUnit(s.db, world.ids.community!)).path,
      name: '居住证明',
      materials: [{ name: '居民身份证', required: false }],
      formFields: [
        { key: 'reason', label: '申请事由', type: 'text', required: true },
        { key: 'idNumber', label: '身份证号', type: 'idNumber', required: false },
      ],
      timeLimitDays: 5,
      acceptGroup: 'community_admin',
      handleGroup: 'grid_worker',
      reviewGroup: 'community_admin',
      published: true,
    })
    .returning();
  world.ids.approvalItem = item!.id;

  const [resident, admin, grid] = await Promise.all([
    principal(s, world.users.resident),
    principal(s, world.users.community_admin),
    principal(s, world.users.grid_worker),
  ]);
  const apply = async () =>
    (
      await submitApproval(s, resident, {
        itemId: item!.id,
        form: { reason: '子女入学需开具居住证明', idNumber: world.secrets.residentSecrets.idNumber },
        materials: [],
      })
    ).id;
  const steps: ((id: string) => Promise<unknown>)[] = [
    (id) => preReview(s, admin, id, { outcome: 'complete', missing: [] }),
    (id) => accept(s, admin, id, undefined),
    (id) => handle(s, grid, id, { opinion: 'approve', comment: '情况属实', fileIds: [] }),
    (id) => review(s, admin, id, undefined),
    (id) => conclude(s, admin, id, { result: 'refused', reason: '不符合条件', resultFileIds: [] }),
  ];
  const at = async (n: number) => {
    const id = await apply();
    for (const step of steps.slice(0, n)) await step(id);
    return id;
  };
  world.ids.approval = await at(0);
  world.ids.approvalPreReview = await at(0);
  world.ids.approvalAccept = await at(1);
  world.ids.approvalHandle = await at(2);
  world.ids.approvalReview = await at(3);
  world.ids.approvalReturn = await at(3);
  world.ids.approvalConclude = await at(4);
  world.ids.approvalConcluded = await at(5);
  const supplementing = await apply();
  await preReview(s, admin, supplementing, { outcome: 'incomplete', missing: ['reason'] });
  world.ids.approvalSupplement = supplementing;
};
