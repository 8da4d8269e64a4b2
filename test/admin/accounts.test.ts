// 人员与角色 account actions and 设备管理 › 设备网关 in a real browser against the real server (demo community 凤凰社区,
// embedded PGlite):
// - the community admin disables a staff account after a confirmation: it shows 已停用, its password sign-in is
//   refused and the session it had stops working; enabled again, it signs in;
// - 重置密码: mismatched and rule-breaking passwords are stopped in Chinese, then the new one works and the old
//   one no longer does;
// - an account locked by five wrong passwords shows 已锁定; 解锁 lets it sign in at once; the admin's own row
//   offers no 停用;
// - 设备网关: a bridge is added, its secret shown once with the bridge's environment (copy puts it on the
//   clipboard), the secret signs device events; 重置密钥 shows a new one and the old one is refused (401);
// - a grid worker's 设备管理 has no 设备网关 tab and the server refuses their GET /device-bridges.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
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
import { TestBridge, deviceEvent } from '../support/bridge.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let server: Running | undefined;
let ui: ConsoleUnderTest | undefined;
let page: Page;

const SUFFIX = Date.now().toString(36).slice(-5);
const USERNAME = `acct.${SUFFIX}`;
const STAFF_NAME = '赵账号';
const FIRST_PASSWORD = 'Linli-first-2026';
const NEW_PASSWORD = 'Linli-reset-2026';
const BRIDGE_ID = `fh-test-${SUFFIX}`;
const BRIDGE_NAME = '凤凰小区测试网关';

beforeAll(async () => {
  if (!hasChromium) return;
  ui = await openConsole();
  ({ server, page } = ui);
  await ui.browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  const token = await tokenOf(server.base, 'community.admin');
  const me = await apiCall<{ roles: { role: string; orgUnitId: string }[] }>(server.base, 'GET', '/me', {
    token,
  });
  const communityId = me.body.roles.find((g) => g.role === 'community_admin')!.orgUnitId;
  const grids = await apiCall<{ items: { id: string; name: string; parentId: string | null }[] }>(
    server.base,
    'GET',
    `/org-units?kind=grid&pageSize=200&q=${encodeURIComponent('第一网格')}`,
    { token },
  );
  // other communities of the demo have a 第一网格 too: the admin's own
  const grid = grids.body.items.find((g) => g.name === '第一网格' && g.parentId === communityId)!;
  const created = await apiCall(server.base, 'POST', '/users', {
    token,
    body: {
      displayName: STAFF_NAME,
      username: USERNAME,
      password: FIRST_PASSWORD,
      roles: [{ role: 'grid_worker', orgUnitId: grid.id }],
    },
  });
  expect(created.status).toBe(201);
}, 1_200_000);

afterAll(() => closeConsole(ui));

const signInStatus = async (password: string) =>
  (await apiCall(server!.base, 'POST', '/auth/password', { body: { username: USERNAME, password } })).status;

const row = () => page.locator('#staff-table tr.ant-table-row', { hasText: USERNAME });
const statusText = async () => (await row().locator('.staff-status').textContent()) ?? '';

run('人员与角色: disable, reset a password, unlock', () => {
  test('a disabled account cannot sign in and loses its session; enabled again it can', async () => {
    const before = await apiCall<{ accessToken: string }>(server!.base, 'POST', '/auth/password', {
      body: { username: USERNAME, password: FIRST_PASSWORD },
    });
    expect(before.status).toBe(200);

    await signInConsole(page, server!.base, 'community.admin');
    await page.goto(`${server!.base}/admin/staff?q=${USERNAME}`);
    await row().waitFor();
    expect(await statusText()).toContain('正常');

    await row().locator('.staff-disable').click();
    await page.locator('.ant-popconfirm', { hasText: '将不能登录' }).waitFor();
    await page.locator('.staff-disable-confirm').click({ trial: true }); // the popup has stopped moving
    await screenshot(page, 'accounts-disable-confirm');
    await page.click('.staff-disable-confirm');
    await row().locator('.staff-status', { hasText: '已停用' }).waitFor();
    await row().locator('.staff-enable').waitFor();
    await screenshot(page, 'accounts-disabled');

    expect(await signInStatus(FIRST_PASSWORD)).toBe(403);
    const me = await apiCall(server!.base, 'GET', '/me', { token: before.body.accessToken });
    expect(me.status).toBe(401);

    await row().locator('.staff-enable').click();
    await page.click('.staff-enable-confirm');
    await row().locator('.staff-status', { hasText: '正常' }).waitFor();
    expect(await signInStatus(FIRST_PASSWORD)).toBe(200);
  });

  test('重置密码 checks the rules and the repeat; the new password signs in, the old one no longer', async () => {
    await row().locator('.staff-reset-password').click();
    await page.click('#reset-password'); // waits for the dialog to stop moving
    await page.fill('#reset-password', 'onlyletters');
    await page.fill('#reset-confirm', 'onlyletters');
    await page.click('#reset-save');
    await page
      .locator('.ant-modal .ant-form-item-explain-error', { hasText: '须同时含字母和数字' })
      .waitFor();
    await page.fill('#reset-password', NEW_PASSWORD);
    await page.fill('#reset-confirm', `${NEW_PASSWORD}x`);
    await page.click('#reset-save');
    await page
      .locator('.ant-modal .ant-form-item-explain-error', { hasText: '两次输入的密码不一致' })
      .waitFor();
    await screenshot(page, 'accounts-reset-mismatch');
    expect(await signInStatus(FIRST_PASSWORD)).toBe(200); // nothing changed yet

    await page.fill('#reset-confirm', NEW_PASSWORD);
    await page.click('#reset-save');
    await page.locator('#reset-save').waitFor({ state: 'hidden' });
    await page.locator('.ant-message', { hasText: `已重置 ${STAFF_NAME} 的密码` }).waitFor();
    expect(await signInStatus(FIRST_PASSWORD)).toBe(401);
    expect(await signInStatus(NEW_PASSWORD)).toBe(200);
  });

  test('an account locked by wrong passwords shows 已锁定 and 解锁 lets it in again', async () => {
    for (let i = 0; i < 5; i++) expect(await signInStatus('Wrong-password-1')).toBe(401);
    expect(await signInStatus(NEW_PASSWORD)).not.toBe(200); // locked: even the right password is refused
    await page.reload();
    await row().locator('.staff-status', { hasText: '已锁定' }).waitFor();
    await screenshot(page, 'accounts-locked');
    await row().locator('.staff-unlock').click();
    await page.locator('.ant-message', { hasText: '已解锁' }).waitFor();
    await row().locator('.staff-unlock').waitFor({ state: 'detached' });
    expect(await statusText()).not.toContain('已锁定');
    expect(await signInStatus(NEW_PASSWORD)).toBe(200);
  });

  test("the admin's own row offers no 停用", async () => {
    await page.goto(`${server!.base}/admin/staff?q=community.admin`);
    const own = page.locator('#staff-table tr.ant-table-row', { hasText: 'community.admin' });
    await own.waitFor();
    await own.locator('.staff-reset-password').waitFor();
    expect(await own.locator('.staff-disable').count()).toBe(0);
  });
});

/** the modal that shows a secret (the form's modal may still be closing beside it) */
const secretModal = () => page.locator('.ant-modal', { has: page.locator('#bridge-secret') });

run('设备管理 › 设备网关', () => {
  let firstSecret = '';

  test('a new bridge shows its secret once, with the environment to configure, and the secret signs', async () => {
    await page.goto(`${server!.base}/admin/devices`);
    await page.locator('#devices-tabs').getByText('设备网关').click();
    await page.waitForURL(/tab=bridges/);
    await page.click('#bridge-add');
    await page.click('#bridge-id');
    await page.fill('#bridge-id', 'Bad_ID');
    await page.fill('#bridge-name', BRIDGE_NAME);
    await page.click('#bridge-save');
    await page.locator('.ant-modal .ant-form-item-explain-error', { hasText: '小写字母' }).waitFor();
    await page.fill('#bridge-id', BRIDGE_ID);
    await expect(page.locator('#bridge-community').textContent()).resolves.toBe('凤凰社区');
    await page.click('#bridge-save');

    const secret = page.locator('#bridge-secret');
    await secret.waitFor();
    firstSecret = ((await secret.textContent()) ?? '').trim();
    expect(firstSecret.length).toBeGreaterThanOrEqual(16);
    const env = (await page.locator('#bridge-env').textContent()) ?? '';
    expect(env).toContain(`BRIDGE_ID=${BRIDGE_ID}`);
    expect(env).toContain(`DEVICE_BRIDGE_SECRET=${firstSecret}`);
    expect(await secretModal().textContent()).toContain('密钥只显示这一次');
    await page.click('#bridge-secret-copy');
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(firstSecret);
    await page.locator('#bridge-secret-done').click({ trial: true }); // the dialog has stopped moving
    await screenshot(page, 'bridges-secret');

    const posted = await new TestBridge(server!.base, BRIDGE_ID, firstSecret).postEvents([
      deviceEvent('FH-NO-SUCH-DEVICE', 'heartbeat'),
    ]);
    expect(posted.status).toBe(200);

    await page.click('#bridge-secret-done');
    await page.locator('#bridge-secret').waitFor({ state: 'detached' });
    const bridgeRow = page.locator('#bridges-table tr.ant-table-row', { hasText: BRIDGE_ID });
    await bridgeRow.waitFor();
    // the secret is nowhere on the page any more
    expect(await page.locator('body').textContent()).not.toContain(firstSecret);
    const cells = await bridgeRow.locator('td').allTextContents();
    expect(cells[0]).toContain(BRIDGE_NAME);
    expect(cells[2]).toBe('凤凰社区');
  });

  test('重置密钥 shows a new secret and the old one is refused', async () => {
    await page.reload();
    const bridgeRow = page.locator('#bridges-table tr.ant-table-row', { hasText: BRIDGE_ID });
    await bridgeRow.waitFor();
    // it posted in the previous test
    await bridgeRow.locator('.bridge-state', { hasText: '在线' }).waitFor();
    await screenshot(page, 'bridges-list');
    await bridgeRow.locator('.bridge-rotate').click();
    await page.locator('.ant-popconfirm', { hasText: '旧密钥立即失效' }).waitFor();
    await page.click('.bridge-rotate-confirm');
    const secret = page.locator('#bridge-secret');
    await secret.waitFor();
    const newSecret = ((await secret.textContent()) ?? '').trim();
    expect(newSecret).not.toBe(firstSecret);
    expect(await secretModal().textContent()).toContain('旧密钥已经失效');
    await page.locator('#bridge-secret-done').click({ trial: true }); // the dialog has stopped moving
    await screenshot(page, 'bridges-rotated');

    const old = await new TestBridge(server!.base, BRIDGE_ID, firstSecret).postEvents([
      deviceEvent('FH-NO-SUCH-DEVICE', 'heartbeat'),
    ]);
    expect(old.status).toBe(401);
    const fresh = await new TestBridge(server!.base, BRIDGE_ID, newSecret).postEvents([
      deviceEvent('FH-NO-SUCH-DEVICE', 'heartbeat'),
    ]);
    expect(fresh.status).toBe(200);
    await page.click('#bridge-secret-done');
  });

  test('a grid worker has no 设备网关 tab and the server refuses them the list', async () => {
    await signInConsole(page, server!.base, 'grid1');
    await page.goto(`${server!.base}/admin/devices?tab=bridges`);
    await page.locator('#devices-table').waitFor();
    expect(await page.locator('#devices-tabs').count()).toBe(0);
    expect(await page.locator('#bridges-table').count()).toBe(0);
    const token = await tokenOf(server!.base, 'grid1');
    const res = await apiCall(server!.base, 'GET', '/device-bridges', { token });
    expect(res.status).toBe(403);
  });
});
