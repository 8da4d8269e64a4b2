// The grid worker's alert journey in the browser build, against the real server: the demo bridge posts a signed
// "door forced" event (twice, with a snapshot) for a demo door in 凤凰社区 → the grid worker of that door's grid
// signs in, opens 告警处置 from the home page, sees the alert (China time, 共2次), acknowledges it, verifies it on
// site with a photo and a note, resolves it as 已处置, and the detail's timeline shows those steps. A no-case
// alert (门长时间未关) is closed from its detail. A resident sees no entry and the API refuses them (403).
// Screenshots go to screenshots/.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  apiClient,
  CHROMIUM,
  DEMO_PASSWORD,
  eventually,
  hasChromium,
  newPhone,
  paintPng,
  pickFile,
  shootPage,
  usePhoneLab,
} from './harness.js';
import { deviceEvent, TestBridge } from '../support/bridge.js';

const BRIDGE_ID = 'demo-bridge';
const BRIDGE_SECRET = 'linli-demo-bridge-secret';
const GRID_WORKERS = ['grid1', 'grid2', 'grid3', 'grid4'];
/** a card of the list page (the detail page shows the same card) */
const LIST_CARD = '[data-testid="alert-list"] [data-testid="alert-card"]';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`alert-journey: ${CHROMIUM} is missing; the browser test is skipped`);

/** what the card shows for an ISO time, in China time (UTC+8) */
function chinaTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

run('mini-program (h5): grid worker alert journey', () => {
  const lab = usePhoneLab();
  const bridge = () => new TestBridge(lab().server.base, BRIDGE_ID, BRIDGE_SECRET);
  let tmp: string;
  let photo: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-mp-alerts-'));
    // real PNGs drawn by the browser: the camera's snapshot of the door, and the worker's photo on site
    await paintPng(
      lab().browser,
      '<body style="margin:0;background:#334;color:#fff;font:28px sans-serif"><div style="margin:50px auto;width:140px;height:140px;background:#865;text-align:center;line-height:140px">单元门</div></body>',
      path.join(tmp, 'snapshot.png'),
    );
    photo = await paintPng(
      lab().browser,
      '<body style="margin:0;background:#cde"><div style="margin:60px auto;width:120px;height:120px;border-radius:12px;background:#2a7;color:#fff;font:40px sans-serif;text-align:center;line-height:120px">锁</div></body>',
      path.join(tmp, 'on-site.png'),
    );
  }, 900_000);

  afterAll(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** a phone in UTC, so that a time shown in China time cannot be the phone's own zone by accident */
  const phone = () => newPhone(lab().browser, lab().contexts, 'UTC');

  const shoot = shootPage;

  async function signIn(page: Page, username: string) {
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', username);
    await page.fill('#password input', DEMO_PASSWORD);
    await page.click('#password-login');
    await page.waitForSelector('[data-testid="home"] .card-title');
  }

  /** what the demo bridge does: upload a snapshot, then forward a batch of events, both signed */
  async function postSnapshot(file: string) {
    const res = await bridge().postSnapshot(readFileSync(file), 'image/png', 'scene');
    expect(res.status).toBe(201);
    return { ...res.body, kind: 'scene' as const };
  }

  async function postEvents(events: Record<string, unknown>[]) {
    const res = await bridge().postEvents(events);
    expect(res.status).toBe(200);
    expect(res.results.map((r) => r.status)).toEqual(events.map(() => 'accepted'));
    return res.results.map((r) => r.alertId!);
  }

  test('grid worker: sees the alert → acknowledges → verifies with a photo → resolves as 已处置; closes a no-case alert', async () => {
    const api = apiClient(lab().server.base);

    // the bridge reports a forced unit door twice within its storm window (one alert, 共2次) and a door left open
    const snap = await postSnapshot(path.join(tmp, 'snapshot.png'));
    const first = new Date(Date.now() - 90_000);
    const second = new Date(Date.now() - 30_000);
    const [forcedId, again] = await postEvents([
      deviceEvent('FH-DOOR-40', 'door_forced', first, { snapshots: [snap] }),
      deviceEvent('FH-DOOR-40', 'door_forced', second),
    ]);
    expect(again).toBe(forcedId);
    const [heldId] = await postEvents([deviceEvent('FH-DOOR-40', 'door_held_open', second)]);

    // the grid worker of the door's grid is the one who sees it; its handling case starts right away
    let worker = '';
    let token = '';
    for (const name of GRID_WORKERS) {
      const who = await api.login(name);
      const seen = await api.call('GET', '/alerts?status=open', undefined, who.token);
      expect(seen.status).toBe(200);
      if (seen.body.items.some((a: { id: string }) => a.id === forcedId)) {
        worker = name;
        token = who.token;
      }
    }
    expect(worker).not.toBe('');
    const opened = await eventually(async () => {
      const r = await api.call('GET', `/alerts/${forcedId}`, undefined, token);
      return r.body.instanceId ? r.body : undefined;
    }, 'the alert-handling case');
    expect(opened).toMatchObject({ count: 2, status: 'open', typeName: '门被强行打开', needsHandling: true });

    // signs in: the home page has 告警处置 with the number of alerts waiting
    const page = await phone();
    await signIn(page, worker);
    await page.waitForSelector('#go-alerts');
    expect(await page.textContent('[data-testid="alerts-badge"]')).toBe('2');
    await page.click('#go-alerts');

    // the list (待处理): type, place, China time and count
    const card = page.locator(LIST_CARD, { hasText: '门被强行打开' });
    await card.waitFor();
    const cardText = await card.textContent();
    expect(cardText).toContain('共2次');
    expect(cardText).toContain('待接警');
    expect(cardText).toContain(opened.location);
    expect(cardText).toContain(`首次 ${chinaTime(opened.firstAt)}`);
    expect(cardText).toContain(`最近 ${chinaTime(opened.lastAt)}`);
    expect(await page.locator(LIST_CARD, { hasText: '门长时间未关' }).count()).toBe(1);
    await shoot(page, 'alert-list', 'alerts-1-list.png');

    // the detail before: the snapshot and 确认接警
    await card.click();
    await page.waitForSelector('#ack-alert');
    await page.waitForSelector('[data-testid="alert-snapshot"]');
    expect(await page.textContent('[data-testid="alert-timeline"]')).toContain('告警产生');
    await shoot(page, 'alert-detail', 'alerts-2-detail-before.png');

    // acknowledge → verify on site with a note and a photo → resolve as 已处置
    await page.click('#ack-alert');
    await page.waitForSelector('#verify-note');
    await page.fill('#verify-note textarea', '到场查看，单元门锁被撬坏，已通知物业更换');
    await pickFile(page, '#verify-add-photo', photo);
    await page.waitForSelector('[data-testid="verify-photo"]');
    await page.click('#submit-verify');
    await page.waitForSelector('#outcome-handled');
    await page.click('#outcome-handled');
    await page.fill('#resolve-note textarea', '门锁已更换，住户已知悉');
    await page.click('#submit-resolve');
    await page.waitForSelector('[data-testid="alert-resolution"]');
    expect(await page.textContent('[data-testid="alert-resolution"]')).toBe('处置结果：已处置');
    expect(await page.locator('#submit-resolve').count()).toBe(0);
    const timeline = await page.textContent('[data-testid="alert-timeline"]');
    for (const step of ['告警产生', '确认接警', '到场核实', '单元门锁被撬坏', '处置结果', '已处置'])
      expect(timeline).toContain(step);
    await page.waitForSelector('[data-testid="alert-outcome"] [data-testid="case-photo"]');
    await shoot(page, 'alert-detail', 'alerts-3-detail-after.png');

    // what the server holds agrees with the screen
    const after = await api.call('GET', `/alerts/${forcedId}`, undefined, token);
    expect(['resolved', 'closed']).toContain(after.body.status);
    expect(after.body.resolution).toBe('handled');
    expect(after.body.verifyPhotoFileIds).toHaveLength(1);
    expect(after.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['acknowledged', 'verified', 'resolved']),
    );

    // back on the list, 待处理 has only the door left open; closing it needs no case
    await page.goBack();
    const held = page.locator(LIST_CARD, { hasText: '门长时间未关' });
    // the list reloads on show: the resolved alert leaves 待处理
    await page.locator(LIST_CARD, { hasText: '门被强行打开' }).waitFor({ state: 'detached' });
    await held.waitFor();
    await held.click();
    await page.waitForSelector('#close-alert');
    await page.fill('#close-note textarea', '已查看，门已关好');
    await page.click('#close-alert');
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="alert-detail"] [data-testid="alert-status"]')
        ?.textContent?.includes('已关闭'),
    );
    expect(await page.textContent('[data-testid="alert-timeline"]')).toContain('已关闭：已查看，门已关好');
    const closed = await api.call('GET', `/alerts/${heldId}`, undefined, token);
    expect(closed.body.status).toBe('closed');

    // 已办结 lists both
    await page.goBack();
    await page.click('#alert-tab-done');
    await page.locator(LIST_CARD, { hasText: '门被强行打开' }).waitFor();
    expect(await page.locator(LIST_CARD, { hasText: '门长时间未关' }).count()).toBe(1);
  }, 600_000);

  test('refusals are shown in Chinese: a step someone else took first, an alert outside my area', async () => {
    const api = apiClient(lab().server.base);
    const [alertId] = await postEvents([
      deviceEvent('FH-DOOR-40', 'door_forced', new Date(Date.now() - 5_000)),
    ]);
    const admin = await api.login('community.admin');
    await eventually(async () => {
      const r = await api.call('GET', `/alerts/${alertId}`, undefined, admin.token);
      return r.body.instanceId ? true : undefined;
    }, 'the alert-handling case');

    // the grid worker has the alert open when the community admin acknowledges it: the step is refused
    let worker = '';
    for (const name of GRID_WORKERS) {
      const who = await api.login(name);
      if ((await api.call('GET', `/alerts/${alertId}`, undefined, who.token)).status === 200) worker = name;
    }
    expect(worker).not.toBe('');
    const page = await phone();
    await signIn(page, worker);
    await page.goto(`${lab().front.base}/#/pages/alerts/detail?id=${alertId}`);
    await page.waitForSelector('#ack-alert');
    const ack = await api.call('POST', `/alerts/${alertId}/acknowledge`, {}, admin.token);
    expect(ack.status).toBe(200);
    await page.click('#ack-alert');
    await page.getByText('状态已变化，请刷新后重试').waitFor();

    // a grid worker of 龙潭社区 cannot open it at all
    const stranger = await phone();
    await signIn(stranger, 'grid.longtan');
    await stranger.goto(`${lab().front.base}/#/pages/alerts/detail?id=${alertId}`);
    await stranger.waitForSelector('[data-testid="error"]');
    expect(await stranger.textContent('[data-testid="error"]')).toContain('内容不存在或已被删除');
  }, 300_000);

  test('a resident has no 告警处置 entry and the API refuses them the alerts', async () => {
    const api = apiClient(lab().server.base);
    const resident = await api.login('resident1');
    const res = await api.call('GET', '/alerts', undefined, resident.token);
    expect(res.status).toBe(403);

    const page = await phone();
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#dev-username');
    await page.fill('#dev-username input', 'resident1');
    await page.click('#dev-login');
    await page.waitForSelector('[data-testid="room"]');
    expect(await page.locator('#go-report').count()).toBe(1);
    expect(await page.locator('#go-alerts').count()).toBe(0);
  }, 300_000);
});
