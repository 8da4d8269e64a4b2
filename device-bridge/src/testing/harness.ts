// Test wiring: a temp data folder, the test ingest server, a bridge configured with the demo devices (test
// credentials), and helpers to post to the bridge over real HTTP.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBridge, type BridgeOptions, type RunningBridge } from '../bridge.js';
import { makeConfig, type BridgeConfig } from '../config.js';
import { IngestServer } from './ingest-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** copies of /work/shared/fixtures/devices (the vendors' formats, made-up values) */
export const FIXTURES = path.resolve(here, '../../fixtures');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export const COMMUNITY = '370902001001';
export const CAM_AUTH = { username: 'cam', password: 'cam-secret-1' };

export function testDevices(extra: unknown[] = []): unknown[] {
  const hik = (code: string, kind: string, last: string) => ({
    code,
    vendor: 'hikvision',
    kind,
    communityCode: COMMUNITY,
    match: { ip: [`10.20.1.${last}`], mac: [`44:19:b6:0a:11:${last}`] },
    http: CAM_AUTH,
  });
  return [
    hik('FH-CAM-31', 'camera', '31'),
    hik('FH-CAM-33', 'camera', '33'),
    hik('FH-DOOR-40', 'door', '40'),
    hik('FH-DOOR-52', 'door', '52'),
    { code: 'FH-DH-01', vendor: 'dahua', kind: 'camera', communityCode: COMMUNITY, allowFrom: ['127.0.0.1'] },
    {
      code: 'FH-LIFT-07',
      vendor: 'generic',
      kind: 'ai_box',
      communityCode: COMMUNITY,
      http: { token: 'lift-token-123' },
    },
    { code: 'FH-HOME-ELDER-1', vendor: 'generic', kind: 'sensor', communityCode: COMMUNITY },
    ...extra,
  ];
}

export interface World {
  dir: string;
  ingest: IngestServer;
  bridge: RunningBridge;
  cfg: BridgeConfig;
  close(): Promise<void>;
}

export function tempDir(prefix = 'linli-bridge-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startWorld(
  file: Record<string, unknown> = {},
  rest: Partial<BridgeConfig> = {},
  opts: BridgeOptions = {},
): Promise<World> {
  const dir = rest.dataDir ?? tempDir();
  const ingest = await new IngestServer().start();
  const cfg = makeConfig(
    { devices: testDevices(), ...file },
    { dataDir: dir, serverUrl: ingest.url, httpPort: 0, ...rest },
  );
  const bridge = await startBridge(cfg, { mqtt: false, backoffBaseMs: 20, backoffMaxMs: 200, ...opts });
  const world: World = {
    dir,
    ingest,
    bridge,
    cfg,
    async close() {
      await world.bridge.stop();
      await ingest.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  ingest.expectBridge(cfg.bridgeId);
  return world;
}

export function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

export async function post(
  url: string,
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  json: {
    error?: { code: string; message: string };
    events?: { eventId: string; type: string; status: string }[];
  };
}> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'Content-Type': contentType, ...headers },
  });
  const text = await res.text();
  let json = {};
  try {
    json = JSON.parse(text) as object;
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json };
}
