// Tables of the volunteer process (re-exported by db/schema.ts): who is a volunteer, micro-wishes and
// volunteer activities with the people who took part, the points ledger, and the points mall.
// Points are a ledger, never a counter: a balance is the SUM of a person's entries in one community, and every
// entry names its cause (`cause_key`, unique) so that a step that runs twice writes nothing twice.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** 志愿者登记: a resident asks to serve as a volunteer in their community; the community approves. */
export const volunteerProfiles = pgTable(
  'volunteer_profiles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    residentId: uuid('resident_id'),
    communityId: uuid('community_id').notNull(),
    /** the resident's grid (or the community): staff there review and see it */
    orgPath: text('org_path').notNull(),
    /** 党员 */
    isPartyMember: boolean('is_party_member').notNull().default(false),
    skills: text('skills')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    note: text('note'),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] })
      .notNull()
      .default('pending'),
    reviewedBy: uuid('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewNote: text('review_note'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('volunteer_profiles_user_key').on(t.userId, t.communityId),
    index('volunteer_profiles_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** A micro-wish (微心愿, kind `wish`, one volunteer) or a volunteer activity with slots (kind `activity`). */
export const volunteerActivities = pgTable(
  'volunteer_activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['wish', 'activity'] }).notNull(),
    communityId: uuid('community_id').notNull(),
    /** a wish: the owner's grid; an activity: the organiser's grid or community */
    orgPath: text('org_path').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    place: text('place').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    slots: integer('slots').notNull().default(1),
    /** points each confirmed participant is credited */
    points: integer('points').notNull().default(0),
    /** expected service hours per participant (the confirmation records the real ones) */
    hours: numeric('hours', { precision: 6, scale: 1 }).notNull().default('1'),
    fileIds: uuid('file_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** the wish owner or the organiser (user id) */
    createdBy: uuid('created_by').notNull(),
    instanceId: uuid('instance_id'),
    status: text('status', {
      enum: ['pending_review', 'rejected', 'open', 'claimed', 'completed', 'cancelled'],
    })
      .notNull()
      .default('pending_review'),
    reviewedBy: uuid('reviewed_by'),
    reviewNote: text('review_note'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('volunteer_activities_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('volunteer_activities_community_idx').on(t.communityId, t.status),
    index('volunteer_activities_instance_idx').on(t.instanceId),
    check('volunteer_activities_slots_check', sql`${t.slots} >= 1`),
    check('volunteer_activities_points_check', sql`${t.points} >= 0`),
  ],
);

/** A volunteer's claim of a wish or sign-up for an activity, and what the confirmation recorded. */
export const volunteerParticipations = pgTable(
  'volunteer_participations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    activityId: uuid('activity_id')
      .notNull()
      .references(() => volunteerActivities.id),
    userId: uuid('user_id').notNull(),
    orgPath: text('org_path').notNull(),
    status: text('status', { enum: ['signed_up', 'confirmed', 'absent', 'released'] })
      .notNull()
      .default('signed_up'),
    hours: numeric('hours', { precision: 6, scale: 1 }),
    confirmedBy: uuid('confirmed_by'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('volunteer_participations_active_key')
      .on(t.activityId, t.userId)
      .where(sql`status <> 'released'`),
    index('volunteer_participations_user_idx').on(t.userId),
  ],
);

/** The points ledger: one row per credit or debit, with its cause. Balance = SUM(amount). */
export const pointsLedger = pgTable(
  'points_ledger',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    communityId: uuid('community_id').notNull(),
    orgPath: text('org_path').notNull(),
    /** positive: credit; negative: debit */
    amount: integer('amount').notNull(),
    kind: text('kind', { enum: ['service', 'redemption', 'refund', 'adjustment'] }).notNull(),
    /** what caused it, unique: `<instance>:<execution>:<participation>` for a service step, `redemption:<id>` … */
    causeKey: text('cause_key').notNull(),
    instanceId: uuid('instance_id'),
    /** the BPMN step that credited it */
    step: text('step'),
    activityId: uuid('activity_id'),
    participationId: uuid('participation_id'),
    redemptionId: uuid('redemption_id'),
    /** service hours this entry stands for (time bank) */
    hours: numeric('hours', { precision: 6, scale: 1 }).notNull().default('0'),
    note: text('note').notNull(),
    createdBy: uuid('created_by'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('points_ledger_cause_key').on(t.causeKey),
    // one service credit per participation, whatever step or key credits it
    uniqueIndex('points_ledger_participation_key')
      .on(t.participationId)
      .where(sql`kind = 'service'`),
    index('points_ledger_user_idx').on(t.userId, t.communityId),
    index('points_ledger_community_idx').on(t.communityId, t.at),
  ],
);

/** The points mall: goods and services offered by the community or a local shop, with stock. */
export const mallItems = pgTable(
  'mall_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id').notNull(),
    orgPath: text('org_path').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: ['goods', 'service'] })
      .notNull()
      .default('goods'),
    pointsPrice: integer('points_price').notNull(),
    stock: integer('stock').notNull(),
    /** the shop (an organisation record), or just a name (社区 itself) */
    organisationId: uuid('organisation_id'),
    providerName: text('provider_name').notNull(),
    /** an account of the shop that may mark redemptions fulfilled */
    providerUserId: uuid('provider_user_id'),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('mall_items_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('mall_items_community_idx').on(t.communityId),
    check('mall_items_stock_check', sql`${t.stock} >= 0`),
    check('mall_items_price_check', sql`${t.pointsPrice} > 0`),
  ],
);

/** A redemption: stock reserved and points debited together; fulfilled with the pickup code, or cancelled. */
export const redemptions = pgTable(
  'redemptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => mallItems.id),
    userId: uuid('user_id').notNull(),
    communityId: uuid('community_id').notNull(),
    orgPath: text('org_path').notNull(),
    quantity: integer('quantity').notNull(),
    points: integer('points').notNull(),
    status: text('status', { enum: ['reserved', 'fulfilled', 'cancelled'] })
      .notNull()
      .default('reserved'),
    pickupCode: text('pickup_code').notNull(),
    fulfilledBy: uuid('fulfilled_by'),
    fulfilledAt: timestamp('fulfilled_at', { withTimezone: true }),
    cancelledBy: uuid('cancelled_by'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelReason: text('cancel_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('redemptions_user_idx').on(t.userId),
    index('redemptions_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);
