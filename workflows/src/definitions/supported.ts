// The BPMN the runtime runs. Anything else is refused at deploy rather than ignored at run time, because an
// element the engine skips (or a script it would evaluate) silently changes what the diagram promises.
import { elementLabel, kindLabel } from './labels.js';
import type { ElementInfo, Problem } from './types.js';

const NONE = 'none';

/** Event kind → the event definitions it may carry (`none` = a plain event). */
export const SUPPORTED_EVENTS: Readonly<Record<string, readonly string[]>> = {
  'bpmn:StartEvent': [NONE, 'bpmn:MessageEventDefinition', 'bpmn:TimerEventDefinition'],
  'bpmn:EndEvent': [NONE, 'bpmn:TerminateEventDefinition', 'bpmn:ErrorEventDefinition'],
  'bpmn:IntermediateCatchEvent': ['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition'],
  // A plain intermediate throw event only marks a milestone ("已派单"); it does nothing when reached.
  'bpmn:IntermediateThrowEvent': [NONE],
  'bpmn:BoundaryEvent': [
    'bpmn:TimerEventDefinition',
    'bpmn:MessageEventDefinition',
    'bpmn:ErrorEventDefinition',
  ],
};

/** Non-event elements the runtime runs. */
export const SUPPORTED_ELEMENTS: readonly string[] = [
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:ManualTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:EventBasedGateway',
  'bpmn:SubProcess',
  'bpmn:SequenceFlow',
];

const REFUSED: Readonly<Record<string, string>> = {
  'bpmn:ScriptTask':
    'script tasks are not supported: the platform runs no code from diagrams. Use a service task with a registered handler',
  'bpmn:CallActivity':
    'call activities are not supported yet: model the steps in this process, or start the other process from a service task',
  'bpmn:Task':
    'a task without a type does nothing when it runs: make it a user task, service task or manual task',
  'bpmn:SendTask': 'send tasks are not supported: use a service task whose handler sends the message',
  'bpmn:ReceiveTask': 'receive tasks are not supported: use an intermediate message catch event',
  'bpmn:BusinessRuleTask':
    'business rule tasks are not supported: use a service task with a registered handler',
  'bpmn:ComplexGateway':
    'complex gateways are not supported: use an exclusive, parallel or inclusive gateway',
  'bpmn:Transaction': 'transactions are not supported: use an embedded sub-process',
  'bpmn:AdHocSubProcess': 'ad-hoc sub-processes are not supported: use an embedded sub-process',
};

const REFUSED_EXTENSIONS: Readonly<Record<string, string>> = {
  'camunda:ExecutionListener':
    'execution listeners are not run by this platform (it runs no code from diagrams)',
  'camunda:TaskListener': 'task listeners are not run by this platform (it runs no code from diagrams)',
  'camunda:Connector': 'connectors are not supported: use camunda:type="external" with a registered topic',
};

function definitionLabel(type: string): string {
  return type === NONE
    ? 'none'
    : kindLabel(type)
        .replace(/ event definition$/, '')
        .toLowerCase();
}

function checkEvent(el: ElementInfo, allowed: readonly string[]): Problem[] {
  const kinds = el.eventDefinitions?.length ? el.eventDefinitions : [NONE];
  return kinds
    .filter((kind) => !allowed.includes(kind))
    .map((kind) => ({
      elementId: el.id,
      rule: 'unsupported-element',
      message: `${elementLabel(el)}: a ${definitionLabel(kind)} ${kindLabel(el.type).toLowerCase()} is not supported; supported here: ${allowed.map(definitionLabel).join(', ')}`,
    }));
}

export function checkSupported(el: ElementInfo): Problem[] {
  const problems: Problem[] = [];
  const refuse = (rule: string, reason: string) =>
    problems.push({ elementId: el.id, rule, message: `${elementLabel(el)}: ${reason}` });

  const events = SUPPORTED_EVENTS[el.type];
  if (events) problems.push(...checkEvent(el, events));
  else if (REFUSED[el.type]) refuse('unsupported-element', REFUSED[el.type] ?? '');
  else if (!SUPPORTED_ELEMENTS.includes(el.type))
    refuse('unsupported-element', 'this kind of element is not supported');

  if (el.type === 'bpmn:SubProcess' && el.attrs['triggeredByEvent'] === 'true') {
    refuse(
      'unsupported-element',
      'event sub-processes are not supported yet: use a boundary event on the activity',
    );
  }
  if (el.loop) {
    refuse(
      'unsupported-element',
      `${el.loop === 'standard' ? 'loops' : 'multi-instance activities'} are not supported yet`,
    );
  }
  for (const ext of el.extensions ?? []) {
    const reason = REFUSED_EXTENSIONS[ext];
    if (reason) refuse('unsupported-extension', reason);
  }
  for (const param of [...(el.inputParameters ?? []), ...(el.outputParameters ?? [])]) {
    if (param.kind === 'script') {
      refuse(
        'unsupported-extension',
        `parameter "${param.name}" is a script; use a \${…} expression instead`,
      );
    }
  }
  return problems;
}
