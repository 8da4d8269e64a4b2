// The admin console's browser tests: build admin/ once (skipped when admin/dist is newer than every source
// file), start the real server the way `npm start` does (tsx src/main.ts, fresh data folder, demo community,
// embedded PGlite) so that it serves the build at /admin, and drive Debian's Chromium with playwright-core.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { childEnv, freePort, sleep } from '../support/server-process.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const serverDir = path.join(root, 'server');
const adminDir = path.join(root, 'admin');
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const DEMO_PASSWORD = 'linli-demo-2026';
export const screenshotDir = fileURLToPath(new URL('./screenshots', import.meta.url));

const READY_WITHIN_MS = 480_000; // a busy shared machine: migrations and the demo load take minutes
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * where the console is built and served from: admin/dist, or ADMIN_DIST (relative to admin/) so that two test
 * runs side by side do not rebuild one folder under each other
 */
const adminDist = path.resolve(adminDir, process.env.ADMIN_DIST || 'dist');

/** `vite build` of the console, unless its build folder is already newer than its sources. */
export function buildAdmin(): void {
  const index = path.join(adminDist, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(adminDir, 'src')),
    statSync(path.join(adminDir, 'index.html')).mtimeMs,
    statSync(path.join(adminDir, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  // vite's exports map hides its bin: find the package folder the way node would from admin/
  const vite = [path.join(adminDir, 'node_modules'), path.join(root, 'node_modules')]
    .map((dir) => path.join(dir, 'vite', 'bin', 'vite.js'))
    .find((file) => existsSync(file));
  if (!vite) throw new Error('vite is not installed: run npm install at the repository root');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', adminDist], {
    cwd: adminDir,
    stdio: 'inherit',
  });
}

export interface Running {
  base: string;
  child: ChildProcess;
  dataDir: string;
  output: () => string;
}

export async function startServer(): Promise<Running> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-admin-'));
  const port = await freePort();
  const env = childEnv({});
  Object.assign(env, {
    DATA_DIR: dataDir,
    PORT: String(port),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ADMIN_DIST: adminDist,
  });
  const tsxCli = createRequire(path.join(serverDir, 'package.json')).resolve('tsx/cli');
  const child = spawn(process.execPath, [tsxCli, 'src/main.ts'], {
    cwd: serverDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const running: Running = { base: `http://127.0.0.1:${port}`, child, dataDir, output: () => output };
  const began = Date.now();
  while (Date.now() - began < READY_WITHIN_MS) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${running.base}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return running;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stopServer(running);
  throw new Error(`/readyz did not answer 200 in time:\n${output}`);
}

export async function stopServer(running: Running | undefined): Promise<void> {
  if (!running) return;
  const { child } = running;
  if (child.exitCode === null && child.signalCode === null && child.pid) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }
  rmSync(running.dataDir, { recursive: true, force: true });
}

/** Chromium with a fresh profile (playwright takes the user-data dir as launchPersistentContext's argument). */
export async function launchBrowser(): Promise<{ browser: BrowserContext; profile: string }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'linli-admin-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { browser, profile };
}

/** What every console test starts with: the console built, the real server, Chromium and one page in it. */
export interface ConsoleUnderTest {
  server: Running;
  browser: BrowserContext;
  profile: string;
  page: Page;
}

export async function openConsole(): Promise<ConsoleUnderTest> {
  buildAdmin();
  const server = await startServer();
  const { browser, profile } = await launchBrowser();
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000); // a 4 MB bundle on a busy machine
  return { server, browser, profile, page };
}

export async function closeConsole(c: ConsoleUnderTest | undefined): Promise<void> {
  if (!c) return;
  await c.browser.close();
  rmSync(c.profile, { recursive: true, force: true });
  await stopServer(c.server);
}

/** A valid resident ID number (GB 11643-1999 check digit) for a birth date and a sequence number. */
export function idNumber(birth: string, seq: number): string {
  const first17 = `370902${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11]!;
}

/** Sign in to the console at `base` as `username` (a demo account unless a password is given), signed out first. */
export async function signInConsole(
  page: Page,
  base: string,
  username: string,
  password = DEMO_PASSWORD,
): Promise<void> {
  await page.goto(`${base}/admin/login`);
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${base}/admin/login`);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#current-user');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** A JSON call to the API as a demo account (for setting up and checking what the browser did). */
export async function apiCall<T>(
  base: string,
  method: string,
  route: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}/api/v1${route}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function tokenOf(base: string, username: string): Promise<string> {
  const res = await apiCall<{ accessToken: string }>(base, 'POST', '/auth/password', {
    body: { username, password: DEMO_PASSWORD },
  });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status}`);
  return res.body.accessToken;
}
