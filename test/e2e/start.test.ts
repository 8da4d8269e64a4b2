// The README's first command as a test: start the product the way `npm start` does (the server workspace's
// `tsx src/main.ts`) on a fresh data folder with embedded PGlite, use it over HTTP like a client, stop it
// with SIGTERM, and start it again on the same folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, freePort, sleep } from '../support/server-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const serverDir = path.join(root, 'server');
// resolved from the server workspace, as npm's PATH would find it for `npm run start -w @linli/server`
const tsxCli = createRequire(path.join(serverDir, 'package.json')).resolve('tsx/cli');

const DEMO_PASSWORD = 'linli-demo-2026';
const READY_WITHIN_MS = 90_000;
interface Started {
  child: ChildProcess;
  base: string;
  /** ms from spawn to the first 200 from /readyz */
  readyAfterMs: number;
  output: () => string;
}

let dataDir: string;
let running: Started | undefined;

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function start(): Promise<Started> {
  const port = await freePort();
  const env = childEnv({});
  Object.assign(env, { DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'development', LOG_LEVEL: 'warn' });

  const began = Date.now();
  // tsx runs the server in a child process of its own: start it in a new process group so that afterAll can
  // kill both even if the relay of SIGTERM fails
  const child = spawn(process.execPath, [tsxCli, 'src/main.ts'], {
    cwd: serverDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started: Started = {
    child,
    base: `http://127.0.0.1:${port}`,
    readyAfterMs: -1,
    output: () => output,
  };
  running = started;

  while (Date.now() - began < READY_WITHIN_MS) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`,
      );
    }
    try {
      const res = await fetch(`${started.base}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        started.readyAfterMs = Date.now() - began;
        return started;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`/readyz did not answer 200 within ${READY_WITHIN_MS} ms:\n${output}`);
}

async function stop(s: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const done = exited(s.child);
  s.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 15_000)));
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  if (!result) throw new Error(`the server did not exit within 15 s of SIGTERM:\n${s.output()}`);
  running = undefined;
  return result;
}

interface Page<T> {
  items: T[];
  total: number;
}
interface OrgUnit {
  name: string;
}
interface Resident {
  idNumber: string | null;
  masked: boolean;
}
interface Me {
  username: string | null;
  roles: { role: string; orgUnitId: string }[];
}

async function call<T>(
  s: Started,
  method: string,
  route: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${s.base}${route}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function signIn(s: Started, username: string): Promise<{ token: string; me: Me }> {
  const res = await call<{ accessToken: string; user: Me }>(s, 'POST', '/api/v1/auth/password', {
    body: { username, password: DEMO_PASSWORD },
  });
  expect(res.status).toBe(200);
  return { token: res.body.accessToken, me: res.body.user };
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-e2e-start-'));
});

afterAll(async () => {
  // whatever happened above, nothing this file started may outlive it
  if (running?.child.pid) {
    const done = exited(running.child);
    try {
      process.kill(-running.child.pid, 'SIGKILL');
    } catch {
      // the process group is already gone
    }
    await done;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on embedded PGlite', () => {
  let adminToken = '';
  let adminResidentTotal = 0;
  let communityTotal = 0;

  it('starts on an empty data folder, migrates and loads the demo community', async () => {
    const s = await start();
    console.log(`first start (migrate + demo load) was ready after ${s.readyAfterMs} ms`);

    const admin = await signIn(s, 'community.admin');
    adminToken = admin.token;

    const communities = await call<Page<OrgUnit>>(s, 'GET', '/api/v1/org-units?kind=community&pageSize=200', {
      token: adminToken,
    });
    expect(communities.status).toBe(200);
    expect(communities.body.items.map((u) => u.name)).toContain('凤凰社区');
    communityTotal = communities.body.total;

    const residents = await call<Page<Resident>>(s, 'GET', '/api/v1/residents?pageSize=200', {
      token: adminToken,
    });
    expect(residents.status).toBe(200);
    adminResidentTotal = residents.body.total;
    expect(adminResidentTotal).toBeGreaterThanOrEqual(300);
    const withId = residents.body.items.filter((r) => r.idNumber !== null);
    expect(withId.length).toBeGreaterThan(0);
    for (const r of withId) {
      expect(r.masked).toBe(true);
      expect(r.idNumber).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    }
  });

  it('shows a grid worker only the residents of their own grid', async () => {
    const s = running!;
    const grid1 = await signIn(s, 'grid1');
    const gridId = grid1.me.roles.find((g) => g.role === 'grid_worker')?.orgUnitId;
    expect(gridId).toBeDefined();

    const mine = await call<Page<Resident>>(s, 'GET', '/api/v1/residents', { token: grid1.token });
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBeGreaterThan(0);
    expect(mine.body.total).toBeLessThan(adminResidentTotal);

    const gridAsAdmin = await call<Page<Resident>>(s, 'GET', `/api/v1/residents?gridId=${gridId}`, {
      token: adminToken,
    });
    expect(gridAsAdmin.body.total).toBe(mine.body.total);
  });

  it('stops on SIGTERM', async () => {
    const result = await stop(running!);
    expect(result).toEqual({ code: 0, signal: null });
  });

  it('starts again on the same folder with the data kept and the demo not loaded twice', async () => {
    const s = await start();
    console.log(`restart on existing data was ready after ${s.readyAfterMs} ms`);

    // the session secret lives in DATA_DIR, so a token issued before the restart still works
    const me = await call<Me>(s, 'GET', '/api/v1/me', { token: adminToken });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('community.admin');

    const residents = await call<Page<Resident>>(s, 'GET', '/api/v1/residents', { token: adminToken });
    expect(residents.body.total).toBe(adminResidentTotal);
    const communities = await call<Page<OrgUnit>>(s, 'GET', '/api/v1/org-units?kind=community&pageSize=200', {
      token: adminToken,
    });
    expect(communities.body.total).toBe(communityTotal);
    expect(communities.body.items.filter((u) => u.name === '凤凰社区')).toHaveLength(1);

    const result = await stop(s);
    expect(result).toEqual({ code: 0, signal: null });
  });
});
