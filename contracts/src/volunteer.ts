// Volunteer points (志愿积分 · 微心愿 · 时间银行): volunteer registration, micro-wishes and volunteer activities,
// the points ledger, a volunteer's record and rank, and the points mall with its redemptions.
import { z } from 'zod';
import { Id, Paging } from './common.js';
import { PhotoIds } from './files.js';

const Text = (max: number) => z.string().trim().min(1, 'is required').max(max);
const Hours = z.number().positive('must be more than 0').max(24, 'at most 24 hours').multipleOf(0.5);
const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO date-time with offset' });

// ---- volunteers --------------------------------------------------------------------------------------------

export const VolunteerRegistrationStatus = z.enum(['pending', 'approved', 'rejected']);

export const RegisterVolunteer = z.strictObject({
  /** 党员 */
  isPartyMember: z.boolean().default(false),
  skills: z.array(Text(30)).max(10).default([]),
  note: z.string().trim().max(500).optional(),
});
export type RegisterVolunteer = z.infer<typeof RegisterVolunteer>;

export const VolunteerRegistration = z.object({
  id: Id,
  userId: Id,
  name: z.string(),
  communityId: Id,
  isPartyMember: z.boolean(),
  skills: z.array(z.string()),
  note: z.string().nullable(),
  status: VolunteerRegistrationStatus,
  reviewNote: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type VolunteerRegistration = z.infer<typeof VolunteerRegistration>;

export const VolunteerRegistrationQuery = z.strictObject({
  status: VolunteerRegistrationStatus.optional(),
  ...Paging,
});

/** approve, or reject with the reason */
export const ReviewVolunteerRegistration = z
  .strictObject({
    approve: z.boolean(),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((d) => d.approve || !!d.reason, {
    message: 'a rejection needs a reason',
    path: ['reason'],
  });
export type ReviewVolunteerRegistration = z.infer<typeof ReviewVolunteerRegistration>;

// ---- wishes and activities ---------------------------------------------------------------------------------

export const VolunteerActivityKind = z.enum(['wish', 'activity']);
export const VolunteerActivityStatus = z.enum([
  'pending_review',
  'rejected',
  'open',
  'claimed',
  'completed',
  'cancelled',
]);

/** 微心愿: what, when, where, photos */
export const CreateVolunteerWish = z.strictObject({
  title: Text(60),
  description: Text(1000),
  place: Text(200),
  /** when the help is wanted */
  wantedAt: Instant.optional(),
  photoIds: PhotoIds,
});
export type CreateVolunteerWish = z.infer<typeof CreateVolunteerWish>;

/** a volunteer activity with slots, posted by the community */
export const CreateVolunteerActivity = z
  .strictObject({
    title: Text(60),
    description: Text(1000),
    place: Text(200),
    startsAt: Instant,
    endsAt: Instant,
    slots: z.number().int().min(1).max(500),
    /** points each confirmed participant earns */
    points: z.number().int().min(0).max(1000),
    /** service hours per participant */
    hours: Hours,
    photoIds: PhotoIds,
  })
  .refine((a) => a.endsAt > a.startsAt, { message: 'must be after startsAt', path: ['endsAt'] });
export type CreateVolunteerActivity = z.infer<typeof CreateVolunteerActivity>;

export const ReviewVolunteerActivity = z
  .strictObject({
    approve: z.boolean(),
    reason: z.string().trim().max(500).optional(),
    /** a wish's points (the community sets them when approving); default 10 */
    points: z.number().int().min(0).max(1000).optional(),
  })
  .refine((d) => d.approve || !!d.reason, { message: 'a rejection needs a reason', path: ['reason'] });
export type ReviewVolunteerActivity = z.infer<typeof ReviewVolunteerActivity>;

export const VolunteerParticipationStatus = z.enum(['signed_up', 'confirmed', 'absent', 'released']);

export const VolunteerParticipation = z.object({
  id: Id,
  userId: Id,
  name: z.string(),
  isPartyMember: z.boolean(),
  status: VolunteerParticipationStatus,
  hours: z.number().nullable(),
  confirmedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type VolunteerParticipation = z.infer<typeof VolunteerParticipation>;

export const VolunteerActivity = z.object({
  id: Id,
  kind: VolunteerActivityKind,
  communityId: Id,
  title: z.string(),
  description: z.string(),
  place: z.string(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  slots: z.number().int(),
  /** slots taken now */
  taken: z.number().int(),
  points: z.number().int(),
  hours: z.number(),
  photoIds: z.array(Id),
  createdBy: z.object({ id: Id, name: z.string() }),
  instanceId: Id.nullable(),
  status: VolunteerActivityStatus,
  reviewNote: z.string().nullable(),
  createdAt: z.string(),
});
export type VolunteerActivity = z.infer<typeof VolunteerActivity>;

export const VolunteerActivityDetail = VolunteerActivity.extend({
  participants: z.array(VolunteerParticipation),
  /** what the caller may do now */
  canClaim: z.boolean(),
  canConfirm: z.boolean(),
});
export type VolunteerActivityDetail = z.infer<typeof VolunteerActivityDetail>;

export const VolunteerActivityQuery = z.strictObject({
  kind: VolunteerActivityKind.optional(),
  status: VolunteerActivityStatus.optional(),
  /** only those I posted or take part in */
  mine: z.stringbool().optional(),
  ...Paging,
});

/**
 * The owner or organiser (or community staff on their behalf) confirms the service happened. A wish:
 * `done` and `hours`; an activity: who attended, with their hours (those not listed were absent).
 */
export const ConfirmVolunteerService = z.strictObject({
  done: z.boolean().default(true),
  hours: Hours.optional(),
  participants: z
    .array(
      z.strictObject({ participationId: Id, attended: z.boolean().default(true), hours: Hours.optional() }),
    )
    .max(500)
    .optional(),
  photoIds: PhotoIds,
  comment: z.string().trim().max(500).optional(),
});
export type ConfirmVolunteerService = z.infer<typeof ConfirmVolunteerService>;

// ---- points ------------------------------------------------------------------------------------------------

export const PointsLedgerKind = z.enum(['service', 'redemption', 'refund', 'adjustment']);

export const PointsLedgerEntry = z.object({
  id: Id,
  amount: z.number().int(),
  kind: PointsLedgerKind,
  /** the cause: `<case>:<step execution>:<participation>` for a service, `redemption:<id>` for the mall */
  causeKey: z.string(),
  instanceId: Id.nullable(),
  step: z.string().nullable(),
  activityId: Id.nullable(),
  redemptionId: Id.nullable(),
  hours: z.number(),
  note: z.string(),
  at: z.string(),
});
export type PointsLedgerEntry = z.infer<typeof PointsLedgerEntry>;

export const VolunteerRankPosition = z.object({ rank: z.number().int().nullable(), of: z.number().int() });

export const VolunteerRecord = z.object({
  userId: Id,
  name: z.string(),
  communityId: Id.nullable(),
  isPartyMember: z.boolean(),
  registration: VolunteerRegistrationStatus.nullable(),
  balance: z.number().int(),
  earned: z.object({ allTime: z.number().int(), thisYear: z.number().int() }),
  hours: z.object({ allTime: z.number(), thisYear: z.number() }),
  services: z.number().int(),
  rank: z.object({
    pointsAllTime: VolunteerRankPosition,
    pointsThisYear: VolunteerRankPosition,
    hoursAllTime: VolunteerRankPosition,
    hoursThisYear: VolunteerRankPosition,
  }),
  ledger: z.array(PointsLedgerEntry),
});
export type VolunteerRecord = z.infer<typeof VolunteerRecord>;

export const VolunteerRankingQuery = z.strictObject({
  period: z.enum(['year', 'all']).default('year'),
  by: z.enum(['points', 'hours']).default('points'),
  /** staff working in several communities name one */
  communityId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const VolunteerRankingEntry = z.object({
  rank: z.number().int(),
  userId: Id,
  name: z.string(),
  isPartyMember: z.boolean(),
  points: z.number().int(),
  hours: z.number(),
  services: z.number().int(),
});
export const VolunteerRanking = z.object({
  communityId: Id,
  period: z.enum(['year', 'all']),
  by: z.enum(['points', 'hours']),
  items: z.array(VolunteerRankingEntry),
});
export type VolunteerRanking = z.infer<typeof VolunteerRanking>;

// ---- the points mall ---------------------------------------------------------------------------------------

export const MallItemKind = z.enum(['goods', 'service']);

export const CreateMallItem = z.strictObject({
  name: Text(60),
  description: z.string().trim().max(500).default(''),
  kind: MallItemKind.default('goods'),
  pointsPrice: z.number().int().min(1).max(100_000),
  stock: z.number().int().min(0).max(100_000),
  /** the shop offering it (an organisation of the community); or name the provider */
  organisationId: Id.optional(),
  providerName: Text(100).optional(),
  /** an account of the shop that may mark redemptions fulfilled */
  providerUserId: Id.optional(),
  /** staff working in several communities name one */
  communityId: Id.optional(),
});
export type CreateMallItem = z.infer<typeof CreateMallItem>;

export const UpdateMallItem = z
  .strictObject({
    name: Text(60).optional(),
    description: z.string().trim().max(500).optional(),
    pointsPrice: z.number().int().min(1).max(100_000).optional(),
    /** the new stock level (restocking) */
    stock: z.number().int().min(0).max(100_000).optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });

export const MallItem = z.object({
  id: Id,
  communityId: Id,
  name: z.string(),
  description: z.string(),
  kind: MallItemKind,
  pointsPrice: z.number().int(),
  stock: z.number().int(),
  organisationId: Id.nullable(),
  providerName: z.string(),
  active: z.boolean(),
});
export type MallItem = z.infer<typeof MallItem>;

export const MallQuery = z.strictObject({
  /** include items taken off the shelf (staff) */
  all: z.stringbool().optional(),
  ...Paging,
});

export const RedeemMallItem = z.strictObject({ quantity: z.number().int().min(1).max(20).default(1) });

export const RedemptionStatus = z.enum(['reserved', 'fulfilled', 'cancelled']);

export const Redemption = z.object({
  id: Id,
  itemId: Id,
  itemName: z.string(),
  providerName: z.string(),
  userId: Id,
  userName: z.string(),
  quantity: z.number().int(),
  points: z.number().int(),
  status: RedemptionStatus,
  /** shown to the person who redeemed (and to the staff who hand it over) */
  pickupCode: z.string().optional(),
  fulfilledAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  /** the redeemer's balance after this change (only in answers to the redeemer) */
  balance: z.number().int().optional(),
});
export type Redemption = z.infer<typeof Redemption>;

export const RedemptionQuery = z.strictObject({ status: RedemptionStatus.optional(), ...Paging });

export const FulfilRedemption = z.strictObject({ pickupCode: z.string().trim().min(1).max(20) });
export const CancelRedemption = z.strictObject({ reason: Text(200) });
export type VolunteerRankingEntry = z.infer<typeof VolunteerRankingEntry>;

export const WithdrawVolunteer = z.strictObject({ reason: z.string().trim().max(200).optional() });
export const CancelVolunteerActivity = z.strictObject({ reason: Text(200) });

/** a manual correction or history from paper records; `key` makes a retried request write once */
export const AdjustPoints = z.strictObject({
  userId: Id,
  amount: z
    .number()
    .int()
    .min(-10_000)
    .max(10_000)
    .refine((n) => n !== 0, 'must not be 0'),
  hours: z.number().min(0).max(1000).multipleOf(0.5).default(0),
  reason: Text(200),
  key: z.string().trim().min(8).max(64).optional(),
});
export type AdjustPoints = z.infer<typeof AdjustPoints>;

export const PointsAdjusted = z.object({ entry: PointsLedgerEntry, balance: z.number().int() });
