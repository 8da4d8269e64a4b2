// 审计日志 in a real browser against the real server (demo community 凤凰社区, embedded PGlite):
// - the community admin registers a resident and reveals their phone with a reason (through the API), then
//   sees both in 审计日志: their own name, the action in Chinese, 手机号 and the reason;
// - filtering by action narrows the list to the reveals; a filter nothing matches says so;
// - a date range of yesterday (China time) leaves the fresh reveal out, today's holds it, in the URL and the export;
// - a grid worker (no audit_log read) has no 审计日志 menu and /audit tells them they may not see it.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import {
  apiCall,
  hasChromium,
  screenshot,
  tokenOf,
  type Running,
  closeConsole,
  openConsole,
  type ConsoleUnderTest,
  idNumber,
  signInConsole,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let server: Running | undefined;
let ui: ConsoleUnderTest | undefined;
let page: Page;

const REASON = '上门走访前电话联系';
let adminName = '';

beforeAll(async () => {
  if (!hasChromium) return;
  ui = await openConsole();
  ({ server, page } = ui);

  // the test's own resident (audited 'create'), whose phone the community admin then reveals (audited 'reveal')
  const token = await tokenOf(server.base, 'community.admin');
  const me = await apiCall<{ displayName: string; roles: { role: string; orgUnitId: string }[] }>(
    server.base,
    'GET',
    '/me',
    { token },
  );
  adminName = me.body.displayName;
  const communityId = me.body.roles.find((g) => g.role === 'community_admin')!.orgUnitId;
  const created = await apiCall<{ id: string }>(server.base, 'POST', '/residents', {
    token,
    body: { communityId, name: '司马青禾', idNumber: idNumber('19500302', 61), phone: '13812348765' },
  });
  if (created.status !== 201) throw new Error(`creating the test resident failed: ${created.status}`);
  const revealed = await apiCall(server.base, 'POST', `/residents/${created.body.id}/reveal`, {
    token,
    body: { fields: ['phone'], reason: REASON },
  });
  if (revealed.status !== 200) throw new Error(`revealing the phone failed: ${revealed.status}`);
}, 1_200_000);

afterAll(() => closeConsole(ui));

const rows = () => page.locator('#audit-table .ant-table-tbody tr.ant-table-row');
const column = (col: number) =>
  page.locator(`#audit-table .ant-table-tbody tr.ant-table-row td:nth-child(${col + 1})`).allTextContents();
const total = async () =>
  Number(/(\d+)/.exec((await page.locator('.ant-pagination-total-text').textContent()) ?? '')![1]);

/** Wait until the table has settled on rows that all pass `ok` (the answer to the latest filter). */
async function settled(ok: (actions: string[]) => boolean): Promise<void> {
  const spinning = page.locator('#audit-table .ant-spin-spinning');
  for (let tries = 0; ; tries++) {
    const actions = await column(2);
    if ((await spinning.count()) === 0 && actions.length > 0 && ok(actions)) return;
    if (tries > 600) throw new Error(`the audit table never settled: ${actions.join(', ')}`);
    await page.waitForTimeout(200);
  }
}

function signIn(username: string): Promise<void> {
  return signInConsole(page, server!.base, username);
}

run('审计日志 (community admin)', () => {
  let unfiltered = 0;

  test('the reveal of a phone is listed with who, what, which field and why', async () => {
    await signIn('community.admin');
    await page.click('#menu-audit');
    await page.waitForURL(/\/admin\/audit/);
    await settled((actions) => actions.includes('查看完整信息') && actions.includes('新增'));
    unfiltered = await total();
    expect(unfiltered).toBeGreaterThanOrEqual(2);

    const reveal = rows().filter({ hasText: '查看完整信息' }).first();
    const cells = await reveal.locator('td').allTextContents();
    expect(cells[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(cells[1]).toBe(adminName);
    expect(cells[2]).toBe('查看完整信息');
    expect(cells[3]).toMatch(/^居民/);
    expect(cells[4]).toBe('手机号');
    expect(cells[5]).toBe(REASON);
    expect(cells[6]!.length).toBeGreaterThan(0); // the request id, for finding the call in the server's log
    // the register entry names both personal fields in Chinese
    const create = await rows().filter({ hasText: '新增' }).first().locator('td').allTextContents();
    expect(create[4]).toContain('身份证号');
    expect(create[4]).toContain('手机号');
    // no full phone or ID number anywhere on the page
    const text = (await page.locator('#audit-table').textContent()) ?? '';
    expect(text).not.toContain('13812348765');
    await screenshot(page, 'audit-log');
  });

  test('filtering by action narrows the list to that action', async () => {
    await page.click('#audit-action');
    const option = page.locator('.ant-select-item-option[title="查看完整信息"]');
    await option.click();
    await page.waitForURL((url) => url.searchParams.get('action') === 'reveal');
    await option.waitFor({ state: 'hidden' }); // the dropdown has closed
    await settled((actions) => actions.every((a) => a === '查看完整信息'));
    const narrowed = await total();
    expect(narrowed).toBeGreaterThanOrEqual(1);
    expect(narrowed).toBeLessThan(unfiltered);
    expect(await column(5)).toContain(REASON);
    await screenshot(page, 'audit-log-filtered');
  });

  test('a date range: 昨天 leaves out the fresh reveal, 今天 holds it; kept in the URL and in the export', async () => {
    // the days as the browser (China time, harness.ts) counts them
    const chinaDay = (ms: number) =>
      new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));
    const today = chinaDay(Date.now());
    const yesterday = chinaDay(Date.now() - 86_400_000);
    /** picks a preset of the range picker and returns the API call the page makes for it */
    const pick = async (preset: string, shot?: string) => {
      await page.click('#audit-range .ant-picker');
      if (shot) {
        await page.locator('.ant-picker-presets li').first().waitFor();
        await screenshot(page, shot);
      }
      const answer = page.waitForResponse(
        (r) => r.url().includes('/api/v1/audit-logs?') && new URL(r.url()).searchParams.has('from'),
      );
      await page.locator('.ant-picker-presets li', { hasText: new RegExp(`^${preset}$`) }).click();
      const response = await answer;
      await page.locator('#audit-table .ant-spin-spinning').waitFor({ state: 'detached' });
      return new URL(response.url()).searchParams;
    };

    const before = await pick('昨天', 'audit-range-picker');
    // yesterday in China time: from its 00:00 to today's 00:00 (exclusive)
    expect(before.get('from')).toBe(`${yesterday}T00:00:00+08:00`);
    expect(before.get('to')).toBe(`${today}T00:00:00+08:00`);
    expect(new URL(page.url()).searchParams.get('from')).toBe(yesterday);
    expect(new URL(page.url()).searchParams.get('to')).toBe(yesterday);
    expect(new URL(page.url()).searchParams.get('action')).toBe('reveal'); // the other filters stay
    await expect(column(5)).resolves.not.toContain(REASON);
    if ((await rows().count()) === 0)
      await page.locator('#audit-table .ant-empty', { hasText: '没有符合条件的记录' }).waitFor();
    await screenshot(page, 'audit-range-yesterday');

    const during = await pick('今天');
    expect(during.get('from')).toBe(`${today}T00:00:00+08:00`);
    await settled((actions) => actions.every((a) => a === '查看完整信息'));
    expect(await column(5)).toContain(REASON);
    expect(new URL(page.url()).searchParams.get('from')).toBe(today);
    expect(new URL(page.url()).searchParams.get('to')).toBe(today);
    const shown = await total();

    // a reload keeps the range (the URL) and the picker shows it
    await page.reload();
    await settled((actions) => actions.every((a) => a === '查看完整信息'));
    expect(await column(5)).toContain(REASON);
    await expect(page.locator('#audit-range input').first().inputValue()).resolves.toBe(today);
    await expect(page.locator('#audit-range input').nth(1).inputValue()).resolves.toBe(today);
    await screenshot(page, 'audit-range-today');

    // the export reads the same range: as many rows as the list's total, the reason among them
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.actualRowCount - 1).toBe(shown);
    const reasons: string[] = [];
    for (let n = 2; n <= sheet.actualRowCount; n += 1)
      reasons.push(String(sheet.getRow(n).getCell(7).value ?? ''));
    expect(reasons).toContain(REASON);

    // back to every day for the next test
    await page.click('#audit-range .ant-picker');
    await page.locator('#audit-range .ant-picker-clear').click();
    await page.waitForURL((url) => !url.searchParams.has('from') && !url.searchParams.has('to'));
  });

  test('a filter nothing matches says so', async () => {
    await page.click('#audit-target-type');
    const option = page.locator('.ant-select-item-option[title="调解案件"]');
    await option.click();
    await page.waitForURL((url) => url.searchParams.get('targetType') === 'dispute');
    await option.waitFor({ state: 'hidden' });
    await page.locator('#audit-table .ant-empty', { hasText: '没有符合条件的记录' }).waitFor();
    await expect(rows().count()).resolves.toBe(0);
  });
});

run('审计日志 for a role without it', () => {
  test('a grid worker has no 审计日志 menu and /audit says they may not see it', async () => {
    await signIn('grid1');
    await page.locator('#menu-cases').waitFor();
    await expect(page.locator('#menu-audit').count()).resolves.toBe(0);
    await page.goto(`${server!.base}/admin/audit`);
    await page.locator('.ant-empty', { hasText: '此角色不能查看审计日志' }).waitFor();
    await expect(page.locator('#audit-table').count()).resolves.toBe(0);
    await screenshot(page, 'audit-forbidden');
    // and the server refuses the call the page would make
    const token = await tokenOf(server!.base, 'grid1');
    const res = await apiCall(server!.base, 'GET', '/audit-logs', { token });
    expect(res.status).toBe(403);
  });
});
