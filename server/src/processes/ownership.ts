// Which process module owns a process id, and what that ownership means for the generic workflow routes:
// no generic start, no generic complete/return/withdraw where the module owns its steps, and the module's own
// rule for who else may read a case (and its files).
import { parseDefinition } from '@linli/workflows';
import { conflict } from '../http/errors.js';
import type { Principal } from '../policy/principal.js';
import type { Services } from '../services.js';
import { readBundledProcess } from './deploy.js';
import { PROCESS_MODULES } from './index.js';
import type { ProcessModule } from './module.js';

let owned: Promise<Map<string, ProcessModule>> | undefined;

/**
 * The process ids of the bundled diagrams, with the module that owns each: their cases carry domain records
 * (a repair order, an application) and are started through the module's own API, never the generic one.
 */
export function ownedProcesses(): Promise<Map<string, ProcessModule>> {
  owned ??= (async () => {
    const map = new Map<string, ProcessModule>();
    for (const m of PROCESS_MODULES) {
      for (const file of m.bpmn)
        map.set((await parseDefinition(await readBundledProcess(file))).processId, m);
    }
    return map;
  })();
  return owned;
}

/**
 * Refuses a generic complete, return or withdraw of a task whose process's module owns its steps, naming the
 * module's API instead.
 */
export async function requireGenericStep(processId: string, operation: string): Promise<void> {
  const module = (await ownedProcesses()).get(processId);
  if (module?.ownsTaskSteps) {
    throw conflict(
      `Steps of ${processId} cases are worked through the ${module.name} API, which records what the step is about; the generic ${operation} does not apply to them`,
    );
  }
}

/** The owning module's own answer to "may this person read this case?" (false when it has no rule). */
export async function moduleMayReadCase(s: Services, p: Principal, instanceId: string): Promise<boolean> {
  const instance = await s.workflow.store.getInstance(instanceId);
  if (!instance) return false;
  const module = (await ownedProcesses()).get(instance.processId);
  return (await module?.mayReadCase?.(s, p, instanceId)) ?? false;
}
