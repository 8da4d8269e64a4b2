// 事项清单 (the approval item catalogue) in a real browser against the real server (demo community 凤凰社区):
// - the community admin sees the seeded items with their time limit, handling group and state in Chinese;
// - adds an item with two form fields (one a select with options) and one material, finds it listed, changes
//   its time limit, and the API then answers the new limit and the fields in the order entered;
// - an item without a name is refused with a message, and a one-character name with the server's own rule in
//   Chinese next to the form;
// - a grid worker (whom the server refuses to manage items) has no menu entry.
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

const NAME = '临时救助申请（测试）';
const CODE = `temp-aid-${Date.now().toString(36)}`;

interface Item {
  id: string;
  name: string;
  timeLimitDays: number;
  formFields: { key: string; label: string; type: string; required: boolean; options?: string[] }[];
  materials: { name: string; required: boolean; example?: string }[];
  published: boolean;
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

/** Open an antd Select by its input id and pick the option with that label. */
async function pick(id: string, label: string): Promise<void> {
  await page.click(`#${id}`);
  const option = page.locator(`.ant-select-item-option[title="${label}"]`);
  await option.click();
  await option.waitFor({ state: 'hidden' });
}

const itemRow = (name: string) => page.locator('#items-table tr.ant-table-row', { hasText: name });
const fieldRow = (i: number) => page.locator('#item-fields .field-row').nth(i);

run('事项清单 (community admin)', () => {
  test('the seeded items are listed with time limit, handling group and state in Chinese', async () => {
    await signIn('community.admin');
    await page.click('#menu-approval-items');
    await page.waitForURL(/\/admin\/approval-items/);
    const row = itemRow('居住证明');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('居住证明');
    expect(cells[1]).toBe('residence-certificate');
    expect(cells[3]).toBe('3个工作日');
    expect(cells[4]).toBe('凤凰社区 · 网格员'); // the handling unit, then the role
    expect(cells[5]).toBe('3 项');
    expect(cells[6]).toBe('4 项');
    expect(cells[7]).toBe('启用');
    await expect(itemRow('高龄津贴').count()).resolves.toBe(1);
  });

  test('an item with two form fields and one material is added and listed', async () => {
    await page.click('#item-add');
    await page.fill('#item-name', NAME);
    await page.fill('#item-code', CODE);
    await page.fill('#item-days', '7');

    await page.click('#item-field-add');
    await page.click('#item-field-add');
    await fieldRow(0).locator('.field-key').fill('reason');
    await fieldRow(0).locator('.field-label').fill('申请事由');
    await fieldRow(0).locator('.field-required').click();
    await fieldRow(1).locator('.field-key').fill('kind');
    await fieldRow(1).locator('.field-label').fill('救助类型');
    await pick('field-type-1', '下拉选择');
    const options = fieldRow(1).locator('.field-options input');
    for (const o of ['生活困难', '突发事件']) {
      await options.fill(o);
      await options.press('Enter');
    }

    await page.click('#item-material-add');
    await page.locator('#item-materials .material-name').fill('申请人身份证');
    await page.locator('#item-materials .material-note').fill('原件拍照，正反面');
    await screenshot(page, 'catalogue-edit');
    await page.click('#item-save');
    await page.locator('#item-drawer').waitFor({ state: 'hidden' });

    const row = itemRow(NAME);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toBe(CODE);
    expect(cells[3]).toBe('7个工作日');
    expect(cells[5]).toBe('1 项');
    expect(cells[6]).toBe('2 项');
    expect(cells[7]).toBe('启用');
    await screenshot(page, 'catalogue');
  });

  test('its time limit is changed and the API answers the change', async () => {
    await itemRow(NAME).locator('.item-edit').click();
    await expect(page.inputValue('#item-name')).resolves.toBe(NAME);
    await page.fill('#item-days', '10');
    await page.click('#item-save');
    await page.locator('#item-drawer').waitFor({ state: 'hidden' });
    await page
      .locator('#items-table tr.ant-table-row', { hasText: '10个工作日' })
      .filter({ hasText: NAME })
      .waitFor();

    const base = c!.server.base;
    const token = await tokenOf(base, 'community.admin');
    const res = await apiCall<{ items: Item[] }>(
      base,
      'GET',
      `/approval-items?q=${encodeURIComponent('临时救助')}`,
      {
        token,
      },
    );
    expect(res.status).toBe(200);
    const item = res.body.items.find((i) => i.name === NAME)!;
    expect(item.timeLimitDays).toBe(10);
    expect(item.published).toBe(true);
    expect(item.formFields.map((f) => [f.key, f.label, f.type, f.required])).toEqual([
      ['reason', '申请事由', 'text', true],
      ['kind', '救助类型', 'select', false],
    ]);
    expect(item.formFields[1]!.options).toEqual(['生活困难', '突发事件']);
    expect(item.materials).toEqual([{ name: '申请人身份证', required: true, example: '原件拍照，正反面' }]);
  });

  test('an item without a name is refused with a message', async () => {
    await page.click('#item-add');
    await page.fill('#item-days', '5');
    await page.click('#item-save');
    await page.locator('#item-drawer .ant-form-item-explain-error', { hasText: '请填写事项名称' }).waitFor();
    // too short for the server (at least 2 characters): its rule is shown in Chinese, the drawer stays open
    await page.fill('#item-name', '证');
    await page.click('#item-save');
    await expect(page.locator('#item-error').textContent()).resolves.toContain('事项名称：至少 2 个字');
    await expect(page.locator('#item-drawer').isVisible()).resolves.toBe(true);
  });
});

run('事项清单 menu', () => {
  test('a grid worker, whom the server refuses to manage items, has no menu entry', async () => {
    const base = c!.server.base;
    const token = await tokenOf(base, 'grid1');
    const res = await apiCall(base, 'POST', '/approval-items', {
      token,
      body: { name: '网格员的事项', timeLimitDays: 3 },
    });
    expect(res.status).toBe(403);
    await signIn('grid1');
    await page.locator('#menu-cases').waitFor();
    await expect(page.locator('#menu-approval-items').count()).resolves.toBe(0);
  });
});
