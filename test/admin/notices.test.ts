// 公告管理 (notices and party-building news) in a real browser against the real server (demo community 凤凰社区):
// - the community admin sees the seeded notices and 党建 items in the table, in Chinese;
// - writes a notice in the drawer (title, kind, body with a live preview, a cover image), saves it as a draft (草稿), publishes
//   it from the table, finds it as 已发布, and a resident then reads it through the API; withdraws it (已撤回);
// - saving without a title is refused with a message naming 标题, and nothing is written;
// - a grid worker (whom the server refuses to write notices) has no menu entry and is told so on the page.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
import type { Page } from 'playwright-core';
import {
  apiCall,
  closeConsole,
  hasChromium,
  openConsole,
  screenshot,
  tokenOf,
  type ConsoleUnderTest,
  signInConsole,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let c: ConsoleUnderTest | undefined;
let page: Page;
const TITLE = `电梯年检通知（测试${String(Date.now()).slice(-5)}）`;

interface NoticeRow {
  id: string;
  coverFileId: string | null;
  title: string;
  status: string;
  body: string;
}

beforeAll(async () => {
  if (!hasChromium) return;
  c = await openConsole();
  page = c.page;
}, 1_200_000);

afterAll(async () => {
  await closeConsole(c);
});

function signIn(username: string): Promise<void> {
  return signInConsole(page, c!.server.base, username);
}

const row = (title: string) => page.locator('#notices-table tr.ant-table-row', { hasText: title });

run('公告管理 (community admin)', () => {
  test('the seeded notices and party-building news are listed in Chinese', async () => {
    await signIn('community.admin');
    await page.click('#menu-notices');
    await page.waitForURL(/\/admin\/notices/);
    const water = row('关于凤凰家园小区临时停水的通知');
    await water.waitFor();
    const cells = await water.locator('td').allTextContents();
    expect(cells[1]).toBe('社区公告');
    expect(cells[2]).toBe('凤凰社区');
    expect(cells[3]).toBe('已发布');
    await expect(row('党员志愿服务队走进独居老人家中').locator('td').nth(1).textContent()).resolves.toBe(
      '党建动态',
    );
    await screenshot(page, 'notices-list');
  });

  test('a notice without a title is refused, naming the field, and nothing is written', async () => {
    const token = await tokenOf(c!.server.base, 'community.admin');
    const before = await apiCall<{ total: number }>(c!.server.base, 'GET', '/notices?status=draft', {
      token,
    });
    await page.click('#notice-new');
    await page.waitForSelector('#notice-drawer #notice-body');
    await page.fill('#notice-body', '只有正文');
    await page.click('#notice-save');
    await page.waitForSelector('#notice-form-error');
    await expect(page.locator('#notice-form-error').textContent()).resolves.toContain('标题');
    const after = await apiCall<{ total: number }>(c!.server.base, 'GET', '/notices?status=draft', { token });
    expect(after.body.total).toBe(before.body.total);
    await page.locator('.ant-drawer-close').click();
    await page.locator('#notice-drawer').waitFor({ state: 'hidden' });
  });

  test('writes a draft with a live preview, publishes it, a resident reads it, then withdraws it', async () => {
    await page.click('#notice-new');
    await page.waitForSelector('#notice-drawer #notice-title');
    await page.fill('#notice-title', TITLE);
    await page.fill(
      '#notice-body',
      '3号楼电梯将于周三上午进行年度检验。\n\n检验期间电梯停运约2小时，请合理安排出行。',
    );
    await page.click('#notice-pinned');
    // a cover: a real PNG (a piece of the console itself), shown in the preview once uploaded
    const png = await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 320, height: 160 } });
    await page
      .locator('#notice-drawer input[type="file"]')
      .setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() => {
      const img = document.querySelector('#notice-cover-preview');
      return !!img && (img as unknown as { naturalWidth: number }).naturalWidth > 0;
    });
    const preview = page.locator('#notice-preview');
    await expect(preview.textContent()).resolves.toContain('检验期间电梯停运约2小时');
    await expect(preview.locator('.ant-typography').filter({ hasText: '3号楼电梯' }).count()).resolves.toBe(
      1,
    );
    await screenshot(page, 'notices-editor');
    await page.click('#notice-save');
    await page.locator('#notice-drawer').waitFor({ state: 'hidden' });
    const mine = row(TITLE);
    await mine.waitFor();
    await expect(mine.locator('.notice-status').textContent()).resolves.toBe('草稿');

    const resident = await tokenOf(c!.server.base, 'resident1');
    const unseen = await apiCall<{ items: NoticeRow[] }>(c!.server.base, 'GET', '/notices?pageSize=50', {
      token: resident,
    });
    expect(unseen.body.items.map((n) => n.title)).not.toContain(TITLE);

    await mine.locator('.notice-publish').click();
    await expect(mine.locator('.notice-status', { hasText: '已发布' }).waitFor()).resolves.toBeUndefined();
    const seen = await apiCall<{ items: NoticeRow[] }>(c!.server.base, 'GET', '/notices?pageSize=50', {
      token: resident,
    });
    const published = seen.body.items.find((n) => n.title === TITLE);
    expect(published?.body).toContain('请合理安排出行');
    expect(published?.coverFileId).toBeTruthy();
    await screenshot(page, 'notices-published');

    await mine.locator('.notice-withdraw').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await mine.locator('.notice-status', { hasText: '已撤回' }).waitFor();
    const gone = await apiCall<{ items: NoticeRow[] }>(c!.server.base, 'GET', '/notices?pageSize=50', {
      token: resident,
    });
    expect(gone.body.items.map((n) => n.title)).not.toContain(TITLE);
  });
});

run('公告管理 (grid worker)', () => {
  test('has no menu entry, the page says why, and the server refuses to write', async () => {
    const token = await tokenOf(c!.server.base, 'grid1');
    const refused = await apiCall(c!.server.base, 'POST', '/notices', {
      token,
      body: {
        orgUnitId: '00000000-0000-4000-8000-000000000000',
        kind: 'notice',
        title: '测试',
        body: '测试',
      },
    });
    expect(refused.status).toBe(403);
    await signIn('grid1');
    await expect(page.locator('#menu-notices').count()).resolves.toBe(0);
    await page.goto(`${c!.server.base}/admin/notices`);
    await page.getByText('此角色不能管理公告').waitFor();
    await screenshot(page, 'notices-grid-worker');
  });
});
