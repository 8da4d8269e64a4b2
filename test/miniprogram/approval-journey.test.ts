// Services (办事) in the browser build, against the real server: the demo resident opens 办事 from the home page,
// reads the catalogue (办事指南) and the parking permit's guide (materials, time limit), applies with the
// item's form and a photo per material (the empty form and the missing material are stopped on the phone, in
// Chinese; the draft survives a reload). The community admin (second browser context) sees the case in the
// task inbox, opens its task and works every step in the mini-program: 预审 → 受理 → 承办 → 审核 → 办结 with a
// photo of the permit. The resident then sees 已办结 with the result and rates the service.
// Screenshots go to screenshots/.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  apiClient,
  CHROMIUM,
  DEMO_PASSWORD,
  hasChromium,
  newPhone,
  paintPng,
  pickFile,
  shootPage,
  usePhoneLab,
} from './harness.js';

const ITEM = '小区停车证办理';
const PLATE = '鲁H6A8B9';
const PHONE = '13905387788';

/** the page in front: the router's last page (pages below it stay in the document, hidden) */
const TOP = '.taro_router > .taro_page:last-child';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`approval-journey: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): resident applies for an item (办事) → staff accept and conclude it', () => {
  const lab = usePhoneLab();
  let tmp: string;
  let photo: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-mp-approval-'));
    photo = await paintPng(
      lab().browser,
      '<body style="margin:0;background:#eef"><div style="margin:50px auto;width:220px;height:140px;border:4px solid #336;background:#fff;color:#336;font:36px sans-serif;text-align:center;line-height:140px">行驶证</div></body>',
      path.join(tmp, 'licence.png'),
    );
  }, 900_000);

  afterAll(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const shoot = shootPage;

  /** the text of an element on the page in front */
  const front$ = (page: Page, selector: string) => page.locator(`${TOP} ${selector}`).first().textContent();

  /** waits until the staff page shows the given step (or state) after the last one was sent */
  async function waitForText(page: Page, selector: string, text: string) {
    await page.waitForFunction(
      ([sel, t]) => (document.querySelector(sel!)?.textContent ?? '').includes(t!),
      [`${TOP} ${selector}`, text],
    );
  }

  test('apply with the form and material photos → staff work every step → 已办结 and rated', async () => {
    const api = apiClient(lab().server.base);

    // the resident signs in and opens 办事 → 办事指南 from the home page
    const resident = await lab().phoneAs('resident1');
    await resident.waitForSelector('[data-testid="room"]');
    await resident.click('#go-approvals');
    await resident.waitForSelector(`${TOP} [data-testid="approval-list"]`);
    const guide = resident.locator('#go-approval-items, #approval-guide-empty');
    await guide.first().waitFor();
    await guide.first().click();

    // the catalogue lists the community's items with their time limits
    const row = resident.locator('[data-testid="approval-item"]', { hasText: ITEM });
    await row.waitFor();
    const catalogue = await resident.locator('[data-testid="approval-items"]').textContent();
    for (const name of ['居住证明', '最低生活保障申请（低保）', '高龄津贴申领', '残疾人证代办', ITEM])
      expect(catalogue).toContain(name);
    expect(await row.textContent()).toContain('3 个工作日');
    await shoot(resident, 'approval-items', 'approval-1-catalogue.png');

    // the item's guide: what to bring, how long it takes, what to fill in
    await row.click();
    await resident.waitForSelector(`${TOP} [data-testid="item-materials"]`);
    const materials = await resident.locator('[data-testid="item-material"]').allTextContents();
    expect(materials).toEqual([
      expect.stringContaining('机动车行驶证（必交）'),
      expect.stringContaining('机动车驾驶证（必交）'),
      expect.stringContaining('房产证明或租赁合同（必交）'),
    ]);
    expect(await front$(resident, '[data-testid="item-time-limit"]')).toContain('3 个工作日');
    expect(await front$(resident, '[data-testid="item-form"]')).toContain('车牌号');
    await shoot(resident, 'approval-item-detail', 'approval-2-item-guide.png');

    // the form: nothing filled → stopped with the first missing field, in Chinese
    await resident.click('#go-approval-apply');
    await resident.waitForSelector('#field-plate');
    await resident.click('#submit-approval');
    await resident.getByText('请填写车牌号').waitFor();
    await resident.fill('#field-plate input', PLATE);
    await resident.fill('#field-phone input', '1390538');
    await resident.click('#field-vehicleType-2');
    await resident.click('#submit-approval');
    await resident.getByText('联系电话应为 11 位手机号').waitFor();
    await resident.fill('#field-phone input', PHONE);

    // the draft survives a reload of the page
    await resident.reload();
    await resident.waitForSelector('#field-plate');
    expect(await resident.inputValue('#field-plate input')).toBe(PLATE);
    expect(await resident.inputValue('#field-phone input')).toBe(PHONE);

    // no material yet → stopped; then one photo per required material
    await resident.click('#submit-approval');
    await resident.getByText('请上传材料：机动车行驶证').waitFor();
    for (const i of [0, 1, 2]) {
      await pickFile(resident, `#material-add-${i}`, photo);
      await resident.locator('[data-testid="material-photo"]').nth(i).waitFor();
    }
    await shoot(resident, 'approval-apply', 'approval-3-apply-form.png');
    await resident.click('#submit-approval');

    // the new case: 待预审, the phone masked, the materials as sent
    await resident.waitForSelector('[data-testid="approval-detail"] [data-testid="approval-number"]');
    expect(await front$(resident, '[data-testid="approval-state"]')).toBe('待预审');
    expect(await front$(resident, '[data-testid="approval-item-name"]')).toBe(ITEM);
    const form = await front$(resident, '[data-testid="approval-form"]');
    expect(form).toContain(PLATE);
    expect(form).toContain('新能源汽车');
    expect(form).not.toContain(PHONE);
    expect(form).toContain('139****7788');
    await resident.waitForSelector(`${TOP} [data-testid="approval-materials"] [data-testid="case-photo"]`);
    expect(await resident.locator(`${TOP} [data-testid="case-photo"]`).count()).toBe(3);
    const approvalId = new URL(resident.url().replace('#/', '')).searchParams.get('id')!;
    const number = (await front$(resident, '[data-testid="approval-number"]'))!;
    expect(number).toBeTruthy();

    // the community admin: the case's open step is a 预审 task for community admins to pick up
    const admin = await api.login('community.admin');
    const held = await api.call('GET', `/approvals/${approvalId}`, undefined, admin.token);
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ state: 'pre_review', number });
    const taskId: string = held.body.taskId;
    expect(taskId).toBeTruthy();

    const staff = await newPhone(lab().browser, lab().contexts);
    await staff.goto(`${lab().front.base}/`);
    await staff.waitForSelector('#username');
    await staff.fill('#username input', 'community.admin');
    await staff.fill('#password input', DEMO_PASSWORD);
    await staff.click('#password-login');
    await staff.waitForSelector('#count-candidate');
    await staff.click('#count-candidate');
    await staff.waitForSelector('[data-testid="task-row"]');
    expect(await staff.textContent('[data-testid="tasks"]')).toContain('事项代办');

    // the task (as a notice would link it) opens the case's handling page at 预审
    await staff.goto(`${lab().front.base}/#/pages/task/index?id=${taskId}`);
    await staff.waitForSelector(`${TOP} #open-approval`);
    await staff.click(`${TOP} #open-approval`);
    await staff.waitForSelector(`${TOP} [data-testid="approval-step"]`);
    expect(await front$(staff, '[data-testid="approval-number"]')).toBe(number);
    expect(await front$(staff, '[data-testid="approval-step-name"]')).toBe('当前环节：预审');
    const seen = await front$(staff, '[data-testid="approval-form"]');
    expect(seen).toContain(PLATE);
    expect(seen).not.toContain(PHONE);
    await staff.waitForSelector(`${TOP} [data-testid="approval-materials"] [data-testid="case-photo"]`);
    await shoot(staff, 'approval-handle', 'approval-4-staff-pre-review.png');

    // 预审 asks for a clearer driving licence (补正): nothing chosen → stopped; then the material is named
    await staff.click(`${TOP} #decision-incomplete`);
    await staff.click(`${TOP} #submit-step`);
    await staff.getByText('请选择需要补正的材料或信息').waitFor();
    await staff.click(`${TOP} #missing-material-1`);
    await staff.fill(`${TOP} #step-comment textarea`, '驾驶证照片不清晰，请重新拍摄');
    await staff.click(`${TOP} #submit-step`);
    await waitForText(staff, '[data-testid="approval-state"]', '待补正');
    expect(await front$(staff, '[data-testid="approval-waiting"]')).toContain('机动车驾驶证');

    // the resident sees 待补正 with what is asked, and hands in a new photo of it
    await resident.reload();
    await resident.waitForSelector(`${TOP} [data-testid="approval-supplement"]`);
    expect(await front$(resident, '[data-testid="approval-state"]')).toBe('待补正');
    const asked = await front$(resident, '[data-testid="approval-supplement"]');
    expect(asked).toContain('机动车驾驶证');
    expect(asked).toContain('暂停');
    await resident.click(`${TOP} #submit-supplement`);
    await resident.getByText('请上传材料：机动车驾驶证').waitFor();
    await pickFile(resident, `${TOP} #material-add-0`, photo);
    await resident.waitForSelector(
      `${TOP} [data-testid="approval-supplement"] [data-testid="material-photo"]`,
    );
    await resident.fill(`${TOP} #supplement-comment textarea`, '已重新拍摄驾驶证');
    await shoot(resident, 'approval-detail', 'approval-4b-resident-supplement.png');
    await resident.click(`${TOP} #submit-supplement`);
    await waitForText(resident, '[data-testid="approval-state"]', '待预审');
    expect(await resident.locator(`${TOP} [data-testid="approval-supplement"]`).count()).toBe(0);

    // back at 预审 for the staff member: now complete
    await staff.reload();
    await waitForText(staff, '[data-testid="approval-step-name"]', '当前环节：预审');
    await staff.click(`${TOP} #decision-complete`);
    await staff.click(`${TOP} #submit-step`);

    // 受理
    await waitForText(staff, '[data-testid="approval-step-name"]', '受理');
    expect(await front$(staff, '[data-testid="approval-state"]')).toBe('待受理');
    await staff.fill(`${TOP} #step-comment textarea`, '材料齐全，予以受理');
    await staff.click(`${TOP} #submit-step`);

    // 承办: the opinion is required
    await waitForText(staff, '[data-testid="approval-step-name"]', '承办');
    await staff.click(`${TOP} #submit-step`);
    await staff.getByText('请填写承办意见').waitFor();
    await staff.fill(`${TOP} #step-comment textarea`, '经核实，车辆登记在申请人名下，车位充足');
    await staff.click(`${TOP} #submit-step`);

    // 审核
    await waitForText(staff, '[data-testid="approval-step-name"]', '审核');
    await staff.click(`${TOP} #submit-step`);

    // 办结: approved with a photo of the permit
    await waitForText(staff, '[data-testid="approval-step-name"]', '办结');
    await staff.click(`${TOP} #submit-step`);
    await staff.getByText('请上传办理结果（证明或批复的照片）').waitFor();
    await pickFile(staff, `${TOP} #step-add-photo`, photo);
    await staff.waitForSelector(`${TOP} [data-testid="step-photo"]`);
    await staff.fill(`${TOP} #step-comment textarea`, '停车证已制作，请到社区服务站领取');
    await shoot(staff, 'approval-handle', 'approval-5-staff-conclude.png');
    await staff.click(`${TOP} #submit-step`);
    await waitForText(staff, '[data-testid="approval-state"]', '已办结');
    expect(await staff.locator(`${TOP} [data-testid="approval-step"]`).count()).toBe(0);

    // the resident sees 已办结 with the result in 我的办事 and on the case, and rates it
    await resident.goto(`${lab().front.base}/`);
    await resident.waitForSelector('#go-approvals');
    await resident.click('#go-approvals');
    const mine = resident.locator(`${TOP} [data-testid="approval-row"]`, { hasText: number });
    await mine.waitFor();
    expect(await mine.locator('[data-testid="approval-state"]').textContent()).toBe('已办结');
    await mine.click();
    await resident.waitForSelector(`${TOP} [data-testid="approval-result"] [data-testid="case-photo"]`);
    expect(await front$(resident, '[data-testid="approval-state"]')).toBe('已办结');
    expect(await front$(resident, '[data-testid="approval-result"]')).toContain('准予办理');
    const progress = await front$(resident, '[data-testid="approval-timeline"]');
    for (const step of [
      '提交申请',
      '预审：需要补正',
      '补正材料：已补正',
      '预审：材料齐全',
      '受理：予以受理',
      '承办：建议准予',
      '审核：审核通过',
      '办结：准予办理',
    ])
      expect(progress).toContain(step);
    expect(progress).toContain('停车证已制作，请到社区服务站领取');
    await resident.click(`${TOP} #star-4`);
    await resident.fill(`${TOP} #approval-rating-comment textarea`, '办理很快，工作人员很耐心');
    await resident.click(`${TOP} #rate-approval`);
    await resident.waitForSelector(`${TOP} [data-testid="approval-rating"]`);
    expect(await resident.locator(`${TOP} [data-testid="approval-rate-card"]`).count()).toBe(0);
    expect(await front$(resident, '[data-testid="approval-rating"]')).toContain('办理很快，工作人员很耐心');
    await shoot(resident, 'approval-detail', 'approval-6-resident-concluded.png');

    // the server holds what the screens showed
    const me = await api.call('POST', '/auth/dev', { username: 'resident1' });
    const done = await api.call('GET', `/approvals/${approvalId}`, undefined, me.body.accessToken);
    expect(done.body).toMatchObject({
      state: 'approved',
      outcome: 'approved',
      rating: 4,
      ratingComment: '办理很快，工作人员很耐心',
      form: { plate: PLATE, vehicleType: '新能源汽车' },
    });
    expect(done.body.materials.map((m: { name: string }) => m.name)).toEqual([
      '机动车行驶证',
      '机动车驾驶证',
      '房产证明或租赁合同',
    ]);
    expect(done.body.resultFileIds).toHaveLength(1);
  }, 900_000);
});
