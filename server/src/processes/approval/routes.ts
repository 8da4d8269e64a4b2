// The approval API: the catalogue (/approval-items), applications and their steps (/approvals), the
// supervision list and the statistics. The generic task API (/tasks/:id/…) works on the same cases too
// (claim, transfer, comments); these routes add the domain's checks to each step.
import {
  ApprovalDetail,
  ApprovalItem,
  ApprovalItemInput,
  ApprovalItemPatch,
  ApprovalItemQuery,
  ApprovalQuery,
  ApprovalStats,
  ApprovalSummary,
  ConcludeStep,
  HandleStep,
  IdParams,
  PreReview,
  RateApproval,
  ReturnStep,
  RevealApprovalFields,
  RevealedApprovalFields,
  StatsQuery,
  StepComment,
  Supplement,
  SubmitApproval,
  SupervisionEntry,
  SupervisionQuery,
  UrgeApproval,
  pageOf,
} from '@linli/contracts';
import type { z } from 'zod';
import { defineRoute, type RouteDef } from '../../http/route.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { createItem, getItem, listItems, presentItems, updateItem } from './catalogue.js';
import {
  accept,
  conclude,
  getApproval,
  handle,
  preReview,
  rate,
  returnStep,
  revealFields,
  review,
  submitApproval,
  supplement,
  urge,
} from './cases.js';
import { listApprovals, presentDetail, statistics, supervisionList } from './queries.js';

const tag = 'approvals';

const FORM = { reason: '办理银行开户，需开具居住证明' };

const listItemsRoute = defineRoute({
  method: 'get',
  path: '/approval-items',
  summary: 'The catalogue (事项清单): published items where you live; staff also see their area’s drafts',
  tag,
  auth: 'user',
  query: ApprovalItemQuery,
  response: pageOf(ApprovalItem),
  handler: async ({ query, principal, services }) => listItems(services, principal, query),
});

const getItemRoute = defineRoute({
  method: 'get',
  path: '/approval-items/:id',
  summary: 'One item of the catalogue: materials, form, time limit, who handles it',
  tag,
  auth: 'user',
  params: IdParams,
  response: ApprovalItem,
  matrix: { target: 'approvalItem' },
  handler: async ({ params, principal, services: s }) =>
    (await presentItems(s.db, [await getItem(s, principal, params.id)]))[0],
});

const createItemRoute = defineRoute({
  method: 'post',
  path: '/approval-items',
  summary: 'Add an item to the catalogue of your community or street (admins)',
  tag,
  auth: 'user',
  body: ApprovalItemInput,
  status: 201,
  response: ApprovalItem,
  matrix: {
    body: (fx) => ({
      orgUnitId: fx.community,
      name: '临时救助申请',
      materials: [{ name: '身份证', required: true }],
      formFields: [{ key: 'reason', label: '申请事由', type: 'text', required: true }],
      timeLimitDays: 10,
    }),
  },
  handler: async ({ body, principal, services: s }) =>
    (await presentItems(s.db, [await createItem(s, principal, body)]))[0],
});

const updateItemRoute = defineRoute({
  method: 'patch',
  path: '/approval-items/:id',
  summary:
    'Change an item: time limit, materials, form, who handles it, published (running cases keep theirs)',
  tag,
  auth: 'user',
  params: IdParams,
  body: ApprovalItemPatch,
  response: ApprovalItem,
  matrix: { target: 'approvalItem', body: () => ({ timeLimitDays: 5 }) },
  handler: async ({ params, body, principal, services: s }) =>
    (await presentItems(s.db, [await updateItem(s, principal, params.id, body)]))[0],
});

const submitRoute = defineRoute({
  method: 'post',
  path: '/approvals',
  summary:
    'Apply for an item: a resident online, or staff at the window for a resident (窗口办件, residentId)',
  tag,
  auth: 'user',
  body: SubmitApproval,
  status: 201,
  response: ApprovalDetail,
  matrix: {
    body: (fx) => ({ itemId: fx.approvalItem, residentId: fx.resident, form: FORM, materials: [] }),
  },
  handler: async ({ body, principal, services: s }) =>
    presentDetail(s, await submitApproval(s, principal, body)),
});

const listRoute = defineRoute({
  method: 'get',
  path: '/approvals',
  summary: 'Your applications, or those of your area',
  tag,
  auth: 'user',
  query: ApprovalQuery,
  response: pageOf(ApprovalSummary),
  handler: async ({ query, principal, services }) => listApprovals(services, principal, query),
});

const supervisionRoute = defineRoute({
  method: 'get',
  path: '/approvals/supervision',
  summary: 'The supervision list (督办): open applications past 80% of their time limit or overdue',
  tag,
  auth: 'user',
  query: SupervisionQuery,
  response: pageOf(SupervisionEntry),
  handler: async ({ query, principal, services }) => supervisionList(services, principal, query),
});

const statsRoute = defineRoute({
  method: 'get',
  path: '/approvals/stats',
  summary:
    'Statistics: cases per item and state, handling time, on-time rate, satisfaction, per worker (绩效)',
  tag,
  auth: 'user',
  query: StatsQuery,
  response: ApprovalStats,
  handler: async ({ query, principal, services }) => statistics(services, principal, query),
});

const getRoute = defineRoute({
  method: 'get',
  path: '/approvals/:id',
  summary:
    'One application: form (personal fields masked), materials, the step it is at, the clock, the result',
  tag,
  auth: 'user',
  params: IdParams,
  response: ApprovalDetail,
  matrix: { target: 'approval' },
  handler: async ({ params, principal, services: s }) =>
    presentDetail(s, await getApproval(s, principal, params.id)),
});

/** a step: run it, answer with the application as it is now */
function step<B extends z.ZodType>(def: {
  name: string;
  summary: string;
  body: B;
  target: string;
  sample: unknown;
  run: (s: Services, p: Principal, id: string, body: z.infer<B>) => Promise<unknown>;
}): RouteDef {
  return defineRoute({
    method: 'post',
    path: `/approvals/:id/${def.name}`,
    summary: def.summary,
    tag,
    auth: 'user',
    params: IdParams,
    body: def.body,
    response: ApprovalDetail,
    matrix: { target: def.target, body: () => def.sample },
    handler: async ({ params, body, principal, services: s }) => {
      await def.run(s, principal, params.id, body as z.infer<B>);
      return presentDetail(s, await getApproval(s, principal, params.id));
    },
  });
}

const preReviewRoute = step({
  name: 'pre-review',
  summary: 'Pre-review (预审): complete, or incomplete with what the applicant must supplement (补正)',
  body: PreReview,
  target: 'approvalPreReview',
  sample: { outcome: 'complete', comment: '材料齐全' },
  run: (s, p, id, b) => preReview(s, p, id, b),
});

const supplementRoute = step({
  name: 'supplement',
  summary: 'Hand in what pre-review asked for (补正); the clock runs again',
  body: Supplement,
  target: 'approvalSupplement',
  sample: { form: { reason: '办理银行开户，需居住证明' }, comment: '已补充' },
  run: (s, p, id, b) => supplement(s, p, id, b),
});

const acceptRoute = step({
  name: 'accept',
  summary: 'Accept the application (受理)',
  body: StepComment,
  target: 'approvalAccept',
  sample: { comment: '予以受理' },
  run: (s, p, id, b) => accept(s, p, id, b.comment),
});

const handleRoute = step({
  name: 'handle',
  summary: 'Handle it (承办): the opinion, with files such as a home-visit record',
  body: HandleStep,
  target: 'approvalHandle',
  sample: { opinion: 'approve', comment: '经入户核实，情况属实' },
  run: (s, p, id, b) => handle(s, p, id, b),
});

const reviewRoute = step({
  name: 'review',
  summary: 'Review it (审核); to disagree, return it to the handler',
  body: StepComment,
  target: 'approvalReview',
  sample: { comment: '同意' },
  run: (s, p, id, b) => review(s, p, id, b.comment),
});

const concludeRoute = step({
  name: 'conclude',
  summary: 'Conclude it (办结): approved with the result document, or refused with the reason',
  body: ConcludeStep,
  target: 'approvalConclude',
  sample: { result: 'refused', reason: '不符合办理条件' },
  run: (s, p, id, b) => conclude(s, p, id, b),
});

const returnRoute = step({
  name: 'return',
  summary: 'Return the application to the step before the open one (退回), with the reason',
  body: ReturnStep,
  target: 'approvalReturn',
  sample: { reason: '承办意见不完整，请补充入户核实情况' },
  run: (s, p, id, b) => returnStep(s, p, id, b.reason),
});

const urgeRoute = step({
  name: 'urge',
  summary: 'Urge whoever holds the open step (督办催办): supervisors',
  body: UrgeApproval,
  target: 'approvalAccept',
  sample: { message: '请于今日内办结' },
  run: (s, p, id, b) => urge(s, p, id, b.message),
});

const revealRoute = defineRoute({
  method: 'post',
  path: '/approvals/:id/reveal',
  summary: 'Read personal form values (ID number, phone) in full, with a reason; every reveal is audited',
  tag,
  auth: 'user',
  params: IdParams,
  body: RevealApprovalFields,
  response: RevealedApprovalFields,
  matrix: { target: 'approval', body: () => ({ fields: ['idNumber'], reason: '核对申请人身份' }) },
  handler: async ({ params, body, principal, services: s, requestId }) => ({
    values: await revealFields(s, principal, params.id, body, requestId),
  }),
});

const rateRoute = defineRoute({
  method: 'post',
  path: '/approvals/:id/rating',
  summary: 'Rate the service once the application is concluded (1–5 and a comment): the applicant',
  tag,
  auth: 'user',
  params: IdParams,
  body: RateApproval,
  response: ApprovalDetail,
  matrix: { target: 'approvalConcluded', body: () => ({ score: 5, comment: '办理很快，态度很好' }) },
  handler: async ({ params, body, principal, services: s }) =>
    presentDetail(s, await rate(s, principal, params.id, body)),
});

export const approvalRoutes: RouteDef[] = [
  listItemsRoute,
  getItemRoute,
  createItemRoute,
  updateItemRoute,
  submitRoute,
  listRoute,
  supervisionRoute,
  statsRoute,
  getRoute,
  preReviewRoute,
  supplementRoute,
  acceptRoute,
  handleRoute,
  reviewRoute,
  concludeRoute,
  returnRoute,
  urgeRoute,
  rateRoute,
  revealRoute,
];
