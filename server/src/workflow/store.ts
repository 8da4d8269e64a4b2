// The workflow runtime's storage port over the one PostgreSQL store (PGlite or a server).
// A step is one transaction; the instance row's revision makes two concurrent steps on one instance
// impossible to both commit; timers and jobs are claimed with FOR UPDATE SKIP LOCKED under a lease.
import { and, asc, count, desc, eq, inArray, isNull, lte, max, or, sql, type SQL } from 'drizzle-orm';
import {
  ConflictError,
  type DefinitionRow,
  type InstanceRow,
  type JobRow,
  type RuntimeStore,
  type StepWrite,
  type SubscriptionRow,
  type TaskEvent,
  type TaskQuery,
  type TaskRow,
  type TimerRow,
} from '@linli/workflows';
import type { Db } from '../db/client.js';
import {
  wfDefinitions,
  wfHistory,
  wfInstances,
  wfJobs,
  wfOutbox,
  wfSnapshots,
  wfSubscriptions,
  wfTaskEvents,
  wfTasks,
  wfTimers,
} from '../db/workflow-schema.js';

/** SQLSTATE raised by wf_commit_step when the instance's revision moved or the task is no longer open */
const CONFLICT_STATE = 'LW409';
/** deadlock_detected, serialization_failure: the step did not commit and may simply be run again */
const RETRY_STATES = new Set([CONFLICT_STATE, '40P01', '40001']);

/** statements carrying steps at once (of the pool's connections), and steps one statement may carry */
const MAX_COMMITS_IN_FLIGHT = 2;
const MAX_STEPS_PER_COMMIT = 64;

interface PendingStep {
  instanceId: string;
  payload: string;
  resolve(): void;
  reject(err: Error): void;
}

/** What a step that did not commit rejects with: a conflict the runtime retries, or the database's error. */
function stepError(code: string | undefined, message: string, cause?: unknown): Error {
  if (code && RETRY_STATES.has(code)) return new ConflictError(message);
  if (cause instanceof Error) return cause;
  return Object.assign(new Error(message), { code });
}

/** the SQLSTATE of a driver error (drizzle may wrap it as the cause) */
function sqlState(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  for (
    let e = err as { message?: unknown; cause?: unknown; code?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e.code === 'string' && typeof e.message === 'string') return e.message;
  }
  return err instanceof Error ? err.message : String(err);
}

const asTimer = (r: typeof wfTimers.$inferSelect): TimerRow => ({
  id: r.id,
  instanceId: r.instanceId,
  definitionId: r.definitionId,
  activityId: r.activityId,
  executionId: r.executionId,
  dueAt: r.dueAt,
  cycle: r.cycle,
});

const asJob = (r: typeof wfJobs.$inferSelect): JobRow => ({
  id: r.id,
  instanceId: r.instanceId,
  activityId: r.activityId,
  executionId: r.executionId,
  handler: r.handler,
  attempts: r.attempts,
  maxAttempts: r.maxAttempts,
  retryIntervalMs: r.retryIntervalMs,
  dueAt: r.dueAt,
  status: r.status,
  lastError: r.lastError,
});

/** task events that tell someone (the outbox turns them into notifications: notify/plan.ts) */
const TOLD_EVENTS = new Set<TaskEvent['kind']>(['urge', 'cc', 'transfer', 'delegate', 'resolve']);

export class DrizzleRuntimeStore implements RuntimeStore {
  constructor(private readonly db: Db) {
    this.taskById = db
      .select()
      .from(wfTasks)
      .where(eq(wfTasks.id, sql.placeholder('id')))
      .prepare('wf_task_by_id');
    this.instanceById = db
      .select()
      .from(wfInstances)
      .where(eq(wfInstances.id, sql.placeholder('id')))
      .prepare('wf_instance_by_id');
  }

  // the reads every task completion and timer makes: built once, a named prepared statement on PostgreSQL
  private readonly taskById;
  private readonly instanceById;

  async insertDefinition(row: Omit<DefinitionRow, 'id' | 'deployedAt' | 'version'>): Promise<DefinitionRow> {
    return this.db.transaction(async (tx) => {
      // serialise deployers of one process so that two never take the same version number
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`wf-deploy:${row.processId}`}))`);
      const [latest] = await tx
        .select({ v: max(wfDefinitions.version) })
        .from(wfDefinitions)
        .where(eq(wfDefinitions.processId, row.processId));
      const [inserted] = await tx
        .insert(wfDefinitions)
        .values({ ...row, version: (latest?.v ?? 0) + 1 })
        .returning();
      return inserted!;
    });
  }

  async findDefinition(
    by: { id: string } | { processId: string; version?: number } | { processId: string; hash: string },
  ) {
    let where: SQL | undefined;
    if ('id' in by) where = eq(wfDefinitions.id, by.id);
    else if ('hash' in by)
      where = and(eq(wfDefinitions.processId, by.processId), eq(wfDefinitions.hash, by.hash));
    else if (by.version)
      where = and(eq(wfDefinitions.processId, by.processId), eq(wfDefinitions.version, by.version));
    else where = eq(wfDefinitions.processId, by.processId);
    const [row] = await this.db
      .select()
      .from(wfDefinitions)
      .where(where)
      .orderBy(desc(wfDefinitions.version))
      .limit(1);
    return row;
  }

  listDefinitions(processId?: string) {
    return this.db
      .select()
      .from(wfDefinitions)
      .where(processId ? eq(wfDefinitions.processId, processId) : undefined)
      .orderBy(asc(wfDefinitions.processId), desc(wfDefinitions.version));
  }

  async getInstance(id: string): Promise<InstanceRow | undefined> {
    const [row] = await this.instanceById.execute({ id });
    return row;
  }

  findInstancesByBusinessKey(businessKey: string, processId?: string) {
    return this.db
      .select()
      .from(wfInstances)
      .where(
        and(
          eq(wfInstances.businessKey, businessKey),
          processId ? eq(wfInstances.processId, processId) : undefined,
        ),
      );
  }

  /**
   * One step, one statement: the step's writes go to the database function wf_commit_step (migration
   * 0004_wf_commit_step) as one JSON document, applied atomically in one round trip. The snapshots' state is
   * the instance's, copied inside the database rather than sent twice.
   *
   * Steps that become ready while commits are on their way are sent together (wf_commit_steps, migration
   * 0007): an application-level group commit. Each keeps its own atomicity (a subtransaction per step, its
   * own result), and a step resolves only when the statement that carried it has committed. Under load this
   * turns N round trips, N statements and N WAL flushes into one; alone, a step goes out at once.
   */
  commitStep(w: StepWrite): Promise<void> {
    const payload = JSON.stringify({
      ...w,
      snapshots: w.snapshots.map(({ executionId, activityId }) => ({ executionId, activityId })),
    });
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ instanceId: w.instance.id, payload, resolve, reject });
      if (this.inFlight < MAX_COMMITS_IN_FLIGHT) void this.sendSteps();
    });
  }

  private readonly waiting: PendingStep[] = [];
  private inFlight = 0;

  private async sendSteps(): Promise<void> {
    this.inFlight += 1;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, MAX_STEPS_PER_COMMIT);
        if (batch.length === 1) {
          const [one] = batch as [PendingStep];
          await this.db.execute(sql`select wf_commit_step(${one.payload}::jsonb)`).then(
            () => one.resolve(),
            (err: unknown) => one.reject(stepError(sqlState(err), errorMessage(err), err)),
          );
          continue;
        }
        // rows are locked in one order (by instance) in every batch: two batches never wait on each other in a cycle
        batch.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
        try {
          const res = await this.db.execute(
            sql`select wf_commit_steps(${`[${batch.map((b) => b.payload).join(',')}]`}::jsonb) as results`,
          );
          // both drivers answer { rows }, jsonb parsed
          const [{ results }] = (
            res as unknown as { rows: [{ results: ({ code: string; message: string } | null)[] }] }
          ).rows;
          batch.forEach((b, i) => {
            const failed = results[i];
            if (failed) b.reject(stepError(failed.code, failed.message));
            else b.resolve();
          });
        } catch (err) {
          // the statement itself failed (connection lost, …): none of its steps committed
          for (const b of batch) b.reject(stepError(sqlState(err), errorMessage(err), err));
        }
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  async getTask(id: string): Promise<TaskRow | undefined> {
    const [row] = await this.taskById.execute({ id });
    return row;
  }

  async updateTask(
    id: string,
    patch: Partial<TaskRow>,
    expectedStatus?: TaskRow['status'],
    expectedAssignee?: string | null,
  ) {
    const [row] = await this.db
      .update(wfTasks)
      .set(patch)
      .where(
        and(
          eq(wfTasks.id, id),
          expectedStatus ? eq(wfTasks.status, expectedStatus) : undefined,
          expectedAssignee === undefined
            ? undefined
            : expectedAssignee === null
              ? isNull(wfTasks.assignee)
              : eq(wfTasks.assignee, expectedAssignee),
        ),
      )
      .returning();
    return row;
  }

  async queryTasks(q: TaskQuery): Promise<{ items: TaskRow[]; total: number }> {
    const who: SQL[] = [];
    if (q.assignee) who.push(eq(wfTasks.assignee, q.assignee));
    if (q.candidateUser) {
      const groups = q.candidateGroups?.length
        ? and(
            sql`${wfTasks.candidateGroups} && ${sql.param(q.candidateGroups)}::text[]`,
            q.orgPaths
              ? (or(...q.orgPaths.map((p) => sql`${wfTasks.orgPath} like ${`${p}%`}`)) ?? sql`false`)
              : undefined,
          )
        : undefined;
      const candidate = or(sql`${q.candidateUser} = any(${wfTasks.candidateUsers})`, groups);
      who.push(and(isNull(wfTasks.assignee), candidate)!);
    }
    if (q.completedBy) who.push(eq(wfTasks.completedBy, q.completedBy));
    if (q.ccUser) {
      who.push(
        inArray(
          wfTasks.id,
          this.db
            .select({ id: sql<string>`${wfTaskEvents.taskId}` })
            .from(wfTaskEvents)
            .where(and(eq(wfTaskEvents.kind, 'cc'), eq(wfTaskEvents.targetUser, q.ccUser))),
        ),
      );
    }
    const where = and(
      who.length ? or(...who) : undefined,
      q.instanceId ? eq(wfTasks.instanceId, q.instanceId) : undefined,
      q.processId ? eq(wfTasks.processId, q.processId) : undefined,
      q.status ? eq(wfTasks.status, q.status) : undefined,
    );
    const [total] = await this.db.select({ n: count() }).from(wfTasks).where(where);
    const items = await this.db
      .select()
      .from(wfTasks)
      .where(where)
      // what I did: newest first (served by the completed_by index); a to-do list: most pressing first
      .orderBy(
        ...(q.completedBy && !q.assignee && !q.candidateUser && !q.ccUser
          ? [desc(wfTasks.completedAt)]
          : [desc(wfTasks.priority), asc(wfTasks.dueAt), desc(wfTasks.createdAt)]),
      )
      .limit(q.limit)
      .offset(q.offset);
    return { items, total: Number(total?.n ?? 0) };
  }

  async addTaskEvent(event: TaskEvent): Promise<void> {
    const values = { ...event, targetUser: event.targetUser ?? null, taskId: event.taskId };
    if (!event.taskId || !TOLD_EVENTS.has(event.kind)) {
      await this.db.insert(wfTaskEvents).values(values);
      return;
    }
    // 催办, 抄送, 转办, 委派 and its hand-back reach a person: the event and its outbox row commit together
    await this.db.transaction(async (tx) => {
      const [row] = await tx.insert(wfTaskEvents).values(values).returning({ id: wfTaskEvents.id });
      const [task] = await tx.select().from(wfTasks).where(eq(wfTasks.id, event.taskId!));
      if (!row || !task) return;
      await tx
        .insert(wfOutbox)
        .values({
          kind: 'task.event',
          dedupKey: `task-event:${row.id}`,
          payload: {
            event: event.kind,
            actor: event.actor,
            target: event.targetUser ?? null,
            body: event.body ?? {},
            taskId: task.id,
            instanceId: task.instanceId,
            processId: task.processId,
            name: task.name,
            assignee: task.assignee,
            candidateUsers: task.candidateUsers,
            candidateGroups: task.candidateGroups,
            orgPath: task.orgPath,
            dueAt: task.dueAt?.toISOString() ?? null,
          },
        })
        .onConflictDoNothing();
    });
  }

  async taskEvents(instanceId: string) {
    const rows = await this.db
      .select()
      .from(wfTaskEvents)
      .where(eq(wfTaskEvents.instanceId, instanceId))
      .orderBy(asc(wfTaskEvents.at));
    return rows as Required<TaskEvent>[];
  }

  async snapshot(instanceId: string, activityId: string) {
    const [row] = await this.db
      .select({ executionId: wfSnapshots.executionId, state: wfSnapshots.state })
      .from(wfSnapshots)
      .where(and(eq(wfSnapshots.instanceId, instanceId), eq(wfSnapshots.activityId, activityId)))
      .orderBy(desc(wfSnapshots.at))
      .limit(1);
    return row;
  }

  async history(instanceId: string) {
    const rows = await this.db
      .select()
      .from(wfHistory)
      .where(eq(wfHistory.instanceId, instanceId))
      .orderBy(asc(wfHistory.id));
    return rows.map((r) => ({ ...r, data: r.data ?? {} }));
  }

  async claimDueTimers(now: Date, limit: number, leaseMs: number): Promise<TimerRow[]> {
    const until = new Date(now.getTime() + leaseMs);
    const rows = await this.db.execute(sql`
      update wf_timers set locked_until = ${until.toISOString()}::timestamptz
      where id in (
        select id from wf_timers
        where due_at <= ${now.toISOString()}::timestamptz and (locked_until is null or locked_until < ${now.toISOString()}::timestamptz)
        order by due_at limit ${limit}
        for update skip locked)
      returning id, instance_id, definition_id, activity_id, execution_id, due_at, cycle`);
    return (rows as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
      id: r.id as string,
      instanceId: (r.instance_id as string | null) ?? null,
      definitionId: r.definition_id as string,
      activityId: r.activity_id as string,
      executionId: r.execution_id as string,
      dueAt: new Date(r.due_at as string),
      cycle: (r.cycle as string | null) ?? null,
    }));
  }

  async nextTimerDue(): Promise<Date | undefined> {
    const [row] = await this.db
      .select({ due: wfTimers.dueAt })
      .from(wfTimers)
      .orderBy(asc(wfTimers.dueAt))
      .limit(1);
    return row?.due;
  }

  async replaceStartTimer(consumedId: string, next: TimerRow | undefined): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(wfTimers).where(eq(wfTimers.id, consumedId));
      if (next) await tx.insert(wfTimers).values(next);
    });
  }

  async insertStartTimers(definitionId: string, timers: TimerRow[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .delete(wfTimers)
        .where(and(eq(wfTimers.definitionId, definitionId), isNull(wfTimers.instanceId)));
      if (timers.length) await tx.insert(wfTimers).values(timers);
    });
  }

  async claimDueJobs(now: Date, limit: number, leaseMs: number): Promise<JobRow[]> {
    const until = new Date(now.getTime() + leaseMs);
    const claimable = this.db
      .select({ id: wfJobs.id })
      .from(wfJobs)
      .where(
        and(
          eq(wfJobs.status, 'pending'),
          lte(wfJobs.dueAt, now),
          or(isNull(wfJobs.lockedUntil), lte(wfJobs.lockedUntil, now)),
        ),
      )
      .orderBy(asc(wfJobs.dueAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(wfJobs)
      .set({ lockedUntil: until })
      .where(inArray(wfJobs.id, claimable))
      .returning();
    return rows.map(asJob);
  }

  async jobsOf(instanceId: string): Promise<JobRow[]> {
    return (await this.db.select().from(wfJobs).where(eq(wfJobs.instanceId, instanceId))).map(asJob);
  }

  async getJob(id: string): Promise<JobRow | undefined> {
    const [row] = await this.db.select().from(wfJobs).where(eq(wfJobs.id, id));
    return row ? asJob(row) : undefined;
  }

  async updateJob(id: string, patch: Partial<JobRow>): Promise<void> {
    await this.db.update(wfJobs).set(patch).where(eq(wfJobs.id, id));
  }

  async listIncidents(): Promise<JobRow[]> {
    return (
      await this.db.select().from(wfJobs).where(eq(wfJobs.status, 'incident')).orderBy(desc(wfJobs.dueAt))
    ).map(asJob);
  }

  async subscriptionsFor(messageName: string, businessKey: string | null): Promise<SubscriptionRow[]> {
    return this.db
      .select()
      .from(wfSubscriptions)
      .where(
        and(
          eq(wfSubscriptions.messageName, messageName),
          businessKey === null ? undefined : eq(wfSubscriptions.businessKey, businessKey),
        ),
      );
  }

  /** open timers as the poller sees them (tests, admin views) */
  async pendingTimers(instanceId?: string): Promise<TimerRow[]> {
    const rows = await this.db
      .select()
      .from(wfTimers)
      .where(instanceId ? eq(wfTimers.instanceId, instanceId) : undefined)
      .orderBy(asc(wfTimers.dueAt));
    return rows.map(asTimer);
  }
}
