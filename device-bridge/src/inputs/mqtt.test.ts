// MQTT through a real broker: aedes embedded, and the system Mosquitto on 127.0.0.1:1883 with mosquitto_pub as an
// outside client when they are there (skipped otherwise).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker.js';
import { COMMUNITY, fixture, startWorld, tempDir, type World } from '../testing/harness.js';

const run = promisify(execFile);
const LIFT_TOPIC = `community/${COMMUNITY}/device/FH-LIFT-07/event`;

async function publish(url: string, topic: string, payload: string | Buffer): Promise<void> {
  const c = await mqtt.connectAsync(url, {
    clientId: `test-pub-${Math.random().toString(16).slice(2)}`,
    reconnectPeriod: 0,
  });
  await c.publishAsync(topic, payload, { qos: 1 });
  await c.endAsync();
}

function liftEvent(id: string, type = 'ebike_in_lift'): string {
  return JSON.stringify({
    eventId: id,
    type,
    occurredAt: '2026-11-21T18:44:03+08:00',
    data: { liftId: 'B7-L1' },
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('MQTT input (embedded aedes broker)', () => {
  let broker: EmbeddedBroker;
  let w: World;

  beforeEach(async () => {
    broker = await startEmbeddedBroker({ port: 0 });
    w = await startWorld(
      {
        mqtt: {
          topics: [
            {
              topic: 'vendor/acme/+/alarm',
              deviceCodeLevel: 2,
              fields: { eventId: 'id', type: 'alarm.kind', occurredAt: 'ts' },
              types: { HIGH_THROW: 'object_thrown' },
            },
          ],
        },
      },
      { mqttUrl: broker.url, bridgeId: 'mqtt-test' },
      { mqtt: true, heartbeatCheckMs: 50 },
    );
    await until(() => w.bridge.mqtt!.metrics.connected, 'the bridge to connect');
  });

  afterEach(async () => {
    await w.close();
    await broker.close();
  });

  it('forwards the project format from the event topic with the topic community and device', async () => {
    await publish(broker.url, LIFT_TOPIC, fixture('mqtt-ebike-lift.json'));
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]).toMatchObject({
      eventId: 'lift-07-20261121-184403-0001',
      deviceCode: 'FH-LIFT-07',
      communityCode: COMMUNITY,
      source: 'mqtt',
      type: 'ebike_in_lift',
      occurredAt: '2026-11-21T10:44:03.000Z',
    });
  });

  it('acknowledges invalid JSON and invalid events (they can never become valid) and carries on', async () => {
    await publish(broker.url, LIFT_TOPIC, '{not json');
    await publish(broker.url, LIFT_TOPIC, JSON.stringify({ eventId: 'x', type: 'ebike_in_lift' }));
    await publish(broker.url, LIFT_TOPIC, liftEvent('after-bad'));
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events.map((e) => e.eventId)).toEqual(['after-bad']);
    expect(w.bridge.mqtt!.metrics.invalid).toBe(2);
  });

  it('forwards a redelivered message (same eventId) once', async () => {
    await publish(broker.url, LIFT_TOPIC, liftEvent('same-1'));
    await publish(broker.url, LIFT_TOPIC, liftEvent('same-1'));
    await publish(broker.url, LIFT_TOPIC, liftEvent('same-2'));
    await w.ingest.waitForEvents(2);
    expect(w.ingest.events.map((e) => e.eventId)).toEqual(['same-1', 'same-2']);
    expect(w.ingest.duplicates).toHaveLength(0);
  });

  it('keeps an unknown type as unclassified and maps a vendor topic by configuration', async () => {
    await publish(broker.url, LIFT_TOPIC, liftEvent('odd-1', 'sparkles'));
    await publish(
      broker.url,
      'vendor/acme/FH-LIFT-07/alarm',
      JSON.stringify({ id: 77, ts: '2026-11-21T18:50:00+08:00', alarm: { kind: 'HIGH_THROW' } }),
    );
    await w.ingest.waitForEvents(2);
    expect(w.ingest.events.map((e) => [e.eventId, e.type, e.vendorCode])).toEqual([
      ['odd-1', 'unclassified', 'sparkles'],
      ['77', 'object_thrown', 'HIGH_THROW'],
    ]);
    expect(w.ingest.events[1]!.communityCode).toBe(COMMUNITY);
  });

  it('raises device_offline on a last-will offline status and device_online when the device speaks again', async () => {
    await publish(broker.url, `community/${COMMUNITY}/device/FH-LIFT-07/status`, 'offline');
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]).toMatchObject({
      deviceCode: 'FH-LIFT-07',
      type: 'device_offline',
      source: 'bridge',
    });
    await publish(broker.url, LIFT_TOPIC, liftEvent('back-1'));
    await w.ingest.waitForEvents(3);
    expect(w.ingest.events.map((e) => e.type).sort()).toEqual([
      'device_offline',
      'device_online',
      'ebike_in_lift',
    ]);
  });

  it('delivers what was published while the bridge was down (persistent session)', async () => {
    await w.bridge.stop();
    await publish(broker.url, LIFT_TOPIC, liftEvent('while-down-1'));
    await publish(broker.url, LIFT_TOPIC, liftEvent('while-down-2'));
    const { startBridge } = await import('../bridge.js');
    const again = await startBridge(w.cfg, { mqtt: true, backoffBaseMs: 20, backoffMaxMs: 200 });
    w.bridge = again;
    await w.ingest.waitForEvents(2);
    expect(w.ingest.events.map((e) => e.eventId)).toEqual(['while-down-1', 'while-down-2']);
  });

  it('reconnects after the broker restarts and carries on', async () => {
    const port = broker.port;
    await broker.close();
    await until(() => !w.bridge.mqtt!.metrics.connected, 'the bridge to notice');
    broker = await startEmbeddedBroker({ port });
    await until(() => w.bridge.mqtt!.metrics.connected, 'the bridge to reconnect');
    // resubscribed: give the SUBACK a moment by publishing until one arrives
    await until(() => w.bridge.mqtt!.metrics.connected, 'connected');
    await new Promise((r) => setTimeout(r, 300));
    await publish(broker.url, LIFT_TOPIC, liftEvent('after-restart'));
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]!.eventId).toBe('after-restart');
  });
});

describe('MQTT input with Mosquitto on 127.0.0.1:1883', () => {
  let up = false;
  beforeAll(async () => {
    up = await new Promise<boolean>((resolve) => {
      const s = net.connect(1883, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  });

  it.each([4, 5] as const)(
    'receives events published by mosquitto_pub (MQTT protocol %s)',
    async (version) => {
      if (!up || !existsSync('/usr/bin/mosquitto_pub')) {
        console.warn('Mosquitto on 127.0.0.1:1883 or /usr/bin/mosquitto_pub not available: skipped');
        return;
      }
      const bridgeId = `mosq-${version}-${process.pid}-${Date.now()}`;
      const community = `t${process.pid}${version}`;
      const w = await startWorld(
        { mqtt: { protocolVersion: version } },
        { mqttUrl: 'mqtt://127.0.0.1:1883', bridgeId, dataDir: tempDir() },
        { mqtt: true },
      );
      try {
        await until(() => w.bridge.mqtt!.metrics.connected, 'the bridge to connect to Mosquitto');
        await new Promise((r) => setTimeout(r, 300));
        const topic = `community/${community}/device/FH-LIFT-07/event`;
        await run('/usr/bin/mosquitto_pub', [
          '-h',
          '127.0.0.1',
          '-p',
          '1883',
          '-q',
          '1',
          '-V',
          version === 5 ? 'mqttv5' : 'mqttv311',
          '-t',
          topic,
          '-m',
          liftEvent(`mosq-${version}`),
        ]);
        await w.ingest.waitForEvents(1);
        expect(w.ingest.events[0]).toMatchObject({
          eventId: `mosq-${version}`,
          communityCode: community,
          type: 'ebike_in_lift',
        });
        // the persistent session on a real broker: down, publish, up again
        await w.bridge.stop();
        await run('/usr/bin/mosquitto_pub', [
          '-h',
          '127.0.0.1',
          '-p',
          '1883',
          '-q',
          '1',
          '-t',
          topic,
          '-m',
          liftEvent(`mosq-${version}-while-down`),
        ]);
        const { startBridge } = await import('../bridge.js');
        w.bridge = await startBridge(w.cfg, { mqtt: true, backoffBaseMs: 20, backoffMaxMs: 200 });
        await w.ingest.waitForEvents(2);
        expect(w.ingest.events[1]!.eventId).toBe(`mosq-${version}-while-down`);
      } finally {
        await w.close();
        // drop the persistent session this test left on the shared Mosquitto
        const c = await mqtt.connectAsync('mqtt://127.0.0.1:1883', {
          clientId: `linli-bridge-${bridgeId}`,
          clean: true,
          reconnectPeriod: 0,
        });
        await c.endAsync();
      }
    },
  );
});

describe('silence window', () => {
  it('marks a device offline after its window and queues device_offline once', async () => {
    const devices = [
      {
        code: 'FH-QUIET-1',
        vendor: 'generic',
        kind: 'sensor',
        communityCode: COMMUNITY,
        heartbeatWindowSec: 1,
      },
    ];
    const w = await startWorld({ devices }, {}, { heartbeatCheckMs: 50 });
    try {
      await w.ingest.waitForEvents(1);
      await new Promise((r) => setTimeout(r, 1500));
      expect(w.ingest.events.map((e) => [e.deviceCode, e.type])).toEqual([['FH-QUIET-1', 'device_offline']]);
      expect(w.bridge.heartbeats.isOnline('FH-QUIET-1')).toBe(false);
    } finally {
      await w.close();
    }
  });
});
