// @linli/device-bridge: MQTT and HTTP webhooks (Hikvision ISAPI, Dahua, generic JSON) in; normalised, signed device
// events out to the server (store-and-forward through a durable on-disk queue). `main.ts` runs it.
export { startBridge, type RunningBridge, type BridgeOptions } from './bridge.js';
export { startEmbeddedBroker, type EmbeddedBroker } from './broker.js';
export {
  loadConfig,
  makeConfig,
  parseConfigFile,
  ConfigError,
  type BridgeConfig,
  type ConfigFile,
} from './config.js';
export {
  createMapper,
  DEFAULT_DAHUA,
  DEFAULT_GENERIC,
  DEFAULT_HIKVISION,
  DEFAULT_HIKVISION_ACCESS,
} from './mapping.js';
export { DurableQueue, QueueFullError } from './queue.js';
export { signBody, signSnapshot } from './sign.js';
