// The property dispatcher's 派单台 in the browser build, against the real server: with both technicians of the
// demo roster off duty, a resident's repair waits for a dispatcher (待派单). property.staff opens 派单台 from the
// staff home, finds it in 待派单 with its category, address and waiting time, opens it, is stopped in Chinese
// without a technician, sees each technician's open jobs, picks tech2 and confirms: tech2's 我的工单 has it
// (API). Then 处理中 → 待接单 lists it with tech2; the dispatcher reassigns it to tech1 (改派) and the sheet shows
// the new workload (tech1 one more, tech2 one less, as GET /repair-duty counts). Screenshots go to screenshots/.
import type { Page } from 'playwright-core';
import {
  apiClient,
  CHROMIUM,
  DEMO_PASSWORD,
  eventually,
  hasChromium,
  newPhone,
  shootPage,
  usePhoneLab,
} from './harness.js';

const DESCRIPTION = '卫生间地漏返水，地面一直有积水';

interface DutyEntry {
  id: string;
  technician: { id: string; name: string };
  communityId: string;
  onDuty: boolean;
  openJobs: number;
}

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`dispatch: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): property dispatcher (派单台)', () => {
  const lab = usePhoneLab();

  /** the workload line the sheet shows for a technician */
  const workload = (page: Page, name: string) =>
    page
      .locator(`[data-testid="technician-row"][data-name="${name}"] [data-testid="technician-workload"]`)
      .textContent();

  test('待派单 → assign to tech2 → tech2 has it → reassign to tech1 with the new workload', async () => {
    const api = apiClient(lab().server.base);
    const staff = await api.login('property.staff');
    const tech1 = await api.login('tech1');
    const tech2 = await api.login('tech2');
    const roster = async (communityId: string) =>
      new Map(
        (
          await api.call('GET', `/repair-duty?communityId=${communityId}`, undefined, staff.token)
        ).body.items.map((e: DutyEntry) => [e.technician.id, e] as const),
      ) as Map<string, DutyEntry>;

    // nobody on duty: the next repair waits for the dispatcher
    const all = (await api.call('GET', '/repair-duty?pageSize=100', undefined, staff.token)).body
      .items as DutyEntry[];
    expect(all.length).toBeGreaterThan(0);
    for (const e of all) {
      const off = await api.call('PATCH', `/repair-duty/${e.id}`, { onDuty: false }, staff.token);
      expect(off.status).toBe(200);
    }
    const resident = await api.call('POST', '/auth/dev', { username: 'resident1' });
    const residentToken: string = resident.body.accessToken;
    const bindings = await api.call(
      'GET',
      `/household-bindings?residentId=${resident.body.user.residentId}`,
      undefined,
      residentToken,
    );
    const room = bindings.body.items.find((b: { status: string }) => b.status === 'verified');
    const created = await api.call(
      'POST',
      '/repairs',
      { roomId: room.roomId, category: 'water', description: DESCRIPTION },
      residentToken,
    );
    expect(created.status).toBe(201);
    const repair = await eventually(async () => {
      const r = await api.call('GET', `/repairs/${created.body.id}`, undefined, staff.token);
      return r.body.status === 'dispatching' ? r.body : undefined;
    }, 'the repair to wait for a dispatcher');
    const before = await roster(repair.communityId);
    const jobs = (id: string) => before.get(id)?.openJobs ?? 0;
    const name1 = before.get(tech1.userId)!.technician.name;
    const name2 = before.get(tech2.userId)!.technician.name;

    // 派单台 from the staff home: 待派单 lists it with category, address and waiting time
    const page = await newPhone(lab().browser, lab().contexts);
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', 'property.staff');
    await page.fill('#password input', DEMO_PASSWORD);
    await page.click('#password-login');
    await page.waitForSelector('#go-dispatch');
    await shootPage(page, 'home', 'dispatch-staff-home.png');
    await page.click('#go-dispatch');
    const row = page.locator(`[data-testid="dispatch-row"][data-number="${repair.number}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`水 · ${DESCRIPTION}`);
    // the address without the province … community prefix
    const address = await row.locator('[data-testid="dispatch-row-address"]').textContent();
    expect(repair.location.endsWith(address)).toBe(true);
    expect(address).toMatch(/号楼/);
    expect(await row.locator('[data-testid="dispatch-row-waiting"]').textContent()).toMatch(/已等待\d+分钟/);
    expect(await row.locator('.tag').textContent()).toBe('待派单');
    await shootPage(page, 'dispatch-list', 'dispatch-queue.png');
    await row.click();

    // the sheet: the repair, the technicians with their open jobs; no choice is stopped in Chinese
    await page.waitForSelector('.taro_page_stationed [data-testid="technician-list"]');
    expect(await page.textContent('[data-testid="dispatch-address"]')).toBe(repair.location);
    expect(await workload(page, name1)).toBe(`在办工单 ${jobs(tech1.userId)} 单`);
    expect(await workload(page, name2)).toBe(`在办工单 ${jobs(tech2.userId)} 单`);
    await page.click('#submit-dispatch');
    expect(await page.textContent('[data-testid="dispatch-error"]')).toBe('请先选择维修师傅');
    await page.click(`#technician-${tech2.userId}`);
    await page.fill('#dispatch-comment textarea', '请今天下午上门');
    await shootPage(page, 'dispatch-sheet', 'dispatch-sheet.png');
    await page.click('#submit-dispatch');
    const dialog = page.locator('.taro__modal');
    await dialog.getByText('确认派单').waitFor();
    expect(await dialog.textContent()).toContain(`派给${name2}`);
    await dialog.getByText('确定', { exact: true }).click();
    await page.waitForSelector('[data-testid="dispatch-current"]');
    expect(await page.textContent('[data-testid="dispatch-current"]')).toBe(`当前维修师傅：${name2}`);
    expect(await page.textContent('[data-testid="dispatch-status"]')).toBe('待接单');
    expect(await workload(page, name2)).toBe(`在办工单 ${jobs(tech2.userId) + 1} 单`);

    // tech2's 我的工单 has it
    const mine2 = await api.call('GET', '/repairs?view=assigned&pageSize=50', undefined, tech2.token);
    expect(mine2.body.items.map((r: { id: string }) => r.id)).toContain(repair.id);

    // it is not late: 超时 says so; 处理中 → 待接单 lists it with tech2; reassign (改派) to tech1
    await page.goBack();
    await page.waitForSelector('#dispatch-tab-overdue');
    await page.click('#dispatch-tab-overdue');
    await page.getByText('暂无超时的报修').waitFor();
    await page.click('#dispatch-tab-working');
    await page.click('#dispatch-status-dispatched');
    const working = page.locator(`[data-testid="dispatch-row"][data-number="${repair.number}"]`);
    await working.waitFor();
    expect(await working.textContent()).toContain(name2);
    await shootPage(page, 'dispatch-list', 'dispatch-working.png');
    await working.click();
    await page.waitForSelector('.taro_page_stationed [data-testid="technician-list"]');
    // the one it is with cannot be chosen again
    await page.click(`#technician-${tech2.userId}`);
    await page.click('#submit-dispatch');
    expect(await page.textContent('[data-testid="dispatch-error"]')).toBe(
      '该报修已派给这位师傅，请选择其他师傅',
    );
    await page.click(`#technician-${tech1.userId}`);
    await page.click('#submit-dispatch');
    await dialog.getByText('确认改派').waitFor();
    expect(await dialog.textContent()).toContain(`从${name2}改派给${name1}`);
    await dialog.getByText('确定', { exact: true }).click();
    await page.waitForSelector(`text=当前维修师傅：${name1}`);
    const after = await roster(repair.communityId);
    expect(after.get(tech1.userId)!.openJobs).toBe(jobs(tech1.userId) + 1);
    expect(after.get(tech2.userId)!.openJobs).toBe(jobs(tech2.userId));
    expect(await workload(page, name1)).toBe(`在办工单 ${jobs(tech1.userId) + 1} 单`);
    expect(await workload(page, name2)).toBe(`在办工单 ${jobs(tech2.userId)} 单`);
    await shootPage(page, 'dispatch-sheet', 'dispatch-reassigned.png');

    // tech1 has it now, waiting for them to accept
    const mine1 = await api.call('GET', '/repairs?view=assigned&pageSize=50', undefined, tech1.token);
    const held = mine1.body.items.find((r: { id: string }) => r.id === repair.id);
    expect(held).toMatchObject({ status: 'dispatched', technician: { id: tech1.userId } });
  }, 600_000);
});
