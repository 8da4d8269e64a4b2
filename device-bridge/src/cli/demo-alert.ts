// `npm run demo:alert -- <type>`: publish a sample event of that type, in the project's MQTT format, for the demo
// device that has it (ebike_in_lift → FH-LIFT-07), to the bridge's broker (MQTT_URL, default the embedded one).
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { AlertType, type MqttDeviceEvent } from '@linli/contracts';
import { processEnv } from '../env.js';

const COMMUNITY = '370902001001';
/** which demo device raises which type (the lift AI box by default) */
const DEVICE_FOR: Partial<Record<AlertType, string>> = {
  ebike_in_lift: 'FH-LIFT-07',
  object_thrown: 'FH-LIFT-07',
  fall_detected: 'FH-LIFT-07',
  smoke_fire: 'FH-LIFT-07',
  elderly_inactivity: 'FH-HOME-ELDER-1',
  door_forced: 'FH-HOME-ELDER-1',
  door_held_open: 'FH-HOME-ELDER-1',
};

async function main(): Promise<void> {
  const arg = process.argv[2] ?? 'ebike_in_lift';
  const parsed = AlertType.safeParse(arg);
  if (!parsed.success) {
    console.error(`unknown alert type "${arg}". Known: ${AlertType.options.join(', ')}`);
    process.exit(2);
  }
  const type = parsed.data;
  const device = DEVICE_FOR[type] ?? 'FH-LIFT-07';
  const topic = `community/${COMMUNITY}/device/${device}/event`;
  const event: MqttDeviceEvent = {
    eventId: `demo-${randomUUID()}`,
    type,
    occurredAt: new Date().toISOString(),
    state: 'pulse',
    description: `demo ${type}`,
    confidence: 0.93,
    data: { demo: true },
  };
  const env = processEnv();
  const url = env.MQTT_URL ?? `mqtt://127.0.0.1:${env.MQTT_PORT ?? '1884'}`;
  const client = await mqtt.connectAsync(url, {
    clientId: `linli-demo-alert-${process.pid}`,
    connectTimeout: 5000,
    reconnectPeriod: 0,
  });
  await client.publishAsync(topic, JSON.stringify(event), { qos: 1 });
  await client.endAsync();
  console.log(`published to ${url} ${topic}:`);
  console.log(JSON.stringify(event, null, 2));
}

main().catch((err: unknown) => {
  console.error(
    `demo:alert failed: ${(err as Error).message} (is the bridge running with its embedded broker? npm start)`,
  );
  process.exit(1);
});
