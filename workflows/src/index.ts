// @linli/workflows: the durable BPMN runtime. Storage and side effects come in through the ports.
export * from './ports.js';
export {
  WorkflowRuntime,
  WorkflowError,
  type RuntimeOptions,
  type StartCommand,
  type CompleteCommand,
} from './runtime.js';
export { ENGINE_VERSION } from './engine/host.js';
export { WorkflowWorker, type WorkerOptions } from './worker.js';
export { TaskService, type Actor } from './tasks.js';
export {
  validateDefinition,
  diffDefinitions,
  parseDefinition,
  DefinitionError,
  checkFormValues,
  FORM_CONSTRAINTS,
  FORM_FIELD_TYPES,
} from './definitions/index.js';
export type {
  ParsedDefinition,
  DefinitionDiff,
  FormFieldInfo,
  FormProblem,
  Problem,
  ValidationResult,
} from './definitions/index.js';
export { createChineseCalendar, type WorkCalendar } from './time/index.js';
