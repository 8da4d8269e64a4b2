// Parsing a process definition: BPMN XML (with Camunda 7 attributes) into a ParsedDefinition, or a
// DefinitionError listing why it cannot be read.
import { createHash } from 'node:crypto';
import { collectElements } from './elements.js';
import { idOf, readBpmn, refs, str, type ModdleElement } from './moddle.js';
import type { ElementInfo, ParsedDefinition, Problem } from './types.js';

export class DefinitionError extends Error {
  readonly id = 'invalid_definition';

  constructor(readonly problems: readonly Problem[]) {
    const first = problems[0]?.message ?? 'unknown problem';
    super(
      problems.length === 1
        ? `The process definition is invalid: ${first}`
        : `The process definition has ${problems.length} problems; the first: ${first}`,
    );
    this.name = 'DefinitionError';
  }
}

/** sha256 of the XML with a BOM, CRLF/CR line endings and trailing whitespace removed. */
export function hashDefinitionXml(xml: string): string {
  const normalised = xml
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .trimEnd();
  return createHash('sha256').update(normalised, 'utf8').digest('hex');
}

export type LoadedModel =
  | { ok: false; problems: Problem[] }
  | {
      ok: true;
      definitions: ModdleElement;
      elementsById: Record<string, ModdleElement>;
      /** Every process in the file; deploying needs exactly one that is executable. */
      processes: ModdleElement[];
      executable: ModdleElement | undefined;
      /** Schema warnings and the process count: the definition cannot be deployed, but linting can go on. */
      problems: Problem[];
    };

function processProblems(
  processes: readonly ModdleElement[],
  executable: readonly ModdleElement[],
): Problem[] {
  const [first, ...extra] = executable;
  if (!first) {
    const [only] = processes;
    return only
      ? [
          {
            elementId: idOf(only),
            rule: 'single-process',
            message: `Process "${idOf(only)}" is not executable: tick "Executable" in the modeler (isExecutable="true")`,
          },
        ]
      : [{ rule: 'single-process', message: 'The file holds no process' }];
  }
  return extra.map((process) => ({
    elementId: idOf(process),
    rule: 'single-process',
    message: `Process "${idOf(process)}" is a second executable process in this file; a file holds exactly one (here "${idOf(first)}")`,
  }));
}

/** Reads the XML as far as it can; fatal problems (not XML, not BPMN) stop here. */
export async function loadModel(xml: string): Promise<LoadedModel> {
  const read = await readBpmn(xml.replace(/^\uFEFF/, ''));
  if (!read.ok) return read;
  const processes = refs(read.definitions, 'rootElements').filter((el) => el.$type === 'bpmn:Process');
  const executable = processes.filter((process) => process.get('isExecutable') === true);
  return {
    ok: true,
    definitions: read.definitions,
    elementsById: read.elementsById,
    processes,
    executable: executable.length === 1 ? executable[0] : undefined,
    problems: [...read.problems, ...processProblems(processes, executable)],
  };
}

export function toParsedDefinition(
  xml: string,
  process: ModdleElement,
  elements: ElementInfo[],
): ParsedDefinition {
  const name = str(process, 'name')?.trim();
  const list = (attr: string) =>
    (str(process, attr) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const starterGroups = list('candidateStarterGroups');
  const starterUsers = list('candidateStarterUsers');
  return {
    processId: idOf(process) ?? '',
    ...(name ? { name } : {}),
    ...(starterGroups.length ? { candidateStarterGroups: starterGroups } : {}),
    ...(starterUsers.length ? { candidateStarterUsers: starterUsers } : {}),
    xml,
    hash: hashDefinitionXml(xml),
    elements,
  };
}

/** Parses without running the deploy rules (lint, handlers, assignments); see validateDefinition for those. */
export async function parseDefinition(xml: string): Promise<ParsedDefinition> {
  const model = await loadModel(xml);
  if (!model.ok) throw new DefinitionError(model.problems);
  if (model.problems.length || !model.executable) throw new DefinitionError(model.problems);
  return toParsedDefinition(xml, model.executable, collectElements(model.executable));
}
