// A device alert arrives live on a grid worker's alert list (browser build, real server, real WebSocket): the
// grid worker of a demo door's grid has 告警处置 open (实时), the bridge posts a door event of ANOTHER grid and then
// one of that door: the door's alert appears at the top of 待处理, marked 新, without a reload, a pull-down, a
// navigation or a new list request; the other grid's alert never shows. A repeat of the door event updates the
// same card (共2次) in place. Screenshots go to screenshots/.
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  apiClient,
  CHROMIUM,
  DEMO_PASSWORD,
  ensureScreenshots,
  hasChromium,
  newPhone,
  usePhoneLab,
} from './harness.js';
import { deviceEvent, TestBridge } from '../support/bridge.js';

const BRIDGE_ID = 'demo-bridge';
const BRIDGE_SECRET = 'linli-demo-bridge-secret';
const GRID_WORKERS = ['grid1', 'grid2', 'grid3', 'grid4'];
const DOOR = 'FH-DOOR-40';
const LIST_CARD = '[data-testid="alert-list"] [data-testid="alert-card"]';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`alert-live: ${CHROMIUM} is missing; the browser test is skipped`);

interface DeviceRow {
  code: string;
  gridId: string | null;
  communityId: string;
  active: boolean;
}

run('mini-program (h5): a device alert arrives live on the alert list', () => {
  const lab = usePhoneLab();
  let shots: string;

  beforeAll(async () => {
    shots = ensureScreenshots();
  }, 900_000);

  async function shoot(page: Page, name: string) {
    await page.waitForSelector('.taro__toast[style*="opacity: 1"]', { state: 'detached' });
    await page.screenshot({ path: path.join(shots, name) });
  }

  test('the door alert appears at the top of 待处理 at once; another grid’s does not', async () => {
    const api = apiClient(lab().server.base);
    const bridge = new TestBridge(lab().server.base, BRIDGE_ID, BRIDGE_SECRET);

    // the door's grid, its grid worker, and a device of another grid of the same community
    const admin = await api.login('community.admin');
    const all = await api.call('GET', '/devices?pageSize=200', undefined, admin.token);
    expect(all.status).toBe(200);
    const devices = all.body.items as DeviceRow[];
    const door = devices.find((d) => d.code === DOOR)!;
    expect(door?.gridId).toBeTruthy();
    const elsewhere = devices.find(
      (d) => d.gridId && d.gridId !== door.gridId && d.communityId === door.communityId && d.active,
    )!;
    expect(elsewhere).toBeDefined();
    let worker = '';
    for (const name of GRID_WORKERS) {
      const who = await api.login(name);
      const mine = await api.call('GET', `/devices?gridId=${door.gridId}&pageSize=200`, undefined, who.token);
      if (mine.status === 200 && mine.body.items.some((d: DeviceRow) => d.code === DOOR)) worker = name;
    }
    expect(worker).not.toBe('');

    // the grid worker opens 告警处置: nothing waits yet, and the socket is up (实时)
    const page = await newPhone(lab().browser, lab().contexts);
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', worker);
    await page.fill('#password input', DEMO_PASSWORD);
    await page.click('#password-login');
    await page.waitForSelector('#go-alerts');
    await page.click('#go-alerts');
    await page.waitForSelector('.taro_page_stationed [data-testid="alerts"] [data-testid="empty"]');
    await page.waitForSelector('[data-testid="live-state"][data-state="open"]');
    expect(await page.textContent('[data-testid="live-state"]')).toContain('实时');
    await shoot(page, 'alert-live-1-waiting.png');

    // from here on: no reload, no navigation, no list request — only what the socket brings
    const url = page.url();
    await page.evaluate(() => ((globalThis as unknown as { stayed: boolean }).stayed = true));
    let navigations = 0;
    let listRequests = 0;
    page.on('framenavigated', () => (navigations += 1));
    page.on('request', (r) => {
      // the list's own load (50 per state); the badge's count (pageSize=1) may be asked again
      if (/\/api\/v1\/alerts\?.*pageSize=50/.test(r.url())) listRequests += 1;
    });

    // another grid's door first, then the worker's own door
    const otherPosted = await bridge.postEvents([
      deviceEvent(elsewhere.code, 'door_forced', new Date(Date.now() - 20_000)),
    ]);
    expect(otherPosted.results[0]!.status).toBe('accepted');
    const posted = await bridge.postEvents([deviceEvent(DOOR, 'door_forced', new Date(Date.now() - 10_000))]);
    expect(posted.status).toBe(200);
    const alertId = posted.results[0]!.alertId!;
    const otherId = otherPosted.results[0]!.alertId!;
    const mine = (await api.call('GET', `/alerts/${alertId}`, undefined, admin.token)).body;
    const other = (await api.call('GET', `/alerts/${otherId}`, undefined, admin.token)).body;
    expect(mine.location).not.toBe(other.location);

    // it appears in the open list, first, marked 新 and highlighted
    const card = page.locator(LIST_CARD, { hasText: mine.location });
    await card.waitFor();
    expect(await page.locator(LIST_CARD).count()).toBe(1);
    const first = page.locator(LIST_CARD).first();
    expect(await first.getAttribute('data-fresh')).toBe('true');
    const text = await first.textContent();
    for (const part of ['门被强行打开', '待接警', mine.location, '共1次', '新']) expect(text).toContain(part);
    expect(await page.textContent('[data-testid="pending-badge"]')).toBe('1');
    // pushes are applied in order: the other grid's alert, pushed first, would be on the list by now
    expect(await page.locator(LIST_CARD, { hasText: other.location }).count()).toBe(0);
    await shoot(page, 'alert-live-2-arrived.png');

    // the same door again folds into the alert: the card updates in place
    const again = await bridge.postEvents([deviceEvent(DOOR, 'door_forced', new Date())]);
    expect(again.results[0]!.alertId).toBe(alertId);
    await page.locator(LIST_CARD, { hasText: '共2次' }).waitFor();
    expect(await page.locator(LIST_CARD).count()).toBe(1);

    expect(navigations).toBe(0);
    expect(listRequests).toBe(0);
    expect(page.url()).toBe(url);
    expect(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.locator(LIST_CARD, { hasText: other.location }).count()).toBe(0);

    // the other grid's alert exists, for its own workers (and the community admin)
    const theirs = await api.call('GET', '/alerts?status=open', undefined, admin.token);
    expect(theirs.body.items.map((a: { id: string }) => a.id)).toEqual(
      expect.arrayContaining([alertId, otherId]),
    );
  }, 600_000);

  test('a refused token (4401) is refreshed and the socket comes back: pushes arrive again', async () => {
    const api = apiClient(lab().server.base);
    const admin = await api.login('community.admin');
    const page = await newPhone(lab().browser, lab().contexts);
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', 'community.admin');
    await page.fill('#password input', DEMO_PASSWORD);
    await page.click('#password-login');
    await page.waitForSelector('#go-alerts');
    await page.click('#go-alerts');
    await page.waitForSelector('[data-testid="live-state"][data-state="open"]');

    // the stored access token goes bad (as a token the server no longer accepts would): the app restarts on it
    await page.evaluate(() => {
      const store = globalThis as unknown as {
        localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
      };
      // Taro keeps { data: <the session> } under the key
      const raw = JSON.parse(store.localStorage.getItem('linli.session')!);
      raw.data.accessToken = 'not.a.token';
      store.localStorage.setItem('linli.session', JSON.stringify(raw));
    });
    const sockets: { url: string; closed: boolean }[] = [];
    page.on('websocket', (ws) => {
      const seen = { url: ws.url(), closed: false };
      sockets.push(seen);
      ws.on('close', () => (seen.closed = true));
    });
    // the page's other calls wait until the socket is back, so that only the socket's own handling of 4401 can
    // refresh the session (a retry with the same token would never get through)
    let socketBack!: () => void;
    const back = new Promise<void>((resolve) => (socketBack = resolve));
    const apiCalls = /\/api\/v1\/(?!auth\/refresh)/;
    await page.route(apiCalls, async (route) => {
      await back;
      await route.continue();
    });
    let refreshes = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/auth/refresh')) refreshes += 1;
    });
    await page.reload();
    // refused (4401), refreshed, connected again
    await page.waitForSelector('[data-testid="live-state"][data-state="open"]');
    expect(refreshes).toBe(1);
    socketBack();
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    expect(sockets[0]!.closed).toBe(true);
    expect(sockets.at(-1)!.closed).toBe(false);

    // and a push reaches the list on the new socket
    const bridge = new TestBridge(lab().server.base, BRIDGE_ID, BRIDGE_SECRET);
    const posted = await bridge.postEvents([deviceEvent(DOOR, 'door_held_open', new Date())]);
    const held = (await api.call('GET', `/alerts/${posted.results[0]!.alertId}`, undefined, admin.token))
      .body;
    await page.locator(LIST_CARD, { hasText: '门长时间未关' }).waitFor();
    expect(await page.locator(LIST_CARD, { hasText: '门长时间未关' }).textContent()).toContain(held.location);
    // the calls held with the refused token came back 401 after the socket's refresh: they took the new token
    // instead of refreshing again (which would rotate the session under the socket that had just come back)
    expect(refreshes).toBe(1);
  }, 300_000);
});
