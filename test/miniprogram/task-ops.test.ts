// 更多操作 on a task in the mini-program: a grid worker (张伟, grid1) holds the second step of an admin-designed
// flow and hands it to a colleague of the same grid (转办); the colleague asks him for help (委派), he does it
// (完成协助) and it is back with the colleague, who copies it to him (抄送) and sends the case back to the first
// step with a reason (退回), which he finds again in 待认领. Screenshots go to screenshots/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  apiClient,
  CHROMIUM,
  DEMO_PASSWORD,
  eventually,
  hasChromium,
  root,
  shootPage,
  usePhoneLab,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`task-ops: ${CHROMIUM} is missing; the browser test is skipped`);

/** the page on top (pages below it in the stack stay in the DOM, hidden) */
const TOP = '.taro_page_stationed:visible';
/** the inspection flow of task-form.test.ts, with its second step (隐患整改) for the grid's workers too */
const xml = readFileSync(path.join(root, 'bpmn', 'fixtures', 'task-form.bpmn'), 'utf8')
  .replaceAll('task-form', 'task-ops')
  .replace('name="消防设施巡查"', 'name="消防隐患复核"')
  .replace('camunda:candidateGroups="property_staff"', 'camunda:candidateGroups="grid_worker"');

run('mini-program (h5): 退回, 转办, 请人协助 and 抄送 on a task', () => {
  const lab = usePhoneLab();

  async function phoneOf(username: string): Promise<Page> {
    const page = await lab().phoneAs(username);
    await page.waitForSelector('#count-candidate');
    return page;
  }

  /** opens a page of the app on its own (a fresh load: no stack of earlier pages below it) */
  async function open(page: Page, route: string, testid: string) {
    await page.goto(`${lab().front.base}/#${route}`);
    await page.reload();
    await page.waitForSelector(`${TOP} [data-testid="${testid}"]`);
  }

  async function openTask(page: Page, taskId: string) {
    await open(page, `/pages/task/index?id=${taskId}`, 'task-detail');
    await page.waitForSelector(`${TOP} [data-testid="task-detail"] .card-title`);
  }

  /**
   * The names of the rows on one tab of 待办 (待办 / 待认领 / 抄送我), once the phone shows what the server has in
   * that view for this person.
   */
  async function inboxRows(page: Page, token: string, view: 'assigned' | 'candidate' | 'cc') {
    const api = apiClient(lab().server.base);
    const res = await api.call('GET', `/tasks?view=${view}&pageSize=20`, undefined, token);
    const expected = (res.body.items as { name: string | null; activityId: string }[]).map(
      (t) => t.name ?? t.activityId,
    );
    // opened on 待办, then the tab tapped: the list must follow the tab
    await open(page, '/pages/tasks/index', 'tasks');
    if (view !== 'assigned') await page.click(`${TOP} #view-${view}`);
    let seen = '';
    return eventually(
      async () => {
        const rows = (await page.locator(`${TOP} [data-testid="task-row"] .row-title`).allTextContents()).map(
          (t) => t.trim(),
        );
        const empty = await page.locator(`${TOP} [data-testid="empty"]`).count();
        const on = await page.locator(`${TOP} #view-${view}.tab-on`).count();
        seen = `rows ${rows.join('|')} empty ${empty} tab ${on}`;
        const shown = expected.length ? rows.join('|') === expected.join('|') : empty > 0 && !rows.length;
        return shown && on > 0 ? expected : false;
      },
      `the ${view} tab to show ${expected.join('|') || 'nothing'} (${seen})`,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; last seen: ${seen}`);
    });
  }

  async function moreOps(page: Page): Promise<string[]> {
    await page.click(`${TOP} #more-ops`);
    await page.waitForSelector(`${TOP} [data-testid="ops-sheet"]`);
    return (await page.locator(`${TOP} .ops-item-name`).allTextContents()).map((t) => t.trim());
  }

  test('a task goes to a colleague, comes back with help, is copied and returned', async () => {
    // given: the admin deployed the flow, a second grid worker (赵敏) works in grid1's grid, and a case of that
    // grid is at 隐患整改, held by grid1 (张伟) who did its first step
    const api = apiClient(lab().server.base);
    const admin = await api.login('community.admin');
    const deployed = await fetch(`${lab().server.base}/api/v1/definitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/xml' },
      body: xml,
    });
    expect(deployed.status).toBe(201);
    const a = await api.login('grid1');
    const me = await api.call('GET', '/me', undefined, a.token);
    const grid = (me.body.roles as { role: string; orgUnitId: string }[]).find(
      (g) => g.role === 'grid_worker',
    )!.orgUnitId;
    const created = await api.call(
      'POST',
      '/users',
      {
        displayName: '赵敏',
        username: 'grid1.zhao',
        password: DEMO_PASSWORD,
        roles: [{ role: 'grid_worker', orgUnitId: grid }],
      },
      admin.token,
    );
    expect(created.status).toBe(201);
    const b = await api.login('grid1.zhao');
    const started = await api.call(
      'POST',
      '/instances',
      { processId: 'task-ops', orgUnitId: grid },
      admin.token,
    );
    expect(started.status).toBe(201);
    const instanceId = started.body.id as string;
    const first = started.body.openTasks[0].id as string;
    const done = await api.call(
      'POST',
      `/tasks/${first}/complete`,
      { variables: { result: 'problem', extinguishers: 2 } },
      a.token,
    );
    expect(done.status).toBe(200);
    const instance = await api.call('GET', `/instances/${instanceId}`, undefined, a.token);
    const taskId = instance.body.openTasks[0].id as string;
    expect((await api.call('POST', `/tasks/${taskId}/claim`, {}, a.token)).status).toBe(200);

    // when: 张伟 opens it and 更多操作
    const pageA = await phoneOf('grid1');
    await openTask(pageA, taskId);
    expect(await moreOps(pageA)).toEqual(['退回', '转办', '请人协助', '抄送', '取消']);
    await shootPage(pageA, 'ops-sheet', 'task-ops-sheet.png');

    // 转办: nobody picked is stopped on the phone; the colleague of the same grid comes first
    await pageA.click(`${TOP} #op-transfer`);
    await pageA.waitForSelector(`${TOP} [data-testid="op-panel"][data-op="transfer"]`);
    await pageA.click(`${TOP} #op-submit`);
    expect(await pageA.textContent(`${TOP} [data-testid="op-error"]`)).toBe('请选择同事');
    const names = await pageA
      .locator(`${TOP} [data-testid="receiver-row"]`)
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    expect(names[0]).toBe('赵敏');
    expect(names).toContain('李秀梅'); // the community admin
    expect(names).not.toContain('张伟'); // not himself
    expect(names).not.toContain('王芳'); // the second grid's worker does not work here
    const panelText = await pageA.textContent(`${TOP} [data-testid="op-panel"]`);
    expect(panelText).toContain('网格员');
    expect(panelText).not.toMatch(/1[3-9]\d{9}|\*{4}/); // no phones, masked or not
    await pageA.click(`${TOP} #receiver-${b.userId}`);
    await pageA.fill(`${TOP} #op-text textarea`, '我这周外出培训，请赵敏跟进');
    await shootPage(pageA, 'op-panel', 'task-ops-picker.png');
    await pageA.click(`${TOP} #op-submit`);

    // then: it is 赵敏's to do, and no longer his
    await pageA.waitForSelector(`${TOP} [data-testid="task-left"]`);
    expect(await pageA.textContent(`${TOP} [data-testid="task-left"]`)).toContain('已转办给 赵敏');
    expect(await inboxRows(pageA, a.token, 'assigned')).not.toContain('隐患整改');
    const pageB = await phoneOf('grid1.zhao');
    expect(await inboxRows(pageB, b.token, 'assigned')).toContain('隐患整改');

    // when: 赵敏 opens it from 待办 and asks 张伟 for help (委派)
    await pageB.locator(`${TOP} [data-testid="task-row"]`, { hasText: '隐患整改' }).click();
    await pageB.waitForSelector(`${TOP} [data-testid="task-detail"] #more-ops`);
    await moreOps(pageB);
    await pageB.click(`${TOP} #op-delegate`);
    await pageB.click(`${TOP} #receiver-${a.userId}`);
    await pageB.fill(`${TOP} #op-text textarea`, '请帮忙核对灭火器压力');
    await pageB.click(`${TOP} #op-submit`);
    await pageB.waitForSelector(`${TOP} [data-testid="waiting-help"]`);
    expect(await pageB.textContent(`${TOP} [data-testid="waiting-help"]`)).toContain('已请张伟协助');
    expect(await pageB.locator(`${TOP} #more-ops`).count()).toBe(0);

    // then: 张伟 has it in 待办 to help with: 完成协助, not 办理完成
    expect(await inboxRows(pageA, a.token, 'assigned')).toContain('隐患整改');
    await openTask(pageA, taskId);
    await pageA.waitForSelector(`${TOP} [data-testid="help-card"]`);
    expect(await pageA.textContent(`${TOP} [data-testid="help-card"]`)).toContain('赵敏请您协助');
    expect(await pageA.locator(`${TOP} #complete-step`).count()).toBe(0);
    expect(await pageA.locator(`${TOP} #more-ops`).count()).toBe(0);
    await pageA.fill(`${TOP} #help-comment textarea`, '已核对，两具压力不足');
    await shootPage(pageA, 'help-card', 'task-ops-help.png');
    await pageA.click(`${TOP} #resolve-help`);
    await pageA.waitForSelector(`${TOP} [data-testid="task-left"]`);
    expect(await pageA.textContent(`${TOP} [data-testid="task-left"]`)).toContain('交回 赵敏');

    // and it is back with 赵敏, to complete or hand on
    const back = await api.call('GET', `/tasks/${taskId}`, undefined, b.token);
    expect(back.body).toMatchObject({ assignee: b.userId, delegationState: 'resolved' });
    await openTask(pageB, taskId);
    await pageB.waitForSelector(`${TOP} #complete-step`);

    // a refusal is said in Chinese: while 赵敏 picks whom to transfer it to, the community admin takes it over
    await moreOps(pageB);
    await pageB.click(`${TOP} #op-transfer`);
    expect(await pageB.locator(`${TOP} #complete-step`).count()).toBe(0); // the step's form is set aside
    await pageB.click(`${TOP} #receiver-${admin.userId}`);
    const takeOver = { to: a.userId, reason: '社区统一调度' };
    expect((await api.call('POST', `/tasks/${taskId}/transfer`, takeOver, admin.token)).status).toBe(200);
    await pageB.click(`${TOP} #op-submit`);
    await pageB.waitForSelector(`${TOP} [data-testid="op-error"]`);
    expect(await pageB.textContent(`${TOP} [data-testid="op-error"]`)).toBe('只有当前办理人才能这样操作');
    expect((await api.call('GET', `/tasks/${taskId}`, undefined, b.token)).body.assignee).toBe(a.userId);
    const giveBack = { to: b.userId, reason: '仍由赵敏办理' };
    expect((await api.call('POST', `/tasks/${taskId}/transfer`, giveBack, admin.token)).status).toBe(200);

    // when: 赵敏 copies it to 张伟 (抄送)
    await openTask(pageB, taskId);
    await moreOps(pageB);
    await pageB.click(`${TOP} #op-cc`);
    await pageB.click(`${TOP} #receiver-${a.userId}`);
    await pageB.click(`${TOP} #op-submit`);
    await pageB.waitForSelector(`${TOP} #more-ops`);
    // then: it is in his 抄送我
    expect(await inboxRows(pageA, a.token, 'cc')).toContain('隐患整改');

    // when: 赵敏 sends the case back to 登记巡查结果 (退回), first without a reason
    await openTask(pageB, taskId);
    await moreOps(pageB);
    await pageB.click(`${TOP} #op-return`);
    const targets = pageB.locator(`${TOP} [data-testid="target-row"]`);
    expect(await targets.count()).toBe(1);
    expect(await targets.first().textContent()).toContain('登记巡查结果');
    expect(await targets.first().textContent()).toContain('张伟 办理');
    await targets.first().click();
    await pageB.click(`${TOP} #op-submit`);
    expect(await pageB.textContent(`${TOP} [data-testid="op-error"]`)).toBe('请填写退回原因');
    await pageB.fill(`${TOP} #op-text textarea`, '巡查结论缺少照片，请补充后再提交');
    await shootPage(pageB, 'op-panel', 'task-ops-return.png');
    await pageB.click(`${TOP} #op-submit`);
    await pageB.waitForSelector(`${TOP} [data-testid="task-left"]`);
    expect(await pageB.textContent(`${TOP} [data-testid="task-left"]`)).toContain('已退回到「登记巡查结果」');

    // then: the first step is open again, and 张伟, who did it, finds it in 待认领
    const after = await api.call('GET', `/instances/${instanceId}`, undefined, a.token);
    expect(after.body.openTasks.map((t: { activityId: string }) => t.activityId)).toEqual(['Task_Inspect']);
    expect(await inboxRows(pageA, a.token, 'candidate')).toContain('登记巡查结果');
    await shootPage(pageA, 'tasks', 'task-ops-returned-inbox.png');
  });
});
