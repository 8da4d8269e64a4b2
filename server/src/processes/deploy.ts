// The bundled community processes (bpmn/processes/*.bpmn) are deployed at start when their process has no
// version yet. After that the diagrams are the admins': a restart never replaces what they deployed.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseDefinition } from '@linli/workflows';
import type { Principal } from '../policy/principal.js';
import type { Services } from '../services.js';
import { conflict } from '../http/errors.js';
import { PROCESS_MODULES } from './index.js';
import { seedDefaultCategories } from './events/categories.js';

export const bundledProcessesFolder = fileURLToPath(new URL('../../../bpmn/processes/', import.meta.url));

export async function readBundledProcess(file: string): Promise<string> {
  return readFile(new URL(file, `file://${bundledProcessesFolder}`), 'utf8');
}

let owned: Promise<Map<string, string>> | undefined;

/**
 * The process ids of the bundled diagrams, with the module that owns each: their cases carry domain records
 * (a repair order, an application) and are started through the module's own API, never the generic one.
 */
export function ownedProcesses(): Promise<Map<string, string>> {
  owned ??= (async () => {
    const map = new Map<string, string>();
    for (const m of PROCESS_MODULES) {
      for (const file of m.bpmn)
        map.set((await parseDefinition(await readBundledProcess(file))).processId, m.name);
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
  const name = (await ownedProcesses()).get(processId);
  const module = name ? PROCESS_MODULES.find((m) => m.name === name) : undefined;
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
  const name = (await ownedProcesses()).get(instance.processId);
  const module = name ? PROCESS_MODULES.find((m) => m.name === name) : undefined;
  return (await module?.mayReadCase?.(s, p, instanceId)) ?? false;
}

/** Deploys each bundled diagram whose process has never been deployed; returns the process ids deployed. */
export async function deployBundledProcesses(s: Services): Promise<string[]> {
  const deployed: string[] = [];
  for (const file of PROCESS_MODULES.flatMap((m) => m.bpmn)) {
    const xml = await readBundledProcess(file);
    const { processId } = await parseDefinition(xml);
    if (await s.workflow.store.findDefinition({ processId })) continue;
    await s.workflow.runtime.deploy(xml, null);
    deployed.push(processId);
  }
  return deployed;
}

/**
 * What the processes need on every installation, demo or not: their diagrams (first start only) and the
 * reference data they cannot run without (the default community event categories).
 */
export async function prepareProcesses(s: Services): Promise<void> {
  await deployBundledProcesses(s);
  await seedDefaultCategories(s.db);
}
