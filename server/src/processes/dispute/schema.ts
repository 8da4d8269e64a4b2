// Tables of the dispute process (re-exported by db/schema.ts). A dispute is sensitive: parties' phones are
// encrypted like residents' (vault ciphertext, keyed hash, mask), session notes live only here, and the
// workflow instance carries no personal data in its variables (see docs/processes/dispute.md, "Who sees a case").
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** 人民调解委员会: the members of a community's mediation committee (user accounts), managed by admins */
export const disputeCommitteeMembers = pgTable(
  'dispute_committee_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id').notNull(),
    userId: uuid('user_id').notNull(),
    /** 主任, 副主任, 委员 */
    title: text('title').notNull().default('委员'),
    /** members leave the committee (kept for the record of who mediated what) */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('dispute_committee_member_uq').on(t.communityId, t.userId)],
);

export const disputes = pgTable(
  'disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** 调解案号, e.g. 凤凰调〔2026〕0042号 */
    caseNo: text('case_no').notNull(),
    communityId: uuid('community_id').notNull(),
    /** the community's org path: admins in scope of it oversee the case */
    orgPath: text('org_path').notNull(),
    instanceId: uuid('instance_id'),
    source: text('source', { enum: ['resident', 'grid_worker', 'hotline', 'event'] }).notNull(),
    hotlineTicket: text('hotline_ticket'),
    /** the community event this dispute was converted from */
    eventId: text('event_id'),
    eventInstanceId: uuid('event_instance_id'),
    registeredBy: uuid('registered_by').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    category: text('category'),
    status: text('status').notNull().default('registered'),
    /** who decided on acceptance (accepted, or declined with a referral) */
    acceptedBy: uuid('accepted_by'),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    rejectReason: text('reject_reason'),
    referredTo: text('referred_to'),
    mediatorId: uuid('mediator_id'),
    outcome: text('outcome', { enum: ['agreement', 'no_agreement'] }),
    terms: jsonb('terms').$type<string[]>(),
    referral: text('referral', { enum: ['street', 'court'] }),
    outcomeReason: text('outcome_reason'),
    agreementFileId: uuid('agreement_file_id'),
    recordFileId: uuid('record_file_id'),
    followUpAt: timestamp('follow_up_at', { withTimezone: true }),
    followUpFulfilled: boolean('follow_up_fulfilled'),
    followUpNote: text('follow_up_note'),
    overdueCount: integer('overdue_count').notNull().default(0),
    fileIds: jsonb('file_ids').$type<string[]>().notNull().default([]),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('disputes_case_no_uq').on(t.caseNo),
    index('disputes_org_path_idx').on(t.orgPath),
    index('disputes_instance_idx').on(t.instanceId),
    index('disputes_mediator_idx').on(t.mediatorId),
  ],
);

export const disputeParties = pgTable(
  'dispute_parties',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    disputeId: uuid('dispute_id').notNull(),
    role: text('role', { enum: ['applicant', 'respondent', 'third_party'] }).notNull(),
    name: text('name').notNull(),
    phoneEnc: text('phone_enc'),
    phoneHash: text('phone_hash'),
    phoneMasked: text('phone_masked'),
    address: text('address'),
    /** set when the party is a resident / has an account: they follow the case */
    residentId: uuid('resident_id'),
    userId: uuid('user_id'),
    signatureFileId: uuid('signature_file_id'),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('dispute_parties_dispute_idx').on(t.disputeId),
    index('dispute_parties_user_idx').on(t.userId),
  ],
);

export const disputeSessions = pgTable(
  'dispute_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    disputeId: uuid('dispute_id').notNull(),
    seq: integer('seq').notNull(),
    heldAt: timestamp('held_at', { withTimezone: true }).notNull(),
    place: text('place').notNull(),
    attendees: jsonb('attendees').$type<string[]>().notNull(),
    notes: text('notes').notNull(),
    fileIds: jsonb('file_ids').$type<string[]>().notNull().default([]),
    shared: boolean('shared').notNull().default(false),
    recordedBy: uuid('recorded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('dispute_sessions_seq_uq').on(t.disputeId, t.seq)],
);

/** one row per escalation (督办) a timer caused: the service task's key makes a re-run write nothing twice */
export const disputeEscalations = pgTable('dispute_escalations', {
  key: text('key').primaryKey(),
  disputeId: uuid('dispute_id').notNull(),
  step: text('step').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});
