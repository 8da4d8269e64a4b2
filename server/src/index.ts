// @linli/server public entry: what other packages (tests, tools) may use.
export { loadConfig, SERVER_ENV_VARIABLES, type Config } from './env.js';
export { buildServices, prepareStore, startHttp, type RunningServer } from './server.js';
export { allRoutes } from './routes/index.js';
export type { Services } from './services.js';
export { createTestServer, ApiClient, type TestServer } from './testing/server.js';
export { DrizzleRuntimeStore } from './workflow/store.js';
export { createWorkflow, type Workflow } from './workflow/index.js';
export { startChatStandin, type ChatStandin } from './testing/chat-standin.js';
