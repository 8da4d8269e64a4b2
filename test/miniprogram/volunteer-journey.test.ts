// Volunteer service (志愿服务) in the browser build, against the real server: the demo resident opens 志愿 from the
// home page and posts a micro-wish (a missing description is stopped on the phone, in Chinese); it waits for the
// community's review (待审核), which the community admin gives through the API with the points; the demo volunteer
// (second browser context) finds it in the wish list as 待认领 with its points and claims it; the resident
// confirms the service with 2 hours; the volunteer's 我的积分 shows the new balance and the history line, and the
// volunteer redeems a mall item after a confirm dialog and sees the order (待领取, with a pickup code) in 我的兑换.
// Screenshots go to screenshots/.
import type { Page } from 'playwright-core';
import { apiClient, CHROMIUM, eventually, hasChromium, shootPage, usePhoneLab } from './harness.js';

const TITLE = '帮忙更换卫生间灯泡';
const DESCRIPTION = '卫生间顶灯坏了，家里没有梯子够不着，想请志愿者帮忙换一下，灯泡已经买好';
const PLACE = '凤凰家园1号楼1单元101室';
const POINTS = 20;

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`volunteer-journey: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): a micro-wish is posted, claimed, confirmed and points appear (志愿服务)', () => {
  const lab = usePhoneLab();

  const shoot = shootPage;

  async function signIn(username: string): Promise<Page> {
    const page = await lab().phoneAs(username);
    await page.waitForSelector('#go-volunteer');
    return page;
  }

  /** 志愿服务 from the home page */
  async function openVolunteer(page: Page) {
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#go-volunteer');
    await page.click('#go-volunteer');
    await page.waitForSelector('.taro_page_stationed [data-testid="volunteer-home"]');
  }

  async function openDetail(page: Page, id: string) {
    await page.goto(`${lab().front.base}/#/pages/volunteer/detail?id=${id}`);
    await page.waitForSelector(
      '.taro_page_stationed [data-testid="volunteer-detail"] [data-testid="volunteer-state"]',
    );
  }

  const stateText = (page: Page) =>
    page.textContent('.taro_page_stationed [data-testid="volunteer-detail"] [data-testid="volunteer-state"]');

  test('resident posts, the community approves, a volunteer claims, the resident confirms, points and the mall', async () => {
    const api = apiClient(lab().server.base);
    const resident = await signIn('resident1');

    // 志愿服务: the resident is not a volunteer yet → 注册志愿者 → 审核中 (the community reviews it)
    await openVolunteer(resident);
    await resident.click('#go-volunteer-register');
    await resident.waitForSelector('.taro_page_stationed #submit-register');
    await resident.click('#party-no');
    await resident.click('#skill-0');
    await resident.fill('#register-note input', '周末有空');
    await resident.click('#submit-register');
    await resident.waitForSelector('.taro_page_stationed [data-testid="registration"]');
    expect(
      await resident.textContent('[data-testid="registration"] [data-testid="registration-state"]'),
    ).toBe('审核中');
    expect(await resident.textContent('[data-testid="registration"]')).toContain('助老');
    await shoot(resident, 'volunteer-register', 'volunteer-register.png');
    await openVolunteer(resident);
    expect(
      await resident.textContent(
        '.taro_page_stationed [data-testid="volunteer-standing"] [data-testid="registration-state"]',
      ),
    ).toBe('审核中');

    // 发布心愿; without a description the phone says what is missing
    await resident.click('#go-post-wish');
    await resident.waitForSelector('.taro_page_stationed [data-testid="wish-post"]');
    await resident.fill('#wish-title input', TITLE);
    await resident.fill('#wish-place input', PLACE);
    await resident.click('#submit-wish');
    await resident.getByText('请描述需要什么帮助').waitFor();
    await resident.fill('#wish-description textarea', DESCRIPTION);
    await resident.click('#submit-wish');

    // the wish's detail: waiting for the community's review, points not set yet
    await resident.waitForSelector('[data-testid="volunteer-detail"] [data-testid="volunteer-description"]');
    expect(await resident.textContent('[data-testid="volunteer-title"]')).toBe(TITLE);
    expect(await resident.textContent('[data-testid="volunteer-description"]')).toBe(DESCRIPTION);
    expect(await stateText(resident)).toBe('待审核');
    expect(await resident.textContent('[data-testid="volunteer-points"]')).toBe('积分待社区确定');
    const wishId = new URL(resident.url().replace('#/', '')).searchParams.get('id')!;
    expect(wishId).toBeTruthy();

    // the community admin approves it with the points (the review is an admin-console step)
    const admin = await api.login('community.admin');
    const reviewed = await api.call(
      'POST',
      `/volunteer/activities/${wishId}/review`,
      { approve: true, points: POINTS },
      admin.token,
    );
    expect(reviewed.status).toBe(200);
    await eventually(
      async () =>
        (await api.call('GET', `/volunteer/activities/${wishId}`, undefined, admin.token)).body.status ===
        'open',
      'the wish to be published',
    );

    // the volunteer's balance before
    const vol = await api.login('volunteer1');
    const before = (await api.call('GET', '/volunteer/me/record', undefined, vol.token)).body
      .balance as number;

    // the volunteer finds it in 微心愿 as 待认领 with its points, opens and claims it
    const volunteer = await signIn('volunteer1');
    await openVolunteer(volunteer);
    expect(await volunteer.textContent('[data-testid="registration-state"]')).toContain('已注册');
    const row = volunteer.locator('[data-testid="volunteer-list"] [data-testid="volunteer-row"]', {
      hasText: TITLE,
    });
    await row.waitFor();
    expect(await row.locator('[data-testid="volunteer-state"]').textContent()).toBe('待认领');
    expect(await row.locator('[data-testid="volunteer-row-points"]').textContent()).toBe(`${POINTS} 积分`);
    await shoot(volunteer, 'volunteer-home', 'volunteer-wishes.png');
    await row.click();
    await volunteer.waitForSelector('.taro_page_stationed #volunteer-claim');
    expect(await stateText(volunteer)).toBe('待认领');
    await volunteer.click('#volunteer-claim');
    await volunteer.waitForSelector('.taro_page_stationed #volunteer-withdraw');
    expect(await stateText(volunteer)).toBe('已认领');
    expect(await volunteer.textContent('[data-testid="volunteer-participants"]')).toContain('刘洋');
    // the volunteer never confirms their own service
    expect(await volunteer.locator('#volunteer-confirm').count()).toBe(0);
    await shoot(volunteer, 'volunteer-detail', 'volunteer-wish-claimed.png');

    // the resident sees who claimed it and confirms the service with 2 hours
    await openDetail(resident, wishId);
    expect(await stateText(resident)).toBe('已认领');
    expect(await resident.textContent('[data-testid="volunteer-participants"]')).toContain('刘洋');
    await resident.click('#confirm-hours-2');
    await resident.fill('#confirm-comment input', '灯泡换好了，谢谢小刘');
    await resident.click('#volunteer-confirm');
    await eventually(
      async () =>
        (await api.call('GET', `/volunteer/activities/${wishId}`, undefined, admin.token)).body.status ===
        'completed',
      'the points to be credited',
    );
    await openDetail(resident, wishId);
    expect(await stateText(resident)).toBe('已完成');
    const steps = await resident
      .locator('[data-testid="volunteer-timeline"] [data-testid="timeline-entry"]')
      .allTextContents();
    expect(steps[0]).toContain('发布微心愿');
    expect(steps.join('|')).toContain('社区审核：通过');
    expect(steps.join('|')).toContain('志愿者认领');
    expect(steps.join('|')).toContain('灯泡换好了，谢谢小刘');
    expect(await resident.locator('#volunteer-confirm').count()).toBe(0);
    await shoot(resident, 'volunteer-detail', 'volunteer-wish-detail.png');

    // the volunteer's 我的积分 (from 我的): the new balance and the history line
    await volunteer.goto(`${lab().front.base}/#/pages/me/index`);
    await volunteer.waitForSelector('#me-points');
    await volunteer.click('#me-points');
    await volunteer.waitForSelector('.taro_page_stationed [data-testid="points-entry"]');
    expect(Number(await volunteer.textContent('[data-testid="points-balance"]'))).toBe(before + POINTS);
    const first = volunteer.locator('[data-testid="points-entry"]').first();
    expect(await first.textContent()).toContain(`微心愿“${TITLE}”志愿服务2小时`);
    expect(await first.textContent()).toContain(`+${POINTS}`);
    await shoot(volunteer, 'volunteer-points', 'volunteer-points.png');

    // 积分商城: redeem 理发服务券 after the confirm dialog; the order shows in 我的兑换 with its pickup code
    await volunteer.click('#points-go-mall');
    await volunteer.waitForSelector('.taro_page_stationed [data-testid="mall-item"]');
    expect(Number(await volunteer.textContent('[data-testid="mall-balance"]'))).toBe(before + POINTS);
    const item = volunteer.locator('[data-testid="mall-item"]', { hasText: '理发服务券' });
    await item.waitFor();
    const stockText = (await item.locator('[data-testid="mall-item-stock"]').textContent())!;
    expect(stockText).toMatch(/库存 \d+/);
    await shoot(volunteer, 'volunteer-mall', 'volunteer-mall.png');
    await item.locator('[data-testid="mall-redeem"]').click();
    const dialog = volunteer.locator('.taro__modal');
    await dialog.getByText('确认兑换').waitFor();
    expect(await dialog.textContent()).toContain('理发服务券');
    await dialog.getByText('兑换', { exact: true }).click();
    const order = volunteer.locator('[data-testid="mall-orders"] [data-testid="mall-order"]', {
      hasText: '理发服务券',
    });
    await order.waitFor();
    expect(await order.locator('[data-testid="mall-order-state"]').textContent()).toBe('待领取');
    expect((await order.locator('[data-testid="mall-order-code"]').textContent())!.trim()).toMatch(
      /^\S{6,}$/,
    );
    const after = (await api.call('GET', '/volunteer/me/record', undefined, vol.token)).body;
    expect(Number(await volunteer.textContent('[data-testid="mall-balance"]'))).toBe(after.balance);
    expect(after.balance).toBeLessThan(before + POINTS);
    await shoot(volunteer, 'volunteer-mall', 'volunteer-mall-orders.png');
    // the item's stock went down by the one redeemed
    const stock = Number(/库存 (\d+)/.exec(stockText)![1]);
    await volunteer.click('#mall-tab-items');
    await volunteer
      .locator('[data-testid="mall-item"]', { hasText: '理发服务券' })
      .getByText(`库存 ${stock - 1}`)
      .waitFor();
  }, 600_000);

  test('volunteer: signs up for a community activity (志愿活动) and withdraws', async () => {
    const volunteer = await signIn('volunteer1');
    await openVolunteer(volunteer);
    await volunteer.click('#volunteer-tab-activity');
    const row = volunteer.locator('[data-testid="volunteer-list"] [data-testid="volunteer-row"]', {
      hasText: '周末楼道小广告清理',
    });
    await row.waitFor();
    expect(await row.locator('[data-testid="volunteer-state"]').textContent()).toBe('报名中');
    expect(await row.textContent()).toContain('已报 0/10');
    await row.click();
    await volunteer.waitForSelector('.taro_page_stationed #volunteer-claim');
    expect(await volunteer.textContent('#volunteer-claim')).toContain('报名参加');
    await volunteer.click('#volunteer-claim');
    await volunteer.waitForSelector('.taro_page_stationed #volunteer-withdraw');
    expect(await volunteer.textContent('.taro_page_stationed [data-testid="volunteer-detail"]')).toContain(
      '名额 1/10',
    );
    expect(await volunteer.textContent('[data-testid="volunteer-participants"]')).toContain('刘洋');
    await shoot(volunteer, 'volunteer-detail', 'volunteer-activity.png');
    await volunteer.click('#volunteer-withdraw');
    const dialog = volunteer.locator('.taro__modal');
    await dialog.getByText('取消后名额将让给其他志愿者').waitFor();
    await dialog.getByText('确认取消', { exact: true }).click();
    await volunteer.waitForSelector('.taro_page_stationed #volunteer-claim');
    expect(await volunteer.textContent('.taro_page_stationed [data-testid="volunteer-detail"]')).toContain(
      '名额 0/10',
    );
  }, 300_000);
});
