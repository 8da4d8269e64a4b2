// 居民管理 in a real browser against the real server (demo community 凤凰社区, embedded PGlite):
// - the community admin sees the residents with ID numbers and phones masked, and a name search narrows the list;
// - revealing a resident's phone needs a reason, shows the full number in the drawer only and is audited;
// - a register with one bad row is checked (dry run) and cannot be imported; without the bad row it can, and
//   the new residents are then found by name.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
import { readFileSync } from 'node:fs';
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

/** The test's own fake resident (not demo data): revealing their phone is fine in a screenshot. */
const OWN = { name: '慕容秋实', phone: '13912345678', note: '老人精神不错，已提醒按时服药' };
let ownId = '';
let communityId = '';

const HEADER = '姓名,性别,身份证号,联系电话,小区,楼栋,单元,房号,与户关系,网格';
const GOOD = [
  `欧阳晓峰,男,${idNumber('19750312', 11)},13700001111,凤凰家园,1号楼,1单元,2101,户主,第一网格`,
  `欧阳晓晴,女,${idNumber('19780521', 22)},13700002222,凤凰家园,1号楼,1单元,2101,配偶,第一网格`,
  `欧阳晓雨,女,${idNumber('20050908', 42)},,凤凰家园,1号楼,1单元,2101,子女,第一网格`,
];
/** the check digit is wrong: not a valid ID number */
const badId = (() => {
  const id = idNumber('19820101', 33);
  return id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
})();
const BAD = `欧阳晓错,男,${badId},13700003333,凤凰家园,1号楼,1单元,2102,户主,第一网格`;

beforeAll(async () => {
  if (!hasChromium) return;
  ui = await openConsole();
  ({ server, page } = ui);

  // the test's own resident, with a check-in, registered through the API as the community admin
  const token = await tokenOf(server.base, 'community.admin');
  const me = await apiCall<{ roles: { role: string; orgUnitId: string }[] }>(server.base, 'GET', '/me', {
    token,
  });
  communityId = me.body.roles.find((g) => g.role === 'community_admin')!.orgUnitId;
  const created = await apiCall<{ id: string }>(server.base, 'POST', '/residents', {
    token,
    body: {
      communityId,
      name: OWN.name,
      idNumber: idNumber('19440615', 51),
      phone: OWN.phone,
      tags: ['elderly_living_alone'],
    },
  });
  if (created.status !== 201) throw new Error(`creating the test resident failed: ${created.status}`);
  ownId = created.body.id;
  const checkIn = await apiCall(server.base, 'POST', `/residents/${ownId}/check-ins`, {
    token,
    body: { method: 'visit', note: OWN.note },
  });
  if (checkIn.status !== 201) throw new Error(`recording the check-in failed: ${checkIn.status}`);
}, 1_200_000);

afterAll(() => closeConsole(ui));

const rows = () => page.locator('#residents-table .ant-table-tbody tr.ant-table-row');
const cell = (row: number, col: number) => rows().nth(row).locator('td').nth(col);
const total = async () =>
  Number(/(\d+)/.exec((await page.locator('.ant-pagination-total-text').textContent()) ?? '')![1]);

/** Search by name and wait for the table to show the answer (the URL carries the query). */
async function searchName(name: string): Promise<void> {
  const box = page.locator('#residents-search');
  await box.fill(name);
  await box.press('Enter');
  await page.waitForURL((url) => url.searchParams.get('q') === name);
  const names = page.locator('#residents-table .ant-table-tbody tr.ant-table-row td:first-child');
  const spinning = page.locator('#residents-table .ant-spin-spinning');
  for (let tries = 0; ; tries++) {
    const shown = await names.allTextContents();
    if ((await spinning.count()) === 0 && shown.length > 0 && shown.every((n) => n.includes(name))) return;
    if (tries > 600) throw new Error(`the table never showed only people named ${name}: ${shown.join(', ')}`);
    await page.waitForTimeout(200);
  }
}

function signIn(username: string): Promise<void> {
  return signInConsole(page, server!.base, username);
}

/** A CSV register as the browser's file chooser hands it over. */
async function chooseCsv(lines: string[], name: string): Promise<void> {
  await page
    .locator('#import-upload input[type="file"], .ant-upload input[type="file"]')
    .first()
    .setInputFiles({
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8'),
    });
}

run('居民管理 (community admin)', () => {
  let firstName = '';
  let demoTotal = 0;

  test('the residents are listed with ID numbers and phones masked', async () => {
    await signIn('community.admin');
    await page.click('#menu-residents');
    await page.waitForURL(/\/admin\/residents/);
    await rows().first().waitFor();
    demoTotal = await total();
    expect(demoTotal).toBeGreaterThan(100); // the demo community: several hundred people, 20 a page
    expect(await rows().count()).toBe(20);
    firstName = (await cell(0, 0).textContent())!.trim();
    expect(firstName.length).toBeGreaterThanOrEqual(2);
    const phones = await page
      .locator('#residents-table .ant-table-tbody tr.ant-table-row td:nth-child(4)')
      .allTextContents();
    const masked = phones.filter((p) => /^1\d{2}\*{4}\d{4}$/.test(p));
    expect(masked.length).toBeGreaterThan(0);
    expect(phones.filter((p) => /^1\d{10}$/.test(p))).toEqual([]); // no full phone anywhere
    const ids = await page
      .locator('#residents-table .ant-table-tbody tr.ant-table-row td:nth-child(3)')
      .allTextContents();
    expect(ids.some((v) => v.includes('****'))).toBe(true);
    expect(ids.filter((v) => /^\d{17}[\dX]$/.test(v))).toEqual([]);
    await screenshot(page, 'residents-list');
  });

  test('a search by the first row’s name narrows the list to people of that name', async () => {
    await searchName(firstName);
    const found = await total();
    expect(found).toBeGreaterThanOrEqual(1);
    expect(found).toBeLessThan(demoTotal);
    const names = await page
      .locator('#residents-table .ant-table-tbody tr.ant-table-row td:first-child')
      .allTextContents();
    expect(names.length).toBe(Math.min(found, 20));
    for (const n of names) expect(n).toContain(firstName);
  });

  test('revealing a phone needs a reason, shows it in the drawer only, and is audited', async () => {
    await searchName(OWN.name);
    expect(await total()).toBe(1);
    expect(await cell(0, 3).textContent()).toBe('139****5678');
    await cell(0, 0).click();
    const drawer = page.locator('#resident-drawer');
    await drawer.locator('.ant-descriptions').waitFor();
    await expect(drawer.textContent()).resolves.toContain('独居老人');
    await expect(drawer.textContent()).resolves.toContain('139****5678');
    await drawer.locator('#resident-check-ins', { hasText: OWN.note }).waitFor();
    await expect(drawer.locator('#resident-check-ins').textContent()).resolves.toContain('上门探访');

    await page.click('#reveal-button');
    // only the phone is needed: the ID number is left unticked
    const idBox = page.locator('.reveal-fields label', { hasText: '证件号' });
    await idBox.click();
    await expect(idBox.locator('input').isChecked()).resolves.toBe(false);
    const reason = page.locator('#reveal-reason');
    await reason.fill('核实');
    await expect(page.locator('#reveal-confirm').isDisabled()).resolves.toBe(true); // under 4 characters
    await reason.fill('上门走访前电话联系');
    await page.click('#reveal-confirm');
    await page.locator('#reveal-reason').waitFor({ state: 'detached' }); // the dialog is gone
    await page.locator('#reveal-logged', { hasText: '已记录查看日志' }).waitFor();
    await expect(drawer.locator('.revealed-phone').textContent()).resolves.toBe(OWN.phone);
    await expect(drawer.locator('.revealed-idNumber').count()).resolves.toBe(0);
    await expect(drawer.textContent()).resolves.toMatch(/370\*{11}\d{3}[\dX]/); // the ID number stays masked
    // the table behind the drawer keeps the masked value
    expect(await cell(0, 3).textContent()).toBe('139****5678');
    await screenshot(page, 'resident-revealed');

    // the console's own token lists the reveal in the audit log
    const stored = (await page.evaluate('localStorage.getItem("linli.admin.session")')) as string;
    const { accessToken } = JSON.parse(stored) as { accessToken: string };
    const audit = await apiCall<{ items: { fields: string[]; reason: string | null; targetId: string }[] }>(
      server!.base,
      'GET',
      `/audit-logs?action=reveal&targetId=${ownId}`,
      { token: accessToken },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]!.fields).toEqual(['phone']);
    expect(audit.body.items[0]!.reason).toBe('上门走访前电话联系');

    // closing the drawer hides the full values again
    await drawer.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });
    await cell(0, 0).click();
    await drawer.locator('.ant-descriptions').waitFor();
    await expect(drawer.locator('.revealed-phone').count()).resolves.toBe(0);
    await drawer.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });
  });

  test('a register with a bad row cannot be imported; without it, the import adds three residents', async () => {
    await page.click('#residents-import');
    await page.waitForURL(/\/admin\/residents\/import/);

    // the template's header row is one the server reads (an empty register: its columns are all found)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#import-template')]);
    expect(download.suggestedFilename()).toBe('居民导入模板.csv');
    const template = readFileSync((await download.path())!);
    expect(template.toString('utf8')).toMatch(
      /^\ufeff姓名,性别,出生日期,身份证号,联系电话,.*与户关系,网格\r\n$/,
    );
    const checked = await fetch(
      `${server!.base}/api/v1/imports/residents?communityId=${communityId}&dryRun=true`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await tokenOf(server!.base, 'community.admin')}`,
          'content-type': 'text/csv',
        },
        body: template,
      },
    );
    expect(checked.status).toBe(400);
    expect(((await checked.json()) as { error: { message: string } }).error.message).toMatch(/no data rows/);

    // a register without the 与户关系 column is refused as a whole, naming the column
    const noRelation = (line: string) =>
      line
        .split(',')
        .filter((_, i) => i !== 8)
        .join(',');
    await chooseCsv([HEADER, ...GOOD].map(noRelation), '缺列.csv');
    await page.locator('#import-error', { hasText: '文件缺少必填列：与户关系' }).waitFor();
    await expect(page.locator('#import-confirm').isDisabled()).resolves.toBe(true);

    await chooseCsv([HEADER, ...GOOD, BAD], '凤凰家园登记表.csv');
    await page.locator('#import-has-errors').waitFor();
    const problems = page.locator('#import-problems .ant-table-tbody tr.ant-table-row');
    await expect(problems.count()).resolves.toBe(1);
    const cells = await problems.first().locator('td').allTextContents();
    expect(cells[0]).toBe('5'); // the header is row 1: the fourth person is row 5
    expect(cells[1]).toBe('身份证号');
    expect(cells[2]).toContain('不是有效的 18 位居民身份证号');
    await expect(page.locator('#import-report').textContent()).resolves.toMatch(/可导入3/);
    await expect(page.locator('#import-confirm').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'resident-import-errors');

    // nothing was written by the check
    await expect(residentsNamed('欧阳晓')).resolves.toBe(0);

    await chooseCsv([HEADER, ...GOOD], '凤凰家园登记表（改）.csv');
    await page.locator('#import-clean', { hasText: '3 行均可导入' }).waitFor();
    await expect(page.locator('#import-problems').count()).resolves.toBe(0);
    await expect(page.locator('#import-confirm').isDisabled()).resolves.toBe(false);
    await page.click('#import-confirm');
    await page.locator('.import-done', { hasText: '已导入 3 位居民' }).waitFor();
    await page.locator('.ant-upload-list-item').waitFor({ state: 'detached' }); // the imported file is cleared
    await screenshot(page, 'resident-import-done');

    await page.click('#menu-residents');
    await page.waitForURL(/\/admin\/residents$/);
    await rows().first().waitFor();
    await searchName('欧阳晓');
    expect(await total()).toBe(3);
    const names = await page
      .locator('#residents-table .ant-table-tbody tr.ant-table-row td:first-child')
      .allTextContents();
    expect(names.sort()).toEqual(['欧阳晓峰', '欧阳晓晴', '欧阳晓雨'].sort());
    await expect(page.locator('#residents-table .ant-table-tbody').textContent()).resolves.toContain(
      '凤凰家园1号楼1单元2101室',
    );
  });
});

run('居民管理 for other roles', () => {
  test('a grid worker sees the list without the import button; a technician has no 居民管理 menu', async () => {
    await signIn('grid1');
    await page.click('#menu-residents');
    await rows().first().waitFor();
    await expect(page.locator('#residents-import').count()).resolves.toBe(0);
    await page.goto(`${server!.base}/admin/residents/import`);
    await page.locator('.ant-empty', { hasText: '此角色不能导入居民' }).waitFor();
    await expect(page.locator('#import-upload, .ant-upload').count()).resolves.toBe(0);

    await signIn('tech1');
    await page.locator('#menu-cases').waitFor();
    await expect(page.locator('#menu-residents').count()).resolves.toBe(0);
  });
});

/** How many residents the server has by a name fragment (as the community admin, outside the browser). */
async function residentsNamed(q: string): Promise<number> {
  const token = await tokenOf(server!.base, 'community.admin');
  const res = await apiCall<{ total: number }>(server!.base, 'GET', `/residents?q=${encodeURIComponent(q)}`, {
    token,
  });
  return res.body.total;
}
