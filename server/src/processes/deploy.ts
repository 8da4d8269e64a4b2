// The bundled community processes (bpmn/processes/*.bpmn) are deployed at start when their process has no
// version yet. After that the diagrams are the admins': a restart never replaces what they deployed.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseDefinition } from '@linli/workflows';
import type { Services } from '../services.js';
import { PROCESS_MODULES } from './index.js';
import { seedDefaultCategories } from './events/categories.js';

export const bundledProcessesFolder = fileURLToPath(new URL('../../../bpmn/processes/', import.meta.url));

export async function readBundledProcess(file: string): Promise<string> {
  return readFile(new URL(file, `file://${bundledProcessesFolder}`), 'utf8');
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
