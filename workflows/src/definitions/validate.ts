// Deploy-time validation: every problem at once (not the first), each with the element it is about, so an admin
// can fix a diagram in one pass. bpmnlint errors and runtime-rule problems fail; bpmnlint warnings do not.
import { collectElements } from './elements.js';
import { elementLabel } from './labels.js';
import { lintDefinitions } from './lint.js';
import type { ModdleElement } from './moddle.js';
import { loadModel, toParsedDefinition } from './parse.js';
import { checkRuntimeRules } from './rules.js';
import type { Problem, ValidationContext, ValidationResult } from './types.js';

function describe(elementsById: Record<string, ModdleElement>, id: string | undefined): string | undefined {
  const el = id ? elementsById[id] : undefined;
  if (!el || !id) return undefined;
  const name = typeof el['name'] === 'string' && el['name'].trim() ? el['name'].trim() : undefined;
  return elementLabel({ id, type: el.$type, name });
}

export async function validateDefinition(xml: string, ctx: ValidationContext): Promise<ValidationResult> {
  const model = await loadModel(xml);
  if (!model.ok) return { ok: false, problems: model.problems, warnings: [] };

  const errors: Problem[] = [...model.problems];
  const warnings: Problem[] = [];
  for (const report of await lintDefinitions(model.definitions)) {
    const label = describe(model.elementsById, report.elementId);
    const problem: Problem = {
      ...(report.elementId ? { elementId: report.elementId } : {}),
      rule: report.rule,
      message: label ? `${label}: ${report.message}` : report.message,
    };
    (report.level === 'error' ? errors : warnings).push(problem);
  }

  // Every process, executable or not, so that a file with a process problem still gets its other problems listed.
  const elementsByProcess = new Map(model.processes.map((process) => [process, collectElements(process)]));
  for (const elements of elementsByProcess.values()) errors.push(...checkRuntimeRules(elements, ctx));

  const elements = model.executable ? elementsByProcess.get(model.executable) : undefined;
  if (errors.length || !model.executable || !elements) return { ok: false, problems: errors, warnings };
  return { ok: true, definition: toParsedDefinition(xml, model.executable, elements), warnings };
}
