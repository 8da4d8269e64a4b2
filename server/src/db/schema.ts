// The one Drizzle schema of the store. It serves both drivers (PGlite embedded, node-postgres server).
// Conventions: uuid keys, timestamptz everywhere, jsonb gets objects. Every row that belongs to the
// organisation tree carries `orgPath` (the materialised path of its deepest org unit, e.g. `/d/s/c/g/`),
// so one prefix test scopes any query to a subtree.
import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
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

const id = () => uuid('id').primaryKey().defaultRandom();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const orgPath = () => text('org_path').notNull();

/** district → street → community → grid */
export const orgUnits = pgTable(
  'org_units',
  {
    id: id(),
    kind: text('kind', { enum: ['district', 'street', 'community', 'grid'] }).notNull(),
    parentId: uuid('parent_id'),
    name: text('name').notNull(),
    code: text('code'),
    path: text('path').notNull(),
    /** A grid's boundary as a GeoJSON Polygon or MultiPolygon geometry. */
    boundary: jsonb('boundary').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('org_units_path_key').on(t.path),
    uniqueIndex('org_units_code_key').on(t.code),
    index('org_units_parent_idx').on(t.parentId),
    index('org_units_path_prefix_idx').on(sql`${t.path} text_pattern_ops`),
  ],
);

export const propertyCompanies = pgTable('property_companies', {
  id: id(),
  name: text('name').notNull(),
  creditCode: text('credit_code'),
  contactName: text('contact_name'),
  contactPhone: text('contact_phone'),
  /** the community (or higher unit) that registered the company: who may manage it */
  orgUnitId: uuid('org_unit_id')
    .notNull()
    .references(() => orgUnits.id),
  orgPath: orgPath(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** 小区: a walled residential compound inside a community */
export const compounds = pgTable(
  'compounds',
  {
    id: id(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => orgUnits.id),
    propertyCompanyId: uuid('property_company_id').references(() => propertyCompanies.id),
    name: text('name').notNull(),
    standardAddress: text('standard_address').notNull(),
    orgPath: orgPath(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('compounds_address_key').on(t.standardAddress),
    index('compounds_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

export const buildings = pgTable(
  'buildings',
  {
    id: id(),
    compoundId: uuid('compound_id')
      .notNull()
      .references(() => compounds.id),
    gridId: uuid('grid_id')
      .notNull()
      .references(() => orgUnits.id),
    name: text('name').notNull(),
    floors: integer('floors'),
    standardAddress: text('standard_address').notNull(),
    orgPath: orgPath(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('buildings_address_key').on(t.standardAddress),
    index('buildings_compound_idx').on(t.compoundId),
    index('buildings_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

export const units = pgTable(
  'units',
  {
    id: id(),
    buildingId: uuid('building_id')
      .notNull()
      .references(() => buildings.id),
    name: text('name').notNull(),
    standardAddress: text('standard_address').notNull(),
    orgPath: orgPath(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('units_address_key').on(t.standardAddress),
    index('units_building_idx').on(t.buildingId),
  ],
);

export const rooms = pgTable(
  'rooms',
  {
    id: id(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    buildingId: uuid('building_id')
      .notNull()
      .references(() => buildings.id),
    compoundId: uuid('compound_id')
      .notNull()
      .references(() => compounds.id),
    gridId: uuid('grid_id')
      .notNull()
      .references(() => orgUnits.id),
    number: text('number').notNull(),
    floor: integer('floor'),
    areaM2: numeric('area_m2', { precision: 8, scale: 2 }),
    usage: text('usage', { enum: ['residential', 'commercial', 'office', 'other'] })
      .notNull()
      .default('residential'),
    occupancy: text('occupancy', { enum: ['owner_occupied', 'rented', 'vacant', 'unknown'] })
      .notNull()
      .default('unknown'),
    standardAddress: text('standard_address').notNull(),
    orgPath: orgPath(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('rooms_address_key').on(t.standardAddress),
    uniqueIndex('rooms_unit_number_key').on(t.unitId, t.number),
    index('rooms_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('rooms_building_idx').on(t.buildingId),
  ],
);

/** Real population. ID number and phone are stored encrypted, with a keyed hash for exact lookups. */
export const residents = pgTable(
  'residents',
  {
    id: id(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => orgUnits.id),
    orgPath: orgPath(),
    name: text('name').notNull(),
    gender: text('gender', { enum: ['male', 'female'] }),
    birthDate: date('birth_date'),
    idNumberEnc: text('id_number_enc'),
    idNumberHash: text('id_number_hash'),
    idNumberMasked: text('id_number_masked'),
    phoneEnc: text('phone_enc'),
    phoneHash: text('phone_hash'),
    phoneMasked: text('phone_masked'),
    residency: text('residency', { enum: ['registered', 'floating'] })
      .notNull()
      .default('registered'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    status: text('status', { enum: ['active', 'moved_out', 'deceased'] })
      .notNull()
      .default('active'),
    notes: text('notes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('residents_id_number_key').on(t.communityId, t.idNumberHash),
    index('residents_phone_hash_idx').on(t.phoneHash),
    index('residents_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('residents_name_idx').on(t.name),
  ],
);

/** Check-ins (探访) on residents, e.g. the regular visit or call to an elderly person living alone. */
export const residentCheckIns = pgTable(
  'resident_check_ins',
  {
    id: id(),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    orgPath: orgPath(),
    method: text('method', { enum: ['visit', 'phone', 'video'] }).notNull(),
    note: text('note').notNull(),
    concern: boolean('concern').notNull().default(false),
    at: timestamp('at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('resident_check_ins_resident_idx').on(t.residentId, t.at)],
);

/** resident ↔ room, asked for by the resident, verified by the property company or the community */
export const householdBindings = pgTable(
  'household_bindings',
  {
    id: id(),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => residents.id),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id),
    relation: text('relation', { enum: ['owner', 'tenant', 'family'] }).notNull(),
    status: text('status', { enum: ['pending', 'verified', 'rejected', 'ended'] })
      .notNull()
      .default('pending'),
    orgPath: orgPath(),
    requestedBy: uuid('requested_by'),
    reviewedBy: uuid('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewNote: text('review_note'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('household_bindings_active_key')
      .on(t.residentId, t.roomId)
      .where(sql`status in ('pending', 'verified')`),
    index('household_bindings_room_idx').on(t.roomId),
    index('household_bindings_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** Organisations in the community: shops, companies, social organisations */
export const organisations = pgTable(
  'organisations',
  {
    id: id(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => orgUnits.id),
    orgPath: orgPath(),
    name: text('name').notNull(),
    kind: text('kind', {
      enum: ['shop', 'company', 'social_organisation', 'public_institution', 'other'],
    }).notNull(),
    creditCode: text('credit_code'),
    legalRepresentative: text('legal_representative'),
    contactName: text('contact_name'),
    contactPhoneEnc: text('contact_phone_enc'),
    contactPhoneMasked: text('contact_phone_masked'),
    roomId: uuid('room_id').references(() => rooms.id),
    address: text('address'),
    employees: integer('employees'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('organisations_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`)],
);

export const vehicles = pgTable(
  'vehicles',
  {
    id: id(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => orgUnits.id),
    orgPath: orgPath(),
    plate: text('plate').notNull(),
    kind: text('kind', { enum: ['car', 'ebike', 'motorcycle', 'other'] })
      .notNull()
      .default('car'),
    ownerResidentId: uuid('owner_resident_id').references(() => residents.id),
    brand: text('brand'),
    color: text('color'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('vehicles_plate_key').on(t.communityId, t.plate),
    index('vehicles_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** Accounts: a person who signs in (resident by WeChat, staff by password or WeChat). */
export const users = pgTable(
  'users',
  {
    id: id(),
    displayName: text('display_name').notNull(),
    username: text('username'),
    passwordHash: text('password_hash'),
    wechatOpenid: text('wechat_openid'),
    wechatUnionid: text('wechat_unionid'),
    wechatSessionKeyEnc: text('wechat_session_key_enc'),
    phoneEnc: text('phone_enc'),
    phoneHash: text('phone_hash'),
    phoneMasked: text('phone_masked'),
    /** real-name verification is out of scope for now; the field is modelled */
    realNameVerifiedAt: timestamp('real_name_verified_at', { withTimezone: true }),
    residentId: uuid('resident_id').references(() => residents.id),
    status: text('status', { enum: ['active', 'disabled'] })
      .notNull()
      .default('active'),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    isDemo: boolean('is_demo').notNull().default(false),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_username_key').on(t.username),
    uniqueIndex('users_wechat_openid_key').on(t.wechatOpenid),
    uniqueIndex('users_wechat_unionid_key').on(t.wechatUnionid),
    uniqueIndex('users_resident_key').on(t.residentId),
  ],
);

export const ROLES = [
  'resident',
  'volunteer',
  'grid_worker',
  'property_staff',
  'technician',
  'community_admin',
  'street_admin',
  'district_admin',
] as const;

/** A role held by a user over an org unit (its scope). A person may hold several. */
export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    propertyCompanyId: uuid('property_company_id').references(() => propertyCompanies.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('role_assignments_key').on(t.userId, t.role, t.orgUnitId),
    index('role_assignments_org_idx').on(t.orgUnitId),
  ],
);

/** Refresh tokens (hashed). Access tokens are short-lived signed JWTs and are not stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    refreshHash: text('refresh_hash').notNull(),
    method: text('method', { enum: ['wechat', 'password', 'dev'] }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('sessions_refresh_key').on(t.refreshHash), index('sessions_user_idx').on(t.userId)],
);

/** Who saw or changed personal data or did something sensitive, when and why. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid('actor_user_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    fields: text('fields')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    reason: text('reason'),
    requestId: text('request_id'),
    orgPath: text('org_path'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
    index('audit_log_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

/** Import runs (dry or real) with their per-row report. */
export const importRuns = pgTable('import_runs', {
  id: id(),
  kind: text('kind').notNull(),
  fileName: text('file_name'),
  dryRun: boolean('dry_run').notNull(),
  communityId: uuid('community_id').references(() => orgUnits.id),
  totalRows: integer('total_rows').notNull(),
  okRows: integer('ok_rows').notNull(),
  badRows: integer('bad_rows').notNull(),
  status: text('status', { enum: ['checked', 'imported', 'rejected'] }).notNull(),
  report: jsonb('report').$type<Record<string, unknown>>().notNull(),
  actorUserId: uuid('actor_user_id'),
  createdAt: createdAt(),
});

/** Small key/value facts about this installation (demo data loaded, etc.). */
export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
  updatedAt: updatedAt(),
});

/** Notices (社区公告) and party-building news (党建) for a community, or a street and all its communities. */
export const notices = pgTable(
  'notices',
  {
    id: id(),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    /** the path of that community or street; readers are those whose community lies under it */
    orgPath: orgPath(),
    kind: text('kind', { enum: ['notice', 'party_news'] }).notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    coverFileId: uuid('cover_file_id'),
    attachmentFileIds: jsonb('attachment_file_ids').$type<string[]>().notNull().default([]),
    pinned: boolean('pinned').notNull().default(false),
    status: text('status', { enum: ['draft', 'published', 'withdrawn'] })
      .notNull()
      .default('draft'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    authorUserId: uuid('author_user_id').notNull(),
    authorName: text('author_name').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('notices_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('notices_status_published_idx').on(t.status, t.publishedAt),
  ],
);

/** Who has opened which notice (the unread dot). */
export const noticeReads = pgTable(
  'notice_reads',
  {
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => notices.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('notice_reads_key').on(t.noticeId, t.userId)],
);

export * from './workflow-schema.js';
export * from '../files/schema.js';
export * from '../processes/repair/schema.js';
export * from '../processes/dispute/schema.js';
export * from '../processes/approval/schema.js';
export * from '../processes/volunteer/schema.js';
export * from '../processes/events/schema.js';
export * from '../notify/schema.js';
export * from '../alerts/schema.js';
