// What the mini-program's browser tests need, all real: the h5 build of miniprogram/, the product server on a
// fresh data folder (embedded PGlite, demo community, development sign-in on), a small static server that
// serves the build and passes /api to the product server (one origin, as in production behind a proxy), and
// Debian's Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { childEnv, freePort, sleep } from '../support/server-process.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const miniprogramDir = path.join(root, 'miniprogram');
export const screenshotsDir = path.join(root, 'test', 'miniprogram', 'screenshots');
const serverDir = path.join(root, 'server');

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const hasChromium = existsSync(CHROMIUM);
export const DEMO_PASSWORD = 'linli-demo-2026';
/** a fresh database is migrated and the demo loaded first: minutes on a busy 2-core machine */
const READY_WITHIN_MS = 360_000;

/**
 * run the Taro CLI of miniprogram/ (one build per call); throws with its output when it fails. While working on
 * the tests, MINIPROGRAM_PREBUILT=1 reuses an existing dist/<target> instead (the default always builds).
 */
export async function buildMiniprogram(target: 'h5' | 'weapp'): Promise<string> {
  // MINIPROGRAM_DIST=<folder> (relative to miniprogram/) builds elsewhere, so two test runs do not share dist/
  const existing = path.resolve(miniprogramDir, process.env.MINIPROGRAM_DIST || path.join('dist', target));
  if (
    process.env.MINIPROGRAM_PREBUILT === '1' &&
    existsSync(path.join(existing, target === 'h5' ? 'index.html' : 'app.json'))
  )
    return existing;
  const cli = createRequire(path.join(miniprogramDir, 'package.json')).resolve('@tarojs/cli/bin/taro');
  // the browser build skips minifying (minutes on a busy machine); the WeChat build is measured as released
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    TARO_ENV: target,
    MINIFY: target === 'h5' ? 'false' : 'true',
  };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [cli, 'build', '--type', target], {
    cwd: miniprogramDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const out = existing;
  if (code !== 0 || !existsSync(out))
    throw new Error(`taro build --type ${target} failed (${code}):\n${output}`);
  return out;
}

export interface ProductServer {
  base: string;
  stop: () => Promise<void>;
  output: () => string;
}

export async function startServer(): Promise<ProductServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-mp-'));
  const port = await freePort();
  const env = childEnv({});
  Object.assign(env, {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    DEV_LOGIN: 'true',
    LOG_LEVEL: 'warn',
  });
  const tsxCli = createRequire(path.join(serverDir, 'package.json')).resolve('tsx/cli');
  const child: ChildProcess = spawn(process.execPath, [tsxCli, 'src/main.ts'], {
    cwd: serverDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      await Promise.race([exited, sleep(15_000)]);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const began = Date.now();
  while (Date.now() - began < READY_WITHIN_MS) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { base, stop, output: () => output };
    } catch {
      // not yet
    }
    await sleep(300);
  }
  await stop();
  throw new Error(`the server was not ready within ${READY_WITHIN_MS / 1000} s:\n${output}`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * The phone's origin: the h5 build as static files, /api passed to the product server and /ws upgraded to its
 * hub (one origin, as in production behind a proxy).
 */
export async function startFrontend(
  dir: string,
  api: string,
): Promise<{ base: string; close: () => Promise<void> }> {
  const target = new URL(api);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/api/')) {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
      return;
    }
    let file = path.join(dir, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory())
      file = path.join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  // the hub: WebSocket upgrades of /ws go to the product server byte for byte, as behind the production proxy
  const sockets = new Set<net.Socket>();
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    if (!req.url?.startsWith('/ws')) return socket.destroy();
    const up = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    sockets.add(socket).add(up);
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const so of sockets) so.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** a JSON client of the API, for arranging and checking what the browser did */
export function apiClient(base: string) {
  const call = async (method: string, p: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base}/api/v1${p}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    call,
    async login(username: string): Promise<{ token: string; userId: string }> {
      const res = await call('POST', '/auth/password', { username, password: DEMO_PASSWORD });
      if (res.status !== 200)
        throw new Error(`sign-in of ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      return { token: res.body.accessToken, userId: res.body.user.id };
    },
  };
}

export function ensureScreenshots(): string {
  mkdirSync(screenshotsDir, { recursive: true });
  return screenshotsDir;
}

/**
 * A screenshot of the page that shows `testid`, once it has slid in and no toast covers it (a toast fades out on
 * its own, up to 3 s), as tall as the page's content; saved as screenshots/<name>.
 */
export async function shootPage(page: Page, testid: string, name: string): Promise<void> {
  await page.waitForSelector(`.taro_page_stationed [data-testid="${testid}"]`);
  await page.waitForSelector('.taro__toast[style*="opacity: 1"]', { state: 'detached' });
  await page.waitForFunction(
    `[...document.querySelectorAll('.taro__toast')].every((e) => e.offsetParent === null || getComputedStyle(e).opacity === '0')`,
  );
  const height = await page
    .locator(`.taro_page:has([data-testid="${testid}"])`)
    .evaluate((el: { scrollHeight: number }) => el.scrollHeight);
  await page.setViewportSize({ width: 390, height: Math.max(844, height) });
  await page.screenshot({ path: path.join(ensureScreenshots(), name) });
  await page.setViewportSize({ width: 390, height: 844 });
}

/** wait until check() returns a value (polling a real service; no timing is asserted) */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  ms = 30_000,
): Promise<T> {
  const began = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - began > ms) throw new Error(`gave up waiting for ${what}`);
    await sleep(250);
  }
}

/** A phone-sized browser context (kept in `contexts` for the caller's afterAll), in the given time zone. */
export async function newPhone(
  browser: Browser,
  contexts: BrowserContext[],
  timezoneId = 'Asia/Shanghai',
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

/** Clicks what opens the file chooser and gives it `file`. */
export async function pickFile(page: Page, trigger: string, file: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click(trigger)]);
  await chooser.setFiles(file);
}

/** A real PNG to upload, drawn by the browser from `html` (320×240), written to `file`. */
export async function paintPng(browser: Browser, html: string, file: string): Promise<string> {
  const painter = await browser.newPage({ viewport: { width: 320, height: 240 } });
  await painter.setContent(html);
  writeFileSync(file, await painter.screenshot({ type: 'png' }));
  await painter.close();
  return file;
}

/** Everything a journey needs, started once per suite: the h5 build, the server, the frontend and Chromium. */
export interface PhoneLab {
  server: ProductServer;
  front: { base: string; close: () => Promise<void> };
  browser: Browser;
  /** phone contexts opened by the suite, closed with it */
  contexts: BrowserContext[];
  /** a new phone signed in as a demo user through the development login, on its home page */
  phoneAs(username: string): Promise<Page>;
}

/** What a suite may add to the lab's set-up. */
export interface PhoneLabOptions {
  /** Chromium flags added to CHROMIUM_ARGS (e.g. a fake microphone) */
  chromiumArgs?: string[];
}

/**
 * Starts the lab in the suite's beforeAll and stops it in its afterAll; call it inside the describe. The getter
 * gives the lab once beforeAll has run.
 */
export function usePhoneLab(options: PhoneLabOptions = {}): () => PhoneLab {
  let lab: PhoneLab | undefined;
  let close = async () => undefined as void;
  beforeAll(async () => {
    const [dist, server] = await Promise.all([buildMiniprogram('h5'), startServer()]);
    const front = await startFrontend(dist, server.base);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])],
      headless: true,
    });
    const contexts: BrowserContext[] = [];
    ensureScreenshots();
    lab = {
      server,
      front,
      browser,
      contexts,
      async phoneAs(username) {
        const page = await newPhone(browser, contexts);
        await page.goto(`${front.base}/`);
        await page.waitForSelector('#dev-username');
        await page.fill('#dev-username input', username);
        await page.click('#dev-login');
        await page.waitForSelector('[data-testid="home"] .card-title');
        return page;
      },
    };
    close = async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await front.close();
      await server.stop();
    };
  }, 900_000);
  afterAll(() => close());
  return () => {
    if (!lab) throw new Error('the phone lab is not started: usePhoneLab() belongs inside a describe');
    return lab;
  };
}
