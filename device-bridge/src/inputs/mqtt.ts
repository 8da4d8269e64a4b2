// MQTT input (mqtt.js, protocol 3.1.1 or 5): a persistent session (clean: false, a stable client id, session expiry
// on v5) subscribed QoS 1 to the project's topics and the configured vendor topics. mqtt.js sends the PUBACK after
// `handleMessage` calls back; we call back only once the event is in the durable queue. Invalid messages are logged
// with the reason and acknowledged (they can never become valid); a full queue holds the acknowledgement back.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { BridgeConfig } from '../config.js';
import type { DeviceRegistry } from '../devices.js';
import { InputError } from '../errors.js';
import type { Heartbeats } from '../heartbeat.js';
import type { Ingest } from '../ingest.js';
import type { Logger } from '../log.js';
import type { Mapper } from '../mapping.js';
import { ownEventToDraft, parseOwnEvent, topicMatches, vendorTopicToDraft } from '../normalize/generic.js';
import { QueueFullError } from '../queue.js';

type IPublishPacket = Parameters<MqttClient['handleMessage']>[0];

export const EVENT_TOPIC = 'community/+/device/+/event';
export const STATUS_TOPIC = 'community/+/device/+/status';
const OWN = /^community\/([^/]+)\/device\/([^/]+)\/(event|status)$/;

export interface MqttInputDeps {
  cfg: BridgeConfig;
  ingest: Ingest;
  devices: DeviceRegistry;
  mapper: Mapper;
  heartbeats: Heartbeats;
  log: Logger;
}

export interface MqttInputMetrics {
  connected: boolean;
  received: number;
  invalid: number;
  reconnects: number;
}

export class MqttInput {
  readonly metrics: MqttInputMetrics = { connected: false, received: 0, invalid: 0, reconnects: 0 };
  private client: MqttClient | null = null;
  private stopped = false;

  constructor(private readonly d: MqttInputDeps) {}

  get clientId(): string {
    return `linli-bridge-${this.d.cfg.bridgeId}`;
  }

  get statusTopic(): string {
    return `linli/bridge/${this.d.cfg.bridgeId}/status`;
  }

  start(): void {
    const { cfg, log } = this.d;
    const opts: IClientOptions = {
      clientId: this.clientId,
      clean: false,
      protocolVersion: cfg.mqtt.protocolVersion,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: true,
      will: { topic: this.statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
      ...(cfg.mqtt.username ? { username: cfg.mqtt.username, password: cfg.mqtt.password } : {}),
      ...(cfg.mqtt.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff } } : {}),
    };
    const client = mqtt.connect(cfg.mqttUrl, opts);
    this.client = client;
    this.installAckGate(client);
    client.on('connect', (connack) => {
      this.metrics.connected = true;
      log.info(
        { url: cfg.mqttUrl, sessionPresent: connack.sessionPresent, clientId: this.clientId },
        'mqtt connected',
      );
      const topics = [EVENT_TOPIC, STATUS_TOPIC, ...cfg.mqtt.topics.map((t) => t.topic)];
      client.subscribe(Object.fromEntries(topics.map((t) => [t, { qos: 1 as const }])), (err) => {
        if (err) log.error({ err }, 'mqtt subscribe failed');
      });
      client.publish(this.statusTopic, 'online', { qos: 1, retain: true });
    });
    client.on('reconnect', () => {
      this.metrics.reconnects += 1;
    });
    client.on('close', () => {
      if (this.metrics.connected && !this.stopped)
        log.warn({ url: cfg.mqttUrl }, 'mqtt connection lost; reconnecting');
      this.metrics.connected = false;
    });
    client.on('error', (err) => log.warn({ err: err.message }, 'mqtt error'));
  }

  /**
   * PUBACK only once the event is durably queued. mqtt.js sends the PUBACK when `handleMessage` calls back, and only
   * then reads the next packet: waiting there would allow one fsync per message. So we call back at once and hold
   * the PUBACK itself (mqtt.js `_sendPacket`) until the queue write of that message resolved. Messages in flight
   * are thereby written together (group commit) and still acknowledged only after they are on disk, in order.
   * If mqtt.js ever lacks `_sendPacket`, we fall back to calling back after the write (one message at a time).
   */
  private installAckGate(client: MqttClient): void {
    const { log } = this.d;
    const internals = client as unknown as {
      _sendPacket?: (
        packet: { cmd: string; messageId?: number },
        cb?: () => void,
        ...rest: unknown[]
      ) => void;
    };
    const original = internals._sendPacket;
    if (typeof original !== 'function') {
      client.handleMessage = (packet, callback) => {
        this.onMessage(packet)
          .then(() => callback())
          .catch((err: unknown) =>
            log.error({ err, topic: packet.topic }, 'mqtt message not queued; not acknowledged'),
          );
      };
      return;
    }
    const durable = new Map<number, Promise<void>>();
    client.handleMessage = (packet, callback) => {
      const written = this.onMessage(packet);
      if (packet.qos === 1 && packet.messageId !== undefined) durable.set(packet.messageId, written);
      else written.catch(() => undefined);
      callback();
    };
    internals._sendPacket = function (this: unknown, packet, cb, ...rest) {
      const id = packet.messageId;
      const written = packet.cmd === 'puback' && id !== undefined ? durable.get(id) : undefined;
      if (!written) return original.call(client, packet, cb, ...rest);
      durable.delete(id!);
      // let mqtt.js read the next packet now; the PUBACK goes out when the write is done
      cb?.();
      written.then(
        () => {
          if (client.connected) original.call(client, packet, undefined, ...rest);
        },
        (err: unknown) =>
          log.error({ err }, 'mqtt message not queued; not acknowledged (the broker will redeliver)'),
      );
    };
  }

  /** Resolves when the event is queued (or the message was invalid/duplicate); waits while the queue is full. */
  private async onMessage(packet: IPublishPacket): Promise<void> {
    const { log } = this.d;
    if (packet.cmd !== 'publish') return;
    this.metrics.received += 1;
    for (;;) {
      try {
        await this.route(
          packet.topic,
          Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        );
        return;
      } catch (err) {
        if (err instanceof InputError) {
          this.metrics.invalid += 1;
          log.warn(
            { topic: packet.topic, reason: err.message },
            'invalid mqtt message acknowledged and dropped',
          );
          return;
        }
        if (err instanceof QueueFullError) {
          log.warn({ topic: packet.topic }, 'event queue full: mqtt message not acknowledged yet');
          await new Promise((r) => setTimeout(r, 1000));
          if (this.stopped) throw err;
          continue;
        }
        throw err;
      }
    }
  }

  private async route(topic: string, payload: Buffer): Promise<void> {
    const { ingest, mapper, heartbeats, devices, cfg } = this.d;
    const own = OWN.exec(topic);
    if (own) {
      const [, community, deviceCode, kind] = own as unknown as [string, string, string, string];
      if (kind === 'status') {
        const text = payload.toString('utf8').trim();
        let status = text.toLowerCase();
        if (text.startsWith('{')) {
          try {
            status = String((JSON.parse(text) as { status?: unknown }).status ?? '').toLowerCase();
          } catch {
            throw new InputError(400, 'malformed_json', 'status payload is not JSON');
          }
        }
        if (status !== 'online' && status !== 'offline') {
          throw new InputError(
            400,
            'invalid_status',
            `status must be online or offline, got "${status.slice(0, 20)}"`,
          );
        }
        await heartbeats.status(deviceCode, community, status === 'online');
        return;
      }
      const ev = parseOwnEvent(payload.toString('utf8'));
      const configured = devices.code(deviceCode);
      if (configured && configured.communityCode !== community) {
        this.d.log.warn(
          { deviceCode, topicCommunity: community, configured: configured.communityCode },
          'topic community differs from the configured one',
        );
      }
      await ingest.accept(ownEventToDraft(ev, deviceCode, community, mapper));
      return;
    }
    const mapping = cfg.mqtt.topics.find((t) => topicMatches(t.topic, topic));
    if (!mapping) return;
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      throw new InputError(400, 'malformed_json', `malformed JSON: ${(err as Error).message}`);
    }
    const draft = vendorTopicToDraft(mapping, topic, doc, mapper, undefined);
    const device = devices.code(draft.deviceCode) ?? devices.topic(topic);
    if (device) {
      draft.deviceCode = device.code;
      draft.communityCode ??= device.communityCode;
    }
    await ingest.accept(draft);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    this.client = null;
    if (!c) return;
    await new Promise<void>((resolve) => {
      if (c.connected) c.publish(this.statusTopic, 'offline', { qos: 0, retain: true });
      c.end(false, {}, () => resolve());
    });
  }
}
