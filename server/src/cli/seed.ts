// `npm run seed`: migrate and load the demo community into the configured store.
import { loadConfig } from '../env.js';
import { buildServices, prepareStore } from '../server.js';
import { ensureDemoData } from '../seed/load.js';

const config = loadConfig();
const store = await prepareStore(config);
const services = buildServices(config, store);
const summary = await ensureDemoData(services, { print: true });
if (!summary)
  console.log('The database already holds community data that is not the demo; nothing was loaded.');
await store.close();
