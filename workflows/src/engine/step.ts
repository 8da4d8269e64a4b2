// One step of one instance: bring up its engine (live from this process's cache, or recovered from the
// stored state), apply a command, let every branch run until it waits or ends (service calls included),
// then describe everything that changed as one StepWrite.
import type { EngineApi, HostedEngine, ServiceCall } from './host.js';
import { createEngine, stateOf, type CompiledVersion } from './host.js';
import { addDuration, nextOccurrences, parseCycle, parseDate, parseDuration } from '../time/index.js';

export interface UserTaskWait {
  activityId: string;
  executionId: string;
  name: string | null;
  /** the Camunda attributes as written in the diagram (unresolved) */
  attrs: Record<string, unknown>;
}

export interface MessageWait {
  activityId: string;
  executionId: string;
  messageName: string;
  messageId: string;
}

export interface ActivityEvent {
  kind: 'activity.start' | 'activity.end' | 'activity.timeout' | 'activity.discard';
  activityId: string;
  executionId: string;
  type: string;
}

/** An engine kept alive between steps in this process, with what it learned that its state does not say. */
export interface LiveEngine extends HostedEngine {
  execution: EngineApi;
  revision: number;
  /** performance.now() of its last step: the runtime drops engines idle too long */
  usedAt?: number;
  /** due time of each pending timer, by timer execution id */
  timerDue: Map<string, Date>;
  /** service calls waiting for a retry: their callbacks, by execution id */
  parkedCalls: Map<string, ServiceCall>;
  ended: boolean;
  /** user tasks and message catches waiting now, by execution id (kept current from the engine's events) */
  waiting: Map<string, UserTaskWait>;
  listening: Map<string, MessageWait>;
  /** the instance row and what the last committed step left waiting, for the next step on this engine */
  committed?: {
    row: import('../ports.js').InstanceRow;
    waiting: Set<string>;
    timers: Set<string>;
    subscriptions: Set<string>;
  };
  /** the open user tasks its committed steps created, by task id: a completion need not read its task */
  openTasks?: Map<string, import('../ports.js').TaskRow>;
  /** the retry jobs of its service tasks, by execution id; known in full once loaded after a recovery */
  jobs?: Map<string, import('../ports.js').JobRow>;
  /** set by the engine's error event: the step that saw it must not be committed */
  failure?: Error;
  /** the collector of the step now running on this engine */
  sink: StepSink;
}

export interface StepSink {
  waits: UserTaskWait[];
  messages: MessageWait[];
  events: ActivityEvent[];
  calls: ServiceCall[];
}

export const emptySink = (): StepSink => ({ waits: [], messages: [], events: [], calls: [] });

function messageNameOf(api: EngineApi): { name: string; id: string } | undefined {
  const defs = (api.content?.eventDefinitions ?? api.owner?.eventDefinitions ?? []) as EngineApi[];
  const fromContent = api.content?.message;
  if (fromContent?.name || fromContent?.id)
    return { name: fromContent.name ?? fromContent.id, id: fromContent.id ?? fromContent.name };
  for (const d of defs) {
    const ref = d.behaviour?.messageRef;
    if (ref) return { name: ref.name ?? ref.id, id: ref.id };
  }
  return undefined;
}

function dueOf(c: Record<string, unknown>, now: Date): Date | undefined {
  try {
    if (typeof c.timeDuration === 'string') return addDuration(now, parseDuration(c.timeDuration));
    if (typeof c.timeDate === 'string') return parseDate(c.timeDate);
    if (typeof c.timeCycle === 'string') {
      const cycle = parseCycle(c.timeCycle);
      return cycle.start ? nextOccurrences(cycle, now, 1)[0] : addDuration(now, cycle.duration);
    }
  } catch {
    // a value our parser does not take (the engine accepted it): fall back to the engine's own span
  }
  const expireAt =
    typeof c.expireAt === 'string' || c.expireAt instanceof Date ? new Date(c.expireAt).getTime() : undefined;
  const startedAt =
    typeof c.startedAt === 'string' || c.startedAt instanceof Date
      ? new Date(c.startedAt).getTime()
      : undefined;
  if (expireAt !== undefined && startedAt !== undefined)
    return new Date(now.getTime() + expireAt - startedAt);
  return typeof c.timeout === 'number' ? new Date(now.getTime() + c.timeout) : undefined;
}

function wire(
  live: Omit<LiveEngine, 'execution' | 'revision'> & { execution?: EngineApi },
  clock: () => Date,
): void {
  const { listener } = live;
  listener.on('wait', (api: EngineApi) => {
    if (api.type === 'bpmn:UserTask') {
      const b = api.owner?.behaviour ?? {};
      const wait = {
        activityId: api.id,
        executionId: api.executionId,
        name: api.name ?? b.name ?? null,
        attrs: b,
      };
      live.waiting.set(wait.executionId, wait);
      live.sink.waits.push(wait);
      return;
    }
    const message = messageNameOf(api);
    if (message) {
      const wait = {
        activityId: api.id,
        executionId: api.executionId,
        messageName: message.name,
        messageId: message.id,
      };
      live.listening.set(wait.executionId, wait);
      live.sink.messages.push(wait);
    }
  });
  // an activity that leaves, for whatever reason (completed, interrupted, cancelled), no longer waits
  const forget = (api: EngineApi) => {
    live.waiting.delete(api.executionId);
    live.listening.delete(api.executionId);
    live.timerDue.delete(api.executionId);
  };
  listener.on('activity.leave', forget);
  // A non-interrupting message or signal boundary event stays armed while its activity runs (BPMN, and
  // Camunda: the subscription is kept, so the event can occur again); bpmn-elements re-arms only timer
  // cycles. Once it has fired and left, it is queued to start again on the same activity.
  listener.on('activity.leave', (api: EngineApi) => {
    const boundary = api.owner;
    if (boundary?.type !== 'bpmn:BoundaryEvent' || api.content?.cancelActivity !== false) return;
    if (!boundary.attachedTo?.isRunning) return;
    const rearms = (boundary.eventDefinitions ?? []).some((d: EngineApi) =>
      ['bpmn:MessageEventDefinition', 'bpmn:SignalEventDefinition'].includes(d.type),
    );
    const inbound = api.content.inbound?.[0];
    if (!rearms || !inbound) return;
    boundary.broker.getQueue('inbound-q').queueMessage({ routingKey: 'activity.restart' }, { ...inbound });
  });
  listener.on('activity.stop', forget);
  listener.on('activity.timer', (api: EngineApi) => {
    // The due time comes from the timer's resolved value on the runtime's clock (China time for dates,
    // calendar-correct months); the engine's expireAt follows the machine clock and drifts by the time
    // it took to resolve the value. A timer re-announced by a recovery keeps the due time already stored.
    const due = dueOf(api.content ?? {}, clock());
    if (due) live.timerDue.set(api.executionId, due);
  });
  for (const kind of ['activity.start', 'activity.end', 'activity.timeout', 'activity.discard'] as const) {
    listener.on(kind, (api: EngineApi) => {
      live.sink.events.push({ kind, activityId: api.id, executionId: api.executionId, type: api.type });
    });
  }
  live.engine.on('end', () => {
    live.ended = true;
  });
  live.engine.on('error', (err: Error) => {
    live.failure = err;
  });
}

function bare(
  version: CompiledVersion,
  expressions: unknown,
  clock: () => Date,
): Omit<LiveEngine, 'execution' | 'revision'> {
  const sinkRef: { sink: StepSink } = { sink: emptySink() };
  const hosted = createEngine({
    version,
    expressions,
    onServiceCall: (call) => sinkRef.sink.calls.push(call),
  });
  const live = {
    ...hosted,
    timerDue: new Map<string, Date>(),
    parkedCalls: new Map<string, ServiceCall>(),
    waiting: new Map<string, UserTaskWait>(),
    listening: new Map<string, MessageWait>(),
    ended: false,
    get sink() {
      return sinkRef.sink;
    },
    set sink(s: StepSink) {
      sinkRef.sink = s;
    },
  };
  wire(live, clock);
  return live;
}

/** Starts a new instance's engine; it runs until every branch waits or ends. */
export async function startEngine(
  version: CompiledVersion,
  variables: Record<string, unknown>,
  expressions: unknown,
  clock: () => Date,
): Promise<LiveEngine> {
  const live = bare(version, expressions, clock);
  const execution = await live.engine.execute({ listener: live.listener, variables });
  return Object.assign(live, { execution, revision: 0 }) as LiveEngine;
}

/** Recovers an engine from its stored state; waits and timers are announced again into the sink. */
export async function recoverEngine(
  version: CompiledVersion,
  state: Record<string, unknown>,
  revision: number,
  expressions: unknown,
  clock: () => Date,
): Promise<LiveEngine> {
  const live = bare(version, expressions, clock);
  live.engine.recover(structuredClone(state));
  const execution = await live.engine.resume({ listener: live.listener });
  return Object.assign(live, { execution, revision }) as LiveEngine;
}

export { stateOf };
