// The two ways the benchmark runs one flow end to end: bpmn-engine alone in memory (the ceiling) and the
// durable runtime (every step committed to the database). Both run the same BPMN files with the same
// behaviour: the service task answers at once, each user task is completed as soon as it waits.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import BpmnModdle from 'bpmn-moddle';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import type { ServiceHandler, StepWrite, TaskRow, WorkflowRuntime } from '@linli/workflows';

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-engine's objects are untyped JS */
type Api = any;

export type FlowName = 'service' | 'repair';
export const FLOWS: Record<FlowName, { file: string; processId: string; userTasks: number }> = {
  service: { file: 'service-task.bpmn', processId: 'service-task', userTasks: 0 },
  repair: { file: 'bench-repair.bpmn', processId: 'bench-repair', userTasks: 2 },
};
/** what every completion sets: the gateway of the repair flow reads `accepted` */
const DECISION = { accepted: true };

export interface StepTimes {
  start: number[];
  complete: number[];
}

// ---------------------------------------------------------------- in memory (the ceiling)

const require = createRequire(import.meta.url);
const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as Record<string, unknown>;

/** Parsed once, as the runtime caches it per definition version: the ceiling does not re-parse XML per flow. */
export async function compileForMemory(xml: string): Promise<unknown> {
  const moddle = new BpmnModdle({ camunda });
  return serializer(await moddle.fromXML(xml), TypeResolver({ ...(Elements as Record<string, unknown>) }));
}

// the service task answers inline, as the runtime's first attempt does
const inlineService = {
  inline(activity: Api) {
    if (activity.type === 'bpmn:ServiceTask') {
      // bpmn-elements constructs it with `new`: a function, not an arrow
      activity.behaviour.Service = function InlineService() {
        return { execute: (_msg: Api, done: (e: null, out: object) => void) => done(null, {}) };
      };
    }
    return { activate() {}, deactivate() {} };
  },
};

export async function runInMemory(
  processId: string,
  sourceContext: unknown,
  times: StepTimes,
): Promise<void> {
  const listener = new EventEmitter();
  let signalledAt = 0;
  listener.on('wait', (api: Api) => {
    if (api.type !== 'bpmn:UserTask') return;
    if (signalledAt) times.complete.push(performance.now() - signalledAt);
    signalledAt = performance.now();
    // signalled on the next turn, as a client's completion would come: never inside the engine's own event
    setImmediate(() => api.signal({ ...DECISION }));
  });
  const engine = new Engine({
    name: processId,
    sourceContext,
    extensions: inlineService,
    settings: { enableDummyService: false },
  } as Api);
  const ended = new Promise<void>((resolve, reject) => {
    engine.once('end', () => resolve());
    engine.once('error', reject);
  });
  const began = performance.now();
  // the start "step" ends where the durable one does: when the engine rests (first wait, or the end)
  listener.once('wait', () => times.start.push(performance.now() - began));
  await engine.execute({ listener, variables: { initiator: 'bench', ...DECISION } });
  await ended;
  if (signalledAt) times.complete.push(performance.now() - signalledAt);
  else times.start.push(performance.now() - began);
}

// ---------------------------------------------------------------- durable

export const benchHandlers: Record<string, ServiceHandler> = { 'test.record': async () => undefined };

/**
 * Taps the runtime's store: the user tasks each step created (so a client needs no query to find its next
 * task) and, per store method, how often it is called and how long it takes (where a step's time goes).
 */
export class StoreTap {
  readonly created = new Map<string, TaskRow[]>();
  readonly calls = new Map<string, { n: number; ms: number }>();

  constructor(runtime: WorkflowRuntime) {
    const store = runtime.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const proto = Object.getPrototypeOf(store) as object;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const fn = store[name];
      if (name === 'constructor' || typeof fn !== 'function') continue;
      store[name] = async (...args: unknown[]) => {
        const began = performance.now();
        try {
          return await fn.apply(store, args);
        } finally {
          const c = this.calls.get(name) ?? { n: 0, ms: 0 };
          c.n += 1;
          c.ms += performance.now() - began;
          this.calls.set(name, c);
        }
      };
    }
    const commit = store.commitStep!;
    store.commitStep = async (write: unknown) => {
      await commit(write);
      const w = write as StepWrite;
      if (w.createTasks.length) this.created.set(w.instance.id, w.createTasks);
      else this.created.delete(w.instance.id);
    };
  }
}

export async function runDurable(
  runtime: WorkflowRuntime,
  tap: StoreTap,
  processId: string,
  businessKey: string,
  times: StepTimes,
): Promise<void> {
  let began = performance.now();
  let instance = await runtime.start({ processId, businessKey, initiator: 'bench' });
  times.start.push(performance.now() - began);
  while (instance.status === 'running') {
    const task = tap.created.get(instance.id)?.[0];
    if (!task) throw new Error(`instance ${instance.id} runs but waits for no task`);
    began = performance.now();
    instance = await runtime.completeTask(task.id, {
      actor: 'bench',
      variables: { ...DECISION },
      outcome: 'accept',
    });
    times.complete.push(performance.now() - began);
  }
  tap.created.delete(instance.id);
}
