// Tables of the repair process (re-exported by db/schema.ts).
//   repair_orders         one repair request (报修单) and what happened to it; its case is the workflow instance
//   repair_duty_roster    which technician is on duty for which compounds and categories (值班表)
//   repair_dispatches     every dispatch of a repair to a technician (auto, by hand, take-over); the unique
//                         key makes the automatic dispatch service task idempotent
//   repair_number_counters the last number handed out per day (BX20261123-0001)
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const REPAIR_CATEGORIES = [
  'water',
  'electricity',
  'door',
  'lift',
  'public_area',
  'gas',
  'heating',
  'network',
  'other',
] as const;

export const REPAIR_STATUSES = [
  /** waiting for a dispatcher (no technician on duty, timed out, declined, reopened) */
  'dispatching',
  /** a technician was chosen and has not accepted yet */
  'dispatched',
  'accepted',
  'waiting_parts',
  /** not the property's responsibility: with the community */
  'referred',
  /** fixed, waiting for the reporter to confirm and rate */
  'fixed',
  /** rated badly: the property manager reviews it */
  'reviewing',
  'closed',
] as const;

export interface RepairMaterial {
  name: string;
  quantity: number;
  unit: string | null;
  /** yuan, for the whole quantity */
  cost: number;
}

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const repairOrders = pgTable(
  'repair_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** BX + date (China time) + serial of the day */
    number: text('number').notNull(),
    instanceId: uuid('instance_id'),
    /** the grid of the room, or the community of a compound-wide (public area) repair */
    orgPath: text('org_path').notNull(),
    communityId: uuid('community_id').notNull(),
    compoundId: uuid('compound_id'),
    propertyCompanyId: uuid('property_company_id'),
    /** null for a public-area repair */
    roomId: uuid('room_id'),
    /** where it is, as people read it (a room's standard address, or the compound and the spot) */
    location: text('location').notNull(),
    category: text('category', { enum: REPAIR_CATEGORIES }).notNull(),
    description: text('description').notNull(),
    photoFileIds: uuid('photo_file_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    voiceFileId: uuid('voice_file_id'),
    preferredFrom: ts('preferred_from'),
    preferredTo: ts('preferred_to'),
    source: text('source', { enum: ['resident', 'staff', 'event'] }).notNull(),
    /** the community event this repair was converted from */
    eventId: uuid('event_id'),
    reporterUserId: uuid('reporter_user_id').notNull(),
    reporterResidentId: uuid('reporter_resident_id'),
    status: text('status', { enum: REPAIR_STATUSES }).notNull().default('dispatching'),
    technicianId: uuid('technician_id'),
    dispatchMode: text('dispatch_mode', { enum: ['auto', 'manual'] }),
    dispatchedAt: ts('dispatched_at'),
    acceptedAt: ts('accepted_at'),
    /** why it was sent back (needs parts / not the property's) */
    sendBackReason: text('send_back_reason', { enum: ['needs_parts', 'not_ours'] }),
    sendBackNote: text('send_back_note'),
    fixNote: text('fix_note'),
    afterPhotoFileIds: uuid('after_photo_file_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    materials: jsonb('materials').$type<RepairMaterial[]>().notNull().default([]),
    materialsCost: numeric('materials_cost', { precision: 10, scale: 2 }).notNull().default('0'),
    fixedAt: ts('fixed_at'),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    confirmedAt: ts('confirmed_at'),
    autoConfirmed: boolean('auto_confirmed').notNull().default(false),
    reviewNote: text('review_note'),
    /** how it ended: confirmed by the reporter, auto-confirmed, closed after review, handled by the community */
    closedAs: text('closed_as', { enum: ['confirmed', 'auto_confirmed', 'review_closed', 'community'] }),
    closedAt: ts('closed_at'),
    /** times a manager reopened it after a bad rating */
    reopenCount: integer('reopen_count').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('repair_orders_number_key').on(t.number),
    uniqueIndex('repair_orders_instance_key').on(t.instanceId),
    index('repair_orders_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('repair_orders_reporter_idx').on(t.reporterUserId),
    index('repair_orders_technician_idx').on(t.technicianId, t.status),
    index('repair_orders_event_idx').on(t.eventId),
  ],
);

export const repairDutyRoster = pgTable(
  'repair_duty_roster',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    technicianId: uuid('technician_id').notNull(),
    propertyCompanyId: uuid('property_company_id').notNull(),
    communityId: uuid('community_id').notNull(),
    /** the community's path: property staff and admins of that area manage it */
    orgPath: text('org_path').notNull(),
    /** compounds covered; empty = every compound of the company in the community */
    compoundIds: uuid('compound_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** categories the technician does; empty = all */
    categories: text('categories')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    onDuty: boolean('on_duty').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('repair_duty_roster_key').on(t.technicianId, t.communityId),
    index('repair_duty_roster_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

export const repairDispatches = pgTable(
  'repair_dispatches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    repairId: uuid('repair_id').notNull(),
    /** the cause: a service-task key (automatic) or the task completed / message sent (by hand) */
    key: text('key').notNull(),
    /** null when nobody was on duty (the automatic dispatch fell to the dispatcher) */
    technicianId: uuid('technician_id'),
    mode: text('mode', { enum: ['auto', 'manual', 'takeover'] }).notNull(),
    dispatchedBy: uuid('dispatched_by'),
    comment: text('comment'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('repair_dispatches_key').on(t.key),
    index('repair_dispatches_repair_idx').on(t.repairId),
    index('repair_dispatches_technician_idx').on(t.technicianId),
  ],
);

export const repairNumberCounters = pgTable('repair_number_counters', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});
