// Notices (社区公告) and party-building news (党建) in the browser build, against the real server: the demo
// community admin publishes a notice through the API and leaves another as a draft; the demo resident finds the
// published one on the home page (the draft nowhere), opens it to its detail with its paragraphs, goes back to
// 更多 (the list), where it is no longer marked unread, and switches to the 党建 tab with the seeded news.
// Screenshots go to screenshots/.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiClient, CHROMIUM, hasChromium, paintPng, shootPage, usePhoneLab } from './harness.js';

const TITLE = '3号楼电梯停运检修通知';
const BODY = '3号楼电梯将于本周三9:00至11:00停运检修。\n\n检修期间请走楼梯，行动不便的居民可联系网格员帮忙。';
const DRAFT = '尚未发布的草稿公告';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`notices: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): resident reads notices and party-building news', () => {
  const lab = usePhoneLab();

  const shoot = shootPage;

  test('a published notice is on the home page and opens; a draft appears nowhere', async () => {
    const api = apiClient(lab().server.base);
    const admin = await api.login('community.admin');
    const me = await api.call('GET', '/me', undefined, admin.token);
    const communityId = me.body.roles.find((r: { role: string }) => r.role === 'community_admin').orgUnitId;
    // a cover image: a real PNG drawn by the browser, uploaded as the admin
    const png = await paintPng(
      lab().browser,
      '<body style="margin:0;background:#1a7f5a;color:#fff;font:bold 40px sans-serif;display:flex;align-items:center;justify-content:center;height:240px">电梯检修</body>',
      path.join(os.tmpdir(), `notice-cover-${process.pid}.png`),
    );
    const upload = await fetch(`${lab().server.base}/api/v1/files?name=cover.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'image/png' },
      body: new Uint8Array(readFileSync(png)),
    });
    expect(upload.status).toBe(201);
    const cover = (await upload.json()) as { id: string };
    const created = await api.call(
      'POST',
      '/notices',
      {
        orgUnitId: communityId,
        kind: 'notice',
        title: TITLE,
        body: BODY,
        pinned: true,
        coverFileId: cover.id,
      },
      admin.token,
    );
    expect(created.status).toBe(201);
    const published = await api.call('POST', `/notices/${created.body.id}/publish`, undefined, admin.token);
    expect(published.body.status).toBe('published');
    const draft = await api.call(
      'POST',
      '/notices',
      { orgUnitId: communityId, kind: 'notice', title: DRAFT, body: '草稿正文', pinned: true },
      admin.token,
    );
    expect(draft.body.status).toBe('draft');

    const page = await lab().phoneAs('resident1');
    await page.waitForSelector('[data-testid="room"]');

    const card = page.locator('.taro_page_stationed [data-testid="home-notices"]');
    const first = card.locator('[data-testid="home-notice"]').first();
    await first.waitFor();
    expect(await first.textContent()).toContain(TITLE);
    expect(await first.locator('.unread').count()).toBe(1);
    expect(await card.textContent()).not.toContain(DRAFT);
    await shoot(page, 'home-notices', 'notices-home.png');

    await first.click();
    await page.waitForSelector('.taro_page_stationed [data-testid="notice-detail-title"]');
    expect(await page.textContent('.taro_page_stationed [data-testid="notice-detail-title"]')).toBe(TITLE);
    const paragraphs = await page
      .locator('.taro_page_stationed [data-testid="notice-body"] .notice-paragraph')
      .allTextContents();
    expect(paragraphs).toEqual(BODY.split('\n\n'));
    expect(await page.textContent('.taro_page_stationed [data-testid="notice-detail"]')).toContain(
      '凤凰社区',
    );
    // the cover is shown to the resident (read through the notice, not as the admin's upload)
    await page.waitForFunction(() => {
      const el = document.querySelector('.taro_page_stationed [data-testid="notice-cover"] img');
      return !!el && (el as unknown as { naturalWidth: number }).naturalWidth > 0;
    });
    await shoot(page, 'notice-detail', 'notices-detail.png');

    // 更多: the full list, the notice read now, the draft absent; the 党建 tab has the seeded news
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#go-notices');
    await page.click('#go-notices');
    const row = page.locator('.taro_page_stationed [data-testid="notice-row"]', { hasText: TITLE });
    await row.waitFor();
    expect(await row.locator('.unread').count()).toBe(0);
    const list = page.locator('.taro_page_stationed [data-testid="notice-list"]');
    await list.getByText('关于凤凰家园小区临时停水的通知').waitFor();
    expect(await list.textContent()).not.toContain(DRAFT);
    await shoot(page, 'notice-list', 'notices-list.png');
    await page.click('#notice-tab-party_news');
    await list.getByText('党员志愿服务队走进独居老人家中').waitFor();
    expect(await list.textContent()).not.toContain(TITLE);
    await shoot(page, 'notice-list', 'notices-party.png');
  }, 600_000);
});
