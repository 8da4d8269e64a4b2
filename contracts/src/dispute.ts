// Dispute mediation (矛盾调解): registration, acceptance, mediation sessions, the agreement and its
// signatures, the follow-up visit, referrals, and the community mediation committee.
import { z } from 'zod';
import { Id, MobilePhone, Paging } from './common.js';

export const DISPUTE_CATEGORIES = [
  'neighbour', // 邻里纠纷
  'family', // 婚姻家庭纠纷
  'property', // 物业纠纷
  'labour', // 劳动争议
  'land', // 土地/宅基地纠纷
  'debt', // 债务纠纷
  'other', // 其他
] as const;
export const DisputeCategory = z.enum(DISPUTE_CATEGORIES);
export type DisputeCategory = z.infer<typeof DisputeCategory>;

export const DISPUTE_SOURCES = ['resident', 'grid_worker', 'hotline', 'event'] as const;
export const DisputeSource = z.enum(DISPUTE_SOURCES);

export const DISPUTE_STATUSES = [
  'registered', // 待受理
  'rejected', // 不予受理（已告知转介去向）
  'mediating', // 调解中
  'signing', // 协议待签字
  'follow_up', // 待回访
  'closed', // 调解成功结案
  'referred_street', // 已转街道
  'referred_court', // 已引导至人民法院
] as const;
export const DisputeStatus = z.enum(DISPUTE_STATUSES);
export type DisputeStatus = z.infer<typeof DisputeStatus>;

export const DisputePartyRole = z.enum(['applicant', 'respondent', 'third_party']);

export const DisputePartyInput = z.strictObject({
  name: z.string({ message: 'every party needs a name' }).trim().min(1, 'every party needs a name').max(50),
  role: DisputePartyRole.default('respondent'),
  phone: MobilePhone.optional(),
  /** where the party lives or can be found (free text) */
  address: z.string().trim().max(200).optional(),
});

export const RegisterDispute = z
  .strictObject({
    /** resident: filed by the resident themself; grid_worker / hotline: entered by staff */
    source: z.enum(['resident', 'grid_worker', 'hotline']).optional(),
    hotlineTicket: z.string().trim().min(1).max(50).optional(),
    /** the community (or one of its grids) the dispute belongs to; staff must name it */
    orgUnitId: Id.optional(),
    title: z.string().trim().min(2, 'say in a few words what the dispute is about').max(100),
    description: z.string().trim().min(1, 'describe the dispute').max(4000),
    /** the registrant's guess; the committee classifies on acceptance */
    category: DisputeCategory.optional(),
    /** the other people involved (a resident filing for themself is added as the applicant) */
    parties: z.array(DisputePartyInput).min(1, 'name at least one party').max(20),
    fileIds: z.array(Id).max(9, 'at most 9 files').default([]),
  })
  .refine((b) => b.source !== 'hotline' || !!b.hotlineTicket, {
    message: 'a hotline registration needs the hotline ticket number',
    path: ['hotlineTicket'],
  });

export const DisputeAcceptance = z.discriminatedUnion('decision', [
  z.strictObject({
    decision: z.literal('accept'),
    category: DisputeCategory,
    /** a grid worker of the community or a member of its mediation committee */
    mediatorUserId: Id,
    comment: z.string().trim().max(500).optional(),
  }),
  z.strictObject({
    decision: z.literal('reject'),
    reason: z.string().trim().min(2, 'give the reason for not accepting').max(500),
    /** where the applicant is referred (e.g. 劳动人事争议仲裁委员会) */
    referredTo: z.string().trim().min(2, 'say where the case is referred').max(200),
  }),
]);

export const DisputeSessionInput = z.strictObject({
  heldAt: z.iso.datetime({ offset: true, message: 'heldAt must be an ISO date-time' }),
  place: z.string().trim().min(1, 'say where the session was held').max(200),
  attendees: z.array(z.string().trim().min(1).max(50)).min(1, 'list who attended').max(30),
  notes: z.string().trim().min(1, 'record what was said and agreed').max(8000),
  fileIds: z.array(Id).max(9).default([]),
  /** show the notes to the parties too */
  shareWithParties: z.boolean().default(false),
});

export const DisputeOutcomeInput = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('agreement'),
    /** the terms the parties agreed, one per item */
    terms: z.array(z.string().trim().min(2).max(1000)).min(1, 'list the agreed terms').max(30),
  }),
  z.strictObject({
    outcome: z.literal('no_agreement'),
    referral: z.enum(['street', 'court']),
    reason: z.string().trim().min(2, 'say why no agreement was reached').max(1000),
  }),
]);

export const DisputeSignatureInput = z.strictObject({ partyId: Id, fileId: Id });

export const DisputeFollowUpInput = z.strictObject({
  visitedAt: z.iso.datetime({ offset: true }),
  /** has the agreement been kept? */
  fulfilled: z.boolean(),
  note: z.string().trim().min(1, 'record what the visit found').max(2000),
});

/** 退回: the mediator hands the case back to acceptance (conflict of interest, wrong category …) */
export const DisputeReturn = z.strictObject({
  reason: z.string().trim().min(2, 'give the reason for handing the case back').max(500),
});

export const DisputeReferralReceipt = z.strictObject({
  comment: z.string().trim().min(1).max(1000),
});

export const DisputeRevealParty = z.strictObject({ partyId: Id, reason: z.string().trim().min(2).max(200) });

export const DisputeFileQuery = z.strictObject({ fileId: Id });

export const DisputeQuery = z.strictObject({
  status: DisputeStatus.optional(),
  /** the dispute of one workflow case (a task's instanceId), among those the caller may see */
  instanceId: Id.optional(),
  ...Paging,
});

export const DisputeParty = z.object({
  id: Id,
  role: DisputePartyRole,
  name: z.string(),
  /** masked (138****1234); only for the mediator and admins, and for the party themself */
  phoneMasked: z.string().nullable().optional(),
  address: z.string().nullable().optional(),
  /** the party has an account on the platform */
  isUser: z.boolean(),
  signed: z.boolean(),
});

export const DisputeSession = z.object({
  id: Id,
  seq: z.number().int(),
  heldAt: z.string(),
  place: z.string(),
  attendees: z.array(z.string()).optional(),
  /** only for the mediator and admins, or when shared with the parties */
  notes: z.string().nullable(),
  fileIds: z.array(Id),
  shared: z.boolean(),
});

export const Dispute = z.object({
  id: Id,
  instanceId: Id.nullable(),
  caseNo: z.string(),
  status: DisputeStatus,
  source: DisputeSource,
  hotlineTicket: z.string().nullable(),
  eventId: z.string().nullable(),
  title: z.string(),
  category: DisputeCategory.nullable(),
  communityId: Id,
  /** what the caller sees the case as: mediator, admin, committee, party, registrant */
  viewAs: z.enum(['admin', 'mediator', 'committee', 'party', 'registrant']),
  mediator: z.object({ id: Id, name: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Dispute = z.infer<typeof Dispute>;

export const DisputeDetail = Dispute.extend({
  description: z.string(),
  parties: z.array(DisputeParty),
  sessions: z.array(DisputeSession),
  rejectReason: z.string().nullable(),
  referredTo: z.string().nullable(),
  outcome: z.enum(['agreement', 'no_agreement']).nullable(),
  terms: z.array(z.string()).nullable(),
  referral: z.enum(['street', 'court']).nullable(),
  agreementFileId: Id.nullable(),
  recordFileId: Id.nullable(),
  followUp: z
    .object({ visitedAt: z.string(), fulfilled: z.boolean(), note: z.string().nullable() })
    .nullable(),
  overdue: z.number().int(),
  fileIds: z.array(Id),
});
export type DisputeDetail = z.infer<typeof DisputeDetail>;

export const DisputeCommitteeMemberInput = z.strictObject({
  communityId: Id,
  userId: Id,
  title: z.string().trim().min(1).max(20).default('委员'),
});

export const DisputeCommitteeQuery = z.strictObject({ communityId: Id });

export const DisputeCommitteeMember = z.object({
  id: Id,
  communityId: Id,
  userId: Id,
  name: z.string(),
  title: z.string(),
});
