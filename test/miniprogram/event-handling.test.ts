// The staff steps of a community event in the browser build, against the real server: a resident reports a
// problem without a category through the API (问题上报, it waits for 事件分类); the grid worker of the resident's
// grid opens it from 待认领 → 待办详情 (去处理事件), is stopped in Chinese without a category, classifies it as
// 噪音扰民 (the sheet names the handling unit and time limit), then on the same page handles it: stopped without
// a result or photo, then 已处置 with a note and a photo. The resident reads the result through the API and in
// 上报详情 (the result card, 处置反馈 on the timeline, the rating form). Screenshots go to screenshots/.
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

const DESCRIPTION = '楼上住户每晚十一点后还在拖动家具，噪音很大，影响休息';
const NOTE = '已电话核实，确属夜间噪音';
const RESULT = '已上门提醒住户，承诺晚十点后不再拖动家具，并贴了静音垫';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`event-handling: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): grid worker classifies and handles a resident’s report', () => {
  const lab = usePhoneLab();
  let tmp: string;
  let photo: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-mp-event-'));
    photo = await paintPng(
      lab().browser,
      '<body style="margin:0;background:#eed"><div style="margin:60px auto;width:180px;height:120px;border-radius:12px;background:#2a7;color:#fff;font:36px sans-serif;text-align:center;line-height:120px">静音垫</div></body>',
      path.join(tmp, 'handled.png'),
    );
  }, 900_000);

  afterAll(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('问题上报 (API) → 事件分类 and 事件处置 on the phone → the resident sees the result', async () => {
    const api = apiClient(lab().server.base);
    const resident = await api.call('POST', '/auth/dev', { username: 'resident1' });
    expect(resident.status).toBe(200);
    const residentToken: string = resident.body.accessToken;
    const reported = await api.call('POST', '/events', { description: DESCRIPTION }, residentToken);
    expect(reported.status).toBe(201);
    const eventId: string = reported.body.id;
    const waiting = await eventually(async () => {
      const r = await api.call('GET', `/events/${eventId}`, undefined, residentToken);
      return r.body.state === 'classifying' ? r.body : undefined;
    }, 'the report to wait for classification');
    expect(waiting.category).toBeNull();

    // the grid worker of the resident's grid is offered the classification
    let worker = '';
    for (const name of ['grid1', 'grid2', 'grid3', 'grid4']) {
      const { token } = await api.login(name);
      const r = await api.call(
        'GET',
        `/tasks?view=candidate&instanceId=${waiting.instanceId}`,
        undefined,
        token,
      );
      if (r.body.items.some((t: { activityId: string }) => t.activityId === 'Task_Classify')) {
        worker = name;
        break;
      }
    }
    expect(worker).not.toBe('');

    const page = await newPhone(lab().browser, lab().contexts);
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', worker);
    await page.fill('#password input', DEMO_PASSWORD);
    await page.click('#password-login');
    await page.waitForSelector('#count-candidate');
    await page.click('#count-candidate');
    // the demo has other events waiting for handling: ours is the one to classify
    const row = page.locator('[data-testid="task-row"]', { hasText: '事件分类' });
    await row.waitFor();
    await row.click();
    await page.waitForSelector('#open-event');
    expect(await page.textContent('#open-event')).toBe('去处理事件');
    await shootPage(page, 'task-detail', 'event-task.png');
    await page.click('#open-event');

    // 事件分类: the reported text, no category yet; sending without one is stopped in Chinese
    await page.waitForSelector('.taro_page_stationed [data-testid="event-classify-card"]');
    expect(await page.textContent('.taro_page_stationed [data-testid="event-description"]')).toBe(
      DESCRIPTION,
    );
    expect(await page.textContent('.taro_page_stationed [data-testid="event-state"]')).toBe('待分类');
    expect(await page.locator('[data-testid="event-handle-card"]').count()).toBe(0);
    await page.click('#submit-classify');
    expect(await page.textContent('[data-testid="classify-error"]')).toBe('请选择事件类别');
    await page.click('#classify-category-noise');
    expect(await page.textContent('[data-testid="classify-handler"]')).toContain('处置单位：网格员');
    await page.fill('#classify-note textarea', NOTE);
    await shootPage(page, 'event-classify-card', 'event-classify.png');
    await page.click('#submit-classify');

    // dispatched by the category to the grid's workers: the same page now offers 事件处置
    await page.waitForSelector('.taro_page_stationed [data-testid="event-handle-card"]');
    expect(await page.textContent('.taro_page_stationed [data-testid="event-category"]')).toBe('噪音扰民');
    expect(await page.textContent('.taro_page_stationed [data-testid="event-state"]')).toBe('处置中');
    expect(await page.locator('[data-testid="event-classify-card"]').count()).toBe(0);
    // nothing filled in: both reasons, in Chinese, and nothing is sent
    await page.click('#submit-handle');
    expect(await page.textContent('[data-testid="handle-text-error"]')).toBe('请填写处置结果（至少2个字）');
    expect(await page.textContent('[data-testid="handle-photo-error"]')).toBe('请至少拍一张处置后的照片');
    expect((await api.call('GET', `/events/${eventId}`, undefined, residentToken)).body.state).toBe(
      'dispatched',
    );
    // 退回 needs its reason
    await page.click('#handle-outcome-send-back');
    expect(await page.locator('#handle-add-photo').count()).toBe(0);
    await page.click('#submit-handle');
    expect(await page.textContent('[data-testid="handle-text-error"]')).toBe('请填写退回原因（至少2个字）');
    await page.click('#handle-outcome-done');
    await page.fill('#handle-text textarea', RESULT);

    await pickFile(page, '#handle-add-photo', photo);
    await page.waitForSelector('[data-testid="handle-photo"]');
    await shootPage(page, 'event-handle-card', 'event-handle.png');
    await page.click('#submit-handle');
    await page.waitForSelector('.taro_page_stationed [data-testid="event-result"]');
    expect(await page.textContent('[data-testid="event-result"]')).toContain(RESULT);
    expect(await page.locator('[data-testid="event-handle-card"]').count()).toBe(0);
    await shootPage(page, 'event-detail', 'event-handled-staff.png');

    // the resident: the result with its photo through the API, told by a notice, and in 上报详情
    const held = await eventually(async () => {
      const r = await api.call('GET', `/events/${eventId}`, undefined, residentToken);
      return r.body.state === 'feedback' ? r.body : undefined;
    }, 'the result to be fed back to the resident');
    expect(held).toMatchObject({ result: RESULT, category: { code: 'noise' } });
    expect(held.handledAt).toBeTruthy();
    expect(held.resultPhotoFileIds).toHaveLength(1);

    const phone = await lab().phoneAs('resident1');
    await phone.goto(`${lab().front.base}/#/pages/events/detail?id=${eventId}`);
    await phone.waitForSelector('.taro_page_stationed [data-testid="event-result"]');
    expect(await phone.textContent('[data-testid="event-result"]')).toContain(RESULT);
    await phone.waitForSelector('[data-testid="event-result"] [data-testid="case-photo"]');
    expect(await phone.textContent('[data-testid="event-state"]')).toBe('待评价');
    const steps = await phone
      .locator('[data-testid="event-timeline"] [data-testid="timeline-entry"]')
      .allTextContents();
    expect(steps.join('|')).toContain('处置反馈');
    // the resident has no staff step, only the rating
    expect(await phone.locator('[data-testid="event-handle-card"]').count()).toBe(0);
    await phone.waitForSelector('[data-testid="event-rate-card"]');
    await shootPage(phone, 'event-detail', 'event-handled-resident.png');
  }, 600_000);
});
