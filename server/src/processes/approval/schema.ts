// Tables of the approval process (re-exported by db/schema.ts).
//   approval_items – the catalogue (事项清单) a community or street offers: materials, form, time limit, who works it
//   approvals      – one application (办件) and its case: who applied, how, what they handed in, the clock, the
//                    result and the rating. The step a case is at is the open task of its workflow instance.
import { sql } from 'drizzle-orm';
import {
  bigint,
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
import { orgUnits, residents } from '../../db/schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export interface ItemMaterial {
  name: string;
  required: boolean;
  example?: string | undefined;
}

export interface ItemFormField {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'select' | 'idNumber' | 'phone';
  required: boolean;
  options?: string[] | undefined;
  help?: string | undefined;
}

export const approvalItems = pgTable(
  'approval_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** the community or street that offers the item */
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    orgPath: text('org_path').notNull(),
    code: text('code'),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    materials: jsonb('materials').$type<ItemMaterial[]>().notNull().default([]),
    formFields: jsonb('form_fields').$type<ItemFormField[]>().notNull().default([]),
    timeLimitDays: integer('time_limit_days').notNull(),
    acceptGroup: text('accept_group').notNull().default('community_admin'),
    handleGroup: text('handle_group').notNull().default('grid_worker'),
    handlingOrgUnitId: uuid('handling_org_unit_id').references(() => orgUnits.id),
    reviewGroup: text('review_group').notNull().default('community_admin'),
    published: boolean('published').notNull().default(false),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('approval_items_code_key').on(t.orgUnitId, t.code),
    index('approval_items_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

export const approvals = pgTable(
  'approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** 办件编号, what the applicant quotes */
    number: text('number').notNull(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => approvalItems.id),
    itemName: text('item_name').notNull(),
    instanceId: uuid('instance_id').notNull(),
    /** the applicant's home (their grid): staff of that area see the case */
    orgPath: text('org_path').notNull(),
    applicantResidentId: uuid('applicant_resident_id')
      .notNull()
      .references(() => residents.id),
    /** the applicant's account, when they have one (they follow the case and rate it) */
    applicantUserId: uuid('applicant_user_id'),
    applicantName: text('applicant_name').notNull(),
    channel: text('channel', { enum: ['online', 'window'] }).notNull(),
    /** 窗口办件: the staff member who entered it */
    registeredBy: uuid('registered_by'),
    /** form values; personal fields (ID numbers, phones) masked */
    form: jsonb('form').$type<Record<string, unknown>>().notNull().default({}),
    /** personal form values, encrypted, by field key */
    formSealed: jsonb('form_sealed').$type<Record<string, string>>().notNull().default({}),
    materials: jsonb('materials').$type<{ name: string; fileIds: string[] }[]>().notNull().default([]),
    /** what pre-review found missing, until supplemented */
    missing: jsonb('missing').$type<string[]>().notNull().default([]),
    supplementCount: integer('supplement_count').notNull().default(0),
    timeLimitDays: integer('time_limit_days').notNull(),
    submittedAt: ts('submitted_at').notNull(),
    /** the clock (mirrors the case's variables): due and 80% moments, moved by supplement waits */
    dueAt: ts('due_at'),
    warnAt: ts('warn_at'),
    /** set while waiting for the applicant's supplement (the clock stands still) */
    pausedAt: ts('paused_at'),
    /** working time used (ms), without supplement waits; final at conclusion */
    usedWorkingMs: bigint('used_working_ms', { mode: 'number' }).notNull().default(0),
    warnedAt: ts('warned_at'),
    overdueAt: ts('overdue_at'),
    urgeCount: integer('urge_count').notNull().default(0),
    lastUrgedAt: ts('last_urged_at'),
    /** 承办人 */
    handlerUserId: uuid('handler_user_id'),
    outcome: text('outcome', { enum: ['approved', 'refused'] }),
    refusalReason: text('refusal_reason'),
    resultFileIds: jsonb('result_file_ids').$type<string[]>().notNull().default([]),
    concludedAt: ts('concluded_at'),
    onTime: boolean('on_time'),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    ratedAt: ts('rated_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('approvals_number_key').on(t.number),
    uniqueIndex('approvals_instance_key').on(t.instanceId),
    index('approvals_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('approvals_item_idx').on(t.itemId),
    index('approvals_applicant_user_idx').on(t.applicantUserId),
    index('approvals_submitted_idx').on(t.submittedAt),
  ],
);
