// The durable workflow runtime: deploy definitions, start instances, complete tasks, fire timers, run
// service-task jobs and correlate messages, each as one step that commits whole or not at all.
import { randomUUID } from 'node:crypto';
import { compile, ENGINE_VERSION, stateOf, type CompiledVersion, type ServiceCall } from './engine/host.js';
import { emptySink, recoverEngine, startEngine, type LiveEngine, type UserTaskWait } from './engine/step.js';
import {
  BusinessError,
  ConflictError,
  type DefinitionRow,
  type InstanceRow,
  type JobRow,
  type OutboxEntry,
  type RuntimeStore,
  type ServiceHandler,
  type StepWrite,
  type TaskRow,
  type TimerRow,
  type Variables,
} from './ports.js';
import { resolveAssignment, resolveDate, type Resolver } from './assignment.js';
import {
  bpmnExpressions,
  createFunctions,
  ExpressionError,
  parseCheck,
  resolveTemplate,
  SAFE_FUNCTION_NAMES,
  type FunctionSet,
} from './expressions/index.js';
import {
  addDuration,
  createChineseCalendar,
  describeTimer,
  parseCycle,
  parseDate,
  parseDuration,
  nextOccurrences,
  type WorkCalendar,
} from './time/index.js';
import {
  checkFormValues,
  parseDefinition,
  validateDefinition,
  type FormFieldInfo,
  type IoParameter,
} from './definitions/index.js';

export class WorkflowError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'conflict' | 'forbidden' | 'engine',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface RuntimeOptions {
  store: RuntimeStore;
  handlers: Record<string, ServiceHandler>;
  now?: () => Date;
  /** Camunda's default: 3 attempts, 10 s apart (R3/PT10S) */
  retry?: { maxAttempts: number; intervalMs: number };
  /** the working-day calendar behind `workingDays(n)` (default: the official Chinese calendar) */
  calendar?: WorkCalendar;
  /** called after every committed step (push notifications, metrics) */
  onCommitted?: (write: StepWrite) => void;
  logger?: { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
  /**
   * How many live engines this process keeps between steps (default 50), and for how long one that takes no
   * step is kept (default 30 s). A live engine saves the next step a recovery from the stored state, which only
   * pays when steps follow each other closely (service chains, messages, a benchmark); one engine of a
   * 25-element process holds about 1.5 MB, so a large or lasting cache mostly buys garbage-collection pauses.
   */
  liveCacheSize?: number;
  liveIdleMs?: number;
}

export interface StartCommand {
  processId: string;
  version?: number;
  businessKey?: string | null;
  variables?: Variables;
  initiator?: string | null;
  orgPath?: string | null;
  /** who asks to start it: checked against the process's camunda:candidateStarterGroups/Users when set
   * (omitted by trusted callers: a domain service that has already checked its own rules) */
  starter?: { userId: string; groups: string[] };
}

export interface CompleteCommand {
  actor: string;
  variables?: Variables;
  outcome?: string | null;
  comment?: string | null;
}

type Command =
  | { kind: 'start' }
  | { kind: 'complete'; task: TaskRow; cmd: CompleteCommand }
  | { kind: 'timer'; timer: TimerRow }
  | { kind: 'job'; job: JobRow }
  | { kind: 'message'; executionId: string; messageId: string; variables: Variables }
  | { kind: 'cancel'; reason: string; actor: string | null }
  | { kind: 'restore'; to: string; how: 'return' | 'withdraw'; actor: string; comment: string | null };

const MAX_CONFLICT_RETRIES = 5;

export class WorkflowRuntime {
  readonly store: RuntimeStore;
  private readonly versions = new Map<string, Promise<CompiledVersion>>();
  /** Camunda input/output parameters and task forms per definition version and activity */
  private readonly io = new Map<
    string,
    Promise<Map<string, { inputs: IoParameter[]; outputs: IoParameter[]; form: FormFieldInfo[] }>>
  >();
  private readonly live = new Map<string, LiveEngine>();
  /** one step at a time per instance in this process; other processes are kept out by the revision check */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly now: () => Date;
  private readonly retry: { maxAttempts: number; intervalMs: number };
  private readonly resolver: Resolver;
  private readonly functions: FunctionSet;
  private readonly expressions: unknown;

  constructor(private readonly opts: RuntimeOptions) {
    this.store = opts.store;
    this.now = opts.now ?? (() => new Date());
    this.retry = opts.retry ?? { maxAttempts: 3, intervalMs: 10_000 };
    this.functions = createFunctions({ now: this.now, calendar: opts.calendar ?? createChineseCalendar() });
    // one expression language for gateway conditions (in the engine) and for task attributes (here)
    this.expressions = bpmnExpressions(this.functions);
    this.resolver = (template, scope) => {
      try {
        return resolveTemplate(template, scope, this.functions);
      } catch (err) {
        if (err instanceof ExpressionError) throw new WorkflowError('invalid', err.message);
        throw err;
      }
    };
  }

  get handlerNames(): ReadonlySet<string> {
    return new Set(Object.keys(this.opts.handlers));
  }

  // ---------------------------------------------------------------- definitions

  /** Checks a diagram the way a deploy does, without storing anything. */
  async validate(xml: string) {
    return validateDefinition(xml, {
      handlers: this.handlerNames,
      checkExpression: (src) => parseCheck(src, SAFE_FUNCTION_NAMES),
      checkTimer: (kind, value) => describeTimer(kind, value, { functionNames: SAFE_FUNCTION_NAMES }),
    });
  }

  async deploy(
    xml: string,
    deployedBy: string | null,
  ): Promise<{ definition: DefinitionRow; created: boolean }> {
    const result = await this.validate(xml);
    if (!result.ok) throw new WorkflowError('invalid', 'The diagram cannot be deployed', result.problems);
    const parsed = result.definition;
    const checked = {
      processId: parsed.processId,
      name: parsed.name ?? null,
      startTimers: parsed.elements.flatMap((e) =>
        e.type === 'bpmn:StartEvent' && e.timer
          ? [{ activityId: e.id, kind: e.timer.kind, value: e.timer.value }]
          : [],
      ),
    };
    // the same hash the parser computed (ignoring line endings, trailing spaces and a BOM)
    const hash = parsed.hash;
    const existing = await this.store.findDefinition({ processId: checked.processId, hash });
    if (existing) return { definition: existing, created: false };
    const definition = await this.store.insertDefinition({
      processId: checked.processId,
      name: checked.name,
      xml,
      hash,
      deployedBy,
    });
    // new cases here start on it at once: forget the version remembered and any lookup on its way
    this.latest.delete(checked.processId);
    this.latestLookups.delete(checked.processId);
    const startTimers = checked.startTimers.flatMap((t) => {
      const value = String(this.resolver(t.value, {}));
      const first = firstOccurrence(t.kind, value, this.now());
      return first
        ? [
            {
              id: randomUUID(),
              instanceId: null,
              definitionId: definition.id,
              activityId: t.activityId,
              executionId: `start:${t.activityId}`,
              dueAt: first,
              cycle: t.kind === 'timeCycle' ? t.value : null,
            },
          ]
        : [];
    });
    // the newest version's schedule replaces the older ones'
    for (const old of await this.store.listDefinitions(definition.processId)) {
      if (old.id !== definition.id) await this.store.insertStartTimers(old.id, []);
    }
    if (startTimers.length) await this.store.insertStartTimers(definition.id, startTimers);
    return { definition, created: true };
  }

  private ioOf(def: { id: string; xml: string }) {
    let io = this.io.get(def.id);
    if (!io) {
      io = parseDefinition(def.xml).then(
        (parsed) =>
          new Map(
            parsed.elements
              .filter((e) => e.inputParameters?.length || e.outputParameters?.length || e.form?.length)
              .map((e) => [
                e.id,
                { inputs: e.inputParameters ?? [], outputs: e.outputParameters ?? [], form: e.form ?? [] },
              ]),
          ),
      );
      this.io.set(def.id, io);
    }
    return io;
  }

  /** The fields a task's form asks for (`camunda:formData` in the version its case runs); empty: no form. */
  async formOf(task: Pick<TaskRow, 'instanceId' | 'activityId'>): Promise<FormFieldInfo[]> {
    const row = await this.store.getInstance(task.instanceId);
    if (!row) return [];
    return (await this.ioOf(await this.definitionOf(row))).get(task.activityId)?.form ?? [];
  }

  /** camunda:inputOutput: each text parameter resolved against a scope (list/map parameters are not supported). */
  private mapParameters(params: IoParameter[], scope: Variables): Variables {
    const out: Variables = {};
    for (const p of params)
      if (p.kind === 'text') out[p.name] = p.value === undefined ? null : this.resolver(p.value, scope);
    return out;
  }

  private compiled(def: DefinitionRow): Promise<CompiledVersion> {
    let version = this.versions.get(def.id);
    if (!version) {
      version = compile(def.id, def.processId, def.xml);
      this.versions.set(def.id, version);
    }
    return version;
  }

  // ---------------------------------------------------------------- instances

  async start(cmd: StartCommand): Promise<InstanceRow> {
    const def = await this.definitionToStart(cmd.processId, cmd.version);
    if (!def)
      throw new WorkflowError(
        'not_found',
        `Process ${cmd.processId}${cmd.version ? ` version ${cmd.version}` : ''} is not deployed`,
      );
    const version = await this.compiled(def);
    const { starters } = version;
    if (cmd.starter && (starters.groups.length || starters.users.length)) {
      const { userId, groups } = cmd.starter;
      if (!starters.users.includes(userId) && !groups.some((g) => starters.groups.includes(g)))
        throw new WorkflowError(
          'forbidden',
          `Process ${def.processId} may be started only by ${[...starters.groups, ...starters.users].join(', ')}`,
        );
    }
    const id = randomUUID();
    const variables = {
      ...(cmd.variables ?? {}),
      initiator: cmd.initiator ?? null,
      businessKey: cmd.businessKey ?? null,
    };
    const instance: InstanceRow = {
      id,
      definitionId: def.id,
      processId: def.processId,
      definitionVersion: def.version,
      businessKey: cmd.businessKey ?? null,
      status: 'running',
      state: {},
      variables,
      initiator: cmd.initiator ?? null,
      orgPath: cmd.orgPath ?? null,
      engineVersion: ENGINE_VERSION,
      revision: 0,
      startedAt: this.now(),
      endedAt: null,
      endReason: null,
    };
    return this.serial(id, async () => {
      const live = await startEngine(version, variables, this.expressions, this.now);
      live.jobs = new Map(); // a new instance has no jobs yet
      return this.finish(instance, live, { kind: 'start' }, null);
    });
  }

  async completeTask(taskId: string, cmd: CompleteCommand): Promise<InstanceRow> {
    // a task a live engine here created is known without a read: what a step uses of it (ids, activity, name)
    // never changes, and if another process completed it meanwhile, the revision check at commit says so
    const task = this.liveTask(taskId) ?? (await this.openTask(taskId));
    return this.runStep(task.instanceId, { kind: 'complete', task, cmd });
  }

  async cancel(instanceId: string, reason: string, actor: string | null): Promise<InstanceRow> {
    return this.runStep(instanceId, { kind: 'cancel', reason, actor });
  }

  /** Delivers a message to every instance waiting for it under this business key. */
  async correlateMessage(
    name: string,
    businessKey: string | null,
    variables: Variables = {},
  ): Promise<string[]> {
    const subs = await this.store.subscriptionsFor(name, businessKey);
    const delivered: string[] = [];
    for (const sub of subs) {
      await this.runStep(sub.instanceId, {
        kind: 'message',
        executionId: sub.executionId,
        messageId: name,
        variables,
      });
      delivered.push(sub.instanceId);
    }
    return delivered;
  }

  async fireTimer(timer: TimerRow): Promise<void> {
    if (!timer.instanceId) return this.fireStartTimer(timer);
    const instance = await this.store.getInstance(timer.instanceId);
    // an instance that ended (or vanished) leaves nothing to fire: drop the row
    if (!instance || instance.status !== 'running') return this.store.replaceStartTimer(timer.id, undefined);
    await this.runStep(timer.instanceId, { kind: 'timer', timer });
  }

  async runJob(job: JobRow): Promise<void> {
    const instance = await this.store.getInstance(job.instanceId);
    if (!instance || instance.status !== 'running')
      return this.store.updateJob(job.id, { status: 'done', lastError: 'the case had ended' });
    await this.runStep(job.instanceId, { kind: 'job', job });
  }

  /**
   * Moves an instance back to an earlier user task (退回 return, 撤回 withdraw): the engine state saved
   * when that task was created is restored, with today's variables; tasks open now are cancelled.
   */
  async restoreTo(
    instanceId: string,
    activityId: string,
    how: 'return' | 'withdraw',
    actor: string,
    comment: string | null,
  ): Promise<InstanceRow> {
    return this.runStep(instanceId, { kind: 'restore', to: activityId, how, actor, comment });
  }

  /** An admin's retry of an incident: the job becomes due now with a fresh set of attempts. */
  async retryIncident(jobId: string): Promise<void> {
    const job = await this.store.getJob(jobId);
    if (!job || job.status !== 'incident')
      throw new WorkflowError('not_found', `There is no incident ${jobId}`);
    await this.store.updateJob(jobId, { status: 'pending', attempts: 0, dueAt: this.now() });
    await this.runJob({ ...job, status: 'pending', attempts: 0 });
  }

  private async fireStartTimer(timer: TimerRow): Promise<void> {
    const def = await this.store.findDefinition({ id: timer.definitionId });
    if (!def) return;
    const latest = await this.store.findDefinition({ processId: def.processId });
    // a newer version replaces the schedule of an older one
    if (latest && latest.id !== def.id) return this.store.replaceStartTimer(timer.id, undefined);
    const instance = await this.start({
      processId: def.processId,
      version: def.version,
      businessKey: `${timer.activityId}@${timer.dueAt.toISOString()}`,
    });
    const live = this.live.get(instance.id);
    if (live) {
      await this.runStep(instance.id, {
        kind: 'timer',
        timer: {
          ...timer,
          instanceId: instance.id,
          executionId: firstTimerOf(live, timer.activityId) ?? timer.executionId,
        },
      });
    }
    await this.store.replaceStartTimer(timer.id, nextCycle(timer));
  }

  private liveTask(taskId: string): TaskRow | undefined {
    for (const live of this.live.values()) {
      const task = live.openTasks?.get(taskId);
      if (task && live.waiting.has(task.executionId)) return task;
    }
    return undefined;
  }

  private async openTask(taskId: string): Promise<TaskRow> {
    const task = await this.store.getTask(taskId);
    if (!task) throw new WorkflowError('not_found', `Task ${taskId} does not exist`);
    if (task.status !== 'open')
      throw new WorkflowError('conflict', `Task ${taskId} is already ${task.status}`);
    return task;
  }

  // ---------------------------------------------------------------- steps

  private serial<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(instanceId) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.queues.set(instanceId, settled);
    void settled.then(() => {
      if (this.queues.get(instanceId) === settled) this.queues.delete(instanceId);
    });
    return next;
  }

  private runStep(instanceId: string, command: Command): Promise<InstanceRow> {
    return this.serial(instanceId, async () => {
      for (let attempt = 0; ; attempt++) {
        // a live engine carries the row it last committed; if another process wrote since, the revision
        // check at commit fails and the retry reads the row afresh
        const cachedRow = attempt === 0 ? this.live.get(instanceId)?.committed?.row : undefined;
        const row = cachedRow ?? (await this.store.getInstance(instanceId));
        if (!row) throw new WorkflowError('not_found', `Instance ${instanceId} does not exist`);
        if (row.status !== 'running')
          throw new WorkflowError('conflict', `Instance ${instanceId} is ${row.status}`);
        const live =
          command.kind === 'restore'
            ? await this.engineFromSnapshot(row, command.to)
            : await this.engineFor(row);
        try {
          return await this.finish(row, live, command, row.revision);
        } catch (err) {
          this.live.delete(instanceId);
          if (err instanceof ConflictError && attempt < MAX_CONFLICT_RETRIES) continue;
          if (err instanceof ConflictError)
            throw new WorkflowError('conflict', 'The case was changed at the same time; try again');
          throw err;
        }
      }
    });
  }

  private async engineFor(row: InstanceRow): Promise<LiveEngine> {
    const cached = this.live.get(row.id);
    if (cached && cached.revision === row.revision && !cached.failure) {
      cached.sink = emptySink();
      return cached;
    }
    if (cached) this.live.delete(row.id);
    const def = await this.definitionOf(row);
    const live = await recoverEngine(
      await this.compiled(def),
      row.state,
      row.revision,
      this.expressions,
      this.now,
    );
    // Waits re-announced by the recovery are not news when their task exists. But a recovery is not only a
    // replay: bpmn-elements completes a timer that expired meanwhile (by the machine clock) inside resume(),
    // and whatever that moved on to (the next task's wait) is news. Service calls it re-issued are kept: a
    // parked service task must be able to run when its job falls due.
    const open = new Set(
      (await this.store.queryTasks({ instanceId: row.id, status: 'open', limit: 1000, offset: 0 })).items.map(
        (t) => t.executionId,
      ),
    );
    const recovered = live.sink;
    live.sink = {
      ...emptySink(),
      calls: recovered.calls,
      waits: recovered.waits.filter((w) => !open.has(w.executionId)),
      events: recovered.events,
    };
    return live;
  }

  /**
   * The version a new case starts on: the one named, or the latest. The latest is remembered for a few
   * seconds (a deploy in this process refreshes it at once; one in another process is seen within 5 s).
   */
  private readonly latest = new Map<string, { def: DefinitionRow; until: number }>();
  /** the lookups of the latest version on their way: cases starting meanwhile wait for the same one */
  private readonly latestLookups = new Map<string, Promise<DefinitionRow | undefined>>();

  private async definitionToStart(processId: string, version?: number): Promise<DefinitionRow | undefined> {
    if (version) return this.store.findDefinition({ processId, version });
    const hit = this.latest.get(processId);
    if (hit && hit.until > Date.now()) return hit.def;
    // when the remembered version expires under load, every case starting then would ask the database at
    // once (each on a connection of its own); one lookup serves them all
    const pending = this.latestLookups.get(processId);
    if (pending) return pending;
    // what it finds is remembered unless a deploy in this process dropped the lookup meanwhile
    const current = () => this.latestLookups.get(processId) === lookup;
    const lookup: Promise<DefinitionRow | undefined> = this.store.findDefinition({ processId }).then(
      (def) => {
        if (current()) {
          this.latestLookups.delete(processId);
          if (def) this.latest.set(processId, { def, until: Date.now() + 5_000 });
        }
        return def;
      },
      (err: unknown) => {
        if (current()) this.latestLookups.delete(processId);
        throw err;
      },
    );
    this.latestLookups.set(processId, lookup);
    return lookup;
  }

  /** Definition rows never change once stored: this process keeps them by id. */
  private readonly definitions = new Map<string, DefinitionRow>();

  private async definitionOf(row: InstanceRow): Promise<DefinitionRow> {
    const cached = this.definitions.get(row.definitionId);
    if (cached) return cached;
    const def = await this.store.findDefinition({ id: row.definitionId });
    if (!def)
      throw new WorkflowError('engine', `Definition ${row.definitionId} of instance ${row.id} is missing`);
    this.definitions.set(def.id, def);
    return def;
  }

  private async engineFromSnapshot(row: InstanceRow, activityId: string): Promise<LiveEngine> {
    const snapshot = await this.store.snapshot(row.id, activityId);
    if (!snapshot)
      throw new WorkflowError('invalid', `The case never reached ${activityId}; it cannot go back there`);
    const def = await this.definitionOf(row);
    this.live.delete(row.id);
    // the restored waits are news this time: the tasks they announce open again
    return recoverEngine(await this.compiled(def), snapshot.state, row.revision, this.expressions, this.now);
  }

  /** Applies the command to the engine, runs it to rest, writes the step, and caches the engine. */
  private async finish(
    row: InstanceRow,
    live: LiveEngine,
    command: Command,
    expectedRevision: number | null,
  ): Promise<InstanceRow> {
    const now = this.now();
    const history: StepWrite['history'] = [];
    const outbox: OutboxEntry[] = [];
    const upsertJobs: JobRow[] = [];
    const consumedTimerIds: string[] = [];
    let completeTask: StepWrite['completeTask'];
    let status: InstanceRow['status'] = 'running';
    let endReason: string | null = null;
    const startCalls = live.sink.calls.splice(0);

    switch (command.kind) {
      case 'start':
        history.push({
          instanceId: row.id,
          kind: 'instance.started',
          actor: row.initiator,
          data: { businessKey: row.businessKey },
        });
        break;
      case 'complete': {
        const { task, cmd } = command;
        const wait = live.waiting.get(task.executionId);
        if (!wait) throw new WorkflowError('conflict', `Task ${task.id} is no longer waiting in the process`);
        const io = (await this.ioOf(await this.definitionOf(row))).get(task.activityId);
        // the step's form (camunda:formData of the version this case runs) says what it must be given
        const checked = checkFormValues(io?.form ?? [], {
          ...(cmd.variables ?? {}),
          ...(cmd.outcome ? { outcome: cmd.outcome } : {}),
        });
        if (checked.problems.length)
          throw new WorkflowError(
            'invalid',
            `The form of ${task.name ?? task.activityId}: ${checked.problems.map((p) => p.message).join('; ')}`,
            { fields: checked.problems },
          );
        const given = checked.variables;
        // with output parameters the diagram says which variables the task sets; without, all it was given
        const outputs = io?.outputs ?? [];
        const variables = outputs.length
          ? {
              ...this.mapParameters(outputs, { ...processVariables(live), ...given }),
              ...(cmd.outcome ? { outcome: cmd.outcome } : {}),
            }
          : given;
        // gateways read process-scope variables (and those of the sub-process they sit in), not the signal payload
        setVariables(live, variables);
        const api = live.execution
          .getPostponed()
          .find((a: { executionId: string }) => a.executionId === task.executionId);
        if (api) api.signal({ ...variables });
        else live.execution.signal({ id: task.activityId, executionId: task.executionId, ...variables });
        completeTask = {
          id: task.id,
          outcome: cmd.outcome ?? null,
          comment: cmd.comment ?? null,
          completedBy: cmd.actor,
        };
        history.push({
          instanceId: row.id,
          kind: 'task.completed',
          activityId: task.activityId,
          executionId: task.executionId,
          actor: cmd.actor,
          data: { outcome: cmd.outcome ?? null, comment: cmd.comment ?? null, variables },
        });
        break;
      }
      case 'timer': {
        consumedTimerIds.push(command.timer.id);
        // the recovery may already have completed it (expired by the machine clock): that counts as fired
        const fired =
          live.timers.fire(command.timer.executionId) ||
          live.sink.events.some(
            (e) => e.kind === 'activity.timeout' && e.executionId === command.timer.executionId,
          );
        history.push({
          instanceId: row.id,
          kind: fired ? 'timer.fired' : 'timer.stale',
          activityId: command.timer.activityId,
          executionId: command.timer.executionId,
          data: { dueAt: command.timer.dueAt.toISOString() },
        });
        break;
      }
      case 'message': {
        setVariables(live, command.variables);
        const wait = live.listening.get(command.executionId);
        const api = live.execution
          .getPostponed()
          .find((a: { executionId: string }) => a.executionId === command.executionId);
        if (api) api.signal({ ...command.variables });
        else if (wait) live.execution.signal({ id: wait.messageId, ...command.variables });
        history.push({
          instanceId: row.id,
          kind: 'message.received',
          activityId: wait?.activityId ?? null,
          executionId: command.executionId,
          data: { message: command.messageId },
        });
        break;
      }
      case 'job':
        break;
      case 'restore':
        setVariables(live, row.variables);
        history.push({
          instanceId: row.id,
          kind: command.how === 'return' ? 'task.returned' : 'task.withdrawn',
          activityId: command.to,
          actor: command.actor,
          data: { comment: command.comment },
        });
        break;
      case 'cancel':
        status = 'cancelled';
        endReason = command.reason;
        history.push({
          instanceId: row.id,
          kind: 'instance.cancelled',
          actor: command.actor,
          data: { reason: command.reason },
        });
        break;
    }

    if (command.kind !== 'cancel') await this.settle(row, live, command, startCalls, upsertJobs, history);
    if (live.failure) throw new WorkflowError('engine', `The process failed: ${live.failure.message}`);

    scrubEngineMessages(live);
    const variables = { ...processVariables(live) };
    if (live.ended && status === 'running') {
      status = 'completed';
      history.push({ instanceId: row.id, kind: 'instance.completed' });
      outbox.push({
        kind: 'instance.completed',
        dedupKey: `instance.completed:${row.id}`,
        payload: {
          instanceId: row.id,
          processId: row.processId,
          businessKey: row.businessKey,
          initiator: row.initiator,
        },
      });
    }
    for (const e of live.sink.events) {
      if (e.kind === 'activity.start' || e.kind === 'activity.end')
        history.push({
          instanceId: row.id,
          kind: e.kind,
          activityId: e.activityId,
          executionId: e.executionId,
          data: { type: e.type },
        });
    }

    // a case that ended keeps its variables and history, not an engine state nobody can resume (as Camunda
    // drops an ended instance's runtime rows): the last step of every case skips capturing and writing it
    const state = status === 'running' ? await stateOf(live.engine) : {};
    const createTasks =
      status === 'running' ? live.sink.waits.map((w) => this.taskFrom(row, w, variables, now)) : [];
    for (const task of createTasks) {
      outbox.push({
        kind: 'task.created',
        dedupKey: `task.created:${row.id}:${task.executionId}`,
        payload: {
          taskId: task.id,
          instanceId: row.id,
          processId: row.processId,
          name: task.name,
          assignee: task.assignee,
          candidateUsers: task.candidateUsers,
          candidateGroups: task.candidateGroups,
          orgPath: task.orgPath,
          dueAt: task.dueAt?.toISOString() ?? null,
        },
      });
      history.push({
        instanceId: row.id,
        kind: 'task.created',
        activityId: task.activityId,
        executionId: task.executionId,
        data: { assignee: task.assignee },
      });
    }
    const next: InstanceRow = {
      ...row,
      state,
      variables,
      status,
      revision: (expectedRevision ?? -1) + 1,
      endedAt: status === 'running' ? null : now,
      endReason,
    };
    const running = status === 'running';
    const write: StepWrite = {
      at: now,
      instance: next,
      expectedRevision,
      createTasks,
      waitingExecutionIds: running ? [...live.waiting.keys()] : [],
      ...(running && live.committed && expectedRevision !== null
        ? {
            unchanged: unchangedSince(
              live.committed,
              live,
              completeTask?.id
                ? command.kind === 'complete'
                  ? command.task.executionId
                  : undefined
                : undefined,
              consumedTimerIds,
            ),
          }
        : {}),
      ...(completeTask ? { completeTask } : {}),
      timers: running ? this.pendingTimers(row, live) : [],
      consumedTimerIds,
      subscriptions: running
        ? [...live.listening.values()].map((m) => ({
            instanceId: row.id,
            messageName: m.messageName,
            activityId: m.activityId,
            executionId: m.executionId,
            businessKey: row.businessKey,
          }))
        : [],
      upsertJobs,
      history,
      outbox,
      snapshots: createTasks.map((t) => ({ executionId: t.executionId, activityId: t.activityId, state })),
    };
    await this.store.commitStep(write);
    live.revision = next.revision;
    const open = (live.openTasks ??= new Map());
    if (completeTask) open.delete(completeTask.id);
    for (const t of createTasks) open.set(t.id, t);
    for (const [id, t] of open) if (!live.waiting.has(t.executionId)) open.delete(id);
    live.committed = {
      row: next,
      waiting: new Set(live.waiting.keys()),
      timers: new Set(write.timers.map((t) => t.executionId)),
      subscriptions: new Set(write.subscriptions.map((x) => x.executionId)),
    };
    if (running) this.remember(row.id, live);
    else this.live.delete(row.id); // never stop() a finished engine: it does not resolve
    this.opts.onCommitted?.(write);
    return next;
  }

  /** Runs the service calls the command caused, inline on the first attempt; failures become retry jobs. */
  private async settle(
    row: InstanceRow,
    live: LiveEngine,
    command: Command,
    startCalls: ServiceCall[],
    upsertJobs: JobRow[],
    history: StepWrite['history'],
  ): Promise<void> {
    // an engine started or kept live in this process knows its jobs (it made them); one recovered from the
    // database reads them once
    const jobFor = async (executionId: string) => {
      live.jobs ??= new Map((await this.store.jobsOf(row.id)).map((j) => [j.executionId, j]));
      return live.jobs.get(executionId);
    };
    const queue = [...startCalls];
    if (command.kind === 'job') {
      const parked = live.parkedCalls.get(command.job.executionId);
      if (parked && !queue.some((c) => c.executionId === parked.executionId)) queue.push(parked);
    }
    for (;;) {
      queue.push(...live.sink.calls.splice(0));
      const call = queue.shift();
      if (!call) break;
      const existing = await jobFor(call.executionId);
      const isThisJob = command.kind === 'job' && command.job.executionId === call.executionId;
      if (existing && existing.status !== 'done' && !isThisJob) {
        live.parkedCalls.set(call.executionId, call); // waits for its job to fall due
        continue;
      }
      const handler = this.opts.handlers[call.handler];
      const attempts = (existing?.attempts ?? 0) + 1;
      const io = (await this.ioOf(await this.definitionOf(row))).get(call.activityId);
      try {
        if (!handler) throw new Error(`No handler is registered for "${call.handler}"`);
        const input = io?.inputs.length ? this.mapParameters(io.inputs, processVariables(live)) : call.input;
        const result = await handler({
          // stable across re-runs of the same step (execution ids are random each run; the activity's
          // taken-count is part of the stored state), so a crash between effect and commit is harmless
          key: `${row.id}:${call.activityId}:${call.occurrence}`,
          instanceId: row.id,
          activityId: call.activityId,
          businessKey: row.businessKey,
          variables: { ...processVariables(live) },
          input,
        });
        const output = io?.outputs.length
          ? this.mapParameters(io.outputs, { ...processVariables(live), ...(result ?? {}) })
          : result;
        live.parkedCalls.delete(call.executionId);
        if (existing) {
          const done = { ...existing, attempts, status: 'done' as const, lastError: null };
          upsertJobs.push(done);
          live.jobs?.set(call.executionId, done);
        }
        if (output) setVariables(live, output);
        call.done(null, output ?? {});
      } catch (err) {
        if (err instanceof BusinessError) {
          live.parkedCalls.delete(call.executionId);
          history.push({
            instanceId: row.id,
            kind: 'business.error',
            activityId: call.activityId,
            executionId: call.executionId,
            data: { code: err.code },
          });
          call.done(Object.assign(new Error(err.message), { code: err.code }));
          continue;
        }
        const message = err instanceof Error ? err.message : String(err);
        const incident = attempts >= this.retry.maxAttempts;
        const job: JobRow = {
          id: existing?.id ?? randomUUID(),
          instanceId: row.id,
          activityId: call.activityId,
          executionId: call.executionId,
          handler: call.handler,
          attempts,
          maxAttempts: this.retry.maxAttempts,
          retryIntervalMs: this.retry.intervalMs,
          dueAt: new Date(this.now().getTime() + this.retry.intervalMs * 2 ** (attempts - 1)),
          status: incident ? 'incident' : 'pending',
          lastError: message.slice(0, 2000),
        };
        upsertJobs.push(job);
        live.jobs?.set(call.executionId, job);
        live.parkedCalls.set(call.executionId, call);
        history.push({
          instanceId: row.id,
          kind: incident ? 'incident.raised' : 'job.failed',
          activityId: call.activityId,
          executionId: call.executionId,
          data: { attempts, error: message.slice(0, 500) },
        });
        this.opts.logger?.warn(
          { instanceId: row.id, activityId: call.activityId, attempts, incident },
          'service task failed',
        );
      }
    }
  }

  private pendingTimers(row: InstanceRow, live: LiveEngine): TimerRow[] {
    return live.timers.executing
      .filter((t) => t.owner?.executionId)
      .map((t) => {
        const executionId = t.owner!.executionId!;
        const due = live.timerDue.get(executionId) ?? new Date(this.now().getTime() + t.delay);
        return {
          id: randomUUID(),
          instanceId: row.id,
          definitionId: row.definitionId,
          activityId: t.owner?.id ?? '',
          executionId,
          dueAt: due,
          cycle: null,
        };
      });
  }

  private taskFrom(row: InstanceRow, wait: UserTaskWait, variables: Variables, now: Date): TaskRow {
    const a = wait.attrs;
    const scope = { ...variables, initiator: row.initiator, businessKey: row.businessKey };
    const assignee = resolveAssignment(this.resolver, a.assignee, scope)[0] ?? null;
    return {
      id: randomUUID(),
      instanceId: row.id,
      processId: row.processId,
      activityId: wait.activityId,
      executionId: wait.executionId,
      name: wait.name,
      assignee,
      owner: null,
      delegationState: null,
      candidateUsers: resolveAssignment(this.resolver, a.candidateUsers, scope),
      candidateGroups: resolveAssignment(this.resolver, a.candidateGroups, scope),
      orgPath: row.orgPath,
      dueAt: resolveDate(this.resolver, a.dueDate, scope, now),
      followUpAt: resolveDate(this.resolver, a.followUpDate, scope, now),
      priority: Number(this.resolver(String(a.priority ?? '50'), scope)) || 50,
      formKey: typeof a.formKey === 'string' ? a.formKey : null,
      status: 'open',
      outcome: null,
      comment: null,
      completedBy: null,
      createdAt: now,
      // set only when someone claims or is handed the task: a withdraw (撤回) asks whether anyone has
      claimedAt: null,
      completedAt: null,
    };
  }

  private remember(id: string, live: LiveEngine): void {
    this.live.delete(id);
    live.usedAt = performance.now();
    this.live.set(id, live);
    const max = this.opts.liveCacheSize ?? 50;
    const idleMs = this.opts.liveIdleMs ?? 30_000;
    // the map is in order of use, the least recent first. An engine is dropped, not stopped: nothing outside
    // holds it (its timers are rows), and a step that has it in hand finishes with it and remembers it again.
    for (const [key, cached] of this.live) {
      if (this.live.size <= max && live.usedAt - (cached.usedAt ?? 0) < idleMs) break;
      this.live.delete(key);
    }
  }

  /** How many engines this process keeps live between steps (metrics, tests). */
  get liveEngines(): number {
    return this.live.size;
  }

  /** Drops every live engine (tests use it to force recovery from the stored state). */
  forgetLiveEngines(): void {
    for (const live of this.live.values()) void live.engine.stop().catch(() => undefined);
    this.live.clear();
  }
}

function firstTimerOf(live: LiveEngine, activityId: string): string | undefined {
  return live.timers.executing.find((t) => t.owner?.id === activityId)?.owner?.executionId;
}

function firstOccurrence(
  kind: 'timeDuration' | 'timeDate' | 'timeCycle',
  value: string,
  now: Date,
): Date | undefined {
  if (kind === 'timeDate') return parseDate(value);
  if (kind === 'timeDuration') return addDuration(now, parseDuration(value));
  const cycle = parseCycle(value);
  return cycle.start
    ? nextOccurrences(cycle, new Date(now.getTime() - 1), 1)[0]
    : addDuration(now, cycle.duration);
}

/** The next firing of a timer start cycle after `timer` fired, or none when its repetitions are used up. */
function nextCycle(timer: TimerRow): TimerRow | undefined {
  if (!timer.cycle) return undefined;
  const cycle = parseCycle(timer.cycle);
  if (cycle.start) {
    const [next] = nextOccurrences(cycle, timer.dueAt, 1);
    return next ? { ...timer, id: randomUUID(), dueAt: next } : undefined;
  }
  // a cycle without a start counts from when it was set: keep the repetitions left in the stored cycle
  const left = cycle.repetitions - 1;
  if (left <= 0) return undefined;
  const interval = timer.cycle.slice(timer.cycle.indexOf('/') + 1);
  return {
    ...timer,
    id: randomUUID(),
    dueAt: addDuration(timer.dueAt, cycle.duration),
    cycle: `R${left === Infinity ? '' : left}/${interval}`,
  };
}

/** What a step changed compared with the last one committed on the same live engine. */
function unchangedSince(
  before: NonNullable<LiveEngine['committed']>,
  live: LiveEngine,
  completedExecution: string | undefined,
  consumedTimerIds: string[],
): { tasks: boolean; timers: boolean; subscriptions: boolean } {
  const sameSet = (a: Set<string>, b: Iterable<string>) => {
    const other = new Set(b);
    return a.size === other.size && [...a].every((x) => other.has(x));
  };
  // open tasks need cancelling only if something that waited before stopped waiting without being completed
  const vanished = [...before.waiting].filter((id) => !live.waiting.has(id) && id !== completedExecution);
  const timers = [...live.timers.executing].flatMap((t) =>
    t.owner?.executionId ? [t.owner.executionId] : [],
  );
  return {
    tasks: vanished.length === 0,
    timers: consumedTimerIds.length === 0 && sameSet(before.timers, timers),
    subscriptions: sameSet(before.subscriptions, live.listening.keys()),
  };
}

/** The environments of the embedded sub-processes running now (nested ones too): each has its own variables. */
function subProcessEnvironments(live: LiveEngine): { variables: Variables }[] {
  type Api = { owner?: { execution?: { source?: { executions?: Execution[] } } } };
  type Execution = { environment: { variables: Variables }; getPostponed?: () => Api[] };
  const found: { variables: Variables }[] = [];
  const walk = (apis: Api[]) => {
    for (const api of apis) {
      for (const pe of api.owner?.execution?.source?.executions ?? []) {
        found.push(pe.environment);
        walk(pe.getPostponed?.() ?? []);
      }
    }
  };
  walk(live.execution.getPostponed() as Api[]);
  return found;
}

/**
 * Sets case variables where expressions read them: the process scope, and every running sub-process, whose
 * environment bpmn-engine copies when it starts (a gateway inside it would not see a later value otherwise).
 */
function setVariables(live: LiveEngine, values: Variables): void {
  Object.assign(processVariables(live), values);
  for (const env of subProcessEnvironments(live)) Object.assign(env.variables, values);
}

/**
 * bpmn-elements copies the execute message (fields, content, properties) into a process's variables when a
 * process or sub-process starts or resumes. They are not the case's variables: drop them before the state and
 * the variables are stored (they also made every stored state carry the message).
 */
function scrubEngineMessages(live: LiveEngine): void {
  for (const vars of [processVariables(live), ...subProcessEnvironments(live).map((e) => e.variables)]) {
    const fields = vars.fields as { routingKey?: unknown } | undefined;
    const content = vars.content as { executionId?: unknown } | undefined;
    if (fields?.routingKey !== undefined && content?.executionId !== undefined) {
      delete vars.fields;
      delete vars.content;
      delete vars.properties;
    }
  }
}

/**
 * The process-scope variables: what gateways and expressions read. bpmn-engine gives the process its own
 * copy of the environment, so variables set on the execution's would never reach a condition.
 */
function processVariables(live: LiveEngine): Variables {
  const definition = live.execution.definitions?.[0];
  const process = definition?.getProcesses?.()[0];
  return (process?.environment ?? definition?.environment ?? live.execution.environment)
    .variables as Variables;
}
