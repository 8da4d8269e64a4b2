// The bridge's configuration: a JSON file (devices, vendor mappings, MQTT topic mappings) plus the environment
// (ids, secret, ports, URLs), read through env.ts. A bad file stops the bridge with a
// message naming the problem.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AlertType, DeviceCode, DeviceKind, DeviceVendor } from '@linli/contracts';
import { processEnv, type Env } from './env.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** the device-bridge package folder */
export const packageDir = path.resolve(here, '..');

const DeviceHttpAuth = z.strictObject({
  /** Basic or Digest (Hikvision's HTTP host notification sends either) */
  username: z.string().min(1).max(64).optional(),
  password: z.string().min(1).max(128).optional(),
  /** or a static token: `Authorization: Bearer <token>` or `?token=<token>` */
  token: z.string().min(8).max(256).optional(),
});

const DahuaPull = z.strictObject({
  /** e.g. http://10.20.1.61 — the bridge GETs /cgi-bin/eventManager.cgi?action=attach&codes=[All] */
  url: z.url(),
  username: z.string().min(1).max(64),
  password: z.string().max(128),
  codes: z.string().max(500).default('[All]'),
});

export const DeviceConfig = z.strictObject({
  code: DeviceCode,
  name: z.string().max(100).optional(),
  vendor: DeviceVendor,
  kind: DeviceKind,
  communityCode: z.string().min(1).max(64),
  match: z
    .strictObject({
      ip: z.array(z.string().min(1)).default([]),
      mac: z.array(z.string().min(1)).default([]),
      serial: z.array(z.string().min(1)).default([]),
      topic: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  http: DeviceHttpAuth.optional(),
  /** source addresses allowed to push for this device (exact IPs); empty = any address with valid credentials */
  allowFrom: z.array(z.string().min(1)).default([]),
  /** silence beyond this many seconds marks the device offline; 0 = no silence check */
  heartbeatWindowSec: z
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .default(0),
  dahuaPull: DahuaPull.optional(),
});
export type DeviceConfig = z.infer<typeof DeviceConfig>;

/** A vendor topic: published by devices that do not speak the project's format, mapped field by field. */
export const TopicMapping = z.strictObject({
  /** MQTT topic filter, `+` and `#` allowed, e.g. `vendor/acme/+/alarm` */
  topic: z.string().min(1).max(256),
  /** a fixed device code, or take it from a topic level (0-based) */
  deviceCode: DeviceCode.optional(),
  deviceCodeLevel: z.number().int().min(0).max(32).optional(),
  communityCode: z.string().max(64).optional(),
  /** where the fields are in the JSON payload (dotted paths) */
  fields: z
    .strictObject({
      eventId: z.string().optional(),
      type: z.string().default('type'),
      occurredAt: z.string().optional(),
      state: z.string().optional(),
      channel: z.string().optional(),
      description: z.string().optional(),
    })
    .prefault({}),
  /** vendor type value → AlertType (falls back to the generic table, then `unclassified`) */
  types: z.record(z.string(), AlertType).default({}),
});
export type TopicMapping = z.infer<typeof TopicMapping>;

export const ConfigFile = z.strictObject({
  bridgeId: z.string().min(1).max(64).optional(),
  devices: z.array(DeviceConfig).default([]),
  /** overrides of the default vendor mapping tables (src/mapping.ts) */
  mapping: z
    .strictObject({
      hikvision: z.record(z.string(), AlertType).default({}),
      hikvisionAccess: z.record(z.string().regex(/^\d+:\d+$/, 'must be "major:sub"'), AlertType).default({}),
      dahua: z.record(z.string(), AlertType).default({}),
      generic: z.record(z.string(), AlertType).default({}),
    })
    .prefault({}),
  mqtt: z
    .strictObject({
      protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
      username: z.string().optional(),
      password: z.string().optional(),
      topics: z.array(TopicMapping).default([]),
    })
    .prefault({}),
  http: z
    .strictObject({
      /** body limit without images */
      maxBodyKb: z.number().int().min(1).max(10_240).default(256),
      /** body limit for multipart (XML/JSON + JPEG parts) */
      maxMultipartMb: z.number().min(0.01).max(64).default(8),
    })
    .prefault({}),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

export interface BridgeConfig extends ConfigFile {
  bridgeId: string;
  secret: string;
  serverUrl: string;
  dataDir: string;
  httpPort: number;
  httpHost: string;
  mqttUrl: string;
  /** start an embedded aedes broker */
  mqttEmbedded: boolean;
  mqttPort: number;
  queueMaxBytes: number;
  /** heartbeat events are forwarded at most once per device per this many ms */
  heartbeatForwardMs: number;
  logLevel: string;
  /** 32 bytes: seals the queued events and snapshots on disk (BRIDGE_DATA_KEY) */
  dataKey: Buffer;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Validate a parsed config file. Throws ConfigError naming the first problems. */
export function parseConfigFile(raw: unknown, source = 'config'): ConfigFile {
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source} is invalid: ${issuesText(parsed.error)}`);
  const codes = new Set<string>();
  for (const d of parsed.data.devices) {
    if (codes.has(d.code)) throw new ConfigError(`${source} is invalid: device code ${d.code} appears twice`);
    codes.add(d.code);
    if (d.http && !d.http.token && !(d.http.username && d.http.password)) {
      throw new ConfigError(`${source} is invalid: device ${d.code}: http needs username+password or token`);
    }
  }
  return parsed.data;
}

export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfigFile(raw, `config file ${file}`);
}

const Env = z.object({
  BRIDGE_CONFIG: z.string().optional(),
  BRIDGE_ID: z.string().min(1).max(64).optional(),
  DEVICE_BRIDGE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SERVER_URL: z.url().default('http://127.0.0.1:3000'),
  BRIDGE_DATA_DIR: z.string().default('./data/bridge'),
  BRIDGE_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  BRIDGE_HTTP_HOST: z.string().default('0.0.0.0'),
  MQTT_URL: z.string().optional(),
  MQTT_EMBEDDED: z.enum(['true', 'false', '1', '0']).optional(),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1884),
  QUEUE_MAX_MB: z.coerce.number().min(0.1).max(1_000_000).default(512),
  BRIDGE_HEARTBEAT_FORWARD_MS: z.coerce.number().int().min(0).default(60_000),
  LOG_LEVEL: z.string().default('info'),
  DEMO_MODE: z.enum(['true', 'false', '1', '0']).optional(),
  BRIDGE_DATA_KEY: z.string().optional(),
});

function parseDataKey(raw: string): Buffer {
  const key = Buffer.from(raw.trim(), /^[0-9a-f]{64}$/i.test(raw.trim()) ? 'hex' : 'base64');
  if (key.length !== 32) throw new ConfigError('BRIDGE_DATA_KEY must be 32 bytes, base64 or hex encoded');
  return key;
}

/** The demo bridge's data key: made once, kept beside its queue (readable by the bridge's user only). */
function localDataKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'data-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return parseDataKey(readFileSync(file, 'utf8'));
}

/** Configuration from the environment and the config file it names. Throws ConfigError on any problem. */
export function loadConfig(env: Env = processEnv()): BridgeConfig {
  const parsedEnv = Env.safeParse(env);
  if (!parsedEnv.success) throw new ConfigError(`environment is invalid: ${issuesText(parsedEnv.error)}`);
  const e = parsedEnv.data;
  const file = path.resolve(packageDir, e.BRIDGE_CONFIG ?? 'config/demo.json');
  const cfg = readConfigFile(file);
  const bridgeId = e.BRIDGE_ID ?? cfg.bridgeId;
  if (!bridgeId) throw new ConfigError('BRIDGE_ID is not set and the config file has no bridgeId');
  const demo = e.DEMO_MODE === 'true' || e.DEMO_MODE === '1' || bridgeId === 'demo-bridge';
  const secret = e.DEVICE_BRIDGE_SECRET ?? (demo ? 'linli-demo-bridge-secret' : undefined);
  if (!secret) throw new ConfigError('DEVICE_BRIDGE_SECRET is not set (only the demo bridge has a default)');
  const mqttEmbedded =
    e.MQTT_EMBEDDED === undefined ? demo : e.MQTT_EMBEDDED === 'true' || e.MQTT_EMBEDDED === '1';
  const dataDir = path.resolve(e.BRIDGE_DATA_DIR);
  if (!e.BRIDGE_DATA_KEY && !demo)
    throw new ConfigError(
      'BRIDGE_DATA_KEY is not set: 32 bytes (base64 or hex) that seal the queued events on disk ' +
        '(only the demo bridge makes its own)',
    );
  const dataKey = e.BRIDGE_DATA_KEY ? parseDataKey(e.BRIDGE_DATA_KEY) : localDataKey(dataDir);
  return {
    ...cfg,
    bridgeId,
    secret,
    serverUrl: e.SERVER_URL.replace(/\/+$/, ''),
    dataDir,
    dataKey,
    httpPort: e.BRIDGE_HTTP_PORT,
    httpHost: e.BRIDGE_HTTP_HOST,
    mqttUrl: e.MQTT_URL ?? `mqtt://127.0.0.1:${e.MQTT_PORT}`,
    mqttEmbedded,
    mqttPort: e.MQTT_PORT,
    queueMaxBytes: Math.floor(e.QUEUE_MAX_MB * 1024 * 1024),
    heartbeatForwardMs: e.BRIDGE_HEARTBEAT_FORWARD_MS,
    logLevel: e.LOG_LEVEL,
  };
}

/** A full config for tests and embedding: the file part parsed with defaults, the rest given. */
export function makeConfig(
  file: unknown,
  rest: Partial<Omit<BridgeConfig, keyof ConfigFile>> & { dataDir: string; bridgeId?: string },
): BridgeConfig {
  const cfg = parseConfigFile(file);
  return {
    ...cfg,
    bridgeId: rest.bridgeId ?? cfg.bridgeId ?? 'test-bridge',
    secret: rest.secret ?? 'test-bridge-secret-0123456789',
    serverUrl: rest.serverUrl ?? 'http://127.0.0.1:3000',
    dataDir: rest.dataDir,
    httpPort: rest.httpPort ?? 0,
    httpHost: rest.httpHost ?? '127.0.0.1',
    mqttUrl: rest.mqttUrl ?? 'mqtt://127.0.0.1:1884',
    mqttEmbedded: rest.mqttEmbedded ?? false,
    mqttPort: rest.mqttPort ?? 1884,
    queueMaxBytes: rest.queueMaxBytes ?? 512 * 1024 * 1024,
    heartbeatForwardMs: rest.heartbeatForwardMs ?? 60_000,
    logLevel: rest.logLevel ?? 'silent',
    dataKey: rest.dataKey ?? Buffer.alloc(32, 9),
  };
}
