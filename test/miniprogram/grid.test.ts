// My grid (我的网格) in the browser build, against the real server: grid1 signs in, opens 我的网格 from the home
// page (关爱对象 first), filters 独居老人, opens a resident whose phone is masked, is stopped when the reason for
// 查看完整信息 is too short, reveals with a reason (the full phone is shown; the community admin finds the reason
// in the audit log through the API), registers a 走访 by phone that needs follow-up, and sees it in the history
// (the server holds it too). Subscribe-message consent is weapp-only (`services/consent.ts`): not exercised here.
// Screenshots go to screenshots/.
import {
  apiClient,
  CHROMIUM,
  DEMO_PASSWORD,
  hasChromium,
  newPhone,
  shootPage,
  usePhoneLab,
} from './harness.js';

const REASON = '上门走访前需电话联系本人';
const NOTE = '电话问候，老人自述血压偏高，约定周五上门复测';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`grid: ${CHROMIUM} is missing; the browser test is skipped`);

interface Listed {
  id: string;
  name: string;
  phone: string | null;
  masked: boolean;
  tags: string[];
}

run('mini-program (h5): grid worker — my grid, reveal with a reason, 走访', () => {
  const lab = usePhoneLab();

  const shoot = shootPage;

  test('grid1: 我的网格 → 独居老人 → masked phone → reveal with a reason → 登记走访 → history', async () => {
    const api = apiClient(lab().server.base);
    const worker = await api.login('grid1');
    // the first page the app will show for 独居老人, as the server gives it to grid1
    const listed = await api.call(
      'GET',
      '/residents?tag=elderly_living_alone&status=active&page=1&pageSize=20',
      undefined,
      worker.token,
    );
    expect(listed.status).toBe(200);
    const target = (listed.body.items as Listed[]).find((r) => r.phone && r.masked);
    expect(target).toBeDefined();
    const someoneElse = await api.call(
      'GET',
      '/residents?tag=party_member&status=active&pageSize=50',
      undefined,
      worker.token,
    );
    const notAlone = (someoneElse.body.items as Listed[]).find(
      (r) => !r.tags.includes('elderly_living_alone'),
    );

    const page = await newPhone(lab().browser, lab().contexts);
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', 'grid1');
    await page.fill('#password input', DEMO_PASSWORD);
    await page.click('#password-login');
    await page.waitForSelector('#go-grid');
    await page.click('#go-grid');

    // 全部: the care recipients in their own card first, then everyone
    await page.waitForSelector(
      '[data-testid="grid-list"] [data-testid="care-card"] [data-testid="resident-row"]',
    );
    await page.waitForSelector('[data-testid="grid-list"] [data-testid="resident-card"]');
    expect(await page.textContent('[data-testid="care-card"]')).toContain('关爱对象');
    await shoot(page, 'grid-list', 'grid-list.png');

    // 独居老人: only residents with that tag, the target among them
    await page.click('#tag-elderly_living_alone');
    await page.waitForSelector('#tag-elderly_living_alone.chip-on');
    await page.waitForSelector(`[data-testid="resident-card"] #resident-${target!.id}`);
    expect(await page.locator('[data-testid="care-card"]').count()).toBe(0);
    const rows = page.locator('[data-testid="resident-card"] [data-testid="resident-row"]');
    const n = await rows.count();
    expect(n).toBe(Math.min(20, listed.body.total));
    for (let i = 0; i < n; i++) expect(await rows.nth(i).textContent()).toContain('独居老人');
    if (notAlone) expect(await page.locator(`#resident-${notAlone.id}`).count()).toBe(0);
    await shoot(page, 'grid-list', 'grid-filter-alone.png');

    // the resident: phone masked as the server masks it for a grid worker
    await page.click(`#resident-${target!.id}`);
    await page.waitForSelector('[data-testid="resident-detail"] [data-testid="resident-title"]');
    expect(await page.textContent('[data-testid="resident-title"]')).toBe(target!.name);
    const masked = (await page.textContent('#resident-phone'))!;
    expect(masked).toBe(target!.phone);
    expect(masked).toContain('*');
    await page.waitForSelector('[data-testid="household-card"] [data-testid="household-member"]');
    await page.waitForSelector('[data-testid="visit-card"]');
    await shoot(page, 'resident-detail', 'grid-resident-masked.png');

    // 查看完整信息: a reason under 4 characters is stopped on the phone
    await page.click('#reveal-open');
    await page.fill('#reveal-reason textarea', '查看');
    await page.click('#reveal-send');
    await page.getByText('请填写查看原因，至少 4 个字').waitFor();
    expect(await page.textContent('#resident-phone')).toBe(masked);
    await page.fill('#reveal-reason textarea', REASON);
    await page.click('#reveal-send');
    await page.waitForSelector('[data-testid="revealed-note"]');
    const full = (await page.textContent('#resident-phone'))!;
    expect(full).toMatch(/^1\d{10}$/);
    expect(full.slice(0, 3)).toBe(masked.slice(0, 3));
    expect(full.slice(-4)).toBe(masked.slice(-4));
    await shoot(page, 'resident-detail', 'grid-resident-revealed.png');

    // the audit log has the reveal, by grid1, with the reason
    const admin = await api.login('community.admin');
    const audit = await api.call(
      'GET',
      `/audit-logs?targetId=${target!.id}&pageSize=50`,
      undefined,
      admin.token,
    );
    expect(audit.status).toBe(200);
    const entry = (
      audit.body.items as { actorUserId: string; reason: string | null; fields: string[] }[]
    ).find((e) => e.reason === REASON);
    expect(entry).toMatchObject({ actorUserId: worker.userId });
    expect(entry!.fields).toContain('phone');

    // 登记走访: an empty note is stopped; a phone call that needs follow-up is recorded
    await page.click('#visit-new');
    await page.waitForSelector('[data-testid="visit-form"]');
    expect(await page.textContent('[data-testid="visit-form"]')).toContain(`走访对象：${target!.name}`);
    await page.click('#visit-send');
    await page.getByText('请填写走访情况，如：身体状况良好，家中整洁').waitFor();
    await page.click('#method-phone');
    await page.fill('#visit-note textarea', NOTE);
    await page.click('#concern-yes');
    await shoot(page, 'visit-form', 'grid-visit-form.png');
    await page.click('#visit-send');

    // back on the resident: the visit is first in the history
    await page.waitForSelector(
      '.taro_page_stationed [data-testid="resident-detail"] [data-testid="visit-row"]',
    );
    const first = page.locator('.taro_page_stationed [data-testid="visit-row"]').first();
    expect(await first.textContent()).toContain(NOTE);
    expect(await first.textContent()).toContain('电话问候');
    expect(await first.textContent()).toContain('需跟进');
    await shoot(page, 'resident-detail', 'grid-resident-visited.png');

    const held = await api.call('GET', `/residents/${target!.id}/check-ins`, undefined, worker.token);
    expect(held.status).toBe(200);
    expect(held.body.items[0]).toMatchObject({
      method: 'phone',
      note: NOTE,
      concern: true,
      userId: worker.userId,
    });
  });
});
