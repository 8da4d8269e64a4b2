// A RuntimeStore in plain Maps, for the benchmark only: the durable runtime with a store that costs
// nothing shows the runtime's own overhead over bare bpmn-engine (state capture, step bookkeeping),
// apart from what the database costs. Only what the benchmark's flows use is implemented.
import {
  ConflictError,
  type DefinitionRow,
  type InstanceRow,
  type JobRow,
  type RuntimeStore,
  type StepWrite,
  type TaskRow,
} from '@linli/workflows';

const unused = (name: string) => () => Promise.reject(new Error(`${name} is not used by the benchmark`));

export class MemoryRuntimeStore implements RuntimeStore {
  private readonly definitions: DefinitionRow[] = [];
  private readonly instances = new Map<string, InstanceRow>();
  private readonly tasks = new Map<string, TaskRow>();

  async insertDefinition(row: Omit<DefinitionRow, 'id' | 'deployedAt' | 'version'>): Promise<DefinitionRow> {
    const version = this.definitions.filter((d) => d.processId === row.processId).length + 1;
    const def = { ...row, id: crypto.randomUUID(), version, deployedAt: new Date() };
    this.definitions.push(def);
    return def;
  }

  async findDefinition(
    by: { id: string } | { processId: string; version?: number } | { processId: string; hash: string },
  ): Promise<DefinitionRow | undefined> {
    const matches = this.definitions.filter((d) =>
      'id' in by
        ? d.id === by.id
        : d.processId === by.processId &&
          ('hash' in by ? d.hash === by.hash : by.version === undefined || d.version === by.version),
    );
    return matches.sort((a, b) => b.version - a.version)[0];
  }

  async listDefinitions(processId?: string): Promise<DefinitionRow[]> {
    return this.definitions.filter((d) => !processId || d.processId === processId);
  }

  async getInstance(id: string): Promise<InstanceRow | undefined> {
    return this.instances.get(id);
  }

  async commitStep(w: StepWrite): Promise<void> {
    const current = this.instances.get(w.instance.id);
    if (w.expectedRevision !== null && current?.revision !== w.expectedRevision) {
      throw new ConflictError(`instance ${w.instance.id} changed`);
    }
    // an ended instance is never read again here: keeping it would only grow the heap the GC walks
    if (w.instance.status === 'running') this.instances.set(w.instance.id, w.instance);
    else this.instances.delete(w.instance.id);
    if (w.completeTask) {
      const task = this.tasks.get(w.completeTask.id);
      if (task?.status !== 'open') throw new ConflictError(`task ${w.completeTask.id} is no longer open`);
      this.tasks.delete(task.id); // done with: the benchmark never reads a completed task
    }
    for (const t of w.createTasks) this.tasks.set(t.id, t);
  }

  async getTask(id: string): Promise<TaskRow | undefined> {
    return this.tasks.get(id);
  }

  async jobsOf(): Promise<JobRow[]> {
    return [];
  }

  async insertStartTimers(): Promise<void> {}

  findInstancesByBusinessKey = unused('findInstancesByBusinessKey');
  updateTask = unused('updateTask');
  queryTasks = unused('queryTasks');
  addTaskEvent = unused('addTaskEvent');
  taskEvents = unused('taskEvents');
  snapshot = unused('snapshot');
  history = unused('history');
  claimDueTimers = unused('claimDueTimers');
  nextTimerDue = unused('nextTimerDue');
  replaceStartTimer = unused('replaceStartTimer');
  claimDueJobs = unused('claimDueJobs');
  getJob = unused('getJob');
  updateJob = unused('updateJob');
  listIncidents = unused('listIncidents');
  subscriptionsFor = unused('subscriptionsFor');
}
