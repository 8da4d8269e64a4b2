// Builds the services and the HTTP server. Used by main.ts, the seed CLI and tests alike.
import { LocalFileStore, type FileStore } from './files/storage.js';
import http from 'node:http';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Config } from './env.js';
import { migrateStore, openStore, type Store } from './db/client.js';
import { createVault } from './lib/crypto.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createMetrics } from './http/metrics.js';
import { createApp } from './http/app.js';
import { allRoutes } from './routes/index.js';
import type { Services } from './services.js';
import { createWorkflow } from './workflow/index.js';
import { serviceHandlers } from './workflow/handlers.js';
import type { ServiceHandler } from '@linli/workflows';
import { PushBus, publishStep } from './ws/push.js';
import { attachHub, type HubOptions } from './ws/hub.js';
import { createNotify, type NotifyOptions } from './notify/index.js';

export async function openConfiguredStore(config: Config): Promise<Store> {
  if (config.databaseUrl) return openStore({ driver: 'postgres', url: config.databaseUrl });
  const dataDir = path.join(config.dataDir, 'pgdata');
  mkdirSync(dataDir, { recursive: true });
  return openStore({ driver: 'pglite', dataDir });
}

export interface BuildOptions {
  /** service-task handlers in addition to the product's own (tests register theirs here) */
  handlers?: Record<string, ServiceHandler>;
  now?: () => Date;
  /** notification dispatcher settings, an SMS sender, templates (tests) */
  notify?: NotifyOptions;
}

export function buildServices(
  config: Config,
  store: Store,
  logger?: Logger,
  opts: BuildOptions = {},
): Services {
  const log = logger ?? createLogger(config.logLevel);
  // the workflow runtime reads the clock through services: built first, it is set right below
  const services: Omit<Services, 'workflow' | 'notify'> & {
    workflow?: Services['workflow'];
    notify?: Services['notify'];
  } = {
    config,
    store,
    db: store.db,
    vault: createVault(config.dataKey),
    logger: log,
    metrics: createMetrics(),
    now: opts.now ?? (() => new Date()),
    push: new PushBus(),
    files: new LocalFileStore(config.filesDir) as FileStore,
  };
  services.workflow = createWorkflow({
    db: store.db,
    logger: log,
    // read through services so that a test moving the clock moves the runtime's too
    now: () => services.now(),
    handlers: { ...serviceHandlers(services as Services), ...(opts.handlers ?? {}) },
    onCommitted: (write) => {
      publishStep(services.push, write);
      if (write.outbox.length) services.notify?.dispatcher.wake('outbox');
    },
  });
  services.notify = createNotify(services as Services, opts.notify);
  return services as Services;
}

export interface RunningServer {
  services: Services;
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTP server on `config.port` (0 picks a free port) over an opened, migrated store. */
export async function startHttp(services: Services, ws: HubOptions = {}): Promise<RunningServer> {
  const app = createApp(services, allRoutes);
  const server = http.createServer(app.callback());
  server.requestTimeout = 60_000;
  const hub = attachHub(server, services, ws);
  // PostgreSQL: pushes reach sockets held by other server processes (LISTEN/NOTIFY)
  await services.notify.startFanout();
  await new Promise<void>((resolve) => server.listen(services.config.port, services.config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : services.config.port;
  const host = services.config.host === '0.0.0.0' ? '127.0.0.1' : services.config.host;
  return {
    services,
    server,
    url: `http://${host}:${port}`,
    close: async () => {
      // upgraded sockets are no longer the HTTP server's: close them first, or close() waits for them
      await hub.close();
      await services.notify.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export async function prepareStore(config: Config): Promise<Store> {
  const store = await openConfiguredStore(config);
  await migrateStore(store, config.databaseUrl);
  return store;
}
