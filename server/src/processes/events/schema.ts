// Tables of the events process (re-exported by db/schema.ts): the event categories admins configure, and one
// row per community event (事件) with its source, place, dispatch, result, rating and the case it became.
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const eventCategories = pgTable(
  'event_categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** stable key reporters and integrations name (sanitation, fire_hazard …), unique per org path */
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    /** who handles it: the grid's grid workers, the compound's property company, or a street department */
    target: text('target', { enum: ['grid_worker', 'property', 'street'] }).notNull(),
    /** for target street: the org unit whose street admins handle it (null: the event's street admins) */
    handlerOrgUnitId: uuid('handler_org_unit_id'),
    limitValue: integer('limit_value').notNull(),
    limitUnit: text('limit_unit', { enum: ['hours', 'working_days'] }).notNull(),
    /** event: handled here; repair / dispute: converted into that process */
    kind: text('kind', { enum: ['event', 'repair', 'dispute'] })
      .notNull()
      .default('event'),
    /** '' for the categories every community uses; else the org path of the unit that defined it */
    orgPath: text('org_path').notNull().default(''),
    active: boolean('active').notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(100),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('event_categories_code_idx').on(t.orgPath, t.code)],
);

export const communityEvents = pgTable(
  'community_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** the workflow case; null only between the record's insert and the case's start */
    instanceId: uuid('instance_id'),
    source: text('source', { enum: ['patrol', 'resident', 'hotline'] }).notNull(),
    /** 12345 ticket number; one event per ticket */
    hotlineTicketNo: text('hotline_ticket_no'),
    categoryId: uuid('category_id'),
    /** the category the reporter named (may differ from the one it was classified as) */
    reportedCategoryId: uuid('reported_category_id'),
    title: text('title').notNull(),
    description: text('description').notNull(),
    photoFileIds: jsonb('photo_file_ids').$type<string[]>().notNull().default([]),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    address: text('address'),
    gridId: uuid('grid_id'),
    compoundId: uuid('compound_id'),
    roomId: uuid('room_id'),
    orgPath: text('org_path').notNull(),
    reporterUserId: uuid('reporter_user_id'),
    /** hotline callers are not users: their name and phone (phone sealed like residents') */
    callerName: text('caller_name'),
    callerPhoneEnc: text('caller_phone_enc'),
    callerPhoneMasked: text('caller_phone_masked'),
    createdBy: uuid('created_by').notNull(),
    state: text('state', {
      enum: ['reported', 'classifying', 'dispatched', 'handled', 'feedback', 'closed', 'converted'],
    })
      .notNull()
      .default('reported'),
    target: text('target', { enum: ['grid_worker', 'property', 'street'] }),
    handlerOrgUnitId: uuid('handler_org_unit_id'),
    propertyCompanyId: uuid('property_company_id'),
    /** the people the handling task was offered to by name (a property company's staff, a department) */
    handlerUserIds: jsonb('handler_user_ids').$type<string[]>().notNull().default([]),
    /** a dispute (邻里纠纷): not shown to the property company, only to the reporter and community staff */
    sensitive: boolean('sensitive').notNull().default(false),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** 0 on time; 1 supervised by the community (督办); 2 escalated to the street */
    overdueLevel: integer('overdue_level').notNull().default(0),
    classifiedBy: uuid('classified_by'),
    handledBy: uuid('handled_by'),
    result: text('result'),
    resultPhotoFileIds: jsonb('result_photo_file_ids').$type<string[]>().notNull().default([]),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    closeReason: text('close_reason', { enum: ['rated', 'no_rating', 'hotline_replied', 'converted'] }),
    hotlineReply: text('hotline_reply'),
    hotlineReplyStatus: text('hotline_reply_status', { enum: ['pending', 'resolved', 'transferred'] }),
    convertedTo: text('converted_to', { enum: ['repair', 'dispute'] }),
    convertedCaseId: uuid('converted_case_id'),
    convertedInstanceId: uuid('converted_instance_id'),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    classifiedAt: timestamp('classified_at', { withTimezone: true }),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('community_events_ticket_idx').on(t.hotlineTicketNo),
    index('community_events_instance_idx').on(t.instanceId),
    index('community_events_reporter_idx').on(t.reporterUserId),
    index('community_events_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);
