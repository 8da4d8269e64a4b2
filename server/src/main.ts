// `npm start`: open and migrate the store, load the demo community on an empty database in demo mode,
// and serve the API.
import { ConfigError, loadConfig } from './env.js';
import { buildServices, prepareStore, startHttp } from './server.js';
import { createLogger } from './lib/logger.js';
import { ensureDemoData } from './seed/load.js';
import { prepareProcesses } from './processes/deploy.js';
import { AlertJobs } from './alerts/jobs.js';
import { CaseThread } from './alerts/case-thread.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const store = await prepareStore(config);
  const services = buildServices(config, store, logger);
  // the community processes' diagrams on a store that has never had them (after that, they are the admins'),
  // and the reference data they need
  await prepareProcesses(services);
  if (config.demoMode) await ensureDemoData(services, { print: true });
  // PostgreSQL: alert cases' engine work on a thread of its own, off the loop that takes in device events
  const caseThread = config.alerts.caseThread ? await CaseThread.start(services) : undefined;
  const running = await startHttp(services);
  // fires what fell due while the server was down, then keeps timers and jobs moving
  await services.workflow.worker.start();
  // delivers notifications after commit and runs their schedules (digest, reminders, escalation)
  if (config.notify.dispatcher) await services.notify.dispatcher.start();
  // device alerts: case sweep, silent devices, elderly inactivity, face snapshot retention (server/src/alerts)
  const alertJobs = new AlertJobs(services);
  if (config.alerts.jobs) alertJobs.start();
  logger.info(
    { url: running.url, database: store.driver, mode: config.mode, demo: config.demoMode },
    `Linli (邻里) is listening on ${running.url}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await services.workflow.worker.stop();
    await services.notify.dispatcher.stop();
    await alertJobs.stop();
    await caseThread?.stop();
    await running.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('Linli failed to start:', err);
  }
  process.exit(1);
});
