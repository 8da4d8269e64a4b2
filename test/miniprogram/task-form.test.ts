// A step of a process the admins designed themselves, done in the mini-program with the fields its diagram asks
// for (camunda:formData): the grid worker opens the task of a 消防设施巡查 case, sends it empty and is stopped on
// the phone in Chinese beside each required field, fills the choice, number, date and switch, and the case moves
// on to the property staff's 隐患整改 with the values in their types. Screenshots go to screenshots/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { apiClient, CHROMIUM, ensureScreenshots, hasChromium, root, usePhoneLab } from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`task-form: ${CHROMIUM} is missing; the browser test is skipped`);

const TOP = '.taro_page_stationed';
const xml = readFileSync(path.join(root, 'bpmn', 'fixtures', 'task-form.bpmn'), 'utf8');

run('mini-program (h5): a grid worker does a designed step with its form', () => {
  const lab = usePhoneLab();
  let shots: string;

  beforeAll(async () => {
    shots = ensureScreenshots();
  }, 900_000);

  async function shoot(page: Page, name: string) {
    await page.waitForSelector('.taro__toast[style*="opacity: 1"]', { state: 'detached' });
    const height = await page
      .locator('.taro_page:has([data-testid="task-detail"])')
      .evaluate((el: { scrollHeight: number }) => el.scrollHeight);
    await page.setViewportSize({ width: 390, height: Math.max(844, height) });
    await page.screenshot({ path: path.join(shots, name) });
    await page.setViewportSize({ width: 390, height: 844 });
  }

  test('the form is checked on the phone, then the case moves on with the values', async () => {
    // given: the community admin deployed the inspection flow and started a case in grid1's grid
    const api = apiClient(lab().server.base);
    const admin = await api.login('community.admin');
    const deployed = await fetch(`${lab().server.base}/api/v1/definitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/xml' },
      body: xml,
    });
    expect(deployed.status).toBe(201);
    const worker = await api.login('grid1');
    const me = await api.call('GET', '/me', undefined, worker.token);
    const grid = (me.body.roles as { role: string; orgUnitId: string }[]).find(
      (g) => g.role === 'grid_worker',
    )!.orgUnitId;
    const started = await api.call(
      'POST',
      '/instances',
      { processId: 'task-form', orgUnitId: grid },
      admin.token,
    );
    expect(started.status).toBe(201);
    const taskId = started.body.openTasks[0].id as string;

    // when: the grid worker opens the task
    const page: Page = await lab().phoneAs('grid1');
    await page.waitForSelector('#count-candidate');
    await page.goto(`${lab().front.base}/#/pages/task/index?id=${taskId}`);
    await page.waitForSelector(`${TOP} [data-testid="task-form"]`);

    // then: the fields of the step, with their names, the default and the required marks
    const labels = await page.locator(`${TOP} [data-testid="task-form"] .label`).allTextContents();
    expect(labels.map((l) => l.trim())).toEqual([
      '巡查结论 *',
      '灭火器数量 *',
      '情况说明',
      '复查日期',
      '已告知物业',
    ]);
    expect(await page.inputValue(`${TOP} #form-extinguishers input`)).toBe('4');

    // when: sent without the conclusion and with too many extinguishers
    await page.fill(`${TOP} #form-extinguishers input`, '120');
    await page.click(`${TOP} #complete-step`);

    // then: stopped on the phone, each problem beside its field, in Chinese
    await page.waitForSelector(`${TOP} [data-testid="form-error-result"]`);
    expect(await page.textContent(`${TOP} [data-testid="form-error-result"]`)).toBe('请填写巡查结论');
    expect(await page.textContent(`${TOP} [data-testid="form-error-extinguishers"]`)).toBe(
      '灭火器数量不能大于 99',
    );
    await shoot(page, 'task-form-refused.png');
    const still = await api.call('GET', `/tasks/${taskId}`, undefined, worker.token);
    expect(still.body.status).toBe('open');

    // when: filled in properly and sent
    await page.click(`${TOP} #form-result-problem`);
    await page.fill(`${TOP} #form-extinguishers input`, '3');
    await page.fill(`${TOP} #form-note textarea`, '三楼东侧灭火器压力不足');
    await page.click(`${TOP} #form-reported`);
    await page.fill(`${TOP} #step-comment textarea`, '已拍照留存，通知物业更换');
    await shoot(page, 'task-form-filled.png');
    await page.click(`${TOP} #complete-step`);

    // then: the task is done, and the case went on to 隐患整改 with the values in their types
    await page.waitForSelector(`${TOP} [data-testid="task-detail"] >> text=已处理`);
    const instance = await api.call('GET', `/instances/${started.body.id}`, undefined, admin.token);
    expect(instance.body.variables).toMatchObject({
      result: 'problem',
      extinguishers: 3,
      note: '三楼东侧灭火器压力不足',
      reported: true,
    });
    expect(instance.body.openTasks.map((t: { activityId: string }) => t.activityId)).toEqual(['Task_Fix']);
    await shoot(page, 'task-form-done.png');
  });
});
