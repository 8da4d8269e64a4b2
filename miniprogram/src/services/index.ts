// The services layer: the only way pages reach the server.
export * from './alerts';
export * from './approval';
export * from './auth';
export * from './dispute';
export * from './errors';
export * from './events';
export * from './files';
export * from './http';
export * from './live';
export * from './notices';
export * from './notifications';
export * from './people';
export * from './repairs';
export * from './session';
export * from './tasks';
export * from './volunteer';
export type * from './types';
