// The grid worker's patrol report (随手拍) in the browser build, against the real server: grid1 signs in, opens
// 随手拍 from the home page, picks 消防隐患, describes what they saw with a place and a photo, submits, lands on
// the report's detail, finds it in 我的上报 with its state in Chinese and opens it again. The community admin
// sees it through GET /events as a patrol report with the photo. A resident's home has 问题上报 and 我的上报.
// Screenshots go to screenshots/.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/** what the mini-program shows for each event state (miniprogram/src/services/events.ts) */
const STATE_NAMES: Record<string, string> = {
  reported: '已上报',
  classifying: '待分类',
  dispatched: '处置中',
  handled: '已处置',
  feedback: '待评价',
  closed: '已办结',
  converted: '已转办',
};
const DESCRIPTION = '巡查发现5号楼北侧消防通道停放三辆电动车，并有私拉电线充电';
const PLACE = '5号楼北侧消防通道';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`patrol-journey: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): grid worker patrol report (随手拍)', () => {
  const lab = usePhoneLab();
  let tmp: string;
  let photo: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-mp-patrol-'));
    photo = await paintPng(
      lab().browser,
      '<body style="margin:0;background:#dde"><div style="margin:60px auto;width:160px;height:120px;border-radius:12px;background:#c63;color:#fff;font:36px sans-serif;text-align:center;line-height:120px">电动车</div></body>',
      path.join(tmp, 'patrol.png'),
    );
  }, 900_000);

  afterAll(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const shoot = shootPage;

  test('grid worker: 随手拍 with a photo → the detail → 我的上报 → the admin sees it', async () => {
    const api = apiClient(lab().server.base);
    const page = await newPhone(lab().browser, lab().contexts);
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', 'grid1');
    await page.fill('#password input', DEMO_PASSWORD);
    await page.click('#password-login');
    await page.waitForSelector('#go-patrol');
    await page.click('#go-patrol');

    // the form: categories from the server, a description, a place and one photo
    await page.waitForSelector('#event-category-fire_hazard');
    // sending without a category is stopped on the phone, with the reason
    await page.click('#submit-event');
    await page.getByText('请选择问题类别').waitFor();
    await page.click('#event-category-fire_hazard');
    await page.fill('#event-description textarea', DESCRIPTION);
    await page.fill('#event-address input', PLACE);
    await pickFile(page, '#event-add-photo', photo);
    await page.waitForSelector('[data-testid="event-photo"]');
    await shoot(page, 'event-report', 'patrol-report.png');
    await page.click('#submit-event');

    // the detail of what was just sent: category, description, place, the photo, a state in Chinese
    await page.waitForSelector('[data-testid="event-detail"] [data-testid="event-description"]');
    expect(await page.textContent('[data-testid="event-description"]')).toBe(DESCRIPTION);
    expect(await page.textContent('[data-testid="event-category"]')).toBe('消防隐患');
    expect(await page.textContent('[data-testid="event-detail"]')).toContain(`位置：${PLACE}`);
    await page.waitForSelector('[data-testid="event-detail"] [data-testid="case-photo"]');
    const shown = (await page.textContent('[data-testid="event-detail"] [data-testid="event-state"]'))!;
    expect(Object.values(STATE_NAMES)).toContain(shown);
    const eventId = new URL(page.url().replace('#/', '')).searchParams.get('id')!;
    expect(eventId).toBeTruthy();

    // what the server holds: a patrol report with the photo; it leaves 已上报 once dispatched by its category
    const worker = await api.login('grid1');
    const held = await eventually(async () => {
      const r = await api.call('GET', `/events/${eventId}`, undefined, worker.token);
      expect(r.status).toBe(200);
      return r.body.state !== 'reported' ? r.body : undefined;
    }, 'the event to be dispatched');
    expect(held).toMatchObject({
      source: 'patrol',
      description: DESCRIPTION,
      address: PLACE,
      category: { code: 'fire_hazard', name: '消防隐患' },
    });
    expect(held.photoFileIds).toHaveLength(1);

    // 我的上报 from the home page lists it with its state; it opens to the same detail
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#go-events');
    await page.click('#go-events');
    const row = page.locator('[data-testid="event-list"] [data-testid="event-row"]', {
      hasText: DESCRIPTION,
    });
    await row.waitFor();
    expect(await row.locator('[data-testid="event-state"]').textContent()).toBe(STATE_NAMES[held.state]);
    expect(await row.textContent()).toContain('消防隐患');
    await row.click();
    await page.waitForSelector('[data-testid="event-detail"] [data-testid="timeline-entry"]');
    expect(await page.textContent('[data-testid="event-detail"] [data-testid="event-state"]')).toBe(
      STATE_NAMES[held.state],
    );
    // the timeline starts with the report and shows the dispatch by its category
    const steps = await page
      .locator('[data-testid="event-timeline"] [data-testid="timeline-entry"]')
      .allTextContents();
    expect(steps[0]).toContain(`上报${DESCRIPTION}`);
    expect(steps.slice(1).join('|')).toContain('已派单');
    await page.waitForSelector('[data-testid="event-detail"] [data-testid="case-photo"]');
    await shoot(page, 'event-detail', 'patrol-detail.png');

    // the community admin sees the patrol report of their community
    const admin = await api.login('community.admin');
    const listed = await api.call('GET', '/events?source=patrol&pageSize=50', undefined, admin.token);
    expect(listed.status).toBe(200);
    const seen = listed.body.items.find((e: { id: string }) => e.id === eventId);
    expect(seen).toMatchObject({ source: 'patrol', description: DESCRIPTION, reporterUserId: worker.userId });
  }, 600_000);

  test('a resident has 问题上报 and 我的上报 on the home page, and no 随手拍', async () => {
    const page = await lab().phoneAs('resident1');
    await page.waitForSelector('[data-testid="room"]');
    expect(await page.locator('#go-event-report').count()).toBe(1);
    expect(await page.locator('#go-patrol').count()).toBe(0);
    await shoot(page, 'home', 'patrol-resident-home.png');
    // the demo resident's own report (seeded) is in 我的上报
    await page.click('#go-events');
    await page
      .locator('[data-testid="event-list"] [data-testid="event-row"]', { hasText: '垃圾桶' })
      .waitFor();
  }, 300_000);
});
