// Fault tests: the server down during a stream, the server refusing (401), a bridge process SIGKILLed mid-stream.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from './broker.js';
import { packageDir } from './config.js';
import { IngestServer } from './testing/ingest-server.js';
import { COMMUNITY, post, startWorld, tempDir, testDevices } from './testing/harness.js';

const token = { Authorization: 'Bearer lift-token-123' };

function liftEvent(id: string): string {
  return JSON.stringify({ eventId: id, type: 'ebike_in_lift', occurredAt: '2026-11-21T18:44:03+08:00' });
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('when the server is away', () => {
  it('keeps a stream queued while the server is down and delivers every event once, in order, after', async () => {
    const w = await startWorld();
    try {
      const ids = Array.from({ length: 120 }, (_, i) => `s-${i}`);
      for (const [i, id] of ids.entries()) {
        if (i === 40) await w.ingest.stop();
        const res = await post(
          `${w.bridge.httpUrl}/generic/FH-LIFT-07`,
          liftEvent(id),
          'application/json',
          token,
        );
        expect(res.status).toBe(200);
      }
      expect(w.bridge.queue.depth).toBeGreaterThan(0);
      await w.ingest.start();
      w.bridge.forwarder.wake();
      await w.ingest.waitForEvents(120);
      expect(w.ingest.events.map((e) => e.eventId)).toEqual(ids);
      expect(w.ingest.duplicates).toHaveLength(0);
      await until(() => w.bridge.queue.depth === 0, 'the queue to empty');
    } finally {
      await w.close();
    }
  });

  it('keeps events and retries while the server answers 401, then delivers them', async () => {
    const w = await startWorld();
    try {
      w.ingest.mode = 'unauthorized';
      for (let i = 0; i < 5; i += 1) {
        expect(
          (
            await post(
              `${w.bridge.httpUrl}/generic/FH-LIFT-07`,
              liftEvent(`u-${i}`),
              'application/json',
              token,
            )
          ).status,
        ).toBe(200);
      }
      await until(
        () => w.ingest.refusals.filter((r) => r.status === 401).length >= 3,
        'three refused attempts',
      );
      expect(w.bridge.queue.depth).toBe(5);
      expect(w.bridge.forwarder.metrics.lastError).toMatch(/401: unknown_bridge/);
      w.ingest.mode = 'up';
      w.bridge.forwarder.wake();
      await w.ingest.waitForEvents(5);
      expect(w.ingest.events.map((e) => e.eventId)).toEqual(['u-0', 'u-1', 'u-2', 'u-3', 'u-4']);
    } finally {
      await w.close();
    }
  });

  it('drops an event the server rejected for good (unknown device) and carries on with the next', async () => {
    const w = await startWorld();
    try {
      w.ingest.setKnownDevices(['FH-CAM-31']);
      expect(
        (await post(`${w.bridge.httpUrl}/generic/FH-LIFT-07`, liftEvent('r-1'), 'application/json', token))
          .status,
      ).toBe(200);
      await until(() => w.ingest.rejected.length === 1, 'the rejection');
      await until(() => w.bridge.queue.depth === 0, 'the queue to empty');
      expect(w.bridge.forwarder.metrics.rejected).toBe(1);
    } finally {
      await w.close();
    }
  });
});

describe('a bridge process killed with SIGKILL mid-stream', () => {
  it('loses nothing and duplicates nothing after a restart (persistent session + the durable queue)', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    const ingest = await new IngestServer({ bridgeId: 'kill-test' }).start();
    const dir = tempDir();
    const configFile = path.join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ bridgeId: 'kill-test', devices: testDevices() }));
    const env = {
      ...process.env,
      NODE_OPTIONS: '',
      BRIDGE_CONFIG: configFile,
      BRIDGE_ID: 'kill-test',
      DEVICE_BRIDGE_SECRET: ingest.secret,
      BRIDGE_DATA_KEY: Buffer.alloc(32, 5).toString('base64'),
      SERVER_URL: ingest.url,
      BRIDGE_DATA_DIR: path.join(dir, 'data'),
      BRIDGE_HTTP_PORT: '0',
      BRIDGE_HTTP_HOST: '127.0.0.1',
      MQTT_URL: broker.url,
      MQTT_EMBEDDED: 'false',
      LOG_LEVEL: 'warn',
    };
    // node itself with tsx's loader (not the tsx wrapper), so the signal hits the bridge process
    const spawnBridge = (): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: packageDir,
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    const watcher = await mqtt.connectAsync(broker.url, { clientId: 'kill-watch', reconnectPeriod: 0 });
    let online = 0;
    watcher.on('message', (_t, m) => {
      if (m.toString() === 'online') online += 1;
    });
    await watcher.subscribeAsync('linli/bridge/kill-test/status', { qos: 1 });
    const publisher = await mqtt.connectAsync(broker.url, { clientId: 'kill-pub', reconnectPeriod: 0 });
    let child = spawnBridge();
    try {
      await until(() => online >= 1, 'the bridge to come online', 60_000);
      const ids = Array.from({ length: 300 }, (_, i) => `k-${String(i).padStart(3, '0')}`);
      const topic = `community/${COMMUNITY}/device/FH-LIFT-07/event`;
      for (const [i, id] of ids.entries()) {
        if (i === 150) child.kill('SIGKILL');
        await publisher.publishAsync(topic, liftEvent(id), { qos: 1 });
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise<void>((resolve) =>
        child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve()),
      );
      expect(ingest.events.length).toBeLessThan(300);
      child = spawnBridge();
      await ingest.waitForEvents(300, 60_000);
      await new Promise((r) => setTimeout(r, 300));
      const got = ingest.events.map((e) => e.eventId);
      expect(new Set(got).size).toBe(got.length);
      expect(got).toEqual(ids);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGKILL');
      await publisher.endAsync();
      await watcher.endAsync();
      await ingest.stop();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
