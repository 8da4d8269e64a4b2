// @linli/contracts: the zod schemas and types of the Linli API, shared by server, mini-program and console.
export * from './common.js';
export * from './org.js';
export * from './address.js';
export * from './people.js';
export * from './auth.js';
export * from './audit.js';
export * from './workflow.js';
export * from './files.js';
export * from './timeline.js';
export * from './notify.js';
export * from './approval.js';
export * from './volunteer.js';
export * from './dispute.js';
export * from './events.js';
export * from './repair.js';
export * from './devices.js';
