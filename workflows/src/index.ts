// @linli/workflows: the durable BPMN runtime. Storage and side effects come in through the ports.
export * from './ports.js';
export { WorkflowRuntime, WorkflowError, hashXml, type RuntimeOptions, type StartCommand, type CompleteCommand } from './runtime.js';
export { ENGINE_VERSION } from './engine/host.js';
