// The repair journey in the browser build, against the real server: a resident reports a repair with a photo →
// the technician it was dispatched to (a second browser context) accepts it from the task inbox and records the
// fix with a photo → the resident, told in the inbox, confirms and rates it. Screenshots go to screenshots/.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  apiClient,
  ensureScreenshots,
  eventually,
  hasChromium,
  newPhone,
  paintPng,
  pickFile,
  usePhoneLab,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;

run('mini-program (h5): repair journey', () => {
  const lab = usePhoneLab();
  let tmp: string;
  let photo: string;
  let shots: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-mp-photos-'));
    shots = ensureScreenshots();
    // a real PNG to upload: a picture of a "leaking tap" drawn by the browser
    photo = await paintPng(
      lab().browser,
      '<body style="margin:0;background:#cde"><div style="margin:60px auto;width:120px;height:120px;border-radius:60px;background:#39c;color:#fff;font:40px sans-serif;text-align:center;line-height:120px">水</div></body>',
      path.join(tmp, 'tap.png'),
    );
  }, 900_000);

  afterAll(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const phone = () => newPhone(lab().browser, lab().contexts);

  test('resident reports → technician accepts and fixes → resident confirms and rates', async () => {
    const api = apiClient(lab().server.base);

    // the resident signs in (development sign-in: the browser has no wx.login) and lands on the home page
    const resident = await lab().phoneAs('resident1');
    await resident.waitForSelector('[data-testid="room"]');
    expect(await resident.textContent('[data-testid="home"]')).toContain('暂无进行中的报修');

    // reports a leaking tap with a photo and a preferred time
    await resident.click('#go-report');
    await resident.waitForSelector('#category-water');
    await resident.click('#category-water');
    await resident.fill('#description textarea', '厨房水龙头一直滴水，关不紧');
    await pickFile(resident, '#add-photo', photo);
    await resident.waitForSelector('[data-testid="picked-photo"]');
    await resident.click('#slot-morning');
    await resident.screenshot({ path: path.join(shots, 'repair-1-resident-report.png'), fullPage: true });
    await resident.click('#submit-repair');
    await resident.waitForSelector('[data-testid="repair-detail"] [data-testid="repair-status"]');
    expect(await resident.textContent('[data-testid="repair-description"]')).toBe(
      '厨房水龙头一直滴水，关不紧',
    );
    await resident.waitForSelector('[data-testid="case-photo"]');
    const repairId = new URL(resident.url().replace('#', '')).searchParams.get('id');
    expect(repairId).toBeTruthy();

    // the server dispatched it to a technician on duty; find out which one
    const me = await api.call('POST', '/auth/dev', { username: 'resident1' });
    const dispatched = await eventually(async () => {
      const r = await api.call('GET', `/repairs/${repairId}`, undefined, me.body.accessToken);
      return r.body.technician && r.body.status === 'dispatched' ? r.body : undefined;
    }, 'the repair to be dispatched');
    expect(dispatched.photoFileIds).toHaveLength(1);
    expect(dispatched.preferredFrom).toBeTruthy();
    let techUsername = '';
    for (const name of ['tech1', 'tech2']) {
      if ((await api.login(name)).userId === dispatched.technician.id) techUsername = name;
    }
    expect(techUsername).not.toBe('');

    // the technician signs in with username and password, opens the job from the task inbox and accepts it
    const tech = await phone();
    await tech.goto(`${lab().front.base}/`);
    await tech.waitForSelector('#username');
    await tech.fill('#username input', techUsername);
    await tech.fill('#password input', 'linli-demo-2026');
    await tech.click('#password-login');
    await tech.waitForSelector('#count-assigned');
    await tech.click('#count-assigned');
    await tech.waitForSelector('[data-testid="task-row"]');
    expect(await tech.textContent('[data-testid="tasks"]')).toContain('物业报修');
    await tech.click('[data-testid="task-row"]');
    await tech.click('#open-repair');
    await tech.click('#accept-job');

    // records the fix: a note and a photo of the result
    await tech.waitForSelector('#fix-note');
    await tech.fill('#fix-note textarea', '更换水龙头阀芯，试水正常');
    await pickFile(tech, '#fix-add-photo', photo);
    await tech.waitForSelector('[data-testid="fix-photo"]');
    await tech.screenshot({ path: path.join(shots, 'repair-2-technician-fix.png'), fullPage: true });
    await tech.click('#submit-fix');
    await tech.waitForFunction(() =>
      document.querySelector('[data-testid="repair-status"]')?.textContent?.includes('待确认'),
    );

    // the resident is told in the inbox, opens the repair from the message, confirms and rates 4 stars
    await resident.goto(`${lab().front.base}/#/pages/messages/index`);
    const message = resident.locator('[data-testid="message"]', { hasText: '报修已完工，请确认评价' });
    await eventually(async () => {
      if ((await message.count()) > 0) return true;
      await resident.reload();
      await resident.waitForSelector('[data-testid="messages"]');
      return (await message.count()) > 0;
    }, 'the fixed notice in the inbox');
    await message.first().click();
    // Taro's H5 router can keep the detail page opened after reporting in the DOM, hidden, with what it showed
    // then (unless a reload above cleared it): read the page just opened, the one with the confirm card
    const detail = resident.locator('[data-testid="repair-detail"]', {
      has: resident.locator('[data-testid="confirm-card"]'),
    });
    await detail.waitFor();
    expect(await detail.textContent()).toContain('更换水龙头阀芯，试水正常');
    await resident.click('#star-4');
    await resident.fill('#rating-comment textarea', '师傅很准时，修得很好');
    await resident.click('#confirm-repair');
    const rated = resident.locator('[data-testid="repair-detail"]', {
      has: resident.locator('[data-testid="rating"]'),
    });
    await rated.locator('[data-testid="repair-status"]', { hasText: '已完成' }).waitFor();
    expect(await rated.locator('[data-testid="timeline"]').textContent()).toContain('维修完成');
    await resident.screenshot({ path: path.join(shots, 'repair-3-resident-rated.png'), fullPage: true });

    // what the server holds agrees with what the screens showed
    const closed = await api.call('GET', `/repairs/${repairId}`, undefined, me.body.accessToken);
    expect(closed.body).toMatchObject({
      status: 'closed',
      rating: 4,
      ratingComment: '师傅很准时，修得很好',
      fixNote: '更换水龙头阀芯，试水正常',
      closedAs: 'confirmed',
    });
    expect(closed.body.afterPhotoFileIds).toHaveLength(1);
    // two phones, eleven screens and a dozen API steps: minutes on a busy shared machine (no timing is asserted)
  }, 600_000);

  test('a wrong password is refused with a Chinese message and no session', async () => {
    const page = await phone();
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', 'tech1');
    await page.fill('#password input', 'not-the-password');
    await page.click('#password-login');
    await page.waitForSelector('[data-testid="login-error"]');
    expect(await page.textContent('[data-testid="login-error"]')).toBe('用户名或密码错误');
    expect(page.url()).toContain('pages/login/index');
  });
});
