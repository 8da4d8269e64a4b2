// Composes the bridge: queue → ingest → inputs (HTTP, MQTT, Dahua pull), heartbeats, forwarder; optional embedded
// broker. Each part starts and stops on its own; `stop()` closes inputs first, then drains nothing more and closes.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type http from 'node:http';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.js';
import type { BridgeConfig } from './config.js';
import { DeviceRegistry } from './devices.js';
import { Forwarder } from './forwarder.js';
import { Heartbeats } from './heartbeat.js';
import { Ingest } from './ingest.js';
import { DahuaPuller } from './inputs/dahua-pull.js';
import { createHttpReceiver } from './inputs/http.js';
import { MqttInput } from './inputs/mqtt.js';
import { createLogger, type Logger } from './log.js';
import { createMapper } from './mapping.js';
import { DurableQueue } from './queue.js';

export interface BridgeOptions {
  log?: Logger;
  /** run the MQTT input (default true) */
  mqtt?: boolean;
  /** forwarder tuning (tests) */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  heartbeatCheckMs?: number;
  segmentBytes?: number;
}

export interface RunningBridge {
  cfg: BridgeConfig;
  httpPort: number;
  httpUrl: string;
  queue: DurableQueue;
  forwarder: Forwarder;
  ingest: Ingest;
  heartbeats: Heartbeats;
  mqtt: MqttInput | null;
  broker: EmbeddedBroker | null;
  health(): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startBridge(cfg: BridgeConfig, opts: BridgeOptions = {}): Promise<RunningBridge> {
  const log = opts.log ?? createLogger(cfg.logLevel);
  let broker: EmbeddedBroker | null = null;
  if (cfg.mqttEmbedded) {
    broker = await startEmbeddedBroker({ port: cfg.mqttPort });
    log.info({ port: broker.port }, 'embedded MQTT broker listening');
  }
  const queue = new DurableQueue({
    dir: path.join(cfg.dataDir, 'queue'),
    maxBytes: cfg.queueMaxBytes,
    key: cfg.dataKey,
    log,
    ...(opts.segmentBytes ? { segmentBytes: opts.segmentBytes } : {}),
  });
  await queue.open();
  const devices = new DeviceRegistry(cfg.devices);
  const mapper = createMapper(cfg.mapping);
  const ingest = new Ingest(cfg, queue, devices, log);
  const heartbeats = new Heartbeats(ingest, devices, cfg.dataDir, log, opts.heartbeatCheckMs ?? 1000);
  await heartbeats.start();
  const forwarder = new Forwarder({
    queue,
    serverUrl: cfg.serverUrl,
    bridgeId: cfg.bridgeId,
    secret: cfg.secret,
    log,
    ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
    ...(opts.backoffMaxMs !== undefined ? { backoffMaxMs: opts.backoffMaxMs } : {}),
  });
  forwarder.start();

  const mqtt = opts.mqtt === false ? null : new MqttInput({ cfg, ingest, devices, mapper, heartbeats, log });
  mqtt?.start();
  const pullers = cfg.devices
    .filter((d) => d.dahuaPull)
    .map((d) => new DahuaPuller(d, { ingest, mapper, log }));
  for (const p of pullers) p.start();

  const health = () => ({
    status: 'ok',
    bridgeId: cfg.bridgeId,
    queue: {
      depth: queue.depth,
      oldestAgeMs: queue.oldestAgeMs(),
      diskBytes: queue.diskBytes(),
      maxBytes: queue.limitBytes,
    },
    forwarder: forwarder.metrics,
    mqtt: mqtt ? mqtt.metrics : null,
  });
  const server: http.Server = createHttpReceiver({ cfg, ingest, devices, mapper, log, health });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.httpPort, cfg.httpHost, () => resolve());
  });
  const httpPort = (server.address() as AddressInfo).port;
  log.info({ port: httpPort, server: cfg.serverUrl, devices: cfg.devices.length }, 'device bridge started');

  let stopping: Promise<void> | null = null;
  return {
    cfg,
    httpPort,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    queue,
    forwarder,
    ingest,
    heartbeats,
    mqtt,
    broker,
    health,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        for (const p of pullers) p.stop();
        await mqtt?.stop();
        await heartbeats.stop();
        await forwarder.stop();
        await queue.close();
        await broker?.close();
        log.info('device bridge stopped');
      })();
      return stopping;
    },
  };
}
