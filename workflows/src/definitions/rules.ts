// The runtime's own deploy rules, on top of bpmnlint: what this runtime needs to run an element at all
// (a registered handler, someone to assign a task to, timers it can schedule, expressions it can evaluate).
import { hasExpression, scanExpressions } from './expressions.js';
import { elementLabel } from './labels.js';
import { checkSupported } from './supported.js';
import { checkIsoTimer, type TimerCheck } from './timers.js';
import type { ElementInfo, Problem, TimerKind, ValidationContext } from './types.js';
import { checkFormDefinition } from './forms.js';

type Report = (rule: string, message: string) => void;

function checkText(
  el: ElementInfo,
  field: string,
  text: string,
  ctx: ValidationContext,
  report: Report,
): void {
  const { expressions, errors } = scanExpressions(text);
  for (const error of errors) report('expression', `${elementLabel(el)}, ${field}: ${error}`);
  for (const src of expressions) {
    const message = ctx.checkExpression?.(src);
    if (message)
      report('expression', `${elementLabel(el)}, ${field}: \${${src}} is not a valid expression: ${message}`);
  }
}

function timerCheck(ctx: ValidationContext, kind: TimerKind, value: string): TimerCheck {
  return (ctx.checkTimer ?? checkIsoTimer)(kind, value);
}

const HANDLER_HINT = 'set Implementation to "External" and a topic that names a registered handler';

function checkServiceTask(el: ElementInfo, ctx: ValidationContext, report: Report): void {
  const attr = (key: string) => el.attrs[key]?.trim() || undefined;
  if (el.handler) {
    if (!ctx.handlers.has(el.handler)) {
      const known = [...ctx.handlers].sort();
      report(
        'unknown-handler',
        `${elementLabel(el)} uses handler "${el.handler}", which is not registered` +
          (known.length
            ? ` (registered: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''})`
            : ''),
      );
    }
    return;
  }
  const type = attr('camunda:type');
  const expression = attr('camunda:expression') ?? attr('camunda:delegateExpression');
  let why = `names no handler: ${HANDLER_HINT}`;
  if (type === 'external') why = `is external but has no topic: ${HANDLER_HINT}`;
  else if (type) why = `has camunda:type="${type}", which is not supported: ${HANDLER_HINT}`;
  else if (attr('camunda:class'))
    why = `runs a Java class (camunda:class), which this platform cannot: ${HANDLER_HINT}`;
  else if (expression) why = `has "${expression}", but only \${handlerName} names a handler: ${HANDLER_HINT}`;
  report('service-task-handler', `${elementLabel(el)} ${why}`);
}

const ASSIGNMENT_FIELDS = ['camunda:assignee', 'camunda:candidateUsers', 'camunda:candidateGroups'] as const;

function checkUserTask(el: ElementInfo, ctx: ValidationContext, report: Report): void {
  if (!el.assignee && !el.candidateUsers?.length && !el.candidateGroups?.length) {
    report(
      'user-task-assignment',
      `${elementLabel(el)} has no assignment rule: set an assignee, candidate users or candidate groups ` +
        '(camunda:assignee, camunda:candidateUsers, camunda:candidateGroups)',
    );
  }
  for (const field of [...ASSIGNMENT_FIELDS, 'camunda:formKey']) {
    const text = el.attrs[field];
    if (text) checkText(el, field, text, ctx, report);
  }
  // A due date is a date or, relative to when the task is created, a duration; or an expression giving either.
  for (const [field, value] of [
    ['camunda:dueDate', el.dueDate],
    ['camunda:followUpDate', el.followUpDate],
  ] as const) {
    if (!value) continue;
    if (hasExpression(value)) checkText(el, field, value, ctx, report);
    else if (!timerCheck(ctx, 'timeDate', value).ok && !timerCheck(ctx, 'timeDuration', value).ok) {
      report(
        'user-task-attribute',
        `${elementLabel(el)}, ${field}: "${value}" is neither an ISO 8601 date-time (2025-07-01T18:00:00+08:00) nor a duration (P3D)`,
      );
    }
  }
  if (el.priority) {
    if (hasExpression(el.priority)) checkText(el, 'camunda:priority', el.priority, ctx, report);
    else if (!/^-?\d+$/.test(el.priority)) {
      report(
        'user-task-attribute',
        `${elementLabel(el)}, camunda:priority: "${el.priority}" is not a whole number`,
      );
    }
  }
}

function checkTimer(el: ElementInfo, ctx: ValidationContext, report: Report): void {
  if (!el.eventDefinitions?.includes('bpmn:TimerEventDefinition')) return;
  const timer = el.timer;
  if (!timer?.value) {
    report('timer', `${elementLabel(el)} has no time: choose a duration, date or cycle and give it a value`);
    return;
  }
  if (hasExpression(timer.value)) {
    checkText(el, timer.kind, timer.value, ctx, report);
    return;
  }
  const result = timerCheck(ctx, timer.kind, timer.value);
  if (!result.ok) report('timer', `${elementLabel(el)}, ${timer.kind}: ${result.message}`);
}

function checkFlow(el: ElementInfo, ctx: ValidationContext, report: Report): void {
  if (el.condition === undefined) return;
  if (el.conditionLanguage) {
    report(
      'condition',
      `${elementLabel(el)} has a ${el.conditionLanguage} script as its condition; the platform runs no scripts: write a \${…} expression`,
    );
  } else if (!el.condition) {
    report('condition', `${elementLabel(el)} has an empty condition: write a \${…} expression or remove it`);
  } else if (!hasExpression(el.condition)) {
    report(
      'condition',
      `${elementLabel(el)}: the condition "${el.condition}" is not a \${…} expression (for example \${outcome == 'accept'})`,
    );
  } else {
    checkText(el, 'condition', el.condition, ctx, report);
  }
}

function checkMessage(el: ElementInfo, report: Report): void {
  if (el.eventDefinitions?.includes('bpmn:MessageEventDefinition') && !el.messageName) {
    report(
      'message-name',
      `${elementLabel(el)} names no message: choose a message with a name, such as alert.acknowledged`,
    );
  }
}

function checkParameters(el: ElementInfo, ctx: ValidationContext, report: Report): void {
  for (const [direction, params] of [
    ['input', el.inputParameters],
    ['output', el.outputParameters],
  ] as const) {
    for (const param of params ?? []) {
      if (param.kind === 'text' && param.value) {
        checkText(el, `${direction} parameter "${param.name}"`, param.value, ctx, report);
      }
    }
  }
}

/** Every runtime rule over every element; problems come out in document order. */
export function checkRuntimeRules(elements: readonly ElementInfo[], ctx: ValidationContext): Problem[] {
  const problems: Problem[] = [];
  for (const el of elements) {
    const report: Report = (rule, message) => problems.push({ elementId: el.id, rule, message });
    problems.push(...checkSupported(el));
    if (el.type === 'bpmn:ServiceTask') checkServiceTask(el, ctx, report);
    if (el.type === 'bpmn:UserTask') checkUserTask(el, ctx, report);
    if (el.type === 'bpmn:SequenceFlow') checkFlow(el, ctx, report);
    checkTimer(el, ctx, report);
    checkMessage(el, report);
    checkParameters(el, ctx, report);
    checkFormDefinition(el, report);
  }
  return problems;
}
