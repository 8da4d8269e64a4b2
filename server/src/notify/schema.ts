// Tables of the notification service (issue 5). The cause of every notification is a `wf_outbox` row written in
// the transaction of the change; the dispatcher turns it into inbox items (in-app, exactly once per user and
// key) and deliveries (one row per key × target × channel: the unique index is what "never twice" rests on).
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
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

/** The in-app inbox: one row per user and cause. `seq` counts per user in commit order (resume cursor). */
export const notifyInbox = pgTable(
  'notify_inbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    dedupKey: text('dedup_key').notNull(),
    template: text('template').notNull(),
    urgency: text('urgency', { enum: ['normal', 'urgent'] }).notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    instanceId: uuid('instance_id'),
    taskId: uuid('task_id'),
    orgPath: text('org_path'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    readAt: ts('read_at'),
  },
  (t) => [
    uniqueIndex('notify_inbox_key').on(t.userId, t.dedupKey),
    uniqueIndex('notify_inbox_seq_key').on(t.userId, t.seq),
    index('notify_inbox_unread_idx')
      .on(t.userId)
      .where(sql`read_at is null`),
  ],
);

/** The last inbox sequence number handed out per user; its row lock orders one user's items by commit. */
export const notifyCursors = pgTable('notify_cursors', {
  userId: uuid('user_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

/**
 * One message to one target over one channel. `target` is a user id, or `grid:<org unit id>` for a group
 * robot. Status: pending → sending (claimed, lease) → sent | failed | no_consent | skipped | uncertain
 * (a claim whose result was never recorded: the process died between sending and recording).
 */
export const notifyDeliveries = pgTable(
  'notify_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupKey: text('dedup_key').notNull(),
    target: text('target').notNull(),
    channel: text('channel', { enum: ['wechat', 'wecom', 'robot', 'sms'] }).notNull(),
    userId: uuid('user_id'),
    inboxId: uuid('inbox_id'),
    template: text('template').notNull(),
    urgency: text('urgency', { enum: ['normal', 'urgent'] }).notNull(),
    /** what the channel renders: title, body, link, data, mentions */
    message: jsonb('message').$type<Record<string, unknown>>().notNull(),
    status: text('status', {
      enum: ['pending', 'sending', 'sent', 'failed', 'no_consent', 'skipped', 'uncertain'],
    }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAt: ts('next_at').notNull(),
    lockedUntil: ts('locked_until'),
    batchId: uuid('batch_id'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('notify_deliveries_key').on(t.dedupKey, t.target, t.channel),
    index('notify_deliveries_due_idx')
      .on(t.channel, t.nextAt)
      .where(sql`status = 'pending'`),
    index('notify_deliveries_sending_idx')
      .on(t.lockedUntil)
      .where(sql`status = 'sending'`),
    index('notify_deliveries_inbox_idx').on(t.inboxId),
  ],
);

/** Every attempt of a delivery and its outcome (errcodes, never personal data). */
export const notifyAttempts = pgTable(
  'notify_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    outcome: text('outcome', {
      enum: ['sent', 'retry', 'failed', 'no_consent', 'uncertain', 'deferred'],
    }).notNull(),
    errcode: integer('errcode'),
    error: text('error'),
    durationMs: integer('duration_ms'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('notify_attempts_delivery_idx').on(t.deliveryId)],
);

/**
 * The WeChat subscribe-message consent ledger, per user and template: each one-time `accept` reported by the
 * mini-program adds one; each send takes one. WeChat has no API to ask how many remain.
 */
export const notifyConsents = pgTable(
  'notify_consents',
  {
    userId: uuid('user_id').notNull(),
    templateId: text('template_id').notNull(),
    available: integer('available').notNull().default(0),
    /** a long-term subscription (public-service categories only): sends need no count */
    longTerm: boolean('long_term').notNull().default(false),
    /** the user chose "always reject" (ban) or WeChat filtered the template: do not ask again */
    lastResult: text('last_result'),
    /** sends skipped for want of a consent since the last accept: the mini-program should ask again */
    missed: integer('missed').notNull().default(0),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.templateId] })],
);

/** How a person wants to be reached. No row: defaults by role. */
export const notifyPreferences = pgTable('notify_preferences', {
  userId: uuid('user_id').primaryKey(),
  /** external channels in order of preference, for normal and urgent items */
  normal: text('normal').array(),
  urgent: text('urgent').array(),
  /** 'HH:MM' China time; null: the installation's default */
  quietStart: text('quiet_start'),
  quietEnd: text('quiet_end'),
  /** the member's WeCom userid (application messages, robot mentions) */
  wecomUserId: text('wecom_user_id'),
  /** who hears about urgent items this person leaves unread; null: the nearest admin above them */
  supervisorId: uuid('supervisor_id'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Access tokens of WeChat and WeCom, shared by every process. */
export const notifyTokens = pgTable('notify_tokens', {
  app: text('app').primaryKey(),
  token: text('token').notNull(),
  expiresAt: ts('expires_at').notNull(),
  fetchedAt: ts('fetched_at').notNull(),
});

/** Sends per rate bucket (a WeCom member, a robot), for sliding-window limits shared by every process. */
export const notifyRateLog = pgTable(
  'notify_rate_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    bucket: text('bucket').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('notify_rate_log_bucket_idx').on(t.bucket, t.at)],
);

/** A grid's WeCom work group robot. */
export const notifyRobots = pgTable('notify_robots', {
  orgUnitId: uuid('org_unit_id').primaryKey(),
  orgPath: text('org_path').notNull(),
  webhookKey: text('webhook_key').notNull(),
  name: text('name'),
  /** the robot answered 45009: nothing is sent before this */
  pausedUntil: ts('paused_until'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Durable scheduled jobs of the notification service (daily digest, due-date reminders, escalation checks):
 * claimed when due with FOR UPDATE SKIP LOCKED under a lease, like the runtime's timers. `key` is unique, so
 * scheduling one twice is a no-op; a job's effects are written in the transaction that marks it done.
 */
export const notifyJobs = pgTable(
  'notify_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    kind: text('kind', { enum: ['digest', 'reminder', 'escalate'] }).notNull(),
    dueAt: ts('due_at').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'done', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    doneAt: ts('done_at'),
  },
  (t) => [
    uniqueIndex('notify_jobs_key').on(t.key),
    index('notify_jobs_due_idx')
      .on(t.dueAt)
      .where(sql`status = 'pending'`),
  ],
);
