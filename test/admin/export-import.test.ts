// 导入房屋 and 导出 Excel in a real browser against the real server (demo community 凤凰社区, embedded PGlite):
// - a housing list with one bad row is checked: the row and column are shown, nothing is written, and it cannot
//   be imported; corrected, it imports, and the new rooms are found through GET /rooms?q=;
// - 导出 Excel on 居民管理 downloads an .xlsx with Chinese headers, as many rows as the API's total (all pages,
//   not only the 20 shown) and the phones masked as the list shows them.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import {
  apiCall,
  closeConsole,
  hasChromium,
  openConsole,
  screenshot,
  signInConsole,
  tokenOf,
  type ConsoleUnderTest,
  type Running,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let server: Running | undefined;
let ui: ConsoleUnderTest | undefined;
let page: Page;
let token = '';

const HEADER = '小区,楼栋,单元,房号,面积,用途,网格';
const GOOD = ['凤凰家园,88号楼,1单元,1801,95.5,住宅,第一网格', '凤凰家园,88号楼,1单元,1802,92,商铺,第一网格'];
/** row 3 of the file: the area is written in words */
const BAD = [GOOD[0]!, '凤凰家园,88号楼,1单元,1802,九十二,商铺,第一网格'];

beforeAll(async () => {
  if (!hasChromium) return;
  ui = await openConsole();
  ({ server, page } = ui);
  token = await tokenOf(server.base, 'community.admin');
}, 1_200_000);

afterAll(() => closeConsole(ui));

async function chooseCsv(lines: string[], name: string): Promise<void> {
  await page
    .locator('#import-upload input[type="file"], .ant-upload input[type="file"]')
    .first()
    .setInputFiles({
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(`\ufeff${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8'),
    });
}

const roomsFound = async (q: string) =>
  (
    await apiCall<{ total: number; items: { number: string; standardAddress: string }[] }>(
      server!.base,
      'GET',
      `/rooms?q=${encodeURIComponent(q)}&pageSize=50`,
      { token },
    )
  ).body;

run('导入房屋 and 导出 Excel (community admin)', () => {
  test('a housing list with a bad row is reported by row and column, and nothing is written', async () => {
    await signInConsole(page, server!.base, 'community.admin');
    await page.click('#menu-org-units');
    await page.waitForURL(/\/admin\/org-units/);
    await page.click('#rooms-import');
    await page.waitForURL(/\/admin\/org-units\/import-rooms/);
    await page.getByText('点击或拖入房屋清单').waitFor();

    await chooseCsv(BAD, '房屋清单-有错.csv');
    await page.locator('#import-has-errors').waitFor();
    const problems = page.locator('#import-problems .ant-table-tbody tr.ant-table-row');
    expect(await problems.count()).toBe(1);
    const cells = await problems.first().locator('td').allTextContents();
    expect(cells[0]).toBe('3');
    expect(cells[1]).toBe('面积');
    expect(cells[2]).toContain('不是数字'); // in Chinese, not the server's English
    expect(await page.locator('#import-confirm').isDisabled()).toBe(true);
    await screenshot(page, 'rooms-import-bad-row');
    expect((await roomsFound('凤凰家园88号楼')).total).toBe(0);
  });

  test('the corrected list imports, and the rooms are found by address', async () => {
    await page.locator('.ant-upload-list-item').first().hover();
    await chooseCsv(GOOD, '房屋清单.csv');
    await page.locator('#import-clean').waitFor();
    await page.click('#import-confirm');
    await page.locator('.import-done').waitFor();
    expect(await page.locator('.import-done').textContent()).toContain('已导入 2 间房屋');
    await screenshot(page, 'rooms-import-done');

    const found = await roomsFound('凤凰家园88号楼');
    expect(found.total).toBe(2);
    expect(found.items.map((r) => r.number).sort()).toEqual(['1801', '1802']);
  });

  test('导出 Excel on 居民管理 downloads every resident with Chinese headers and masked phones', async () => {
    await page.click('#menu-residents');
    await page.waitForURL(/\/admin\/residents/);
    await page.locator('#residents-table .ant-table-tbody tr.ant-table-row').first().waitFor();
    const api = await apiCall<{ total: number }>(server!.base, 'GET', '/residents?pageSize=1', { token });
    expect(api.body.total).toBeGreaterThan(200); // more than one export page of 200: paging is exercised

    // the import's toast goes first, so the screenshot shows the export's own
    await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
    expect(download.suggestedFilename()).toMatch(/^居民名单-\d{8}-\d{4}\.xlsx$/);
    const file = await download.path();
    // the toast names the count; the earlier import's toast may still be showing, so match the text
    const toast = page.locator('.ant-message-notice', { hasText: '已导出' });
    await toast.waitFor();
    expect(await toast.textContent()).toContain(`已导出 ${api.body.total} 条`);
    await page.locator('#export-button:not(.ant-btn-loading)').waitFor();
    await page.waitForFunction(
      `(() => { const n = document.querySelector('.ant-message-notice-wrapper'); return n !== null && getComputedStyle(n).opacity === '1'; })()`,
    );
    await screenshot(page, 'residents-export');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    const values = (n: number) =>
      (sheet.getRow(n).values as unknown[]).slice(1).map((v) => (v === undefined ? '' : String(v)));
    expect(values(1)).toEqual(['姓名', '性别', '证件号', '手机', '标签', '住址', '户籍']);
    expect(sheet.actualRowCount - 1).toBe(api.body.total);

    const phones: string[] = [];
    const ids: string[] = [];
    for (let n = 2; n <= sheet.actualRowCount; n += 1) {
      const row = values(n);
      if (row[3]) phones.push(row[3]);
      if (row[2]) ids.push(row[2]);
    }
    expect(phones.length).toBeGreaterThan(100);
    expect(phones.filter((p) => !/^1\d{2}\*{4}\d{4}$/.test(p))).toEqual([]);
    expect(ids.filter((v) => /^\d{17}[\dX]$/.test(v))).toEqual([]);
    expect(ids.some((v) => v.includes('****'))).toBe(true);
  });

  test('流程监控, 督办 and 审计日志 export their lists with Chinese headers, all rows', async () => {
    const lists = [
      {
        menu: '#menu-cases',
        url: /\/admin\/cases/,
        title: '流程监控',
        api: '/instances',
        header: '案件编号',
      },
      {
        menu: '#menu-supervision',
        url: /\/admin\/supervision/,
        title: '督办',
        api: '/tasks?view=all&due=overdue',
        header: '流程',
      },
      { menu: '#menu-audit', url: /\/admin\/audit/, title: '审计日志', api: '/audit-logs', header: '时间' },
    ];
    for (const list of lists) {
      await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
      await page.click(list.menu);
      await page.waitForURL(list.url);
      // the new page's own button: the previous page's may still be there for a moment after the URL changed
      const card = page.locator('.ant-card', {
        has: page.locator('.ant-card-head-title', { hasText: new RegExp(`^${list.title}$`) }),
      });
      await card.locator('#export-button').waitFor();
      const sep = list.api.includes('?') ? '&' : '?';
      const api = await apiCall<{ total: number }>(server!.base, 'GET', `${list.api}${sep}pageSize=1`, {
        token,
      });
      expect(api.status).toBe(200);
      if (api.body.total === 0) {
        // nothing to export: the page says so instead of downloading an empty sheet
        await card.locator('#export-button').click();
        await page.locator('.ant-message-notice', { hasText: '没有符合当前筛选条件的数据' }).waitFor();
        continue;
      }
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        card.locator('#export-button').click(),
      ]);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(await download.path());
      const sheet = workbook.worksheets[0]!;
      expect(String(sheet.getRow(1).getCell(1).value)).toBe(list.header);
      expect(sheet.actualRowCount - 1).toBe(api.body.total);
    }
    await screenshot(page, 'audit-export');
  });
});
