// Everything a route or command needs, built once at start and passed in (no module-level singletons).
import type { FileStore } from './files/storage.js';
import type { Config } from './env.js';
import type { Db, Store } from './db/client.js';
import type { Vault } from './lib/crypto.js';
import type { Logger } from './lib/logger.js';
import type { Metrics } from './http/metrics.js';
import type { Workflow } from './workflow/index.js';
import type { PushBus } from './ws/push.js';
import type { Notify } from './notify/index.js';

export interface Services {
  config: Config;
  store: Store;
  db: Db;
  vault: Vault;
  logger: Logger;
  metrics: Metrics;
  /** the time now; tests may move it */
  now: () => Date;
  /** the durable workflow runtime, its poller and task operations */
  workflow: Workflow;
  /** the bytes of uploaded files (local folder by default) */
  files: FileStore;
  /** pushes to connected clients (the WebSocket hub listens) */
  push: PushBus;
  /** notifications: inbox, chat channels, dispatcher, scheduled reminders (server/src/notify) */
  notify: Notify;
}
