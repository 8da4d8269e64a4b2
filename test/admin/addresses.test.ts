// 房屋管理 in a real browser against the real server (demo community 凤凰社区, embedded PGlite):
// - the community admin browses 凤凰家园 › 1号楼 › 1单元 in the tree (with counts) and opens a room; finds a room with
//   residents by its address text and sees them in the room's drawer, phone and ID number masked;
// - adds a building (a duplicate name is refused in Chinese first), a unit and a room, renames the building and moves
//   it to another grid; the API shows the new addresses and the grid;
// - adds a resident to the new room (verified at once), approves a resident's own request for it and ends a binding;
// - a grid worker sees the tree without the create buttons (but may edit a room of their grid); a street admin reads
//   only: no create buttons, no 添加住户, no 通过/驳回.
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

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let server: Running;
let ui: ConsoleUnderTest | undefined;
let page: Page;

const SUFFIX = Date.now().toString(36).slice(-4);
const BUILDING = `测试楼${SUFFIX}`;
const RENAMED = `测试楼${SUFFIX}甲`;

interface Named {
  id: string;
  name: string;
}
interface Room {
  id: string;
  gridId: string;
  number: string;
  standardAddress: string;
  areaM2?: number | null;
  usage?: string;
}
interface Binding {
  id: string;
  residentId: string;
  residentName: string;
  roomId: string;
  standardAddress: string;
  status: string;
}
interface Page_<T> {
  items: T[];
  total: number;
}

let adminToken = '';
let communityId = '';
const grids: Record<string, string> = {};
let newRoomId = '';

beforeAll(async () => {
  if (!hasChromium) return;
  ui = await openConsole();
  ({ server, page } = ui);
  adminToken = await tokenOf(server.base, 'community.admin');
  const me = await apiCall<{ roles: { role: string; orgUnitId: string }[] }>(server.base, 'GET', '/me', {
    token: adminToken,
  });
  communityId = me.body.roles.find((g) => g.role === 'community_admin')!.orgUnitId;
  const units = await apiCall<Page_<Named & { parentId: string }>>(
    server.base,
    'GET',
    '/org-units?kind=grid&pageSize=200',
    { token: adminToken },
  );
  for (const g of units.body.items) if (g.parentId === communityId) grids[g.name] = g.id;
}, 1_200_000);

afterAll(() => closeConsole(ui));

const get = async <T>(route: string, token = adminToken): Promise<T> => {
  const res = await apiCall<T>(server.base, 'GET', route, { token });
  expect(res.status).toBe(200);
  return res.body;
};

/** The tree node of an address record (its title), by the record's id. */
const node = (id: string) => page.locator(`[data-testid="address-node-${id}"]`);

/** Opens a tree node's children by its switcher and waits for one child to show. */
async function expand(id: string, childName: string): Promise<void> {
  await page
    .locator('#address-tree .ant-tree-treenode', { has: node(id) })
    .locator('.ant-tree-switcher')
    .click();
  await page.locator('#address-tree .address-node-name', { hasText: childName }).first().waitFor();
}

/** Selects a tree node and waits for its detail panel. */
async function select(id: string, name: string): Promise<void> {
  await node(id).click();
  await page.locator('#address-detail-name', { hasText: new RegExp(`^${name}$`) }).waitFor();
}

/** Open an antd Select by its input id and pick the option with that label. */
async function pick(id: string, label: string | RegExp): Promise<void> {
  await page.click(`#${id}`);
  const option = page.locator('.ant-select-item-option', { hasText: label }).first();
  await option.click();
  await option.waitFor({ state: 'hidden' });
}

/** Wait until nothing is moving (drawers, modals, spinners) before a screenshot, as mall-rosters.test.ts does. */
async function settle(): Promise<void> {
  const moving =
    '.ant-spin-spinning, [class*="-appear-active"], [class*="-enter-active"], [class*="-leave-active"]:not(.ant-btn-icon)';
  try {
    await page.waitForFunction((sel) => !document.querySelector(sel), moving, { timeout: 20_000 });
  } catch {
    console.warn('screenshot taken while something on the page was still moving');
  }
}

async function shot(name: string): Promise<void> {
  await settle();
  await screenshot(page, name);
}

async function save(): Promise<void> {
  await page.click('#address-save');
  await page.locator('#address-save').waitFor({ state: 'hidden' });
}

run('房屋管理 (community admin)', () => {
  test('browse 凤凰家园 › 1号楼 › 1单元 to a room, and find a household by its address', async () => {
    await signInConsole(page, server.base, 'community.admin');
    await page.click('#menu-addresses');
    await page.waitForURL(/\/admin\/addresses/);

    const compounds = await get<Page_<Named>>(`/compounds?communityId=${communityId}&pageSize=50`);
    const home = compounds.items.find((c) => c.name === '凤凰家园')!;
    const buildings = await get<Page_<Named>>(`/buildings?compoundId=${home.id}&pageSize=50`);
    const one = buildings.items.find((b) => b.name === '1号楼')!;
    const units = await get<Page_<Named>>(`/units?buildingId=${one.id}`);
    const unit = units.items.find((u) => u.name === '1单元')!;
    const rooms = await get<Page_<Room>>(`/rooms?unitId=${unit.id}&pageSize=200`);
    const homeRooms = await get<Page_<Room>>(`/rooms?compoundId=${home.id}&pageSize=1`);

    // the compound shows how many buildings and rooms it has, as the API counts them
    await node(home.id).waitFor();
    await expect(node(home.id).textContent()).resolves.toContain(
      `${buildings.total} 栋 · ${homeRooms.total} 间`,
    );
    await expand(home.id, '1号楼');
    await expand(one.id, '1单元');
    await select(unit.id, '1单元');
    await expect(page.locator('#address-detail-address').textContent()).resolves.toMatch(
      /凤凰家园1号楼1单元$/,
    );
    await expect(node(unit.id).textContent()).resolves.toContain(`${rooms.total} 间`);
    // the unit's rooms in the detail panel; one opens the room's drawer with its address and grid
    const first = rooms.items.sort((a, b) => a.number.localeCompare(b.number, 'en', { numeric: true }))[0]!;
    await page.locator('#address-rooms tr.ant-table-row').first().waitFor();
    await expect(page.locator('#address-rooms tr.ant-table-row').count()).resolves.toBe(
      Math.min(rooms.total, 20),
    );
    await shot('addresses-tree');
    await page.locator('#address-rooms tr.ant-table-row', { hasText: `${first.number}室` }).click();
    await page.locator('#room-address', { hasText: first.standardAddress }).waitFor();
    await expect(page.locator('#room-grid').textContent()).resolves.toBe('第一网格');
    await page.keyboard.press('Escape');
    await page.locator('#room-drawer').waitFor({ state: 'hidden' });

    // a room with a verified household, found by the text of its address
    const bound = await get<Page_<Binding>>('/household-bindings?status=verified&pageSize=50');
    const b = bound.items.find((x) => /号楼\d+单元\d+室$/.test(x.standardAddress))!;
    const text = b.standardAddress.replace(/^.*社区/, '');
    await page.fill('#address-search', text);
    await page.press('#address-search', 'Enter');
    const hit = page.locator('#address-search-results tr.ant-table-row').first();
    await hit.waitFor();
    await expect(page.locator('#address-search-results').textContent()).resolves.toContain(text);
    await hit.click();
    const household = page.locator('#room-households tr.ant-table-row', { hasText: b.residentName });
    await household.waitFor();
    await expect(household.textContent()).resolves.toContain('已核验');
    // phone and ID number as the server masks them
    await expect(household.textContent()).resolves.toMatch(/1\d{2}\*{4}\d{4}/);
    await expect(household.textContent()).resolves.toMatch(/\d{3}\*{11}\d{3}[\dX]/);
    await shot('addresses-room-households');
    await page.keyboard.press('Escape');
    await page.locator('#room-drawer').waitFor({ state: 'hidden' });
  });

  test('add a building, a unit and a room; rename the building and move it to another grid', async () => {
    const compounds = await get<Page_<Named>>(`/compounds?communityId=${communityId}&pageSize=50`);
    const home = compounds.items.find((c) => c.name === '凤凰家园')!;
    await select(home.id, '凤凰家园');

    // a name the compound already has is refused by the server, in Chinese, and nothing is added
    await page.click('#address-add-child');
    await page.click('#address-name');
    await page.fill('#address-name', '1号楼');
    await page.fill('#address-floors', '6');
    await pick('address-grid', '第一网格');
    await page.click('#address-save');
    await expect(page.locator('#address-error').textContent()).resolves.toBe('该小区已有同名楼栋');
    await shot('addresses-duplicate-building');
    await page.fill('#address-name', BUILDING);
    await save();
    const added = (await get<Page_<Named>>(`/buildings?compoundId=${home.id}&pageSize=50`)).items.find(
      (x) => x.name === BUILDING,
    )!;
    expect(added).toBeDefined();
    await node(added.id).waitFor();
    await select(added.id, BUILDING);
    await expect(page.locator('#address-detail-grid').textContent()).resolves.toBe('第一网格');

    await page.click('#address-add-child');
    await page.click('#address-name');
    await page.fill('#address-name', '1单元');
    await save();
    const unit = (await get<Page_<Named>>(`/units?buildingId=${added.id}`)).items[0]!;
    expect(unit.name).toBe('1单元');
    await node(unit.id).waitFor();
    await select(unit.id, '1单元');
    await expect(page.locator('#address-rooms').textContent()).resolves.toContain('该单元还没有登记房屋');

    await page.click('#address-add-child');
    await page.click('#address-number');
    await page.fill('#address-number', '502');
    await page.fill('#room-area', '88.5');
    await pick('room-occupancy', '出租');
    await save();
    await page.locator('#address-rooms tr.ant-table-row', { hasText: '502室' }).waitFor();
    await expect(page.locator('#address-rooms tr.ant-table-row').textContent()).resolves.toMatch(
      /502室5.*88\.5 ㎡住宅出租/,
    );
    // the counts up the tree follow
    await page.locator(`[data-testid="address-node-${unit.id}"]`, { hasText: '1 间' }).waitFor();
    await page.locator(`[data-testid="address-node-${added.id}"]`, { hasText: '1 个单元 · 1 间' }).waitFor();

    // rename: the addresses below follow
    await select(added.id, BUILDING);
    await page.click('#address-edit');
    await page.click('#address-name');
    await page.fill('#address-name', RENAMED);
    await save();
    await page.locator('#address-detail-name', { hasText: RENAMED }).waitFor();
    await shot('addresses-renamed');
    const rooms = await get<Page_<Room>>(`/rooms?q=${encodeURIComponent(RENAMED)}`);
    expect(rooms.items).toHaveLength(1);
    expect(rooms.items[0]!.standardAddress).toMatch(new RegExp(`凤凰家园${RENAMED}1单元502室$`));
    expect(rooms.items[0]!.areaM2).toBe(88.5);
    newRoomId = rooms.items[0]!.id;

    // move to 第二网格: the room follows
    await page.click('#address-move');
    await pick('address-grid', '第二网格');
    await save();
    await page.locator('#address-detail-grid', { hasText: '第二网格' }).waitFor();
    const moved = await get<Room>(`/rooms/${newRoomId}`);
    expect(moved.gridId).toBe(grids['第二网格']);
  });

  test("a room's households: add a resident, approve a request, end a binding", async () => {
    // a resident's own request for the new room, and another resident of the community (a name no one else has)
    const residentToken = await tokenOf(server.base, 'resident1');
    const asked = await apiCall<Binding>(server.base, 'POST', '/me/household-bindings', {
      token: residentToken,
      body: { roomId: newRoomId, relation: 'family' },
    });
    expect(asked.status).toBe(201);
    const people = (await get<Page_<Named>>(`/residents?communityId=${communityId}&pageSize=50`)).items;
    const someone = people.find(
      (p) => p.id !== asked.body.residentId && people.filter((q) => q.name === p.name).length === 1,
    )!;

    await page.goto(`${server.base}/admin/addresses?room=${newRoomId}`);
    await page.locator('#room-address', { hasText: `${RENAMED}1单元502室` }).waitFor();
    await expect(page.locator('#room-grid').textContent()).resolves.toBe('第二网格');
    const request = page.locator('#room-households tr.ant-table-row', { hasText: asked.body.residentName });
    await expect(request.textContent()).resolves.toContain('待核验');

    await page.click('#room-add-binding');
    await page.click('#binding-resident');
    await page.keyboard.type(someone.name);
    const option = page.locator('.ant-select-item-option', { hasText: new RegExp(`^${someone.name} ·`) });
    await option.click();
    await option.waitFor({ state: 'hidden' });
    await pick('binding-relation', '租户');
    await page.click('#binding-save');
    await page.locator('#binding-save').waitFor({ state: 'hidden' });
    const added = page.locator('#room-households tr.ant-table-row', { hasText: someone.name });
    await expect(added.textContent()).resolves.toMatch(/租户已核验/);

    await request.locator('.room-binding-approve').click();
    await request.filter({ hasText: '已核验' }).waitFor();
    await shot('addresses-room-bindings');

    await added.locator('.room-binding-end').click();
    await page.fill('#room-binding-note', '已搬离');
    await page.click('#room-binding-confirm');
    await added.filter({ hasText: '已解除' }).waitFor();

    // renumber the room: its address follows; a number the unit already has is refused in Chinese
    await page.click('#room-edit');
    await page.fill('#room-number', '503');
    await page.click('#room-save');
    await page.locator('#room-save').waitFor({ state: 'hidden' });
    await page.locator('#room-address', { hasText: `${RENAMED}1单元503室` }).waitFor();
    expect((await get<Room>(`/rooms/${newRoomId}`)).standardAddress).toMatch(/1单元503室$/);

    const bindings = await get<Page_<Binding>>(`/household-bindings?roomId=${newRoomId}`);
    const status = Object.fromEntries(bindings.items.map((x) => [x.residentId, x.status]));
    expect(status).toEqual({ [someone.id]: 'ended', [asked.body.residentId]: 'verified' });
    expect(bindings.items.find((x) => x.residentId === someone.id)!.residentName).toBe(someone.name);
  });
});

run('房屋管理 (other roles)', () => {
  test('a grid worker browses without the create buttons, but may edit a room of their grid', async () => {
    await signInConsole(page, server.base, 'grid1');
    await page.click('#menu-addresses');
    await page.locator('#addresses-readonly').waitFor();
    const compounds = await get<Page_<Named>>(`/compounds?communityId=${communityId}&pageSize=50`);
    const home = compounds.items.find((c) => c.name === '凤凰家园')!;
    await select(home.id, '凤凰家园');
    await expect(page.locator('#address-add-child').count()).resolves.toBe(0);
    await expect(page.locator('#address-edit').count()).resolves.toBe(0);
    await expect(page.locator('#address-add-compound').count()).resolves.toBe(0);
    // only the buildings of 第一网格: 泰山新村 is in 第三/第四网格 and not listed
    await expect(page.locator('#address-tree').textContent()).resolves.not.toContain('泰山新村');
    await shot('addresses-grid-worker');

    const room = (
      await get<Page_<Room>>(`/rooms?compoundId=${home.id}&gridId=${grids['第一网格']}&pageSize=1`)
    ).items[0]!;
    await page.goto(`${server.base}/admin/addresses?room=${room.id}`);
    await page.locator('#room-address').waitFor();
    await page.click('#room-edit');
    await page.locator('#room-floor').waitFor();
    await expect(page.locator('#room-number').count()).resolves.toBe(0); // the number is the office's to change
    await pick('room-usage', '办公');
    await page.click('#room-save');
    await page.locator('#room-save').waitFor({ state: 'hidden' });
    const token = await tokenOf(server.base, 'grid1');
    expect((await get<Room>(`/rooms/${room.id}`, token)).usage).toBe('office');
  });

  test('a street admin reads only', async () => {
    await signInConsole(page, server.base, 'street.admin');
    await page.click('#menu-addresses');
    await page.locator('#addresses-readonly').waitFor();
    await node(communityId).waitFor(); // the street's communities at the top
    await expect(page.locator('#address-add-compound').count()).resolves.toBe(0);
    await node(communityId).click();
    await page.locator('#address-detail-name', { hasText: '凤凰社区' }).waitFor();
    await expect(page.locator('#address-add-child').count()).resolves.toBe(0);

    await page.goto(`${server.base}/admin/addresses?room=${newRoomId}`);
    const row = page.locator('#room-households tr.ant-table-row').first();
    await row.waitFor();
    await expect(page.locator('#room-households').textContent()).resolves.not.toContain('操作');
    await expect(page.locator('#room-add-binding').count()).resolves.toBe(0);
    await expect(page.locator('#room-edit').count()).resolves.toBe(0);
    await expect(page.locator('.room-binding-end, .room-binding-approve').count()).resolves.toBe(0);
    await shot('addresses-street-admin');
  });
});
