// Expressions in diagrams (${…}): a safe JUEL subset, its functions, and the adapter that plugs it into
// bpmn-elements in place of its default resolver.

import { resolveTemplate, splitTemplate, type FunctionSet, type Scope } from './evaluator.js';

export {
  checkTemplate,
  evaluate,
  ExpressionError,
  isEmptyValue,
  looseEquals,
  parseCheck,
  resolveTemplate,
} from './evaluator.js';
export type { EvaluateOptions, FunctionSet, SafeFunction, Scope } from './evaluator.js';
export { createFunctions, SAFE_FUNCTION_NAMES, SAFE_FUNCTIONS } from './functions.js';
export type { FunctionContext } from './functions.js';

/** The shape of bpmn-elements' `expressions` environment option. */
export interface BpmnExpressions {
  resolveExpression(template: string, context?: unknown, fnContext?: unknown): unknown;
  isExpression(text: unknown): boolean;
  hasExpression(text: unknown): boolean;
}

/**
 * The `expressions` option for `new Engine({ expressions })`. bpmn-elements calls resolveExpression with
 * `{ environment, ...message }`. A bare name is looked up first among the process variables
 * (`${approved}`), then in that context (`${content.output.x}`, `${environment.variables.x}`,
 * `${properties.messageId}`). `${environment.services.name}` may resolve to a registered service function, as
 * service task implementations expect; no function is ever called except those in `fns`.
 */
export function bpmnExpressions(fns: FunctionSet): BpmnExpressions {
  return {
    resolveExpression(template, context) {
      if (typeof template !== 'string') return template;
      const { scope, services } = scopeOf(context);
      return resolveTemplate(template, scope, fns, { functionHolders: new Set([services]) });
    },
    isExpression(text) {
      if (typeof text !== 'string') return false;
      try {
        const parts = splitTemplate(text);
        return parts.length === 1 && parts[0] !== undefined && 'expression' in parts[0];
      } catch {
        return false;
      }
    },
    // Malformed `${` still counts, so that resolving it reports the problem instead of using the text as is.
    hasExpression: (text) => typeof text === 'string' && text.includes('${'),
  };
}

function scopeOf(context: unknown): { scope: Scope; services: object } {
  const { environment, ...message } = isRecord(context) ? context : {};
  // The Environment is a class instance with getters; expose a plain view of the parts expressions may read.
  const variables = recordProperty(environment, 'variables');
  const services = recordProperty(environment, 'services');
  const view = {
    variables,
    services,
    output: recordProperty(environment, 'output'),
    settings: recordProperty(environment, 'settings'),
  };
  const scope: Record<string, unknown> = Object.assign(
    Object.create(null) as Record<string, unknown>,
    message,
    {
      environment: view,
    },
  );
  for (const [name, value] of Object.entries(variables)) scope[name] = value;
  return { scope, services };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function recordProperty(holder: unknown, name: string): Record<string, unknown> {
  const value = isRecord(holder) ? holder[name] : undefined;
  return isRecord(value) && !Array.isArray(value) ? value : {};
}
