// A typed adapter over bpmn-moddle (which ships no types): read BPMN XML with the Camunda 7 extension and turn
// moddle's import errors and warnings into problems a modeller can act on.
import { createRequire } from 'node:module';
import type { Problem } from './types.js';

// createRequire loads the CommonJS builds the same way under tsx, Node and Jest ESM, and reads camunda.json
// without import attributes (which ts-jest's transpiler and older Nodes disagree about).
const require = createRequire(import.meta.url);

export interface PropertyDescriptor {
  readonly name: string;
  readonly isAttr?: boolean;
  readonly isReference?: boolean;
  readonly ns: { readonly name: string; readonly prefix: string; readonly localName: string };
}

export interface ModdleElement {
  readonly $type: string;
  readonly $attrs?: Readonly<Record<string, string>>;
  readonly $descriptor: { readonly properties: readonly PropertyDescriptor[] };
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  readonly [key: string]: unknown;
}

interface ModdleWarning {
  message: string;
  element?: unknown;
  property?: string;
  value?: unknown;
}

interface ImportResult {
  rootElement: ModdleElement;
  elementsById: Record<string, ModdleElement>;
  warnings: ModdleWarning[];
}

interface BpmnModdleInstance {
  fromXML(xml: string, typeName?: string): Promise<ImportResult>;
}

type BpmnModdleCtor = new (packages: Record<string, unknown>) => BpmnModdleInstance;

let instance: BpmnModdleInstance | undefined;

function moddle(): BpmnModdleInstance {
  if (!instance) {
    const BpmnModdle = require('bpmn-moddle') as BpmnModdleCtor;
    const camunda: unknown = require('camunda-bpmn-moddle/resources/camunda.json');
    instance = new BpmnModdle({ camunda });
  }
  return instance;
}

export function isElement(value: unknown): value is ModdleElement {
  return (
    typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string'
  );
}

export function str(el: ModdleElement, key: string): string | undefined {
  const value = el[key];
  return typeof value === 'string' ? value : undefined;
}

export function ref(el: ModdleElement, key: string): ModdleElement | undefined {
  const value = el[key];
  return isElement(value) ? value : undefined;
}

export function refs(el: ModdleElement, key: string): ModdleElement[] {
  const value = el[key];
  return Array.isArray(value) ? value.filter(isElement) : [];
}

export function idOf(el: ModdleElement | undefined): string | undefined {
  return el ? str(el, 'id') : undefined;
}

export type ReadResult =
  | { ok: true; definitions: ModdleElement; elementsById: Record<string, ModdleElement>; problems: Problem[] }
  | { ok: false; problems: Problem[] };

const UNPARSABLE =
  /^unparsable content ?(.*?) detected\n\tline: (\d+)\n\tcolumn: (\d+)\n\tnested error: (.*)$/s;

/** moddle reports 0-based positions inside a multi-line message; say it the way an editor would. */
function describeWarning(warning: ModdleWarning): Problem {
  const match = UNPARSABLE.exec(warning.message);
  if (match) {
    const [, near = '', line = '0', column = '0', reason = ''] = match;
    const where = `line ${Number(line) + 1}, column ${Number(column) + 1}`;
    const schema = /^(unknown type|unexpected element)/.test(reason);
    return {
      rule: schema ? 'bpmn' : 'xml',
      message: schema
        ? `${near} at ${where} is not a BPMN 2.0 or Camunda element (${reason})`
        : `The XML is not well-formed at ${where}${near ? ` near ${near}` : ''}: ${reason}`,
    };
  }
  const elementId = isElement(warning.element) ? str(warning.element, 'id') : undefined;
  const unknownAttribute = /^unknown attribute <(.*)>$/.exec(warning.message);
  if (unknownAttribute) {
    // Only attributes in a namespace moddle knows get here (others are kept silently): most likely a typo.
    return {
      ...(elementId ? { elementId } : {}),
      rule: 'bpmn',
      message: `${unknownAttribute[1]} is not an attribute this element can have (misspelt?)`,
    };
  }
  const unresolved = /^unresolved reference <(.*)>$/.exec(warning.message);
  if (unresolved) {
    const property = (warning.property ?? 'a reference').replace(/^bpmn:/, '');
    return {
      ...(elementId ? { elementId } : {}),
      rule: 'bpmn',
      message: `${property} points at "${unresolved[1]}", which is not in this file`,
    };
  }
  return { rule: 'bpmn', message: warning.message };
}

export async function readBpmn(xml: string): Promise<ReadResult> {
  if (xml.trim() === '') return { ok: false, problems: [{ rule: 'xml', message: 'The file is empty' }] };
  try {
    const result = await moddle().fromXML(xml, 'bpmn:Definitions');
    return {
      ok: true,
      definitions: result.rootElement,
      elementsById: result.elementsById,
      problems: result.warnings.map(describeWarning),
    };
  } catch (error) {
    const warnings = (error as { warnings?: ModdleWarning[] }).warnings ?? [];
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('failed to parse document as')) {
      const root = /unexpected element (<[^>]+>)/.exec(warnings[0]?.message ?? '')?.[1] ?? 'the root element';
      return {
        ok: false,
        problems: [
          {
            rule: 'bpmn',
            message: `This is not a BPMN 2.0 file: ${root} is not <bpmn:definitions> in the namespace http://www.omg.org/spec/BPMN/20100524/MODEL`,
          },
        ],
      };
    }
    return { ok: false, problems: [{ ...describeWarning({ message }), rule: 'xml' }] };
  }
}
