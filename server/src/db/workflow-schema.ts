// Tables of the workflow runtime (the server stores them; @linli/workflows reaches them through its port).
import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const wfDefinitions = pgTable(
  'wf_definitions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    processId: text('process_id').notNull(),
    version: integer('version').notNull(),
    name: text('name'),
    xml: text('xml').notNull(),
    hash: text('hash').notNull(),
    deployedBy: uuid('deployed_by'),
    deployedAt: ts('deployed_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('wf_definitions_version_key').on(t.processId, t.version),
    uniqueIndex('wf_definitions_hash_key').on(t.processId, t.hash),
  ],
);

export const wfInstances = pgTable(
  'wf_instances',
  {
    id: uuid('id').primaryKey(),
    definitionId: uuid('definition_id')
      .notNull()
      .references(() => wfDefinitions.id),
    processId: text('process_id').notNull(),
    definitionVersion: integer('definition_version').notNull(),
    businessKey: text('business_key'),
    status: text('status', { enum: ['running', 'completed', 'cancelled'] }).notNull(),
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
    variables: jsonb('variables').$type<Record<string, unknown>>().notNull(),
    initiator: text('initiator'),
    orgPath: text('org_path'),
    engineVersion: text('engine_version').notNull(),
    revision: integer('revision').notNull(),
    startedAt: ts('started_at').notNull(),
    endedAt: ts('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [
    index('wf_instances_business_key_idx').on(t.businessKey),
    index('wf_instances_process_status_idx').on(t.processId, t.status),
    index('wf_instances_initiator_idx').on(t.initiator),
    index('wf_instances_org_path_idx').on(sql`${t.orgPath} text_pattern_ops`),
  ],
);

export const wfTasks = pgTable(
  'wf_tasks',
  {
    id: uuid('id').primaryKey(),
    instanceId: uuid('instance_id')
      .notNull()
      .references(() => wfInstances.id),
    processId: text('process_id').notNull(),
    activityId: text('activity_id').notNull(),
    executionId: text('execution_id').notNull(),
    name: text('name'),
    assignee: text('assignee'),
    owner: text('owner'),
    delegationState: text('delegation_state', { enum: ['pending', 'resolved'] }),
    candidateUsers: text('candidate_users')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    candidateGroups: text('candidate_groups')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    orgPath: text('org_path'),
    dueAt: ts('due_at'),
    followUpAt: ts('follow_up_at'),
    priority: integer('priority').notNull().default(50),
    formKey: text('form_key'),
    status: text('status', { enum: ['open', 'completed', 'cancelled'] }).notNull(),
    outcome: text('outcome'),
    comment: text('comment'),
    completedBy: text('completed_by'),
    createdAt: ts('created_at').notNull(),
    claimedAt: ts('claimed_at'),
    completedAt: ts('completed_at'),
  },
  (t) => [
    // one open task per waiting execution; a task returned to (退回) opens again under the same execution id
    uniqueIndex('wf_tasks_open_execution_key')
      .on(t.instanceId, t.executionId)
      .where(sql`status = 'open'`),
    // the inbox: open tasks of an assignee, of a group, and what a user completed, stay indexed at millions of rows
    index('wf_tasks_assignee_open_idx')
      .on(t.assignee, t.createdAt)
      .where(sql`status = 'open'`),
    index('wf_tasks_groups_open_idx')
      .using('gin', t.candidateGroups)
      .where(sql`status = 'open'`),
    index('wf_tasks_users_open_idx')
      .using('gin', t.candidateUsers)
      .where(sql`status = 'open'`),
    index('wf_tasks_completed_by_idx').on(t.completedBy, t.completedAt),
    index('wf_tasks_instance_idx').on(t.instanceId, t.status),
  ],
);

export const wfTaskEvents = pgTable(
  'wf_task_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id'),
    instanceId: uuid('instance_id').notNull(),
    kind: text('kind').notNull(),
    actor: text('actor').notNull(),
    targetUser: text('target_user'),
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    index('wf_task_events_instance_idx').on(t.instanceId, t.at),
    index('wf_task_events_cc_idx').on(t.targetUser, t.kind),
  ],
);

export const wfTimers = pgTable(
  'wf_timers',
  {
    id: uuid('id').primaryKey(),
    instanceId: uuid('instance_id'),
    definitionId: uuid('definition_id').notNull(),
    activityId: text('activity_id').notNull(),
    executionId: text('execution_id').notNull(),
    dueAt: ts('due_at').notNull(),
    cycle: text('cycle'),
    /** a claim lease: a worker that died mid-fire lets the timer become claimable again */
    lockedUntil: ts('locked_until'),
  },
  (t) => [
    index('wf_timers_due_idx').on(t.dueAt),
    uniqueIndex('wf_timers_execution_key').on(t.instanceId, t.executionId),
  ],
);

export const wfJobs = pgTable(
  'wf_jobs',
  {
    id: uuid('id').primaryKey(),
    instanceId: uuid('instance_id').notNull(),
    activityId: text('activity_id').notNull(),
    executionId: text('execution_id').notNull(),
    handler: text('handler').notNull(),
    attempts: integer('attempts').notNull(),
    maxAttempts: integer('max_attempts').notNull(),
    retryIntervalMs: integer('retry_interval_ms').notNull(),
    dueAt: ts('due_at').notNull(),
    status: text('status', { enum: ['pending', 'incident', 'done'] }).notNull(),
    lastError: text('last_error'),
    lockedUntil: ts('locked_until'),
  },
  (t) => [
    uniqueIndex('wf_jobs_execution_key').on(t.instanceId, t.executionId),
    index('wf_jobs_due_idx')
      .on(t.dueAt)
      .where(sql`status = 'pending'`),
  ],
);

export const wfSubscriptions = pgTable(
  'wf_subscriptions',
  {
    instanceId: uuid('instance_id').notNull(),
    executionId: text('execution_id').notNull(),
    messageName: text('message_name').notNull(),
    activityId: text('activity_id').notNull(),
    businessKey: text('business_key'),
  },
  (t) => [
    uniqueIndex('wf_subscriptions_key').on(t.instanceId, t.executionId),
    index('wf_subscriptions_message_idx').on(t.messageName, t.businessKey),
  ],
);

export const wfHistory = pgTable(
  'wf_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    instanceId: uuid('instance_id').notNull(),
    at: ts('at').notNull().defaultNow(),
    kind: text('kind').notNull(),
    activityId: text('activity_id'),
    executionId: text('execution_id'),
    actor: text('actor'),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [index('wf_history_instance_idx').on(t.instanceId, t.id)],
);

export const wfOutbox = pgTable(
  'wf_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    dedupKey: text('dedup_key').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    processedAt: ts('processed_at'),
  },
  (t) => [
    uniqueIndex('wf_outbox_dedup_key').on(t.dedupKey),
    index('wf_outbox_pending_idx')
      .on(t.id)
      .where(sql`processed_at is null`),
  ],
);

/** Engine state when a user task was created: a task can be returned (退回) or withdrawn (撤回) to it. */
export const wfSnapshots = pgTable(
  'wf_snapshots',
  {
    instanceId: uuid('instance_id').notNull(),
    executionId: text('execution_id').notNull(),
    activityId: text('activity_id').notNull(),
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('wf_snapshots_key').on(t.instanceId, t.executionId),
    index('wf_snapshots_activity_idx').on(t.instanceId, t.activityId, t.at),
  ],
);
