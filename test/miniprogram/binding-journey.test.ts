// A new resident binds to their room in the browser build, against the real server: an account with no resident
// record signs in (development sign-in), follows 去绑定 from the home page, searches the standard address (a wide
// search shows 20 and 加载更多; a narrower one finds the room), picks the room and 租户, gives their name, sends
// it and sees 审核中 on 我的房屋. The community admin verifies it through the API (the admin console's 住户审核 does
// the same); the resident then sees 已认证 there and on 我的, and 我要报修 offers that room. A refused request
// shows 未通过 with the reason. Screenshots go to screenshots/.
import { apiClient, CHROMIUM, hasChromium, shootPage, usePhoneLab } from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`binding-journey: ${CHROMIUM} is missing; the browser test is skipped`);

interface RoomRow {
  id: string;
  standardAddress: string;
}

/** what the app shows of an address (services/people.ts shortAddress) */
const short = (a: string) => a.replace(/^.*?社区/, '');

run('mini-program (h5): a new resident binds to a room', () => {
  const lab = usePhoneLab();

  const shoot = shootPage;

  /**
   * An account of someone who is nobody's resident yet: what a first WeChat sign-in makes. The browser build
   * cannot call wx.login, so the community admin makes a plain account (a grant is required to create one, and
   * taken away at once) and the browser uses the development sign-in with its username.
   */
  async function newcomer(username: string, adminToken: string, communityId: string) {
    const api = apiClient(lab().server.base);
    const made = await api.call(
      'POST',
      '/users',
      {
        displayName: '新住户',
        username,
        password: 'Linli-pass-2026',
        roles: [{ role: 'volunteer', orgUnitId: communityId }],
      },
      adminToken,
    );
    expect(made.status).toBe(201);
    const grantId = made.body.roles[0].id ?? made.body.roles[0].grantId;
    const bare = await api.call('DELETE', `/users/${made.body.id}/roles/${grantId}`, undefined, adminToken);
    expect(bare.status).toBe(200);
    expect(bare.body.roles).toHaveLength(0);
  }

  test('search → pick the room and 租户 → 审核中 → verified by the community → 已认证 and 我要报修 with that room', async () => {
    const api = apiClient(lab().server.base);
    const admin = await api.login('community.admin');
    const adminMe = await api.call('GET', '/me', undefined, admin.token);
    const communityId = adminMe.body.roles.find(
      (g: { role: string }) => g.role === 'community_admin',
    ).orgUnitId;
    await newcomer('newcomer1', admin.token, communityId);

    // a room of 凤凰社区 nobody is bound to, and a wide search that has more than one page
    const rooms = (await api.call('GET', '/rooms?q=凤凰&pageSize=100', undefined, admin.token)).body
      .items as RoomRow[];
    expect(rooms.length).toBeGreaterThan(40);
    let room: RoomRow | undefined;
    for (const r of rooms.slice(20)) {
      const b = await api.call('GET', `/household-bindings?roomId=${r.id}`, undefined, admin.token);
      if (b.body.total === 0) {
        room = r;
        break;
      }
    }
    expect(room).toBeDefined();
    const exact = short(room!.standardAddress);
    // the compound's name: what comes before the building number
    const compound = exact.replace(/\d.*$/, '');
    expect(compound.length).toBeGreaterThanOrEqual(2);
    const wide = (
      await api.call('GET', `/rooms?q=${encodeURIComponent(compound)}&pageSize=1`, undefined, admin.token)
    ).body.total as number;
    expect(wide).toBeGreaterThan(20);

    // the newcomer lands on the home page: not bound yet, 去绑定
    const page = await lab().phoneAs('newcomer1');
    expect(await page.textContent('#go-bind-room')).toContain('您还没有绑定房屋');
    await shoot(page, 'home', 'binding-0-home.png');
    await page.click('#go-bind-room');
    await page.waitForSelector('.taro_page_stationed [data-testid="bindings"] [data-testid="empty"]');
    await page.click('.taro_page_stationed #start-binding');
    await page.waitForSelector('#address-search');

    // a wide search: 20 at a time, 加载更多 brings the next 20
    await page.fill('#address-search input', compound);
    await page.waitForSelector('[data-testid="room-result"]');
    expect(await page.locator('[data-testid="room-result"]').count()).toBe(20);
    expect(await page.textContent('[data-testid="room-results"]')).toContain(`找到 ${wide} 套房屋`);
    await page.click('#more-rooms');
    await page.locator('[data-testid="room-result"]').nth(20).waitFor();
    expect(await page.locator('[data-testid="room-result"]').count()).toBe(Math.min(40, wide));

    // a search that finds nothing says what to do
    await page.fill('#address-search input', '不存在的小区99号');
    await page.waitForSelector('[data-testid="no-rooms"]');
    expect(await page.textContent('[data-testid="no-rooms"]')).toContain('请换个写法');

    // the exact address: pick it, 租户, the name; sending without a relation is refused first
    await page.fill('#address-search input', exact);
    await page.waitForSelector(`#room-${room!.id}`);
    await page.click(`#room-${room!.id}`);
    expect(await page.textContent('[data-testid="picked-room"]')).toBe(exact);
    await page.click('#submit-binding');
    await page.getByText('请选择您与房屋的关系').waitFor();
    await page.click('#relation-tenant');
    await page.fill('#binding-name input', '林小满');
    await shoot(page, 'bind', 'binding-1-form.png');
    await page.click('#submit-binding');

    // back on 我的房屋: 审核中
    const row = page.locator('.taro_page_stationed [data-testid="binding-row"]', { hasText: exact });
    await row.waitFor();
    expect(await row.locator('[data-testid="binding-status"]').textContent()).toBe('审核中');
    expect(await row.textContent()).toContain('租户');
    await shoot(page, 'bindings', 'binding-2-pending.png');

    // the server holds the request: pending, for a resident record made from it
    const pending = await api.call(
      'GET',
      `/household-bindings?roomId=${room!.id}&status=pending`,
      undefined,
      admin.token,
    );
    expect(pending.body.items).toHaveLength(1);
    expect(pending.body.items[0]).toMatchObject({ relation: 'tenant', residentName: '林小满' });

    // the community verifies it
    const verified = await api.call(
      'POST',
      `/household-bindings/${pending.body.items[0].id}/review`,
      { decision: 'verify', note: '已核实租赁合同' },
      admin.token,
    );
    expect(verified.status).toBe(200);

    // 我的 → 绑定房屋: 已认证
    await page.goto(`${lab().front.base}/#/pages/me/index`);
    await page.waitForSelector('#go-binding');
    expect(await page.textContent('[data-testid="me"]')).toContain('已认证');
    // once the page it came from has slid away
    await page.waitForSelector('[data-testid="bindings"]', { state: 'hidden' });
    await shoot(page, 'me', 'binding-3-me.png');
    await page.click('#go-binding');
    const done = page.locator('.taro_page_stationed [data-testid="binding-row"]', { hasText: exact });
    await done.waitFor();
    await page.waitForFunction(
      () =>
        document.querySelector('.taro_page_stationed [data-testid="binding-status"]')?.textContent ===
        '已认证',
    );
    await shoot(page, 'bindings', 'binding-3-verified-list.png');

    // 我要报修 offers the room
    await page.goto(`${lab().front.base}/#/pages/index/index`);
    await page.waitForSelector('[data-testid="room"]');
    expect(await page.textContent('[data-testid="room"]')).toContain('已认证');
    await page.click('#go-report');
    await page.waitForSelector('[data-testid="room-chip"]');
    expect(await page.textContent('[data-testid="room-chip"]')).toContain(exact);
    await shoot(page, 'repair-report', 'binding-4-repair.png');
  }, 600_000);

  test('a refused request shows 未通过 with the reason', async () => {
    const api = apiClient(lab().server.base);
    const admin = await api.login('community.admin');
    const adminMe = await api.call('GET', '/me', undefined, admin.token);
    const communityId = adminMe.body.roles.find(
      (g: { role: string }) => g.role === 'community_admin',
    ).orgUnitId;
    await newcomer('newcomer2', admin.token, communityId);
    const who = await api.call('POST', '/auth/dev', { username: 'newcomer2' });
    const rooms = (await api.call('GET', '/rooms?q=凤凰&pageSize=5', undefined, who.body.accessToken)).body
      .items as RoomRow[];
    const asked = await api.call(
      'POST',
      '/me/household-bindings',
      { roomId: rooms[0]!.id, relation: 'owner', name: '王大山' },
      who.body.accessToken,
    );
    expect(asked.status).toBe(201);
    const refused = await api.call(
      'POST',
      `/household-bindings/${asked.body.id}/review`,
      { decision: 'reject', note: '房产证姓名不符，请携带材料到社区服务站' },
      admin.token,
    );
    expect(refused.status).toBe(200);

    const page = await lab().phoneAs('newcomer2');
    await page.goto(`${lab().front.base}/#/pages/binding/index`);
    const row = page.locator('.taro_page_stationed [data-testid="binding-row"]');
    await row.waitFor();
    expect(await row.locator('[data-testid="binding-status"]').textContent()).toBe('未通过');
    expect(await row.locator('[data-testid="binding-reason"]').textContent()).toBe(
      '未通过原因：房产证姓名不符，请携带材料到社区服务站',
    );
    await shoot(page, 'bindings', 'binding-5-refused.png');
  }, 300_000);
});
