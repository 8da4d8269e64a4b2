// Builds the services and the HTTP server. Used by main.ts, the seed CLI and tests alike.
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

export async function openConfiguredStore(config: Config): Promise<Store> {
  if (config.databaseUrl) return openStore({ driver: 'postgres', url: config.databaseUrl });
  const dataDir = path.join(config.dataDir, 'pgdata');
  mkdirSync(dataDir, { recursive: true });
  return openStore({ driver: 'pglite', dataDir });
}

export function buildServices(config: Config, store: Store, logger?: Logger): Services {
  return {
    config,
    store,
    db: store.db,
    vault: createVault(config.dataKey),
    logger: logger ?? createLogger(config.logLevel),
    metrics: createMetrics(),
    now: () => new Date(),
  };
}

export interface RunningServer {
  services: Services;
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTP server on `config.port` (0 picks a free port) over an opened, migrated store. */
export async function startHttp(services: Services): Promise<RunningServer> {
  const app = createApp(services, allRoutes);
  const server = http.createServer(app.callback());
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(services.config.port, services.config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : services.config.port;
  const host = services.config.host === '0.0.0.0' ? '127.0.0.1' : services.config.host;
  return {
    services,
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function prepareStore(config: Config): Promise<Store> {
  const store = await openConfiguredStore(config);
  await migrateStore(store, config.databaseUrl);
  return store;
}
