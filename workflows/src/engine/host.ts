// The only module that touches bpmn-engine. It builds engines for a definition version, with timers
// that never fire in-process (the database decides when a timer is due) and service tasks that report
// to the step instead of running by themselves.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import BpmnModdle from 'bpmn-moddle';
import serializer, { TypeResolver } from 'moddle-context-serializer';

const require = createRequire(import.meta.url);
const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as Record<string, unknown>;
// bpmn-engine does not export its package.json; read it beside its entry point
export const ENGINE_VERSION: string = (
  JSON.parse(
    readFileSync(path.join(path.dirname(require.resolve('bpmn-engine')), '..', 'package.json'), 'utf8'),
  ) as { version: string }
).version;

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-engine's runtime objects are untyped JS */
export type EngineApi = any;

export interface TimerRef {
  timerId: string;
  delay: number;
  owner?: { id?: string; executionId?: string };
  callback: (...args: unknown[]) => unknown;
  args?: unknown[];
}

/** Timers that only record: bpmn-engine's own setTimeout never fires past ~24.8 days and dies with the process. */
export class RecordingTimers {
  private readonly inner: EngineApi;
  constructor() {
    this.inner = new (Elements as EngineApi).Timers({
      setTimeout: () => ({ recorded: true }),
      clearTimeout: () => undefined,
    });
  }
  get engineTimers(): EngineApi {
    return this.inner;
  }
  get executing(): TimerRef[] {
    return this.inner.executing as TimerRef[];
  }
  /** fires the timer with this execution id; false when the engine has no such timer (already gone) */
  fire(executionId: string): boolean {
    const ref = this.executing.find((t) => t.owner?.executionId === executionId);
    if (!ref) return false;
    this.inner.clearTimeout(ref);
    ref.callback(...(ref.args ?? []));
    return true;
  }
}

export interface ServiceCall {
  activityId: string;
  executionId: string;
  /** which pass through the activity this is, stable when a step is re-run from the same state */
  occurrence: string;
  handler: string;
  input: Record<string, unknown>;
  done: (err: Error | null, output?: Record<string, unknown>) => void;
}

/** A definition version, parsed and serialised once and shared by every engine of that version. */
export interface CompiledVersion {
  definitionId: string;
  processId: string;
  sourceContext: unknown;
  /** camunda:candidateStarterGroups / candidateStarterUsers of the process (empty: no restriction) */
  starters: { groups: string[]; users: string[] };
}

const typeResolver = TypeResolver({ ...(Elements as Record<string, unknown>) });

export async function compile(
  definitionId: string,
  processId: string,
  xml: string,
): Promise<CompiledVersion> {
  const moddle = new BpmnModdle({ camunda });
  const moddleContext = await moddle.fromXML(xml.trim());
  const sourceContext = serializer(moddleContext, typeResolver) as { serialize: () => string };
  // bpmn-engine's getState() serialises the whole model into every state; the runtime strips it again and
  // recovers from this shared context instead, so skip the work (it was most of a small step's CPU)
  sourceContext.serialize = () => '';
  const root = moddleContext.rootElement as { rootElements?: Record<string, unknown>[] };
  const process = root.rootElements?.find((el) => el.id === processId) ?? {};
  const list = (v: unknown) =>
    (typeof v === 'string' ? v : '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const starters = {
    groups: list(process.candidateStarterGroups),
    users: list(process.candidateStarterUsers),
  };
  return { definitionId, processId, sourceContext, starters };
}

function handlerName(behaviour: Record<string, unknown>): string | undefined {
  const fromExpression = (value: unknown) =>
    typeof value === 'string' ? /^\$\{\s*([\w.]+)\s*\}$/.exec(value)?.[1] : undefined;
  return (
    (typeof behaviour.topic === 'string' ? behaviour.topic : undefined) ??
    fromExpression(behaviour.expression) ??
    fromExpression(behaviour.delegateExpression) ??
    fromExpression(behaviour.implementation)
  );
}

export interface HostedEngine {
  engine: EngineApi;
  timers: RecordingTimers;
  listener: EventEmitter;
}

export interface HostOptions {
  version: CompiledVersion;
  expressions?: unknown;
  onServiceCall: (call: ServiceCall) => void;
}

export function createEngine(opts: HostOptions): HostedEngine {
  const timers = new RecordingTimers();
  const listener = new EventEmitter();
  const extensions = {
    durable(activity: EngineApi) {
      if (activity.type === 'bpmn:ServiceTask') {
        activity.behaviour.Service = function DurableService(act: EngineApi) {
          return {
            execute(executeMessage: EngineApi, callback: ServiceCall['done']) {
              const content = executeMessage.content;
              opts.onServiceCall({
                activityId: act.id,
                executionId: content.executionId,
                handler: handlerName(act.behaviour) ?? '',
                occurrence: `${act.counters?.taken ?? 0}${typeof content.index === 'number' ? `.${content.index}` : ''}`,
                input: { ...(content.input ?? {}) },
                done: callback,
              });
            },
          };
        };
      }
      return { activate() {}, deactivate() {} };
    },
  };
  const engine = new Engine({
    name: opts.version.processId,
    sourceContext: opts.version.sourceContext as never,
    moddleOptions: { camunda },
    extensions,
    timers: timers.engineTimers,
    ...(opts.expressions ? { expressions: opts.expressions } : {}),
    settings: { enableDummyService: false },
  } as EngineApi);
  return { engine, timers, listener };
}

/** The engine state as stored: without the embedded model, which the version cache supplies on recovery. */
export async function stateOf(engine: EngineApi): Promise<Record<string, unknown>> {
  const state = await engine.getState();
  for (const d of state.definitions ?? []) delete d.source;
  return state;
}
