// 积分商城 and 值班排班 in a real browser against the real server (demo community 凤凰社区):
// - the community admin sees the seeded mall items, adds one in the drawer and sees it listed (and a resident
//   can then find it through the API), takes it off the shelf;
// - a volunteer redeems an item (API, as the mini-program does); in 兑换订单 a wrong pickup code is refused and
//   nothing changes, the right one marks it 已发放; a second redemption is cancelled with a reason and the
//   points come back to the volunteer;
// - property staff take a technician off the repair roster and put them back on it; the community admin sees the
//   grid alert roster and adds a grid worker to it.
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
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let c: ConsoleUnderTest | undefined;
let page: Page;
const ITEM = `环保购物袋（测试${String(Date.now()).slice(-5)}）`;

interface MallItem {
  id: string;
  name: string;
  pointsPrice: number;
  stock: number;
  active: boolean;
}
interface Redemption {
  id: string;
  status: string;
  pickupCode?: string;
  points: number;
  balance?: number;
}
interface DutyEntry {
  id: string;
  technician: { id: string; name: string };
  categories: string[];
}

beforeAll(async () => {
  if (!hasChromium) return;
  c = await openConsole();
  page = c.page;
}, 1_200_000);

afterAll(async () => {
  await closeConsole(c);
});

const base = () => c!.server.base;
const itemRow = (name: string) => page.locator('#mall-items-table tr.ant-table-row', { hasText: name });

/** Wait until nothing is moving: table spinners, opening or closing drawers, modals, menus and messages. */
async function settle(): Promise<void> {
  const moving =
    // (a button's loading icon can stay in its leave motion when the button turns disabled: not a moving part)
    '.ant-spin-spinning, [class*="-appear-active"], [class*="-enter-active"], [class*="-leave-active"]:not(.ant-btn-icon)';
  try {
    await page.waitForFunction((sel) => !document.querySelector(sel), moving, { timeout: 20_000 });
  } catch {
    console.warn('screenshot taken while something on the page was still moving');
  }
}

async function items(token: string, all = true): Promise<MallItem[]> {
  const res = await apiCall<{ items: MallItem[] }>(
    base(),
    'GET',
    `/volunteer/mall/items?pageSize=100${all ? '&all=true' : ''}`,
    { token },
  );
  expect(res.status).toBe(200);
  return res.body.items;
}

async function balance(token: string): Promise<number> {
  const res = await apiCall<{ balance: number }>(base(), 'GET', '/volunteer/me/record', { token });
  expect(res.status).toBe(200);
  return res.body.balance;
}

run('积分商城 (community admin)', () => {
  test('lists the seeded goods, adds an item in the drawer and takes it off the shelf', async () => {
    await signInConsole(page, base(), 'community.admin');
    await page.click('#menu-mall');
    await page.waitForURL(/\/admin\/mall/);
    const canteen = itemRow('社区食堂餐券');
    await canteen.waitFor();
    const cells = await canteen.locator('td').allTextContents();
    expect(cells).toEqual(expect.arrayContaining(['服务', '20', '50']));
    await expect(canteen.textContent()).resolves.toContain('已上架');

    await page.click('#mall-item-new');
    await page.waitForSelector('#mall-item-form #mall-item-name');
    // nothing named: refused in the form, nothing written
    await page.fill('#mall-item-name', '');
    await page.click('#mall-item-save');
    await page.getByText('请填写名称').waitFor();
    await page.fill('#mall-item-name', ITEM);
    await page.fill('#mall-item-description', '可重复使用的布袋，到社区服务站领取');
    await page.fill('#mall-item-points', '15');
    await page.fill('#mall-item-stock', '8');
    await page.getByText('请填写名称').waitFor({ state: 'hidden' });
    await settle();
    await screenshot(page, 'mall-item-drawer');
    await page.click('#mall-item-save');
    await page.locator('#mall-item-form').waitFor({ state: 'hidden' });
    const mine = itemRow(ITEM);
    await mine.waitFor();
    await expect(mine.locator('td').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['实物', '凤凰社区', '15', '8', '已上架']),
    );
    await settle();
    await screenshot(page, 'mall-items');

    const resident = await tokenOf(base(), 'resident1');
    const seen = (await items(resident, false)).find((i) => i.name === ITEM);
    expect(seen).toMatchObject({ pointsPrice: 15, stock: 8, active: true });

    await mine.locator('.mall-item-shelf').click();
    await mine.getByText('已下架').waitFor();
    expect((await items(resident, false)).map((i) => i.name)).not.toContain(ITEM);
    const admin = await tokenOf(base(), 'community.admin');
    expect((await items(admin)).find((i) => i.name === ITEM)?.active).toBe(false);
  });

  test('hands over a redemption after checking the pickup code; a wrong code changes nothing', async () => {
    const volunteer = await tokenOf(base(), 'volunteer1');
    const pancake = (await items(volunteer, false)).find((i) => i.name === '煎饼果子兑换券')!;
    const redeemed = await apiCall<Redemption>(base(), 'POST', `/volunteer/mall/items/${pancake.id}/redeem`, {
      token: volunteer,
      body: { quantity: 1 },
    });
    expect(redeemed.status).toBe(201);
    const code = redeemed.body.pickupCode!;
    expect(code).toBeTruthy();

    await page.click('#mall-tabs .ant-tabs-tab:has-text("兑换订单")');
    await page.waitForURL(/tab=orders/);
    const row = page.locator('#redemptions-table tr.ant-table-row', { hasText: '煎饼果子兑换券' }).first();
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('待发放');
    await settle();
    await screenshot(page, 'mall-orders');

    await row.locator('.redemption-fulfil').click();
    await page.fill('#redemption-pickup-code', code === '000000' ? '111111' : '000000');
    await page.click('#redemption-fulfil-confirm');
    await page.getByText('取货码不正确，请核对居民出示的取货码').waitFor();
    const admin = await tokenOf(base(), 'community.admin');
    const still = await apiCall<{ items: Redemption[] }>(
      base(),
      'GET',
      '/volunteer/redemptions?pageSize=100',
      {
        token: admin,
      },
    );
    expect(still.body.items.find((r) => r.id === redeemed.body.id)?.status).toBe('reserved');

    await page.fill('#redemption-pickup-code', code.toLowerCase());
    await page.click('#redemption-fulfil-confirm');
    await page.locator('#redemption-pickup-code').waitFor({ state: 'hidden' });
    const done = await apiCall<{ items: Redemption[] }>(
      base(),
      'GET',
      '/volunteer/redemptions?status=fulfilled&pageSize=100',
      { token: admin },
    );
    expect(done.body.items.map((r) => r.id)).toContain(redeemed.body.id);

    await page.locator('#redemption-status').click();
    await page.locator('.ant-select-item-option', { hasText: '已发放' }).click();
    await page.waitForURL(/status=fulfilled/);
    await page
      .locator('#redemptions-table tr.ant-table-row', { hasText: '煎饼果子兑换券' })
      .first()
      .waitFor();
    await expect(page.locator('#redemptions-table').textContent()).resolves.toContain('已发放');
  });

  test('cancels a redemption with a reason and the points come back', async () => {
    const volunteer = await tokenOf(base(), 'volunteer1');
    const before = await balance(volunteer);
    const canteen = (await items(volunteer, false)).find((i) => i.name === '社区食堂餐券')!;
    const redeemed = await apiCall<Redemption>(base(), 'POST', `/volunteer/mall/items/${canteen.id}/redeem`, {
      token: volunteer,
      body: { quantity: 1 },
    });
    expect(redeemed.status).toBe(201);
    expect(await balance(volunteer)).toBe(before - 20);

    await page.locator('#redemption-status').click();
    await page.locator('.ant-select-item-option', { hasText: '待发放' }).click();
    const row = page.locator('#redemptions-table tr.ant-table-row', { hasText: '社区食堂餐券' }).first();
    await row.waitFor();
    await row.locator('.redemption-cancel').click();
    await page.fill('#redemption-cancel-reason', '本周食堂暂停供餐');
    await settle();
    await screenshot(page, 'mall-cancel');
    await page.click('#redemption-cancel-confirm');
    await page.locator('#redemption-cancel-reason').waitFor({ state: 'hidden' });
    expect(await balance(volunteer)).toBe(before);
  });
});

run('值班排班', () => {
  test('property staff take a technician off the repair roster and put them back on', async () => {
    const staff = await tokenOf(base(), 'property.staff');
    const roster = await apiCall<{ items: DutyEntry[] }>(base(), 'GET', '/repair-duty?pageSize=100', {
      token: staff,
    });
    const tech = roster.body.items.find((e) => e.categories.length === 0)!;
    expect(tech).toBeTruthy();
    const name = tech.technician.name;

    await signInConsole(page, base(), 'property.staff');
    await page.click('#menu-rosters');
    await page.waitForURL(/\/admin\/rosters/);
    const row = page.locator('#repair-roster-table tr.ant-table-row', { hasText: name });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('全部类别');
    await settle();
    await screenshot(page, 'rosters-repair');

    await row.locator('.repair-roster-remove').click();
    await page.click('#repair-roster-remove-confirm');
    await row.waitFor({ state: 'detached' });
    const after = await apiCall<{ items: DutyEntry[] }>(base(), 'GET', '/repair-duty?pageSize=100', {
      token: staff,
    });
    expect(after.body.items.map((e) => e.technician.id)).not.toContain(tech.technician.id);

    await page.locator('#repair-roster-pick').click();
    await page.locator('.ant-select-item-option', { hasText: name }).click();
    await page.click('#repair-roster-add');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('在岗');
    const back = await apiCall<{ items: DutyEntry[] }>(base(), 'GET', '/repair-duty?pageSize=100', {
      token: staff,
    });
    expect(back.body.items.find((e) => e.technician.id === tech.technician.id)).toMatchObject({
      categories: [],
      onDuty: true,
    });
    await settle();
    await screenshot(page, 'rosters-repair-added');
  });

  test('the community admin reads the repair roster, takes a grid worker off a grid alert roster and adds them back', async () => {
    await signInConsole(page, base(), 'community.admin');
    await page.click('#menu-rosters');
    await page.locator('#repair-roster-table tr.ant-table-row').first().waitFor();
    await expect(page.locator('#repair-roster-add').count()).resolves.toBe(0);
    await expect(page.locator('.repair-roster-remove').count()).resolves.toBe(0);

    await page.click('#rosters-tabs .ant-tabs-tab:has-text("网格告警值班")');
    await page.waitForURL(/tab=alert/);
    await page.locator('#alert-roster-grid').click();
    await page.locator('.ant-select-item-option', { hasText: '第一网格' }).click();
    // (choosing the grid already shown changes nothing, so the URL is not waited for)
    await page
      .locator('.ant-select', { has: page.locator('#alert-roster-grid') })
      .getByText('第一网格')
      .waitFor();
    const first = page.locator('#alert-roster-table tr.ant-table-row').first();
    await first.waitFor();
    const person = (await first.locator('.roster-name').textContent())!.trim();
    const admin = await tokenOf(base(), 'community.admin');
    const roster = async () =>
      (
        await apiCall<{
          items: { user: { id: string; name: string }; shiftStart: string; shiftEnd: string }[];
        }>(base(), 'GET', '/alert-duty?pageSize=200', { token: admin })
      ).body.items.filter((e) => e.user.name === person);
    expect(await roster()).toHaveLength(1);
    const row = page.locator('#alert-roster-table tr.ant-table-row', { hasText: person });
    await row.waitFor();

    await row.locator('.alert-roster-remove').click();
    await page.click('#alert-roster-remove-confirm');
    await row.waitFor({ state: 'detached' });
    expect(await roster()).toEqual([]);

    await page.locator('#alert-roster-pick').click();
    await page.locator('.ant-select-item-option', { hasText: person }).click();
    await page.fill('#alert-roster-start', '7:30');
    await page.getByText('时段请按 时:分 填写').waitFor();
    await expect(page.locator('#alert-roster-add').isDisabled()).resolves.toBe(true);
    await page.fill('#alert-roster-start', '07:30');
    await page.fill('#alert-roster-end', '19:30');
    await page.click('#alert-roster-add');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('07:30 至 19:30');
    await settle();
    await screenshot(page, 'rosters-alert');
    expect(await roster()).toEqual([expect.objectContaining({ shiftStart: '07:30', shiftEnd: '19:30' })]);
  });
});
