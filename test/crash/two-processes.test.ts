// Two separate OS processes of the server (`tsx src/main.ts`, as `npm start` runs it) on one PostgreSQL database:
// a push reaches a user whichever process holds their WebSocket (PostgreSQL LISTEN/NOTIFY). A device event posted
// to one process arrives, exactly once, on the community admin's sockets on both processes, in both directions.
// PostgreSQL only: PGlite is one process, so two processes cannot share it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { freshDatabase, root, sleep } from './harness.js';
import { deviceEvent, TestBridge } from '../support/bridge.js';
import { childEnv, freePort } from '../support/server-process.js';

const serverUrl = process.env.DATABASE_URL;
const serverDir = path.join(root, 'server');
// resolved from the server workspace, as npm's PATH would find it for `npm run start -w @linli/server`
const tsxCli = createRequire(path.join(serverDir, 'package.json')).resolve('tsx/cli');

const DEMO_PASSWORD = 'linli-demo-2026';
const READY_WITHIN_MS = 120_000;
/** generous: nothing here asserts on speed, only on arrival */
const ARRIVE_WITHIN_MS = 30_000;
/** after the first arrival, how long a second copy would have had to show up */
const DUPLICATE_WINDOW_MS = 2_000;
const STOP_WITHIN_MS = 10_000;
/** the same on both processes: a token issued by one is valid on the other, and both know the demo bridge */
const SESSION_SECRET = 'two-process-session-secret-0123456789-abcdefghij';
const DATA_ENCRYPTION_KEY = Buffer.alloc(32, 1).toString('base64');
const BRIDGE_ID = 'demo-bridge';
const BRIDGE_SECRET = 'two-proc-bridge-secret-0123456789';
/** a demo camera of 凤凰社区 (server/src/processes/alerts/seed.ts), in the community admin's scope */
const DEVICE = 'FH-CAM-31';

interface Server {
  name: string;
  child: ChildProcess;
  base: string;
  dataDir: string;
  exited: Promise<void>;
  output: () => string;
}

interface AlertMessage {
  type: string;
  eventId?: string;
  deviceCode?: string;
}

interface Socket {
  ws: WebSocket;
  /** every `alert` push this socket received, in order */
  alerts: AlertMessage[];
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes `pid` started (Linux /proc): tsx runs the server in a node process of its own. */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

async function start(name: string, databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `linli-twoproc-${name}-`));
  const env = childEnv({});
  Object.assign(env, {
    NODE_ENV: 'development',
    DEMO_MODE: '1',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    SESSION_SECRET,
    DATA_ENCRYPTION_KEY,
    DEVICE_BRIDGE_SECRET: BRIDGE_SECRET,
  });
  // a process group of its own, so that afterAll can kill tsx and the server it runs even if the relay of
  // SIGTERM fails
  const child = spawn(process.execPath, [tsxCli, 'src/main.ts'], {
    cwd: serverDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    if (!alive(child)) resolve();
    else child.once('exit', () => resolve());
  });
  const server: Server = {
    name,
    child,
    base: `http://127.0.0.1:${port}`,
    dataDir,
    exited,
    output: () => output,
  };
  servers.push(server);

  const began = Date.now();
  while (Date.now() - began < READY_WITHIN_MS) {
    if (!alive(child))
      throw new Error(
        `server ${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`,
      );
    try {
      const res = await fetch(`${server.base}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        console.log(`server ${name} (pid ${child.pid}) was ready after ${Date.now() - began} ms`);
        return server;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`server ${name}: /readyz did not answer 200 within ${READY_WITHIN_MS} ms:\n${output}`);
}

/** SIGTERM (tsx relays it to the server), SIGKILL to the whole group after STOP_WITHIN_MS. */
async function stop(server: Server): Promise<void> {
  if (alive(server.child)) {
    server.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), STOP_WITHIN_MS)),
    );
    const result = await Promise.race([server.exited.then(() => 'exited' as const), late]);
    clearTimeout(timer);
    if (result === 'late') console.log(`server ${server.name} did not exit within 10 s of SIGTERM: SIGKILL`);
  }
  try {
    process.kill(-server.child.pid!, 'SIGKILL'); // whatever of the group is left
  } catch {
    // the group is gone
  }
  await server.exited;
  rmSync(server.dataDir, { recursive: true, force: true });
}

async function signIn(server: Server, username: string): Promise<string> {
  const res = await fetch(`${server.base}/api/v1/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (res.status !== 200 || !body.accessToken)
    throw new Error(`sign-in of ${username} on ${server.name}: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

async function connect(server: Server, token: string): Promise<Socket> {
  const ws = new WebSocket(`${server.base.replace(/^http/, 'ws')}/ws?token=${token}`);
  const socket: Socket = { ws, alerts: [] };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'ready' from the socket on ${server.name}`)), 30_000);
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as AlertMessage;
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'alert') socket.alerts.push(message);
    });
  });
  sockets.push(socket);
  return socket;
}

/** POST /api/v1/device-events to this server as the demo bridge (signed). Returns the event's id. */
async function postDeviceEvent(server: Server): Promise<string> {
  const event = deviceEvent(DEVICE, 'intrusion', new Date(), { eventId: `two-proc-${randomUUID()}` });
  const answer = await new TestBridge(server.base, BRIDGE_ID, BRIDGE_SECRET).postEvents([event]);
  expect(answer.status).toBe(200);
  expect(answer.results).toEqual([expect.objectContaining({ eventId: event.eventId, status: 'accepted' })]);
  return event.eventId;
}

const count = (socket: Socket, eventId: string) => socket.alerts.filter((m) => m.eventId === eventId).length;

/** Waits until every socket has the push of each of `eventIds`, then a little longer for any second copy.
 * Returns, per event, how many times each socket got it. */
async function arrivals(eventIds: string[], on: Socket[]): Promise<Record<string, number[]>> {
  const until = Date.now() + ARRIVE_WITHIN_MS;
  while (Date.now() < until && eventIds.some((id) => on.some((s) => count(s, id) === 0))) {
    for (const server of servers)
      if (!alive(server.child))
        throw new Error(`server ${server.name} exited during the test:\n${server.output().slice(-4000)}`);
    await sleep(100);
  }
  await sleep(DUPLICATE_WINDOW_MS);
  return Object.fromEntries(eventIds.map((id) => [id, on.map((s) => count(s, id))]));
}

const servers: Server[] = [];
const sockets: Socket[] = [];

if (!serverUrl)
  console.log('two-process push test skipped: it needs PostgreSQL (set DATABASE_URL); PGlite is one process');

(serverUrl ? describe : describe.skip)('two server processes on one PostgreSQL database', () => {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let a: Server;
  let b: Server;
  let onA: Socket;
  let onB: Socket;

  beforeAll(async () => {
    database = await freshDatabase(serverUrl!, 'linli_twoproc');
    // A first: it migrates the empty database and loads the demo community; then B on the same database
    a = await start('A', database.url);
    b = await start('B', database.url);
    // signed in on A only: the token is valid on B too (the same session secret, the same database)
    const token = await signIn(a, 'community.admin');
    onA = await connect(a, token);
    onB = await connect(b, token);
  }, 300_000);

  afterAll(async () => {
    for (const socket of sockets) socket.ws.terminate();
    // whatever happened above, nothing this file started may outlive it
    await Promise.all(servers.map((server) => stop(server)));
    await database?.drop();
  }, 60_000);

  it('runs as two separate OS processes, both alive', () => {
    const pids = [a.child.pid!, b.child.pid!];
    expect(pids[0]).not.toBe(pids[1]);
    expect(pids).not.toContain(process.pid);
    for (const pid of pids) expect(pidAlive(pid)).toBe(true);
    // tsx runs each server in a node process of its own under the pid spawned here: those differ too
    const serverPids = pids.map(childrenOf);
    console.log(`tsx pids ${pids.join(', ')}; server pids ${serverPids.map((p) => p.join('/')).join(', ')}`);
    if (serverPids.every((p) => p.length > 0)) {
      expect(serverPids[0]!.filter((pid) => serverPids[1]!.includes(pid))).toEqual([]);
      for (const pid of serverPids.flat()) expect(pidAlive(pid)).toBe(true);
    }
    expect(servers.every((s) => alive(s.child))).toBe(true);
  });

  it('delivers an event posted to A to the socket on B (and on A), each exactly once', async () => {
    const eventId = await postDeviceEvent(a);
    expect(await arrivals([eventId], [onA, onB])).toEqual({ [eventId]: [1, 1] });
    expect(onB.alerts.find((m) => m.eventId === eventId)).toEqual(
      expect.objectContaining({ type: 'alert', eventId, deviceCode: DEVICE }),
    );
    expect(alive(a.child) && alive(b.child)).toBe(true);
  });

  it('delivers an event posted to B to the socket on A (and on B), each exactly once', async () => {
    const eventId = await postDeviceEvent(b);
    expect(await arrivals([eventId], [onA, onB])).toEqual({ [eventId]: [1, 1] });
    expect(onA.alerts.find((m) => m.eventId === eventId)).toEqual(
      expect.objectContaining({ type: 'alert', eventId, deviceCode: DEVICE }),
    );
    expect(alive(a.child) && alive(b.child)).toBe(true);
  });

  it('delivers a series of events posted to both processes in turn, each exactly once on each socket', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await postDeviceEvent(a));
      ids.push(await postDeviceEvent(b));
    }
    expect(await arrivals(ids, [onA, onB])).toEqual(Object.fromEntries(ids.map((id) => [id, [1, 1]])));
    // of this test's events, these and the two above reached each socket, and nothing else (the servers' own
    // alert jobs may push alerts of their own, with other event ids)
    const ours = (socket: Socket) => socket.alerts.filter((m) => m.eventId?.startsWith('two-proc-'));
    expect(ours(onA)).toHaveLength(12);
    expect(ours(onB)).toHaveLength(12);
  });
});
