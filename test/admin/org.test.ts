// 组织与网格, 人员与角色 and 单位与车辆 in a real browser against the real server (demo community 凤凰社区,
// embedded PGlite):
// - the community admin adds a grid under 凤凰社区 and sees it in the tree, with its code in the detail panel;
// - creates a staff account (grid worker of 第一网格), grants it 网格员 on the new grid picked from the tree, and
//   takes the 第一网格 role away after a confirmation; the phone is listed masked;
// - that person signs in to the console with the initial password and has the new grid as their scope, in the
//   scope selector, in the org tree and in GET /me;
// - the admin registers a vehicle with an owner and finds it again by part of its plate, the owner masked;
// - a grid worker has no 人员与角色 menu entry, the server refuses their GET /users, the page itself says so, and
//   the org tree is read-only for them.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
import type { Page } from 'playwright-core';
import {
  DEMO_PASSWORD,
  apiCall,
  hasChromium,
  screenshot,
  tokenOf,
  type Running,
  closeConsole,
  openConsole,
  type ConsoleUnderTest,
  signInConsole,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let server: Running | undefined;
let ui: ConsoleUnderTest | undefined;
let page: Page;

const SUFFIX = Date.now().toString(36).slice(-4);
const GRID_NAME = `测试网格${SUFFIX}`;
const GRID_CODE = `370902001001${String(Date.now()).slice(-3)}`;
const STAFF_NAME = '王测试';
const USERNAME = `gw.test${SUFFIX}`;
const PASSWORD = 'Linli-test-2026';
const PHONE = '13912345678';
const PLATE = `鲁J${String(Date.now()).slice(-5)}`;

interface Unit {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  code: string | null;
}

let communityId = '';
let gridId = '';

beforeAll(async () => {
  if (!hasChromium) return;
  ui = await openConsole();
  ({ server, page } = ui);
  const token = await tokenOf(server.base, 'community.admin');
  const me = await apiCall<{ roles: { role: string; orgUnitId: string }[] }>(server.base, 'GET', '/me', {
    token,
  });
  communityId = me.body.roles.find((g) => g.role === 'community_admin')!.orgUnitId;
}, 1_200_000);

afterAll(() => closeConsole(ui));

function signIn(username: string, password = DEMO_PASSWORD): Promise<void> {
  return signInConsole(page, server!.base, username, password);
}

/** Open an antd Select by its input id and pick the option with that label. */
async function pick(id: string, label: string): Promise<void> {
  await page.click(`#${id}`);
  const option = page.locator(`.ant-select-item-option[title="${label}"]`);
  await option.click();
  await option.waitFor({ state: 'hidden' });
}

/** Open an antd TreeSelect by its input id and pick the (enabled) unit with that name. */
async function pickUnit(id: string, name: string): Promise<void> {
  await page.click(`#${id}`);
  const node = page.locator(
    `.ant-select-tree-treenode:not(.ant-select-tree-treenode-disabled) .ant-select-tree-node-content-wrapper[title="${name}"]`,
  );
  await node.click();
  await node.waitFor({ state: 'hidden' });
}

/** Waits until the detail panel shows that unit. */
const detailOf = (name: string) =>
  page.locator('#org-detail-name', { hasText: new RegExp(`^${name}$`) }).waitFor();

const staffRow = () => page.locator('#staff-table tr.ant-table-row', { hasText: USERNAME });

run('组织与网格 (community admin)', () => {
  test('a grid added under 凤凰社区 shows in the tree and in the API', async () => {
    await signIn('community.admin');
    await page.click('#menu-org-units');
    await page.waitForURL(/\/admin\/org-units/);
    await page.locator(`[data-testid="org-node-${communityId}"]`).click();
    await detailOf('凤凰社区');
    // the demo's grids are listed below the community, each with its grid workers when selected
    await expect(page.locator('#org-detail').textContent()).resolves.toContain('第一网格');
    await expect(page.locator('#org-detail').textContent()).resolves.toContain('岱庙街道'); // its parent

    await page.click('#org-add-child');
    await page.click('#org-name'); // waits for the dialog to stop moving
    await page.fill('#org-name', GRID_NAME);
    await page.fill('#org-code', GRID_CODE);
    await screenshot(page, 'org-add-grid');
    await page.click('#org-save');
    await page.locator('#org-save').waitFor({ state: 'hidden' });

    const node = page.locator('#org-tree .org-node', { hasText: GRID_NAME });
    await node.waitFor();
    await detailOf(GRID_NAME);
    await expect(page.locator('#org-detail-code').textContent()).resolves.toBe(GRID_CODE);
    await expect(page.locator('#org-workers').textContent()).resolves.toContain('尚未配备网格员');

    const token = await tokenOf(server!.base, 'community.admin');
    const found = await apiCall<{ items: Unit[] }>(
      server!.base,
      'GET',
      `/org-units?kind=grid&q=${encodeURIComponent(GRID_NAME)}`,
      { token },
    );
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({ parentId: communityId, code: GRID_CODE, kind: 'grid' });
    gridId = found.body.items[0]!.id;
    await screenshot(page, 'org-tree');
  });

  test('a demo grid shows its grid workers with masked phones', async () => {
    await page.locator('#org-tree .org-node', { hasText: '第一网格' }).click();
    await detailOf('第一网格');
    const workers = page.locator('#org-workers');
    await workers.waitFor();
    const text = (await workers.textContent()) ?? '';
    expect(text).toContain('张伟'); // grid1 in the demo
    expect(text).not.toMatch(/1[3-9]\d{9}/); // no phone in full
  });
});

run('人员与角色 (community admin)', () => {
  test('a new staff account is created as a grid worker of 第一网格, its phone listed masked', async () => {
    await signIn('community.admin');
    await page.click('#menu-staff');
    await page.waitForURL(/\/admin\/staff/);
    await page.locator('#staff-table tr.ant-table-row').first().waitFor();
    await page.click('#staff-add');
    await page.fill('#staff-name', STAFF_NAME);
    await page.fill('#staff-username', USERNAME);
    // the server's rule (10+ characters, letters and digits) is checked before sending
    await page.fill('#staff-password', 'short1');
    await page.fill('#staff-phone', PHONE);
    await pick('staff-role', '网格员');
    await pickUnit('staff-org', '第一网格');
    await page.click('#staff-save');
    await page.locator('#staff-drawer .ant-form-item-explain-error', { hasText: '至少 10 位' }).waitFor();
    await page.fill('#staff-password', PASSWORD);
    await screenshot(page, 'staff-create');
    await page.click('#staff-save');
    await page.locator('#staff-drawer').waitFor({ state: 'hidden' });

    await page.fill('#staff-search', USERNAME);
    await page.press('#staff-search', 'Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === USERNAME);
    await staffRow().waitFor();
    const cells = await staffRow().locator('td').allTextContents();
    expect(cells[0]).toBe(STAFF_NAME);
    expect(cells[2]).toBe('139****5678');
    expect(cells[3]).toContain('网格员');
    expect(cells[3]).toContain('第一网格');
  });

  test('the same username again is refused with a Chinese message', async () => {
    await page.click('#staff-add');
    await page.fill('#staff-name', '重复账号');
    await page.fill('#staff-username', USERNAME);
    await page.fill('#staff-password', PASSWORD);
    await pick('staff-role', '网格员');
    await pickUnit('staff-org', '第二网格');
    await page.click('#staff-save');
    await expect(page.locator('#staff-error').textContent()).resolves.toContain(
      `用户名 ${USERNAME} 已被使用`,
    );
    await page.locator('#staff-drawer .ant-drawer-close').click();
    await page.locator('#staff-drawer').waitFor({ state: 'hidden' });
  });

  test('网格员 is granted on the new grid picked from the tree, and the old role taken away', async () => {
    await staffRow().locator('.staff-grant-add').click();
    await pick('grant-role', '网格员');
    // units of another level are not selectable for a grid worker's role
    await page.click('#grant-org');
    await page
      .locator('.ant-select-tree-treenode-disabled .ant-select-tree-node-content-wrapper[title="凤凰社区"]')
      .waitFor();
    await page.keyboard.press('Escape');
    await pickUnit('grant-org', GRID_NAME);
    await screenshot(page, 'staff-grant');
    await page.click('#grant-save');
    await page.locator('#grant-save').waitFor({ state: 'hidden' });
    await staffRow().locator('.staff-grant', { hasText: GRID_NAME }).waitFor();

    await staffRow().locator('.staff-grant', { hasText: '第一网格' }).locator('.staff-revoke').click();
    await page.locator('.ant-popconfirm', { hasText: '确定收回' }).waitFor();
    await screenshot(page, 'staff-revoke-confirm');
    await page.locator('.staff-revoke-confirm').click();
    await staffRow().locator('.staff-grant', { hasText: '第一网格' }).waitFor({ state: 'detached' });
    const grants = await staffRow().locator('.staff-grant').allTextContents();
    expect(grants).toHaveLength(1);
    expect(grants[0]).toContain(GRID_NAME);
    await screenshot(page, 'staff');
  });

  test('the new grid worker signs in and has the new grid as their scope', async () => {
    const res = await apiCall<{
      accessToken: string;
      user: { roles: { role: string; orgUnitId: string }[] };
    }>(server!.base, 'POST', '/auth/password', { body: { username: USERNAME, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.user.roles).toEqual([
      expect.objectContaining({ role: 'grid_worker', orgUnitId: gridId }),
    ]);

    await signIn(USERNAME, PASSWORD);
    await expect(page.locator('#current-user').textContent()).resolves.toBe(STAFF_NAME);
    await expect(page.locator('.header').textContent()).resolves.toContain(`${GRID_NAME} · 网格员`);
    await page.click('#menu-org-units');
    await page.locator('#org-tree .org-node', { hasText: GRID_NAME }).waitFor();
    // only their own grid: no other grid and not the community
    await expect(page.locator('#org-tree .org-node').count()).resolves.toBe(1);
    await expect(page.locator('#menu-staff').count()).resolves.toBe(0);
    await screenshot(page, 'org-new-grid-worker');
  });
});

run('单位与车辆 (community admin)', () => {
  test('a vehicle is registered with an owner and found again by part of its plate', async () => {
    const token = await tokenOf(server!.base, 'community.admin');
    const residents = await apiCall<{ items: { name: string }[] }>(
      server!.base,
      'GET',
      '/residents?pageSize=1',
      {
        token,
      },
    );
    const owner = residents.body.items[0]!.name;

    await signIn('community.admin');
    await page.click('#menu-organisations');
    await page.waitForURL(/\/admin\/organisations/);
    await page.locator('#orgs-table tr.ant-table-row').first().waitFor();
    await screenshot(page, 'organisations');
    await page.locator('#data-tabs .ant-tabs-tab', { hasText: '车辆' }).click();
    await page.waitForURL((url) => url.searchParams.get('tab') === 'vehicles');
    await page.click('#vehicle-add');
    await page.fill('#vehicle-plate', 'AB123');
    await page.click('#vehicle-save');
    await page
      .locator('#vehicle-drawer .ant-form-item-explain-error', { hasText: '不是有效的车牌号' })
      .waitFor();
    await page.fill('#vehicle-plate', PLATE.toLowerCase());
    await pick('vehicle-kind', '电动自行车');
    await page.click('#vehicle-owner');
    await page.keyboard.type(owner);
    const option = page.locator('.ant-select-item-option', { hasText: owner }).first();
    // the options are search results that may be replaced while the click lands: click until the select shows it
    const chosen = page.locator('.ant-select:has(#vehicle-owner)', { hasText: owner });
    for (let i = 0; i < 3 && !(await chosen.count()); i++) {
      if (i > 0) await page.click('#vehicle-owner');
      await option.click();
      await chosen.waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
    await chosen.waitFor();
    await page.fill('#vehicle-brand', '雅迪');
    await page.fill('#vehicle-color', '白色');
    await screenshot(page, 'vehicle-add');
    await page.click('#vehicle-save');
    await page.locator('#vehicle-drawer').waitFor({ state: 'hidden' });

    // find it again by the last digits of its plate
    await page.fill('#vehicles-search', PLATE.slice(-4));
    await page.press('#vehicles-search', 'Enter');
    await page.waitForURL((url) => url.searchParams.get('plate') === PLATE.slice(-4));
    const row = page.locator('#vehicles-table tr.ant-table-row', { hasText: PLATE });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe(PLATE);
    expect(cells[1]).toBe('电动自行车');
    expect(cells[2]).toBe(`${owner[0]}${'*'.repeat(Math.min(owner.length - 1, 2))}`);
    expect(cells[3]).toBe('雅迪');
    await screenshot(page, 'vehicles');

    const api = await apiCall<{ items: { plate: string; ownerName: string }[] }>(
      server!.base,
      'GET',
      `/vehicles?plate=${encodeURIComponent(PLATE)}`,
      { token },
    );
    expect(api.body.items).toEqual([expect.objectContaining({ plate: PLATE, ownerName: owner })]);
  });
});

run('a grid worker and the staff screen', () => {
  test('grid1 has no 人员与角色 entry, the server refuses, and the org tree is read-only', async () => {
    const token = await tokenOf(server!.base, 'grid1');
    const res = await apiCall(server!.base, 'GET', '/users', { token });
    expect(res.status).toBe(403);
    const grant = await apiCall(server!.base, 'POST', '/org-units', {
      token,
      body: { kind: 'grid', parentId: communityId, name: '越权网格' },
    });
    expect(grant.status).toBe(403);

    await signIn('grid1');
    await page.locator('#menu-cases').waitFor();
    await expect(page.locator('#menu-staff').count()).resolves.toBe(0);
    await expect(page.locator('#menu-organisations').count()).resolves.toBe(1);
    await page.goto(`${server!.base}/admin/staff`);
    await page.locator('.staff-forbidden').waitFor();
    await page.click('#menu-org-units');
    await page.locator('#org-readonly').waitFor();
    await page.locator('#org-tree .org-node', { hasText: '第一网格' }).waitFor();
    await expect(page.locator('#org-edit').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'org-grid-worker');
  });
});
