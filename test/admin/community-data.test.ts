// 设备管理 and 住户审核 in a real browser against the real server (demo community 凤凰社区, embedded PGlite):
// - the community admin registers a door controller at 凤凰家园 1号楼 1单元, finds it in the list with its state,
//   type and vendor in Chinese, and changes its spot (安装点位);
// - the demo resident asks through the API to be bound to another room; the admin approves it in 住户审核 and the
//   API then answers the binding verified;
// - a technician (whom the server refuses) has neither menu entry; a grid worker (whom the server lets verify)
//   has 住户审核.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
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
  signInConsole,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let server: Running | undefined;
let ui: ConsoleUnderTest | undefined;
let page: Page;

const CODE = `TEST-DOOR-${Date.now().toString(36)}`;
const NAME = '测试单元门禁';
const SPOT = '东侧入口';

interface Binding {
  id: string;
  residentName: string;
  standardAddress: string;
  status: string;
}

beforeAll(async () => {
  if (!hasChromium) return;
  ui = await openConsole();
  ({ server, page } = ui);
}, 1_200_000);

afterAll(() => closeConsole(ui));

function signIn(username: string): Promise<void> {
  return signInConsole(page, server!.base, username);
}

/** Open an antd Select by its input id and pick the option with that label. */
async function pick(id: string, label: string): Promise<void> {
  await page.click(`#${id}`);
  const option = page.locator(`.ant-select-item-option[title="${label}"]`);
  await option.click();
  await option.waitFor({ state: 'hidden' });
}

/** A room of 凤凰社区 (the demo resident's community) the demo resident has no binding to yet. */
async function spareRoom(residentToken: string): Promise<{ id: string }> {
  const base = server!.base;
  const admin = await tokenOf(base, 'community.admin');
  const me = await apiCall<{ roles: { role: string; orgUnitId: string }[] }>(base, 'GET', '/me', {
    token: admin,
  });
  const communityId = me.body.roles.find((g) => g.role === 'community_admin')!.orgUnitId;
  const compounds = await apiCall<{ items: { id: string }[] }>(
    base,
    'GET',
    `/compounds?communityId=${communityId}&pageSize=1`,
    { token: admin },
  );
  const rooms = await apiCall<{ items: { id: string }[] }>(
    base,
    'GET',
    `/rooms?compoundId=${compounds.body.items[0]!.id}&pageSize=50`,
    { token: admin },
  );
  const own = await apiCall<{ items: { roomId: string }[] }>(
    base,
    'GET',
    '/household-bindings?pageSize=200',
    {
      token: residentToken,
    },
  );
  const taken = new Set(own.body.items.map((b) => b.roomId));
  return rooms.body.items.find((r) => !taken.has(r.id))!;
}

/** The screens show addresses from below the community (the prefix is the same on every row). */
const inCommunity = (address: string) => address.replace(/^.*?社区(?=.)/, '');

const deviceRow = () => page.locator('#devices-table tr.ant-table-row', { hasText: CODE });

run('设备管理 (community admin)', () => {
  test('a new device is registered at a unit and listed with its state, type and vendor in Chinese', async () => {
    await signIn('community.admin');
    await page.click('#menu-devices');
    await page.waitForURL(/\/admin\/devices/);
    await page.locator('#device-summary').waitFor();
    await page.click('#device-add');
    await page.fill('#device-code', CODE);
    await page.fill('#device-name', NAME);
    await pick('device-kind', '门禁');
    await pick('device-vendor', '大华');
    await pick('device-compound', '凤凰家园');
    await pick('device-building', '1号楼');
    await pick('device-unit', '1单元');
    await screenshot(page, 'devices-add');
    await page.click('#device-save');
    await page.locator('#device-drawer').waitFor({ state: 'hidden' });

    await deviceRow().waitFor();
    const cells = await deviceRow().locator('td').allTextContents();
    expect(cells[0]).toContain(NAME);
    expect(cells[2]).toBe('门禁');
    expect(cells[3]).toBe('大华');
    expect(cells[4]).toContain('1号楼');
    expect(cells[4]).toContain('1单元');
    expect(cells[5]).toMatch(/网格/); // a unit's device belongs to its building's grid
    // the server counts a device as heard from when it is registered (online, last seen now): never 从未上线
    expect(cells[6]).toMatch(/^(在线|离线)/);
    expect(cells[6]).toContain('最后上线');
    await expect(page.locator('#device-summary').textContent()).resolves.toContain('在线率');
    await screenshot(page, 'devices');
  });

  test('the same code twice is refused with a Chinese message', async () => {
    await page.click('#device-add');
    await page.fill('#device-code', CODE);
    await page.fill('#device-name', '重复编号');
    await pick('device-compound', '凤凰家园');
    await page.click('#device-save');
    await expect(page.locator('#device-error').textContent()).resolves.toContain(`设备编号 ${CODE} 已被使用`);
    await page.locator('#device-drawer .ant-drawer-close').click();
    await page.locator('#device-drawer').waitFor({ state: 'hidden' });
  });

  test('editing its spot shows the new place in the list', async () => {
    await deviceRow().locator('.device-edit').click();
    await page.fill('#device-spot', SPOT);
    await page.click('#device-save');
    await page.locator('#device-drawer').waitFor({ state: 'hidden' });
    await page.locator('#devices-table tr.ant-table-row', { hasText: `（${SPOT}）` }).waitFor();
    await expect(deviceRow().locator('td').nth(4).textContent()).resolves.toContain(`（${SPOT}）`);
  });

  test('filtering by 离线 keeps only offline devices', async () => {
    await pick('devices-online', '离线');
    await page.waitForURL((url) => url.searchParams.get('online') === 'false');
    const spinning = page.locator('#devices-table .ant-spin-spinning');
    await spinning.waitFor({ state: 'detached' });
    const states = await page.locator('#devices-table tr.ant-table-row td:nth-child(7)').allTextContents();
    for (const s of states) expect(s.startsWith('离线')).toBe(true);
  });
});

/** The row of one request: the demo data has other requests (pending or done) for the same rooms. */
const bindingRow = (b: Binding) =>
  page
    .locator('#bindings-table tr.ant-table-row', { hasText: inCommunity(b.standardAddress) })
    .filter({ hasText: b.residentName });

run('住户审核 (community admin)', () => {
  let binding: Binding;
  let residentToken = '';

  test('a resident’s request is listed as pending and approved; the API then shows it verified', async () => {
    const base = server!.base;
    residentToken = await tokenOf(base, 'resident1');
    const room = await spareRoom(residentToken);
    const asked = await apiCall<Binding>(base, 'POST', '/me/household-bindings', {
      token: residentToken,
      body: { roomId: room.id, relation: 'family' },
    });
    expect(asked.status).toBe(201);
    binding = asked.body;
    expect(binding.status).toBe('pending');

    await signIn('community.admin');
    await page.click('#menu-bindings');
    await page.waitForURL(/\/admin\/bindings/);
    const row = bindingRow(binding);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe(binding.residentName);
    expect(cells[2]).toBe('家庭成员');
    await screenshot(page, 'bindings');

    await row.locator('.binding-approve').click();
    await row.waitFor({ state: 'detached' });
    const after = await apiCall<Binding>(base, 'GET', `/household-bindings/${binding.id}`, {
      token: residentToken,
    });
    expect(after.body.status).toBe('verified');

    await page.locator('#bindings-tabs .ant-tabs-tab', { hasText: '已处理' }).click();
    const done = bindingRow(binding);
    await done.waitFor();
    await expect(done.textContent()).resolves.toContain('已核验');
  });

  test('驳回 needs a reason, and the reason is kept with the binding', async () => {
    const base = server!.base;
    const room = await spareRoom(residentToken);
    const asked = await apiCall<Binding>(base, 'POST', '/me/household-bindings', {
      token: residentToken,
      body: { roomId: room.id, relation: 'tenant' },
    });
    expect(asked.status).toBe(201);

    await page.locator('#bindings-tabs .ant-tabs-tab', { hasText: '待审核' }).click();
    const row = bindingRow(asked.body);
    await row.waitFor();
    await row.locator('.binding-reject').click();
    await expect(page.locator('#binding-reject-confirm').isDisabled()).resolves.toBe(true);
    await page.fill('#binding-reject-reason', '租赁合同已过期');
    await page.click('#binding-reject-confirm');
    await row.waitFor({ state: 'detached' });
    const after = await apiCall<Binding & { reviewNote: string }>(
      base,
      'GET',
      `/household-bindings/${asked.body.id}`,
      { token: residentToken },
    );
    expect(after.body.status).toBe('rejected');
    expect(after.body.reviewNote).toBe('租赁合同已过期');
  });
});

run('menus follow what the server allows', () => {
  test('a technician, whom the server refuses, has neither 设备管理 nor 住户审核', async () => {
    const token = await tokenOf(server!.base, 'tech1');
    const res = await apiCall(server!.base, 'GET', '/household-bindings?status=pending', { token });
    expect(res.status).toBe(403);
    await signIn('tech1');
    await page.locator('#menu-cases').waitFor();
    await expect(page.locator('#menu-bindings').count()).resolves.toBe(0);
    await expect(page.locator('#menu-devices').count()).resolves.toBe(0);
  });

  test('a grid worker, whom the server lets verify bindings, has 住户审核 but cannot add devices', async () => {
    await signIn('grid1');
    await page.click('#menu-bindings');
    await page.locator('#bindings-table').waitFor();
    await page.click('#menu-devices');
    await page.locator('#devices-table').waitFor();
    await expect(page.locator('#device-add').count()).resolves.toBe(0);
  });
});
