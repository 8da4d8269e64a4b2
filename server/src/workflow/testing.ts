// A workflow runtime over a fresh database with a clock the test moves: the scenario tests' harness.
import { readFileSync } from 'node:fs';
import type { ServiceHandler, TaskRow } from '@linli/workflows';
import { createTestStore, type TestStore } from '../testing/db.js';
import { createLogger } from '../lib/logger.js';
import { createWorkflow, type Workflow } from './index.js';

export const fixture = (name: string) =>
  readFileSync(new URL(`../../../bpmn/fixtures/${name}`, import.meta.url), 'utf8');

export interface Scenario {
  wf: Workflow;
  db: TestStore['store']['db'];
  clock: { now: Date; advance(ms: number): void };
  deploy(file: string): Promise<string>;
  openTasks(instanceId: string): Promise<TaskRow[]>;
  /** forget live engines, as after a restart: the next step recovers from the stored state */
  restart(): void;
  dispose(): Promise<void>;
}

export async function scenario(handlers: Record<string, ServiceHandler> = {}): Promise<Scenario> {
  const t: TestStore = await createTestStore();
  const clock = {
    now: new Date('2026-03-02T09:00:00+08:00'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const wf = createWorkflow({
    db: t.store.db,
    logger: createLogger('silent'),
    now: () => clock.now,
    handlers,
  });
  return {
    wf,
    db: t.store.db,
    clock,
    async deploy(file) {
      return (await wf.runtime.deploy(fixture(file), null)).definition.processId;
    },
    async openTasks(instanceId) {
      return (await wf.store.queryTasks({ instanceId, status: 'open', limit: 100, offset: 0 })).items;
    },
    restart() {
      wf.runtime.forgetLiveEngines();
    },
    async dispose() {
      await wf.worker.stop();
      wf.runtime.forgetLiveEngines();
      await t.dispose();
    },
  };
}
