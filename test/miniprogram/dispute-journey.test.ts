// Dispute mediation (邻里调解) in the browser build, against the real server: the demo resident opens 邻里调解
// from the home page, applies for mediation (a missing description is stopped on the phone, in Chinese),
// lands on the case's detail, finds it in 我的调解 with its state in Chinese and opens it again. The other
// party's phone is never shown back; the community admin sees the case through GET /disputes, the phone masked.
// Screenshots go to screenshots/.
import type { Page } from 'playwright-core';
import { apiClient, CHROMIUM, hasChromium, shootPage, usePhoneLab } from './harness.js';

/** what the mini-program shows for each dispute state (miniprogram/src/services/dispute.ts) */
const STATE_NAMES: Record<string, string> = {
  registered: '待受理',
  rejected: '不予受理',
  mediating: '调解中',
  signing: '协议待签字',
  follow_up: '待回访',
  closed: '调解成功',
  referred_street: '已转街道',
  referred_court: '已引导诉讼',
};
const TITLE = '楼上阳台晾衣长期滴水';
const DESCRIPTION =
  '楼上302室阳台晾衣不拧干，水长期滴到我家阳台和晾晒的衣物上，多次沟通未果，希望社区帮忙调解';
const OTHER = '302室李某';
const OTHER_PHONE = '13912345678';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`dispute-journey: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): resident applies for dispute mediation (邻里调解)', () => {
  const lab = usePhoneLab();

  const shoot = shootPage;

  /** 我的调解 from the home page */
  async function openMyDisputes(page: Page) {
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#go-disputes');
    await page.click('#go-disputes');
    await page.waitForSelector('.taro_page_stationed [data-testid="dispute-list"]');
  }

  test('resident: 申请调解 → the detail → 我的调解 → the admin sees it', async () => {
    const api = apiClient(lab().server.base);
    const page = await lab().phoneAs('resident1');
    await page.waitForSelector('[data-testid="room"]');

    // 我的调解 (empty or not) offers 申请调解
    await openMyDisputes(page);
    const applyButton = page.locator('#go-dispute-apply, #dispute-apply-empty');
    await applyButton.first().waitFor();
    await applyButton.first().click();

    // the form: the kind, a title, and no description yet → stopped on the phone with the reason
    await page.waitForSelector('#dispute-category-neighbour');
    await page.click('#dispute-category-neighbour');
    await page.fill('#dispute-title input', TITLE);
    await page.click('#submit-dispute');
    await page.getByText('请描述纠纷经过').waitFor();
    await page.fill('#dispute-description textarea', DESCRIPTION);
    await page.fill('#dispute-other-name input', OTHER);
    await page.fill('#dispute-other-phone input', OTHER_PHONE);
    await page.fill('#dispute-other-address input', '1号楼1单元302室');
    await shoot(page, 'dispute-apply', 'dispute-apply.png');
    await page.click('#submit-dispute');

    // the detail of what was just sent: title, kind, description, the parties, a state in Chinese
    await page.waitForSelector('[data-testid="dispute-detail"] [data-testid="dispute-description"]');
    expect(await page.textContent('[data-testid="dispute-description"]')).toBe(DESCRIPTION);
    expect(await page.textContent('[data-testid="dispute-title"]')).toBe(TITLE);
    expect(await page.textContent('[data-testid="dispute-category"]')).toContain('邻里纠纷');
    expect(await page.textContent('[data-testid="dispute-detail"] [data-testid="dispute-state"]')).toBe(
      STATE_NAMES.registered,
    );
    const parties = await page.locator('[data-testid="dispute-party"]').allTextContents();
    expect(parties.join('|')).toContain(`对方当事人：${OTHER}`);
    expect(parties.join('|')).toContain('申请人：');
    // the other party's phone is never shown back
    expect(await page.textContent('[data-testid="dispute-detail"]')).not.toContain(OTHER_PHONE);
    const disputeId = new URL(page.url().replace('#/', '')).searchParams.get('id')!;
    expect(disputeId).toBeTruthy();

    // 我的调解 lists it with its state; it opens to the same detail with its timeline
    await openMyDisputes(page);
    const row = page.locator('[data-testid="dispute-list"] [data-testid="dispute-row"]', { hasText: TITLE });
    await row.waitFor();
    expect(await row.locator('[data-testid="dispute-state"]').textContent()).toBe(STATE_NAMES.registered);
    expect(await row.textContent()).toContain('邻里纠纷');
    await row.click();
    await page.waitForSelector('[data-testid="dispute-detail"] [data-testid="timeline-entry"]');
    const steps = await page
      .locator('[data-testid="dispute-timeline"] [data-testid="timeline-entry"]')
      .allTextContents();
    // the timeline starts with the application and shows it waits for acceptance
    expect(steps[0]).toContain('申请调解');
    expect(steps.slice(1).join('|')).toContain('待处理');
    await shoot(page, 'dispute-detail', 'dispute-detail.png');

    // the community admin sees the resident's case, the other party's phone stored and shown masked only
    const admin = await api.login('community.admin');
    const listed = await api.call('GET', '/disputes?pageSize=50', undefined, admin.token);
    expect(listed.status).toBe(200);
    const seen = listed.body.items.find((d: { id: string }) => d.id === disputeId);
    expect(seen).toMatchObject({
      title: TITLE,
      source: 'resident',
      status: 'registered',
      category: 'neighbour',
    });
    const held = await api.call('GET', `/disputes/${disputeId}`, undefined, admin.token);
    expect(held.status).toBe(200);
    const other = held.body.parties.find((x: { role: string }) => x.role === 'respondent');
    expect(other).toMatchObject({ name: OTHER, phoneMasked: '139****5678' });
    expect(JSON.stringify(held.body)).not.toContain(OTHER_PHONE);
  }, 600_000);
});
