// Everything about a process definition before it runs: parse BPMN XML (with Camunda 7 attributes) into what the
// runtime needs, validate it for deploy (bpmnlint:recommended + the runtime's own rules), and diff two versions.
export { diffDefinitions } from './diff.js';
export { DefinitionError, hashDefinitionXml, parseDefinition } from './parse.js';
export { lintRuleLevels, type LintLevel } from './lint.js';
export { SUPPORTED_ELEMENTS, SUPPORTED_EVENTS } from './supported.js';
export { FORM_FIELD_TYPES } from './types.js';
export { checkFormValues, FORM_CONSTRAINTS, type FormProblem } from './forms.js';
export { checkIsoTimer, type TimerCheck } from './timers.js';
export { validateDefinition } from './validate.js';
export type {
  DefinitionDiff,
  ElementInfo,
  ElementSummary,
  FieldChange,
  FormFieldInfo,
  FormFieldKind,
  HandlerSource,
  IoParameter,
  ParsedDefinition,
  Problem,
  TimerInfo,
  TimerKind,
  ValidationContext,
  ValidationResult,
} from './types.js';
