// Tables of device alerts (re-exported by db/schema.ts).
//   device_bridges          the device-bridge processes allowed to post events; the HMAC secret encrypted at rest
//   devices                 door controllers, cameras, AI boxes, sensors: where each is (room … compound), its grid
//   device_events           every event a bridge forwarded, once per (device code, event id); unmatched ones too
//   device_snapshots        snapshot images a bridge uploaded, once per (bridge, sha256); the bytes are a `files` row
//   device_ingest_nonces    signatures seen recently (replay protection), pruned after the timestamp window
//   alerts                  what people act on: one per storm of events of a device and type
//   alert_number_counters   the last alert number handed out per day (GJ20261123-0001)
//   grid_duty_roster        who answers alerts of a grid when (weekdays, shift, escalation order)
//   alert_type_overrides    a community's own severity / handling / ack minutes / storm window per type
//   alert_schedule          the scheduled checks (offline, elderly inactivity, retention, case starts): when each
//                           runs next; a lease makes one process run it, a restart neither loses nor repeats it
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const uuids = (name: string) =>
  uuid(name)
    .array()
    .notNull()
    .default(sql`'{}'::uuid[]`);

export const deviceBridges = pgTable('device_bridges', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  communityId: uuid('community_id').notNull(),
  orgPath: text('org_path').notNull(),
  /** the HMAC secret, encrypted with the data key (lib/crypto.ts) */
  secretEnc: text('secret_enc').notNull(),
  active: boolean('active').notNull().default(true),
  lastSeenAt: ts('last_seen_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    vendor: text('vendor', { enum: ['hikvision', 'dahua', 'generic'] }).notNull(),
    kind: text('kind', { enum: ['camera', 'door', 'ai_box', 'sensor', 'nvr'] }).notNull(),
    communityId: uuid('community_id').notNull(),
    gridId: uuid('grid_id'),
    compoundId: uuid('compound_id'),
    buildingId: uuid('building_id'),
    unitId: uuid('unit_id'),
    roomId: uuid('room_id'),
    /** the grid's path (or the community's for a device no grid answers for) */
    orgPath: text('org_path').notNull(),
    /** the standard address of the place, and the spot in it */
    location: text('location').notNull(),
    spot: text('spot'),
    propertyCompanyId: uuid('property_company_id'),
    online: boolean('online').notNull().default(true),
    lastSeenAt: ts('last_seen_at'),
    lastEventAt: ts('last_event_at'),
    offlineAfterSeconds: integer('offline_after_seconds').notNull().default(600),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('devices_code_key').on(t.code),
    index('devices_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('devices_room_idx').on(t.roomId),
  ],
);

export const deviceEvents = pgTable(
  'device_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deviceCode: text('device_code').notNull(),
    eventId: text('event_id').notNull(),
    /** null: no such device (kept as an unmatched event) */
    deviceId: uuid('device_id'),
    bridgeId: text('bridge_id').notNull(),
    matched: boolean('matched').notNull(),
    reason: text('reason'),
    type: text('type').notNull(),
    vendorCode: text('vendor_code').notNull(),
    state: text('state').notNull(),
    source: text('source').notNull(),
    count: integer('count').notNull().default(1),
    occurredAt: ts('occurred_at').notNull(),
    receivedAt: ts('received_at').notNull(),
    storedAt: ts('stored_at').notNull().defaultNow(),
    description: text('description'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    snapshotFileIds: uuids('snapshot_file_ids'),
    alertId: uuid('alert_id'),
  },
  (t) => [
    uniqueIndex('device_events_key').on(t.deviceCode, t.eventId),
    index('device_events_alert_idx').on(t.alertId),
    index('device_events_device_idx').on(t.deviceId, t.occurredAt),
  ],
);

export const deviceSnapshots = pgTable(
  'device_snapshots',
  {
    fileId: uuid('file_id').primaryKey(),
    bridgeId: text('bridge_id').notNull(),
    sha256: text('sha256').notNull(),
    kind: text('kind', { enum: ['scene', 'face', 'plate'] }).notNull(),
    /** the alert it shows, once an event named it (scopes who may see it) */
    alertId: uuid('alert_id'),
    orgPath: text('org_path'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('device_snapshots_key').on(t.bridgeId, t.sha256),
    index('device_snapshots_kind_idx').on(t.kind, t.createdAt),
  ],
);

export const deviceIngestNonces = pgTable(
  'device_ingest_nonces',
  {
    signature: text('signature').primaryKey(),
    bridgeId: text('bridge_id').notNull(),
    seenAt: ts('seen_at').notNull(),
  },
  (t) => [index('device_ingest_nonces_seen_idx').on(t.seenAt)],
);

export const ALERT_STATUSES = ['open', 'acknowledged', 'verifying', 'resolved', 'closed'] as const;

export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull(),
    type: text('type').notNull(),
    severity: text('severity', { enum: ['info', 'warning', 'major', 'critical'] }).notNull(),
    status: text('status', { enum: ALERT_STATUSES }).notNull().default('open'),
    needsHandling: boolean('needs_handling').notNull(),
    /** the property company's staff hear about it too (building faults) */
    forProperty: boolean('for_property').notNull().default(false),
    deviceId: uuid('device_id'),
    deviceCode: text('device_code'),
    communityId: uuid('community_id').notNull(),
    gridId: uuid('grid_id'),
    orgPath: text('org_path').notNull(),
    location: text('location').notNull(),
    firstAt: ts('first_at').notNull(),
    lastAt: ts('last_at').notNull(),
    count: integer('count').notNull().default(1),
    snapshotFileIds: uuids('snapshot_file_ids'),
    /** the people it was routed to, in order (the first is on duty) */
    routedTo: uuids('routed_to'),
    /** its case: pending (to start), started, none (no handling needed) */
    caseState: text('case_state', { enum: ['none', 'pending', 'starting', 'started'] })
      .notNull()
      .default('none'),
    caseClaimedAt: ts('case_claimed_at'),
    instanceId: uuid('instance_id'),
    /** when a repeat event was last correlated into the case (throttle) */
    correlatedAt: ts('correlated_at'),
    resolution: text('resolution', {
      enum: ['false_alarm', 'handled', 'referred_police', 'referred_property'],
    }),
    note: text('note'),
    verifyPhotoFileIds: uuids('verify_photo_file_ids'),
    acknowledgedBy: uuid('acknowledged_by'),
    acknowledgedAt: ts('acknowledged_at'),
    resolvedBy: uuid('resolved_by'),
    resolvedAt: ts('resolved_at'),
    /** what happened, oldest first */
    timeline: jsonb('timeline')
      .$type<{ at: string; kind: string; actor: string | null; note: string }[]>()
      .notNull()
      .default([]),
    /** for alerts the server raises itself (elderly inactivity, silent device): one per cause */
    dedupKey: text('dedup_key'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('alerts_number_key').on(t.number),
    uniqueIndex('alerts_dedup_key').on(t.dedupKey),
    index('alerts_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
    index('alerts_open_idx')
      .on(t.deviceId, t.type)
      .where(sql`status in ('open', 'acknowledged', 'verifying')`),
    index('alerts_case_idx')
      .on(t.caseState)
      .where(sql`case_state in ('pending', 'starting')`),
    index('alerts_created_idx').on(t.createdAt),
  ],
);

export const alertNumberCounters = pgTable('alert_number_counters', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});

export const gridDutyRoster = pgTable(
  'grid_duty_roster',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    gridId: uuid('grid_id').notNull(),
    orgPath: text('org_path').notNull(),
    userId: uuid('user_id').notNull(),
    /** ISO weekdays 1–7 */
    weekdays: integer('weekdays')
      .array()
      .notNull()
      .default(sql`'{1,2,3,4,5,6,7}'::int[]`),
    shiftStart: text('shift_start').notNull().default('00:00'),
    shiftEnd: text('shift_end').notNull().default('23:59'),
    order: integer('order').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('grid_duty_roster_key').on(t.gridId, t.userId),
    index('grid_duty_roster_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

export const alertTypeOverrides = pgTable(
  'alert_type_overrides',
  {
    communityId: uuid('community_id').notNull(),
    type: text('type').notNull(),
    severity: text('severity', { enum: ['info', 'warning', 'major', 'critical'] }),
    needsHandling: boolean('needs_handling'),
    ackMinutes: integer('ack_minutes'),
    stormWindowSeconds: integer('storm_window_seconds'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.type] })],
);

export const alertSchedule = pgTable('alert_schedule', {
  name: text('name').primaryKey(),
  nextAt: ts('next_at').notNull(),
  lockedUntil: ts('locked_until'),
  lastRunAt: ts('last_run_at'),
  lastResult: jsonb('last_result').$type<Record<string, unknown>>(),
});
