// Reads a process's flow elements out of the moddle tree into plain ElementInfo records: what the runtime needs
// to run each element (assignment rules, handler names, timers, messages) and what a diff compares.
import { splitList } from './expressions.js';
import { idOf, isElement, ref, refs, str, type ModdleElement } from './moddle.js';
import type {
  ElementInfo,
  FormFieldInfo,
  HandlerSource,
  IoParameter,
  TimerInfo,
  TimerKind,
} from './types.js';

/** Attributes written on the element, keyed as in the XML; `bpmn:` ones unprefixed, references by id. */
function readAttrs(el: ModdleElement): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const property of el.$descriptor.properties) {
    const { name } = property;
    // Own properties only: moddle serves unset ones from defaults on the prototype.
    if (!property.isAttr || name === 'id' || name === 'name' || !Object.hasOwn(el, name)) continue;
    const value = el[name];
    const key = property.ns.prefix === 'bpmn' ? property.ns.localName : property.ns.name;
    const text = property.isReference ? (isElement(value) ? idOf(value) : undefined) : stringify(value);
    if (text !== undefined) attrs[key] = text;
  }
  for (const [key, value] of Object.entries(el.$attrs ?? {})) {
    if (key !== 'xmlns' && !key.startsWith('xmlns:')) attrs[key] = value;
  }
  return attrs;
}

function stringify(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function readUserTask(el: ModdleElement): Partial<ElementInfo> {
  const info: Partial<ElementInfo> = {};
  const assignee = nonEmpty(str(el, 'assignee'));
  if (assignee) info.assignee = assignee;
  const candidateUsers = splitList(str(el, 'candidateUsers') ?? '');
  if (candidateUsers.length) info.candidateUsers = candidateUsers;
  const candidateGroups = splitList(str(el, 'candidateGroups') ?? '');
  if (candidateGroups.length) info.candidateGroups = candidateGroups;
  for (const key of ['dueDate', 'followUpDate', 'priority', 'formKey'] as const) {
    const value = nonEmpty(str(el, key));
    if (value) info[key] = value;
  }
  return info;
}

const HANDLER_EXPRESSION = /^\$\{\s*([A-Za-z_$][\w$.-]*)\s*\}$/;

function readHandler(el: ModdleElement): { handler?: string; handlerSource?: HandlerSource } {
  const type = nonEmpty(str(el, 'type'));
  const topic = nonEmpty(str(el, 'topic'));
  // Camunda Modeler writes both; a topic without a type still names the handler unambiguously.
  if (topic && (type === undefined || type === 'external')) return { handler: topic, handlerSource: 'topic' };
  if (type !== undefined) return {};
  for (const source of ['expression', 'delegateExpression'] as const) {
    const name = HANDLER_EXPRESSION.exec(str(el, source)?.trim() ?? '')?.[1];
    if (name) return { handler: name, handlerSource: source };
  }
  // `##WebService` and friends are BPMN's technology markers, not handler names.
  const implementation = nonEmpty(str(el, 'implementation'));
  if (implementation && !implementation.startsWith('##')) {
    return { handler: implementation, handlerSource: 'implementation' };
  }
  return {};
}

function readParameter(param: ModdleElement): IoParameter {
  const name = str(param, 'name') ?? '';
  const definition = ref(param, 'definition');
  if (definition?.$type === 'camunda:List') return { name, kind: 'list' };
  if (definition?.$type === 'camunda:Map') return { name, kind: 'map' };
  if (definition?.$type === 'camunda:Script')
    return { name, kind: 'script', value: str(definition, 'value') ?? '' };
  return { name, kind: 'text', value: str(param, 'value') ?? '' };
}

function readFormField(field: ModdleElement): FormFieldInfo {
  const info: FormFieldInfo = {
    id: str(field, 'id') ?? '',
    type: nonEmpty(str(field, 'type')) ?? 'string',
    constraints: [],
  };
  const label = nonEmpty(str(field, 'label'));
  if (label) info.label = label;
  const defaultValue = str(field, 'defaultValue');
  if (defaultValue !== undefined && defaultValue !== '') info.defaultValue = defaultValue;
  const values = refs(field, 'values').map((v) => ({ id: str(v, 'id') ?? '', name: str(v, 'name') ?? '' }));
  if (values.length) info.values = values;
  const validation = ref(field, 'validation');
  for (const c of validation ? refs(validation, 'constraints') : []) {
    const config = nonEmpty(str(c, 'config'));
    info.constraints.push({ name: str(c, 'name') ?? '', ...(config !== undefined ? { config } : {}) });
  }
  return info;
}

function readExtensions(el: ModdleElement): Partial<ElementInfo> {
  const container = ref(el, 'extensionElements');
  const values = container ? refs(container, 'values') : [];
  const info: Partial<ElementInfo> = {};
  const others: string[] = [];
  for (const ext of values) {
    if (ext.$type === 'camunda:InputOutput') {
      info.inputParameters = refs(ext, 'inputParameters').map(readParameter);
      info.outputParameters = refs(ext, 'outputParameters').map(readParameter);
    } else if (ext.$type === 'camunda:FormData') {
      info.form = refs(ext, 'fields').map(readFormField);
    } else {
      others.push(ext.$type);
    }
  }
  if (others.length) info.extensions = others;
  return info;
}

function readLoop(el: ModdleElement): ElementInfo['loop'] {
  const loop = ref(el, 'loopCharacteristics');
  if (!loop) return undefined;
  if (loop.$type === 'bpmn:StandardLoopCharacteristics') return 'standard';
  return loop.get('isSequential') === true ? 'sequential' : 'parallel';
}

const TIMER_KINDS: readonly TimerKind[] = ['timeDuration', 'timeDate', 'timeCycle'];

function readTimer(definition: ModdleElement): TimerInfo | undefined {
  for (const kind of TIMER_KINDS) {
    const expression = ref(definition, kind);
    if (expression) return { kind, value: (str(expression, 'body') ?? '').trim() };
  }
  return undefined;
}

function readEvent(el: ModdleElement): Partial<ElementInfo> {
  const definitions = refs(el, 'eventDefinitions');
  const info: Partial<ElementInfo> = { eventDefinitions: definitions.map((d) => d.$type) };
  for (const definition of definitions) {
    if (definition.$type === 'bpmn:TimerEventDefinition') {
      const timer = readTimer(definition);
      if (timer) info.timer = timer;
    } else if (definition.$type === 'bpmn:MessageEventDefinition') {
      const message = ref(definition, 'messageRef');
      const name = message ? nonEmpty(str(message, 'name')) : undefined;
      if (name) info.messageName = name;
    } else if (definition.$type === 'bpmn:ErrorEventDefinition') {
      const error = ref(definition, 'errorRef');
      const code = error ? nonEmpty(str(error, 'errorCode')) : undefined;
      if (code) info.errorCode = code;
    }
  }
  if (el.$type === 'bpmn:BoundaryEvent') {
    const attachedTo = idOf(ref(el, 'attachedToRef'));
    if (attachedTo) info.attachedToRef = attachedTo;
    info.cancelActivity = el.get('cancelActivity') !== false;
  }
  return info;
}

function readFlow(flow: ModdleElement): Partial<ElementInfo> {
  const info: Partial<ElementInfo> = {};
  const source = ref(flow, 'sourceRef');
  const sourceId = idOf(source);
  const targetId = idOf(ref(flow, 'targetRef'));
  if (sourceId) info.sourceRef = sourceId;
  if (targetId) info.targetRef = targetId;
  const condition = ref(flow, 'conditionExpression');
  if (condition) {
    info.condition = (str(condition, 'body') ?? '').trim();
    const language = nonEmpty(str(condition, 'language'));
    if (language) info.conditionLanguage = language;
  }
  if (source && ref(source, 'default') === flow) info.isDefault = true;
  return info;
}

/**
 * Flow node links, taken from each sequence flow's sourceRef/targetRef rather than from the nodes'
 * `<bpmn:incoming>`/`<bpmn:outgoing>` children, which are redundant and which not every tool writes.
 */
function linksOf(
  flowElements: readonly ModdleElement[],
): Map<string, { incoming: string[]; outgoing: string[] }> {
  const links = new Map<string, { incoming: string[]; outgoing: string[] }>();
  const entry = (id: string) => {
    let found = links.get(id);
    if (!found) links.set(id, (found = { incoming: [], outgoing: [] }));
    return found;
  };
  for (const flow of flowElements) {
    if (flow.$type !== 'bpmn:SequenceFlow') continue;
    const id = idOf(flow) ?? '';
    const source = idOf(ref(flow, 'sourceRef'));
    const target = idOf(ref(flow, 'targetRef'));
    if (source) entry(source).outgoing.push(id);
    if (target) entry(target).incoming.push(id);
  }
  return links;
}

/** Every flow element of a process or sub-process, in document order, nested contents after their container. */
export function collectElements(container: ModdleElement, parentId?: string): ElementInfo[] {
  const flowElements = refs(container, 'flowElements');
  const links = linksOf(flowElements);
  const out: ElementInfo[] = [];
  for (const el of flowElements) {
    const id = idOf(el) ?? '';
    const name = nonEmpty(str(el, 'name'));
    const info: ElementInfo = {
      id,
      type: el.$type,
      ...(name ? { name } : {}),
      ...(parentId ? { parentId } : {}),
      attrs: readAttrs(el),
    };
    if (el.$type === 'bpmn:SequenceFlow') {
      Object.assign(info, readFlow(el));
    } else if (el.$instanceOf('bpmn:FlowNode')) {
      const link = links.get(id);
      info.incoming = link?.incoming ?? [];
      info.outgoing = link?.outgoing ?? [];
    }
    if (el.$type === 'bpmn:UserTask') Object.assign(info, readUserTask(el));
    if (el.$type === 'bpmn:ServiceTask') Object.assign(info, readHandler(el));
    // Listeners and I/O mappings may sit on any flow element, so read them everywhere to refuse what we ignore.
    Object.assign(info, readExtensions(el));
    const loop = readLoop(el);
    if (loop) info.loop = loop;
    if (el.$instanceOf('bpmn:Event')) Object.assign(info, readEvent(el));
    out.push(info);
    if (el.$instanceOf('bpmn:SubProcess')) out.push(...collectElements(el, id));
  }
  return out;
}
