// Configuration: a bad file stops the bridge with a message naming the problem; mapping overrides apply.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, parseConfigFile } from './config.js';
import { createMapper } from './mapping.js';
import { tempDir } from './testing/harness.js';

describe('config', () => {
  it('loads the demo configuration with the demo bridge defaults', () => {
    const cfg = loadConfig({ BRIDGE_DATA_DIR: tempDir() });
    expect(cfg.bridgeId).toBe('demo-bridge');
    expect(cfg.secret).toBe('linli-demo-bridge-secret');
    expect(cfg.mqttEmbedded).toBe(true);
    expect(cfg.mqttUrl).toBe('mqtt://127.0.0.1:1884');
    expect(cfg.httpPort).toBe(3100);
    expect(cfg.devices.map((d) => d.code)).toEqual([
      'FH-CAM-31',
      'FH-CAM-33',
      'FH-DOOR-40',
      'FH-DOOR-52',
      'FH-DH-01',
      'FH-LIFT-07',
      'FH-HOME-ELDER-1',
    ]);
  });

  it.each([
    ['not JSON', '{devices: [', /not valid JSON/],
    [
      'a device without a vendor',
      JSON.stringify({ devices: [{ code: 'A1', kind: 'camera', communityCode: 'c' }] }),
      /devices\.0\.vendor/,
    ],
    [
      'an unknown alert type in a mapping',
      JSON.stringify({ mapping: { hikvision: { VMD: 'nonsense' } } }),
      /mapping\.hikvision\.VMD/,
    ],
    [
      'a device code twice',
      JSON.stringify({
        devices: [
          { code: 'A1', vendor: 'generic', kind: 'sensor', communityCode: 'c' },
          { code: 'A1', vendor: 'generic', kind: 'sensor', communityCode: 'c' },
        ],
      }),
      /A1 appears twice/,
    ],
  ])('refuses %s with a clear message', (_name, text, message) => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, text);
    try {
      expect(() =>
        loadConfig({ BRIDGE_CONFIG: file, BRIDGE_ID: 'b1', DEVICE_BRIDGE_SECRET: 'x'.repeat(20) }),
      ).toThrow(ConfigError);
      expect(() =>
        loadConfig({ BRIDGE_CONFIG: file, BRIDGE_ID: 'b1', DEVICE_BRIDGE_SECRET: 'x'.repeat(20) }),
      ).toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('requires a secret outside the demo', () => {
    expect(() => loadConfig({ BRIDGE_ID: 'site-7' })).toThrow(/DEVICE_BRIDGE_SECRET is not set/);
  });

  it('requires a 32-byte data key outside the demo; the demo bridge makes its own once', () => {
    const secret = { BRIDGE_ID: 'site-7', DEVICE_BRIDGE_SECRET: 'x'.repeat(20) };
    expect(() => loadConfig(secret)).toThrow(/BRIDGE_DATA_KEY is not set/);
    expect(() => loadConfig({ ...secret, BRIDGE_DATA_KEY: 'c2hvcnQ=' })).toThrow(/must be 32 bytes/);
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ ...secret, BRIDGE_DATA_KEY: hex }).dataKey.toString('hex')).toBe(hex);
    const dir = tempDir();
    try {
      const first = loadConfig({ BRIDGE_DATA_DIR: dir }).dataKey;
      expect(first).toHaveLength(32);
      expect(loadConfig({ BRIDGE_DATA_DIR: dir }).dataKey).toEqual(first);
      expect(statSync(path.join(dir, 'data-key')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets the config override and extend the default mapping', () => {
    const cfg = parseConfigFile({
      mapping: {
        hikvision: { VMD: 'intrusion', throwing: 'object_thrown' },
        hikvisionAccess: { '5:83': 'door_forced' },
      },
    });
    const m = createMapper(cfg.mapping);
    expect(m.hikvision('VMD', 'camera')).toBe('intrusion');
    expect(m.hikvision('throwing', 'camera')).toBe('object_thrown');
    expect(m.hikvisionAccess(5, 83)).toBe('door_forced');
    expect(m.hikvisionAccess(5, 27)).toBe('door_forced');
    expect(m.hikvision('IO', 'door')).toBe('door_forced');
    expect(m.hikvision('IO', 'camera')).toBe('intrusion');
    expect(m.dahua('NoSuchCode')).toBe('unclassified');
    expect(m.generic('ebike_in_lift')).toBe('ebike_in_lift');
  });
});
