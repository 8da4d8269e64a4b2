// `npm start -w @linli/device-bridge`: configuration from env + config file, then the bridge until SIGTERM/SIGINT.
import { startBridge } from './bridge.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`device-bridge: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(cfg.logLevel);
  const bridge = await startBridge(cfg, { log });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    bridge
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('device-bridge failed to start:', err);
  process.exit(1);
});
