// What a new user does after `npm start`: the launcher starts the server and the device bridge (with its embedded
// MQTT broker), `npm run demo:alert -- ebike_in_lift` publishes the lift AI box's event, and the community admin
// sees the alert arrive live on the WebSocket, listed with its place, with an alert-handling case running.
// Ctrl-C (SIGTERM) stops both processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { childEnv, freePort, sleep } from '../support/server-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsxCli = createRequire(path.join(root, 'server', 'package.json')).resolve('tsx/cli');
const DEMO_PASSWORD = 'linli-demo-2026';
let dataDir = '';
let launcher: ChildProcess | undefined;
let output = '';
let base = '';
let mqttPort = 0;
let bridgeHealth = '';

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    if (launcher && (launcher.exitCode !== null || launcher.signalCode !== null))
      throw new Error(`npm start exited (${launcher.exitCode ?? launcher.signalCode}):\n${output}`);
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${output.slice(-4000)}`);
    await sleep(250);
  }
}

async function call<T>(method: string, route: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-e2e-alert-'));
  const port = await freePort();
  mqttPort = await freePort();
  const bridgePort = await freePort();
  base = `http://127.0.0.1:${port}`;
  bridgeHealth = `http://127.0.0.1:${bridgePort}/healthz`;
  const env = childEnv({}, [
    'SERVER_URL',
    'BRIDGE_ID',
    'BRIDGE_CONFIG',
    'BRIDGE_DATA_DIR',
    'BRIDGE_HTTP_PORT',
    'DEVICE_BRIDGE_SECRET',
    'BRIDGE_DATA_KEY',
    'MQTT_URL',
    'MQTT_PORT',
    'MQTT_EMBEDDED',
    'START_BRIDGE',
  ]);
  Object.assign(env, {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    PORT: String(port),
    MQTT_PORT: String(mqttPort),
    BRIDGE_HTTP_PORT: String(bridgePort),
  });
  // what `npm start` runs, in a process group of its own so that afterAll can end everything it started
  launcher = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  launcher.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  launcher.stderr?.on('data', (c: Buffer) => (output += c.toString()));
});

afterAll(async () => {
  if (launcher?.pid && launcher.exitCode === null && launcher.signalCode === null) {
    const gone = new Promise((resolve) => launcher!.once('exit', resolve));
    try {
      process.kill(-launcher.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await gone;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start with the device bridge, and npm run demo:alert', () => {
  let token = '';
  let alertId = '';

  it('starts the server and the bridge with its embedded broker', async () => {
    await until('the server', async () =>
      (await fetch(`${base}/readyz`)).status === 200 ? true : undefined,
    );
    const health = await until('the bridge', async () => {
      const res = await fetch(bridgeHealth);
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    expect(health).toMatchObject({ status: 'ok' });
    const signIn = await call<{ accessToken: string }>('POST', '/auth/password', undefined, {
      username: 'community.admin',
      password: DEMO_PASSWORD,
    });
    expect(signIn.status).toBe(200);
    token = signIn.body.accessToken;
  }, 300_000);

  it('shows the admin a published lift event live, as an alert at its place, with a case to handle it', async () => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?token=${token}`);
    const pushes: { type: string; alertType?: string; deviceCode?: string; alertId?: string | null }[] = [];
    ws.on('message', (data) => pushes.push(JSON.parse(String(data)) as (typeof pushes)[number]));
    await until('the socket', async () => (pushes.some((m) => m.type === 'ready') ? true : undefined));

    // the CLI as `npm run demo:alert` runs it, against the embedded broker of the bridge started above
    const cliEnv: NodeJS.ProcessEnv = { ...process.env, MQTT_PORT: String(mqttPort) };
    delete cliEnv.MQTT_URL;
    delete cliEnv.NODE_OPTIONS;
    const demo = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [tsxCli, 'src/cli/demo-alert.ts', 'ebike_in_lift'], {
        cwd: path.join(root, 'device-bridge'),
        env: cliEnv,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.on('exit', (status) => resolve({ status, stdout }));
    });
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain('FH-LIFT-07');

    const push = await until('the alert push', async () =>
      pushes.find((m) => m.type === 'alert' && m.alertType === 'ebike_in_lift'),
    );
    ws.close();
    expect(push).toMatchObject({ deviceCode: 'FH-LIFT-07' });
    alertId = push.alertId!;
    expect(alertId).toBeTruthy();

    const list = await call<{
      items: { id: string; type: string; location: string; needsHandling: boolean }[];
    }>('GET', '/alerts?type=ebike_in_lift', token);
    expect(list.status).toBe(200);
    const alert = list.body.items.find((a) => a.id === alertId);
    expect(alert).toMatchObject({ type: 'ebike_in_lift', needsHandling: true });
    expect(alert!.location).toMatch(/凤凰/);

    // the alert-handling case starts right after the event is stored
    const withCase = await until('the alert-handling case', async () => {
      const one = await call<{ instanceId: string | null }>('GET', `/alerts/${alertId}`, token);
      return one.body.instanceId ?? undefined;
    });
    const instance = await call<{ processId: string; status: string }>(
      'GET',
      `/instances/${withCase}`,
      token,
    );
    expect(instance.body).toMatchObject({ processId: 'alert-handling', status: 'running' });
  }, 300_000);

  it('stops the server and the bridge on SIGTERM', async () => {
    const gone = new Promise<number | null>((resolve) => launcher!.once('exit', (code) => resolve(code)));
    launcher!.kill('SIGTERM');
    expect(await gone).toBe(0);
    // neither port answers any more
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    await expect(fetch(bridgeHealth)).rejects.toThrow();
  });
});
