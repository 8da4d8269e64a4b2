// 志愿服务管理 (community staff) in the browser build, against the real server: the demo resident asks to register
// as a volunteer (API); the community admin opens 志愿服务 → 志愿服务管理, finds the registration under 志愿者注册,
// is stopped when refusing without a reason, then approves it (the resident's registration is approved). The
// resident posts a micro-wish (API); the admin approves it under 心愿审核 with 20 points; a second wish, approved
// through the API while the admin has it open, is refused with the server's answer in Chinese. The demo volunteer
// claims the first wish (API); the admin verifies the service under 核实服务 (社区核实服务, 2 hours) and the
// volunteer's balance rises by the wish's points (API). Screenshots of the tabs and the forms go to screenshots/.
import type { Page } from 'playwright-core';
import { apiClient, CHROMIUM, eventually, hasChromium, shootPage, usePhoneLab } from './harness.js';

const TITLE = '帮忙给阳台花架刷防锈漆';
const DESCRIPTION = '阳台的铁花架生锈了，家里没有工具，想请志愿者帮忙打磨后刷一遍防锈漆';
const PLACE = '凤凰家园1号楼1单元101室';
const SECOND = '帮忙把旧报纸搬到回收站';
const POINTS = 20;
const ACTIVITY = '健身广场落叶清扫';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`volunteer-staff: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): staff review registrations and wishes and verify a service (志愿服务管理)', () => {
  const lab = usePhoneLab();

  const item = '.taro_page_stationed [data-testid="volunteer-review-item"]';
  const itemState = (page: Page) => page.textContent(`${item} [data-testid="review-item-state"]`);

  /** the workbench, from 志愿服务's staff entry */
  async function openWorkbench(page: Page) {
    await page.goto(`${lab().front.base}/#/pages/volunteer/index`);
    await page.waitForSelector('.taro_page_stationed #go-volunteer-review');
    await page.click('.taro_page_stationed #go-volunteer-review');
    await page.waitForSelector(
      '.taro_page_stationed [data-testid="volunteer-review"] [data-testid="review-tabs"]',
    );
  }

  async function openTab(page: Page, tab: string) {
    await page.click(`.taro_page_stationed #review-tab-${tab}`);
    await page.waitForSelector(`.taro_page_stationed [data-testid="volunteer-review"] [data-tab="${tab}"]`);
  }

  const row = (page: Page, text: string) =>
    page.locator('.taro_page_stationed [data-testid="review-list"] [data-testid="review-row"]', {
      hasText: text,
    });

  test('registration approved, wish approved with points, service verified, points credited', async () => {
    const api = apiClient(lab().server.base);
    const admin = await api.login('community.admin');
    const residentApi = await api.login('resident1');
    const vol = await api.login('volunteer1');

    // the resident asks to register as a volunteer
    const registered = await api.call(
      'POST',
      '/volunteer/registrations',
      { isPartyMember: true, skills: ['助老', '刷漆'], note: '周末有空' },
      residentApi.token,
    );
    expect(registered.status).toBe(201);

    // the community admin: 志愿服务 → 志愿服务管理 → 志愿者注册
    const staff = await lab().phoneAs('community.admin');
    await staff.goto(`${lab().front.base}/#/pages/volunteer/index`);
    await staff.waitForSelector('.taro_page_stationed [data-testid="volunteer-staff-entry"]');
    await shootPage(staff, 'volunteer-home', 'volunteer-staff-entry.png');
    await openWorkbench(staff);
    for (const tab of ['registration', 'wish', 'activity', 'verify', 'attendance'])
      expect(await staff.locator(`.taro_page_stationed #review-tab-${tab}`).count()).toBe(1);
    const reg = row(staff, '陈静');
    await reg.waitFor();
    expect(await reg.textContent()).toContain('刷漆');
    expect(await reg.locator('[data-testid="review-row-state"]').textContent()).toBe('审核中');
    await shootPage(staff, 'volunteer-review', 'volunteer-staff-registrations.png');
    await reg.click();
    await staff.waitForSelector(`${item} [data-testid="review-form"]`);
    expect(await itemState(staff)).toBe('审核中');
    // refusing needs a reason: stopped on the phone, nothing sent
    await staff.click(`${item} #review-reject`);
    await staff.click(`${item} #review-submit`);
    await staff.waitForSelector(`${item} [data-testid="review-reason-error"]`);
    expect(await staff.textContent(`${item} [data-testid="review-reason-error"]`)).toContain(
      '请填写不通过的原因',
    );
    await shootPage(staff, 'volunteer-review-item', 'volunteer-staff-registration-form.png');
    await staff.click(`${item} #review-approve`);
    await staff.click(`${item} #review-submit`);
    await staff.waitForSelector(`${item} [data-testid="review-item-result"]`);
    expect(await itemState(staff)).toBe('已注册');
    expect(await staff.locator(`${item} [data-testid="review-form"]`).count()).toBe(0);
    const mine = await api.call('GET', '/volunteer/registrations', undefined, residentApi.token);
    expect(mine.body.items[0].status).toBe('approved');

    // the resident posts two wishes
    const post = async (title: string) => {
      const res = await api.call(
        'POST',
        '/volunteer/wishes',
        { title, description: DESCRIPTION, place: PLACE },
        residentApi.token,
      );
      expect(res.status).toBe(201);
      return res.body as { id: string; instanceId: string };
    };
    const wishId = (await post(TITLE)).id;
    const second = await post(SECOND);
    const secondId = second.id;

    // 心愿审核: the wish waits with its poster; approve it with 20 points
    await openWorkbench(staff);
    await openTab(staff, 'wish');
    const wishRow = row(staff, TITLE);
    await wishRow.waitFor();
    expect(await wishRow.textContent()).toContain('陈静');
    expect(await wishRow.locator('[data-testid="review-row-state"]').textContent()).toBe('待审核');
    await shootPage(staff, 'volunteer-review', 'volunteer-staff-wishes.png');
    await wishRow.click();
    await staff.waitForSelector(`${item} [data-testid="review-form"]`);
    expect(await staff.textContent(`${item} [data-testid="review-item-description"]`)).toBe(DESCRIPTION);
    await staff.click(`${item} #review-points-${POINTS}`);
    await shootPage(staff, 'volunteer-review-item', 'volunteer-staff-wish-form.png');
    await staff.click(`${item} #review-submit`);
    await eventually(async () => (await itemState(staff)) === '待认领', 'the wish to show as published');
    expect(await staff.locator(`${item} [data-testid="review-form"]`).count()).toBe(0);
    const published = await api.call('GET', `/volunteer/activities/${wishId}`, undefined, admin.token);
    expect(published.body.points).toBe(POINTS);

    // the second wish is reviewed by another staff member (API) while the admin has it open: the server refuses, in Chinese
    await staff.goto(`${lab().front.base}/#/pages/volunteer/index`);
    await staff.waitForSelector('.taro_page_stationed #go-volunteer-review');
    await staff.goto(`${lab().front.base}/#/pages/volunteer/review?kind=wish&id=${secondId}`);
    await staff.waitForSelector(`${item} [data-testid="review-form"]`);
    const other = await api.login('community.admin');
    expect(
      (await api.call('POST', `/volunteer/activities/${secondId}/review`, { approve: true }, other.token))
        .status,
    ).toBe(200);
    await staff.click(`${item} #review-submit`);
    await staff.getByText('该事项已审核过，请刷新后查看').waitFor();
    // a task knows only its case: ?instance= opens the wish the case is about
    await staff.goto(`${lab().front.base}/#/pages/volunteer/index`);
    await staff.waitForSelector('.taro_page_stationed #go-volunteer-review');
    // …as the task page does: its review task (done by the other session of the admin) links to the item
    const reviewed = await api.call(
      'GET',
      `/tasks?view=done&instanceId=${second.instanceId}`,
      undefined,
      other.token,
    );
    const [reviewTask] = reviewed.body.items as { id: string }[];
    await staff.goto(`${lab().front.base}/#/pages/task/index?id=${reviewTask!.id}`);
    await staff.waitForSelector('.taro_page_stationed #open-volunteer');
    await staff.click('.taro_page_stationed #open-volunteer');
    await staff.waitForSelector(`${item} [data-testid="review-hint"]`);
    expect(await staff.textContent(`${item} [data-testid="review-item-title"]`)).toBe(SECOND);
    expect(await staff.textContent(`${item} [data-testid="review-hint"]`)).toContain('等待志愿者认领');

    // a volunteer claims the first wish
    const before = (await api.call('GET', '/volunteer/me/record', undefined, vol.token)).body
      .balance as number;
    expect(
      (await api.call('POST', `/volunteer/activities/${wishId}/claim`, undefined, vol.token)).status,
    ).toBe(200);

    // 核实服务: the admin confirms for the owner, with 2 hours; the process credits the wish's points
    await openWorkbench(staff);
    await openTab(staff, 'verify');
    const verifyRow = row(staff, TITLE);
    await verifyRow.waitFor();
    expect(await verifyRow.locator('[data-testid="review-row-state"]').textContent()).toBe('已认领');
    await shootPage(staff, 'volunteer-review', 'volunteer-staff-verify.png');
    await verifyRow.click();
    await staff.waitForSelector(`${item} [data-testid="verify-form"]`);
    expect(await staff.textContent(`${item} [data-testid="review-participants"]`)).toContain('刘洋');
    expect(await staff.textContent(`${item} [data-testid="verify-points"]`)).toContain(`${POINTS} 积分`);
    await staff.click(`${item} #verify-hours-2`);
    await staff.fill(`${item} #verify-comment input`, '已电话联系陈静，花架已刷好');
    await shootPage(staff, 'volunteer-review-item', 'volunteer-staff-verify-form.png');
    await staff.click(`${item} #verify-submit`);
    const dialog = staff.locator('.taro__modal');
    await dialog.getByText('核实服务已完成').waitFor();
    expect(await dialog.textContent()).toContain('刘洋');
    await dialog.getByText('确认', { exact: true }).click();
    await eventually(async () => (await itemState(staff)) === '已完成', 'the wish to show as completed');
    expect(await staff.locator(`${item} [data-testid="verify-form"]`).count()).toBe(0);

    // the volunteer's points rose by the wish's points, with the hours
    const after = await eventually(async () => {
      const r = (await api.call('GET', '/volunteer/me/record', undefined, vol.token)).body;
      return r.balance === before + POINTS ? r : null;
    }, 'the points to be credited');
    const line = after.ledger[0];
    expect(line.amount).toBe(POINTS);
    expect(line.hours).toBe(2);

    // the other tabs: empty states say what to do, or the open demo activity waits for its end
    await openWorkbench(staff);
    await openTab(staff, 'verify');
    expect(await row(staff, TITLE).count()).toBe(0);
    await openTab(staff, 'attendance');
    await shootPage(staff, 'volunteer-review', 'volunteer-staff-attendance.png');
    await openTab(staff, 'activity');
    await shootPage(staff, 'volunteer-review', 'volunteer-staff-activities.png');
    await openTab(staff, 'registration');
    await staff.waitForSelector(
      '.taro_page_stationed [data-testid="volunteer-review"] [data-testid="empty"]',
    );
    expect(
      await staff.textContent('.taro_page_stationed [data-testid="volunteer-review"] [data-testid="empty"]'),
    ).toContain('暂无待审核的志愿者登记');
  }, 600_000);

  test('an activity: approved under 活动审核, then after its end the participants confirmed with their hours', async () => {
    const api = apiClient(lab().server.base);
    const admin = await api.login('community.admin');
    const vol = await api.login('volunteer1');
    const residentApi = await api.login('resident1');
    // resident1 volunteers too (approved in the first test, or here)
    const asked = await api.call(
      'POST',
      '/volunteer/registrations',
      { isPartyMember: false, skills: ['清洁'] },
      residentApi.token,
    );
    if (asked.status === 201)
      expect(
        (
          await api.call(
            'POST',
            `/volunteer/registrations/${asked.body.id}/review`,
            { approve: true },
            admin.token,
          )
        ).status,
      ).toBe(200);

    // a grid worker posts an activity that starts in a minute and lasts a few seconds
    const grid = await api.login('grid1');
    const startsAt = new Date(Date.now() + 60_000);
    const endsAt = new Date(startsAt.getTime() + 5_000);
    const posted = await api.call(
      'POST',
      '/volunteer/activities',
      {
        title: ACTIVITY,
        description: '清理健身器材周边的落叶和垃圾',
        place: '凤凰家园健身广场',
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        slots: 5,
        points: 15,
        hours: 1,
      },
      grid.token,
    );
    expect(posted.status).toBe(201);
    const activityId = posted.body.id as string;

    // 活动审核: the community admin approves it on the phone
    const staff = await lab().phoneAs('community.admin');
    await openWorkbench(staff);
    await openTab(staff, 'activity');
    const pending = row(staff, ACTIVITY);
    await pending.waitFor();
    await pending.click();
    await staff.waitForSelector(`${item} [data-testid="review-form"]`);
    expect(await staff.textContent(`${item} [data-testid="review-form"]`)).toContain('5 个名额');
    await shootPage(staff, 'volunteer-review-item', 'volunteer-staff-activity-form.png');
    await staff.click(`${item} #review-submit`);
    await eventually(async () => (await itemState(staff)) === '报名中', 'the activity to open');

    // two volunteers sign up before it starts
    for (const token of [vol.token, residentApi.token])
      expect(
        (await api.call('POST', `/volunteer/activities/${activityId}/claim`, undefined, token)).status,
      ).toBe(200);
    const before = async (token: string) =>
      (await api.call('GET', '/volunteer/me/record', undefined, token)).body.balance as number;
    const [volBefore, residentBefore] = [await before(vol.token), await before(residentApi.token)];

    // after its end the confirmation step opens
    await eventually(
      async () =>
        (await api.call('GET', `/volunteer/activities/${activityId}`, undefined, admin.token)).body
          .canConfirm,
      'the activity to end and wait for its confirmation',
      120_000,
    );
    const detail = (await api.call('GET', `/volunteer/activities/${activityId}`, undefined, admin.token))
      .body;
    const partOf = (userId: string) =>
      (detail.participants as { id: string; userId: string }[]).find((x) => x.userId === userId)!.id;
    const volPart = partOf(vol.userId);
    const residentPart = partOf(residentApi.userId);

    // 活动签到与时长: 刘洋 came for 1.5 hours, 陈静 did not come
    await openWorkbench(staff);
    await openTab(staff, 'attendance');
    const ended = row(staff, ACTIVITY);
    await ended.waitFor();
    expect(await ended.locator('[data-testid="review-row-state"]').textContent()).toBe('待确认参与');
    await ended.click();
    await staff.waitForSelector(`${item} [data-testid="attendance-form"]`);
    expect(await staff.locator(`${item} [data-testid="attendance-row"]`).count()).toBe(2);
    await staff.click(`${item} #att-plus-${volPart}`);
    await staff.click(`${item} #att-${residentPart}`);
    expect(await staff.textContent(`${item} #att-${residentPart}`)).toBe('未到场');
    await shootPage(staff, 'volunteer-review-item', 'volunteer-staff-attendance-form.png');
    await staff.click(`${item} #attendance-submit`);
    const dialog = staff.locator('.taro__modal');
    await dialog.getByText('到场 1 人，未到 1 人').waitFor();
    await dialog.getByText('确认', { exact: true }).click();
    await eventually(async () => (await itemState(staff)) === '已结束', 'the activity to be completed');

    const credited = await eventually(async () => {
      const r = (await api.call('GET', '/volunteer/me/record', undefined, vol.token)).body;
      return r.balance === volBefore + 15 ? r : null;
    }, 'the participant to be credited');
    expect(credited.ledger[0].hours).toBe(1.5);
    expect(await before(residentApi.token)).toBe(residentBefore);
    const after = (await api.call('GET', `/volunteer/activities/${activityId}`, undefined, admin.token)).body;
    expect(
      (after.participants as { id: string; status: string }[]).find((x) => x.id === residentPart)!.status,
    ).toBe('absent');
  }, 600_000);

  test('a grid worker has no 活动审核 tab; a resident has no entry and is told who the page is for', async () => {
    const grid = await lab().phoneAs('grid1');
    await openWorkbench(grid);
    expect(await grid.locator('.taro_page_stationed #review-tab-wish').count()).toBe(1);
    expect(await grid.locator('.taro_page_stationed #review-tab-activity').count()).toBe(0);

    const resident = await lab().phoneAs('resident1');
    await resident.goto(`${lab().front.base}/#/pages/volunteer/index`);
    await resident.waitForSelector('.taro_page_stationed [data-testid="volunteer-standing"]');
    expect(await resident.locator('.taro_page_stationed #go-volunteer-review').count()).toBe(0);
    await resident.goto(`${lab().front.base}/#/pages/volunteer/review`);
    await resident.getByText('志愿服务管理供网格员和社区管理员使用').waitFor();
  }, 300_000);
});
