// What the runtime needs from outside, as ports: storage (the server implements it over PostgreSQL),
// service-task handlers, a clock. The runtime never imports the server.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Variables = Record<string, unknown>;

export interface DefinitionRow {
  id: string;
  processId: string;
  version: number;
  name: string | null;
  xml: string;
  hash: string;
  deployedBy: string | null;
  deployedAt: Date;
}

export type InstanceStatus = 'running' | 'completed' | 'cancelled';

export interface InstanceRow {
  id: string;
  definitionId: string;
  processId: string;
  definitionVersion: number;
  businessKey: string | null;
  status: InstanceStatus;
  /** bpmn-engine state without the embedded source */
  state: Record<string, unknown>;
  variables: Variables;
  initiator: string | null;
  orgPath: string | null;
  engineVersion: string;
  /** optimistic lock: every committed step increments it */
  revision: number;
  startedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
}

export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface TaskRow {
  id: string;
  instanceId: string;
  processId: string;
  activityId: string;
  executionId: string;
  name: string | null;
  assignee: string | null;
  /** the person who delegated the task and gets it back (委派) */
  owner: string | null;
  delegationState: 'pending' | 'resolved' | null;
  candidateUsers: string[];
  candidateGroups: string[];
  orgPath: string | null;
  dueAt: Date | null;
  followUpAt: Date | null;
  priority: number;
  formKey: string | null;
  status: TaskStatus;
  outcome: string | null;
  comment: string | null;
  completedBy: string | null;
  createdAt: Date;
  /** when someone claimed the task or was handed it (not set for a task assigned by the diagram) */
  claimedAt: Date | null;
  completedAt: Date | null;
}

export interface TimerRow {
  id: string;
  instanceId: string | null;
  definitionId: string;
  activityId: string;
  /** the timer's execution id inside the engine (unique per instance) */
  executionId: string;
  dueAt: Date;
  /** for timer start cycles: the ISO 8601 cycle and how many repetitions are left */
  cycle: string | null;
}

export type JobStatus = 'pending' | 'incident' | 'done';

export interface JobRow {
  id: string;
  instanceId: string;
  activityId: string;
  executionId: string;
  handler: string;
  attempts: number;
  maxAttempts: number;
  retryIntervalMs: number;
  dueAt: Date;
  status: JobStatus;
  lastError: string | null;
}

export interface HistoryEntry {
  instanceId: string;
  kind: string;
  activityId?: string | null;
  executionId?: string | null;
  actor?: string | null;
  data?: Record<string, unknown>;
}

export interface OutboxEntry {
  kind: string;
  dedupKey: string;
  payload: Record<string, unknown>;
}

export interface SubscriptionRow {
  instanceId: string;
  messageName: string;
  activityId: string;
  executionId: string;
  businessKey: string | null;
}

/** Everything one step writes, applied by the store in ONE transaction or not at all. */
export interface StepWrite {
  /** the step's time on the runtime's clock: what it completes or cancels is stamped with it */
  at: Date;
  instance: InstanceRow;
  /** the revision the step started from; the write fails with a conflict if it changed meanwhile */
  expectedRevision: number | null;
  createTasks: TaskRow[];
  /** user tasks waiting in the engine after the step: open task rows not among them are cancelled
   * (interrupted by a boundary event, or the instance ended) */
  waitingExecutionIds: string[];
  completeTask?: { id: string; outcome: string | null; comment: string | null; completedBy: string | null };
  /** the pending timers of the instance after the step (replaces the previous set) */
  timers: TimerRow[];
  /** timer rows consumed by this step (a fired timer), removed even if not part of the instance's set */
  consumedTimerIds: string[];
  /** the message subscriptions of the instance after the step (replaces the previous set) */
  subscriptions: SubscriptionRow[];
  upsertJobs: JobRow[];
  history: HistoryEntry[];
  outbox: OutboxEntry[];
  /**
   * Set when the runtime knows, from the step it committed last on this engine, that nothing of a kind
   * changed: the store may then skip reconciling it (fewer statements per step).
   */
  unchanged?: { tasks: boolean; timers: boolean; subscriptions: boolean };
  /** engine state at the creation of a user task, to return or withdraw to it later */
  snapshots: { executionId: string; activityId: string; state: Record<string, unknown> }[];
}

export class ConflictError extends Error {
  readonly code = 'conflict';
}

export interface TaskQuery {
  /** assigned to this user */
  assignee?: string;
  /** tasks the user may claim: candidate user, or one of these groups (optionally limited to org paths) */
  candidateUser?: string;
  candidateGroups?: string[];
  /** org path prefixes limiting candidate-group matches */
  orgPaths?: string[];
  /** completed by this user */
  completedBy?: string;
  /** carbon-copied to this user */
  ccUser?: string;
  instanceId?: string;
  processId?: string;
  status?: TaskStatus;
  limit: number;
  offset: number;
}

export interface TaskEvent {
  id?: string;
  taskId: string | null;
  instanceId: string;
  kind:
    | 'comment'
    | 'urge'
    | 'cc'
    | 'attachment'
    | 'transfer'
    | 'delegate'
    | 'resolve'
    | 'claim'
    | 'unclaim'
    | 'return'
    | 'withdraw';
  actor: string;
  targetUser?: string | null;
  body: Record<string, unknown>;
  at?: Date;
}

export interface RuntimeStore {
  insertDefinition(row: Omit<DefinitionRow, 'id' | 'deployedAt' | 'version'>): Promise<DefinitionRow>;
  findDefinition(
    by: { id: string } | { processId: string; version?: number } | { processId: string; hash: string },
  ): Promise<DefinitionRow | undefined>;
  listDefinitions(processId?: string): Promise<DefinitionRow[]>;

  getInstance(id: string): Promise<InstanceRow | undefined>;
  findInstancesByBusinessKey(businessKey: string, processId?: string): Promise<InstanceRow[]>;
  /** applies a step atomically; throws ConflictError when `expectedRevision` no longer matches */
  commitStep(write: StepWrite): Promise<void>;

  getTask(id: string): Promise<TaskRow | undefined>;
  /** changes the task only while it has `expectedStatus` and, when given, `expectedAssignee` (null: nobody) */
  updateTask(
    id: string,
    patch: Partial<TaskRow>,
    expectedStatus?: TaskStatus,
    expectedAssignee?: string | null,
  ): Promise<TaskRow | undefined>;
  queryTasks(q: TaskQuery): Promise<{ items: TaskRow[]; total: number }>;
  addTaskEvent(event: TaskEvent): Promise<void>;
  taskEvents(instanceId: string): Promise<Required<TaskEvent>[]>;
  snapshot(
    instanceId: string,
    activityId: string,
  ): Promise<{ executionId: string; state: Record<string, unknown> } | undefined>;
  history(instanceId: string): Promise<(HistoryEntry & { at: Date })[]>;

  /** claims due timers for a lease (FOR UPDATE SKIP LOCKED): several workers never claim the same row */
  claimDueTimers(now: Date, limit: number, leaseMs: number): Promise<TimerRow[]>;
  nextTimerDue(): Promise<Date | undefined>;
  /** replaces a start-event timer (no instance) after it fired: deletes it, inserts its next occurrence */
  replaceStartTimer(consumedId: string, next: TimerRow | undefined): Promise<void>;
  insertStartTimers(definitionId: string, timers: TimerRow[]): Promise<void>;

  claimDueJobs(now: Date, limit: number, leaseMs: number): Promise<JobRow[]>;
  jobsOf(instanceId: string): Promise<JobRow[]>;
  getJob(id: string): Promise<JobRow | undefined>;
  updateJob(id: string, patch: Partial<JobRow>): Promise<void>;
  listIncidents(): Promise<JobRow[]>;

  subscriptionsFor(messageName: string, businessKey: string | null): Promise<SubscriptionRow[]>;
}

/**
 * Thrown by a handler for a business outcome the diagram handles (a BPMN error caught by an error
 * boundary event, matched by its code): not retried, unlike any other failure.
 */
export class BusinessError extends Error {
  constructor(
    readonly code: string,
    message?: string,
  ) {
    super(message ?? code);
  }
}

/** A service-task handler. It may run more than once for one execution: it must be idempotent by `key`. */
export type ServiceHandler = (call: {
  key: string;
  instanceId: string;
  activityId: string;
  businessKey: string | null;
  variables: Variables;
  input: Variables;
}) => Promise<Variables | void>;
