// Dispute mediation (矛盾调解), the staff side in the browser build, against the real server: a resident registers
// a dispute (API); the grid worker grid1, a member of 凤凰社区's mediation committee, finds it in 调解案件 →
// 待受理, opens 调解办理, is stopped without a mediator, accepts it naming himself, reveals the other party's
// phone with a reason (audited), records a session with a note, is stopped without terms, concludes with an
// agreement, and both parties sign on the signature pad (drawn with the mouse) → 待回访. The resident's 调解详情
// shows the agreement's terms and both signatures. Screenshots go to screenshots/.
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

const TITLE = '楼上装修噪音与漏水纠纷';
const OTHER = '王建国';
const OTHER_PHONE = '13912340007';
const NOTE = '双方到场陈述，王建国同意十日内修复防水层并赔偿天花板修复费用，申请人表示接受。';
const TERMS = ['王建国于十日内修复卫生间防水层。', '王建国一次性赔偿申请人天花板修复费用800元。'];

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`mediation-staff: ${CHROMIUM} is missing; the browser test is skipped`);

run('mini-program (h5): the mediator works a dispute (调解办理) to a signed agreement', () => {
  const lab = usePhoneLab();
  let tmp = '';
  let photo = '';

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-mp-mediation-'));
    photo = await paintPng(
      lab().browser,
      '<body style="margin:0;background:#efe"><div style="margin:50px auto;width:220px;height:140px;border:4px solid #363;background:#fff;color:#363;font:32px sans-serif;text-align:center;line-height:140px">调解现场</div></body>',
      path.join(tmp, 'session.png'),
    );
  });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function signIn(page: Page, username: string) {
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#username');
    await page.fill('#username input', username);
    await page.fill('#password input', DEMO_PASSWORD);
    await page.click('#password-login');
    await page.waitForSelector('[data-testid="home"] .card-title');
  }

  const handle = '.taro_page_stationed [data-testid="dispute-handle"]';
  const stepName = (page: Page) => page.textContent(`${handle} [data-testid="dispute-step-name"]`);
  const stateOf = (page: Page) => page.textContent(`${handle} [data-testid="dispute-state"]`);

  /** a signature drawn with the mouse across the pad: a few strokes like a written name */
  async function drawSignature(page: Page) {
    const canvas = page.locator(`${handle} [id="signature-canvas"] canvas`);
    // the pad has found its canvas (a stroke before that would not be drawn)
    await page.waitForSelector(`${handle} [data-testid="signature-pad"][data-ready="yes"]`);
    const box = (await canvas.boundingBox())!;
    const strokes = [
      [
        [0.15, 0.3],
        [0.3, 0.7],
        [0.4, 0.35],
      ],
      [
        [0.45, 0.6],
        [0.6, 0.3],
        [0.7, 0.65],
        [0.85, 0.4],
      ],
    ];
    for (const stroke of strokes) {
      const [first, ...rest] = stroke;
      await page.mouse.move(box.x + first![0]! * box.width, box.y + first![1]! * box.height);
      await page.mouse.down();
      for (const [x, y] of rest)
        await page.mouse.move(box.x + x! * box.width, box.y + y! * box.height, { steps: 8 });
      await page.mouse.up();
    }
    // the pad holds ink now (not a blank image)
    const inked = await canvas.evaluate((c) => {
      // runs in the page: the <canvas> Taro renders for the pad
      const el = c as unknown as {
        width: number;
        height: number;
        getContext(k: '2d'): { getImageData(...a: number[]): { data: ArrayLike<number> } };
      };
      const data = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(200);
  }

  test('accept → session → agreement → both parties sign → the resident sees it', async () => {
    const api = apiClient(lab().server.base);
    const resident = await api.login('resident1');
    const grid1 = await api.login('grid1');
    const registered = await api.call(
      'POST',
      '/disputes',
      {
        source: 'resident',
        title: TITLE,
        description: '楼上502室装修后卫生间漏水，浸湿我家天花板，多次沟通未果，请社区调解。',
        category: 'neighbour',
        parties: [{ name: OTHER, role: 'respondent', phone: OTHER_PHONE, address: '1号楼1单元502室' }],
        fileIds: [],
      },
      resident.token,
    );
    expect(registered.status).toBe(201);
    const disputeId: string = registered.body.id;

    // the grid worker (on the mediation committee) finds it in 调解案件 → 待受理
    const page = await newPhone(lab().browser, lab().contexts);
    await signIn(page, 'grid1');
    await page.goto(`${lab().front.base}/#/pages/dispute/list`);
    await page.waitForSelector('.taro_page_stationed [data-testid="dispute-tabs"]');
    const row = page.locator('.taro_page_stationed [data-testid="dispute-row"]', { hasText: TITLE });
    await row.waitFor();
    expect(await row.locator('[data-testid="dispute-state"]').textContent()).toBe('待受理');
    await shootPage(page, 'dispute-list', 'mediation-staff-list.png');
    await row.click();

    // 分类受理: stopped without a mediator, then accepted naming himself
    await page.waitForSelector(`${handle} [data-testid="dispute-step-name"]`);
    expect(await stepName(page)).toBe('当前环节：分类受理');
    expect(await stateOf(page)).toBe('待受理');
    expect(await page.textContent(`${handle} [data-testid="dispute-parties"]`)).toContain('139****0007');
    expect(await page.textContent(handle)).not.toContain(OTHER_PHONE);
    await page.waitForSelector(`${handle} [data-testid="mediator-choice"]`);
    await shootPage(page, 'dispute-handle', 'mediation-staff-accept.png');
    await page.click(`${handle} #submit-acceptance`);
    await page.getByText('请选择调解员').waitFor();
    await page.click(`${handle} [id="mediator-${grid1.userId}"]`);
    await page.click(`${handle} #submit-acceptance`);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === '当前环节：组织调解',
      `${handle} [data-testid="dispute-step-name"]`,
    );
    expect(await stateOf(page)).toBe('调解中');

    // 查看完整号码 with a reason: the full phone, written to the audit log
    const respondent = page.locator(`${handle} [data-testid="dispute-party"]`, { hasText: OTHER });
    await respondent.getByText('查看完整号码').click();
    await page.fill(`${handle} #reveal-reason input`, '电话通知调解时间');
    await page.click(`${handle} #reveal-confirm`);
    await respondent.locator('[data-testid="party-phone-full"]').waitFor();
    expect(await respondent.locator('[data-testid="party-phone-full"]').textContent()).toBe(OTHER_PHONE);
    const admin = await api.login('community.admin');
    const audit = await api.call(
      'GET',
      '/audit-logs?action=dispute_party_reveal&pageSize=50',
      undefined,
      admin.token,
    );
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('电话通知调解时间');

    // 记录调解: a session with a note and a photo
    await page.fill(`${handle} #session-notes textarea`, NOTE);
    await pickFile(page, `${handle} #session-add-photo`, photo);
    await page.waitForSelector(`${handle} [data-testid="session-photo"]`);
    await shootPage(page, 'dispute-handle', 'mediation-staff-session.png');
    await page.click(`${handle} #submit-session`);
    await page.waitForSelector(`${handle} [data-testid="dispute-session"]`);
    expect(await page.textContent(`${handle} [data-testid="dispute-sessions"]`)).toContain(NOTE);
    // the photo is filed with the case and read back through GET /disputes/:id/file
    await page.waitForSelector(`${handle} [data-testid="dispute-sessions"] img[src^="blob:"]`);

    // 调解结果: stopped without terms, then 达成协议 with two terms → 当事人签字
    await page.click(`${handle} #mediate-outcome`);
    await page.click(`${handle} #submit-outcome`);
    await page.getByText('请填写协议条款，每行一条').waitFor();
    await page.fill(`${handle} #outcome-terms textarea`, TERMS.map((t, i) => `${i + 1}. ${t}`).join('\n'));
    await shootPage(page, 'dispute-handle', 'mediation-staff-outcome.png');
    await page.click(`${handle} #submit-outcome`);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === '当前环节：当事人签字',
      `${handle} [data-testid="dispute-step-name"]`,
    );
    expect(await stateOf(page)).toBe('协议待签字');
    expect(await page.locator(`${handle} [data-testid="agreement-term"]`).allTextContents()).toEqual(
      TERMS.map((t, i) => `${i + 1}. ${t}`),
    );

    // 当事人签字: an empty pad is refused; each party signs on the pad in turn
    await page.click(`${handle} #signature-canvas-save`);
    await page.getByText('请先在签名框内签名').waitFor();
    for (const [n, who] of [
      [1, '陈静'],
      [2, OTHER],
    ] as const) {
      await page.waitForFunction(
        ([sel, name]) => document.querySelector(sel!)?.textContent?.includes(name!),
        [`${handle} [data-testid="signing-as"]`, who],
      );
      await drawSignature(page);
      await shootPage(page, 'dispute-handle', `mediation-staff-sign-${n}.png`);
      await page.click(`${handle} #signature-canvas-save`);
      // the next party's turn, or (all signed) the next step, or the refusal the page shows
      await page.waitForFunction(
        ([step, name, error, count]) =>
          !!document.querySelector(error!) ||
          document.querySelector(name!)?.textContent !== '当前环节：当事人签字' ||
          !!document.querySelector(step!)?.textContent?.includes(count!),
        [
          `${handle} [data-testid="dispute-step"]`,
          `${handle} [data-testid="dispute-step-name"]`,
          `${handle} [data-testid="step-error"]`,
          `${n}/2 已签`,
        ],
      );
      expect(await page.locator(`${handle} [data-testid="step-error"]`).allTextContents()).toEqual([]);
    }
    // every party has signed: the case waits for the 30-day follow-up
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === '待回访',
      `${handle} [data-testid="dispute-state"]`,
    );
    const signedTags = await page.locator(`${handle} [data-testid="party-signed"]`).allTextContents();
    expect(signedTags).toEqual(['已签字', '已签字']);
    await shootPage(page, 'dispute-handle', 'mediation-staff-signed.png');

    // 调解案件: no longer 待受理; under 回访 with its state
    await page.goto(`${lab().front.base}/#/pages/dispute/list`);
    await page.waitForSelector('.taro_page_stationed [data-testid="dispute-tabs"]');
    await page.waitForSelector(
      '.taro_page_stationed [data-testid="dispute-row"], .taro_page_stationed [data-testid="empty"]',
    );
    expect(await page.textContent('.taro_page_stationed [data-testid="dispute-list"]')).not.toContain(TITLE);
    await page.click('.taro_page_stationed #dispute-tab-follow');
    const later = page.locator('.taro_page_stationed [data-testid="dispute-row"]', { hasText: TITLE });
    await later.waitFor();
    expect(await later.locator('[data-testid="dispute-state"]').textContent()).toBe('待回访');

    const held = await api.call('GET', `/disputes/${disputeId}`, undefined, grid1.token);
    expect(held.body).toMatchObject({ status: 'follow_up', outcome: 'agreement', terms: TERMS });
    expect(held.body.parties.map((x: { signed: boolean }) => x.signed)).toEqual([true, true]);
    const timeline = await api.call('GET', `/disputes/${disputeId}/timeline`, undefined, grid1.token);
    expect(JSON.stringify(timeline.body)).toContain('当事人签字 2/2');

    // the resident's 调解详情: the agreement's terms, both signatures, the agreement in force
    const phone = await newPhone(lab().browser, lab().contexts);
    await phone.goto(`${lab().front.base}/`);
    await phone.waitForSelector('#dev-username');
    await phone.fill('#dev-username input', 'resident1');
    await phone.click('#dev-login');
    await phone.waitForSelector('[data-testid="room"]');
    await phone.goto(`${lab().front.base}/#/pages/dispute/detail?id=${disputeId}`);
    const agreement = phone.locator('.taro_page_stationed [data-testid="dispute-agreement"]');
    await agreement.waitFor();
    const text = await agreement.textContent();
    for (const t of TERMS) expect(text).toContain(t);
    expect(text).toContain('各方当事人已签字，协议生效');
    const parties = await phone
      .locator('.taro_page_stationed [data-testid="dispute-party"]')
      .allTextContents();
    expect(parties).toHaveLength(2);
    for (const p of parties) expect(p).toContain('已签字');
    expect(await phone.textContent('.taro_page_stationed [data-testid="dispute-state"]')).toBe('待回访');
    await shootPage(phone, 'dispute-detail', 'mediation-staff-resident.png');
  }, 600_000);
});
