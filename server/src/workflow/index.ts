// The server's composition of the workflow runtime: its store, validator, service-task handlers, the
// poller and the task operations, built once at start and shared by routes and the worker.
import {
  createChineseCalendar,
  TaskService,
  WorkflowRuntime,
  WorkflowWorker,
  type ServiceHandler,
  type StepWrite,
} from '@linli/workflows';

import type { Db } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import { DrizzleRuntimeStore } from './store.js';

export interface Workflow {
  store: DrizzleRuntimeStore;
  runtime: WorkflowRuntime;
  tasks: TaskService;
  worker: WorkflowWorker;
}

export interface WorkflowOptions {
  db: Db;
  logger: Logger;
  now: () => Date;
  handlers: Record<string, ServiceHandler>;
  /** a community's own days off and moved workdays on top of the official calendar (YYYY-MM-DD) */
  calendar?: { extraHolidays?: string[]; extraWorkdays?: string[] };
  /** after every committed step (WebSocket push) */
  onCommitted?: (write: StepWrite) => void;
  worker?: { pollIntervalMs?: number };
}

export function createWorkflow(opts: WorkflowOptions): Workflow {
  const store = new DrizzleRuntimeStore(opts.db);
  // the worker needs the runtime and the runtime reports commits to the worker: a box breaks the cycle
  const box: { worker?: WorkflowWorker } = {};
  const runtime = new WorkflowRuntime({
    store,
    handlers: opts.handlers,
    now: opts.now,
    logger: opts.logger,
    calendar: createChineseCalendar(opts.calendar ?? {}),
    onCommitted: (write) => {
      box.worker?.observe(write);
      opts.onCommitted?.(write);
    },
  });
  const worker = (box.worker = new WorkflowWorker(runtime, {
    now: opts.now,
    pollIntervalMs: opts.worker?.pollIntervalMs ?? 5_000,
    onError: (err, what) => opts.logger.error({ err, what }, 'workflow worker step failed'),
  }));
  return { store, runtime, tasks: new TaskService(runtime), worker };
}
