// The admin console in a real browser against the real server (demo community, embedded PGlite):
// - an admin opens the repair flow in the editor, is refused by the server's validation (shown on the element),
//   then changes the technician's time limit to accept a job and deploys version 2;
// - a case is started and watched on the monitor with its current step highlighted, then cancelled with a reason;
// - a grid worker sees the flow read-only, with no deploy button.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
import { rmSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import {
  apiCall,
  buildAdmin,
  hasChromium,
  launchBrowser,
  screenshot,
  startServer,
  stopServer,
  tokenOf,
  type Running,
  signInConsole,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

let server: Running | undefined;
let browser: BrowserContext | undefined;
let profile = '';

beforeAll(async () => {
  if (!hasChromium) return;
  buildAdmin();
  server = await startServer();
  ({ browser, profile } = await launchBrowser());
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await stopServer(server);
});

async function newPage(): Promise<Page> {
  const page = await browser!.newPage();
  page.setDefaultTimeout(120_000); // a 4 MB bundle on a busy machine
  return page;
}

function signIn(page: Page, username: string): Promise<void> {
  // the browser profile is shared by the journeys: signInConsole starts signed out
  return signInConsole(page, server!.base, username);
}

const shape = (page: Page, id: string) => page.locator(`.djs-element.djs-shape[data-element-id="${id}"]`);

/** Select a diagram element the way a user does: click the middle of its shape. */
async function clickElement(page: Page, id: string): Promise<void> {
  const box = await shape(page, id).locator('.djs-hit').first().boundingBox();
  if (!box) throw new Error(`${id} is not on screen`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page
    .locator('.bio-properties-panel-header', { hasText: id === 'Task_AutoDispatch' ? '自动派单' : '' })
    .waitFor();
}

/** A properties-panel field, opening its group (by its Chinese label) if the field is hidden. */
async function field(page: Page, group: string, selector: string) {
  const input = page.locator(selector);
  if (!(await input.isVisible())) {
    await page.locator('.bio-properties-panel-group-header', { hasText: group }).first().click();
  }
  await input.waitFor({ state: 'visible' });
  return input;
}

interface Definition {
  id: string;
  version: number;
}
interface Page_<T> {
  items: T[];
  total: number;
}

const JOURNEY_MS = 600_000; // a busy shared machine: each journey may take minutes

run('admin console', () => {
  it(
    'shows the sign-in page and refuses a wrong password in Chinese',
    async () => {
      const page = await newPage();
      await page.goto(`${server!.base}/admin/cases`);
      await page.waitForURL(/\/admin\/login/);
      await page.fill('#login-username', 'community.admin');
      await page.fill('#login-password', 'not-the-password');
      await page.click('#login-submit');
      await expect(page.locator('#login-error').textContent()).resolves.toContain('用户名或密码不正确');
      await screenshot(page, '01-login-refused');
      await page.close();
    },
    JOURNEY_MS,
  );

  it(
    'edits the repair flow: the server refuses an unknown handler on the element, then version 2 deploys',
    async () => {
      const page = await newPage();
      await signIn(page, 'community.admin');
      await page.click('#menu-flows');
      await page.click('#open-flow-repair');
      await shape(page, 'Task_AutoDispatch').waitFor();
      await expect(page.locator('#flow-title').textContent()).resolves.toBe('物业报修');
      await expect(page.locator('.version-select').textContent()).resolves.toContain('v1');

      // name a handler that is not registered: the editor's lint accepts a topic, the server does not
      await clickElement(page, 'Task_AutoDispatch');
      const topic = await field(page, '实现方式', '#bio-properties-panel-externalTopic');
      await expect(topic.inputValue()).resolves.toBe('repair.autoDispatch');
      await topic.fill('repair.noSuchHandler');
      await page.click('#deploy-button');
      const badge = page.locator('.linli-problem-badge[data-element-id="Task_AutoDispatch"]');
      await badge.waitFor();
      await expect(badge.textContent()).resolves.toContain('处理程序');
      await expect(
        page.locator('.problem-server[data-element-id="Task_AutoDispatch"]').count(),
      ).resolves.toBe(1);
      await screenshot(page, '02-editor-server-refused');

      // put the handler back and give technicians 45 minutes instead of 30 to accept a job
      await topic.fill('repair.autoDispatch');
      const valueId = '#bio-properties-panel-Task_AutoDispatch-inputParameter-0-stringOrExpression';
      if (!(await page.locator(valueId).isVisible())) {
        await field(page, '输入参数', '.bio-properties-panel-collapsible-entry-header >> text=acceptLimit');
        await page
          .locator('.bio-properties-panel-collapsible-entry-header', { hasText: 'acceptLimit' })
          .click();
      }
      const value = page.locator(valueId);
      await expect(value.inputValue()).resolves.toBe('PT30M');
      await value.fill('PT45M');
      await page.click('#deploy-button');
      await page.locator('.ant-message', { hasText: '已部署为版本 2' }).waitFor();
      await page.waitForFunction(() =>
        document.querySelector('.version-select')?.textContent?.includes('v2'),
      );
      await shape(page, 'Task_AutoDispatch').waitFor();
      await screenshot(page, '03-editor-deployed-v2');

      // the server holds version 2 with the new limit
      const token = await tokenOf(server!.base, 'community.admin');
      const versions = await apiCall<Page_<Definition>>(
        server!.base,
        'GET',
        '/definitions?processId=repair',
        {
          token,
        },
      );
      expect(versions.body.items.map((d) => d.version)).toEqual([2, 1]);
      const xml = await fetch(`${server!.base}/api/v1/definitions/${versions.body.items[0]!.id}/xml`, {
        headers: { authorization: `Bearer ${token}` },
      }).then((r) => r.text());
      expect(xml).toMatch(/name="acceptLimit">PT45M</);
      expect(xml).toContain('camunda:topic="repair.autoDispatch"');

      // version 1 opens read-only from the version list
      await page.click('#versions-button');
      await page.click('#open-version-1');
      await page.locator('#readonly-tag').waitFor();
      await expect(page.locator('#deploy-button').count()).resolves.toBe(0);
      await page.close();
    },
    JOURNEY_MS,
  );

  it(
    'watches a repair case on the monitor with its current step highlighted, then cancels it',
    async () => {
      const token = await tokenOf(server!.base, 'community.admin');
      const rooms = await apiCall<Page_<{ id: string }>>(server!.base, 'GET', '/rooms?pageSize=1', { token });
      const repair = await apiCall<{ id: string; instanceId: string }>(server!.base, 'POST', '/repairs', {
        token,
        body: { roomId: rooms.body.items[0]!.id, category: 'water', description: '厨房水龙头一直滴水' },
      });
      expect(repair.status).toBe(201);
      const instanceId = repair.body.instanceId;
      // the first step runs in the background worker: wait until the case has an open task
      let current = '';
      for (let i = 0; i < 120 && !current; i++) {
        const c = await apiCall<{ openTasks: { activityId: string }[] }>(
          server!.base,
          'GET',
          `/instances/${instanceId}`,
          { token },
        );
        current = c.body.openTasks[0]?.activityId ?? '';
        if (!current) await new Promise((r) => setTimeout(r, 500));
      }
      expect(['Task_Accept', 'Task_Dispatch']).toContain(current);

      const page = await newPage();
      await signIn(page, 'community.admin');
      await page.click('#menu-cases');
      await page.locator('#cases-table tbody tr').first().waitFor();
      await page.click(`#cases-table tbody tr[data-row-key="${instanceId}"]`);
      await page.waitForURL(new RegExp(`/admin/cases/${instanceId}`));
      await page.locator(`.djs-element.linli-current[data-element-id="${current}"]`).waitFor();
      await expect(page.locator('#case-status').getAttribute('data-status')).resolves.toBe('running');
      await expect(page.locator('#open-tasks tbody').textContent()).resolves.toMatch(/接单|人工派单/);
      await expect(page.locator('#case-timeline').textContent()).resolves.toContain('发起');
      await screenshot(page, '04-case-running');

      await page.click('#case-cancel');
      await page.fill('#cancel-reason', '居民来电说已自行修好');
      await page.click('#cancel-confirm');
      await page.waitForFunction(
        () => document.querySelector('#case-status')?.getAttribute('data-status') === 'cancelled',
      );
      await expect(page.locator('#case-cancel').count()).resolves.toBe(0);
      await screenshot(page, '05-case-cancelled');
      const after = await apiCall<{ status: string; endReason: string }>(
        server!.base,
        'GET',
        `/instances/${instanceId}`,
        { token },
      );
      expect(after.body).toMatchObject({ status: 'cancelled', endReason: '居民来电说已自行修好' });
      await page.close();
    },
    JOURNEY_MS,
  );

  it(
    'shows a grid worker the flow read-only, without deploy or cancel buttons',
    async () => {
      const page = await newPage();
      await signIn(page, 'grid1');
      await page.goto(`${server!.base}/admin/flows/repair`);
      await shape(page, 'Task_Accept').waitFor();
      await expect(page.locator('#readonly-tag').count()).resolves.toBe(1);
      await expect(page.locator('#deploy-button').count()).resolves.toBe(0);
      await expect(page.locator('#properties-panel').count()).resolves.toBe(0);
      await screenshot(page, '06-grid-worker-readonly');
      await page.close();
    },
    JOURNEY_MS,
  );

  it(
    "draws the dashboard from the server's figures for the admin's area, and a wider window counts more days",
    async () => {
      const page = await newPage();
      await signIn(page, 'community.admin');
      await page.click('#menu-dashboard');
      await page.locator('#chart-by-process canvas').waitFor();
      await page.locator('#chart-per-day canvas').waitFor();
      // the figures are the server's (GET /stats/overview, counted in SQL over the admin's area)
      const token = await tokenOf(server!.base, 'community.admin');
      const stats = await apiCall<{ processes: { running: number }[]; alerts: { open: number } }>(
        server!.base,
        'GET',
        '/stats/overview?days=14',
        { token },
      );
      const running = stats.body.processes.reduce((n, p) => n + p.running, 0);
      expect(running).toBeGreaterThan(0);
      await expect(page.locator('#kpi-running').getAttribute('data-value')).resolves.toBe(String(running));
      await expect(page.locator('#kpi-alerts').getAttribute('data-value')).resolves.toBe(
        String(stats.body.alerts.open),
      );
      await screenshot(page, '07-dashboard');
      await page.getByText('近 30 天', { exact: true }).click();
      await page.locator('.ant-card-head-title', { hasText: '近 30 天新发起与办结' }).waitFor();
      await page.close();
    },
    JOURNEY_MS,
  );
  it(
    'filters the case monitor by version, org unit and an overdue step, as the API counts them',
    async () => {
      const page = await newPage();
      await signIn(page, 'community.admin');
      const token = await tokenOf(server!.base, 'community.admin');
      const total = async (query: string) =>
        (await apiCall<{ total: number }>(server!.base, 'GET', `/instances?${query}`, { token })).body.total;
      /** the table's 共 N 件 once it stops changing towards `want` (the list reloads after a filter) */
      const settled = async (want: number) => {
        let last = -1;
        for (let i = 0; i < 120 && last !== want; i++) {
          last = await shown();
          if (last !== want) await page.waitForTimeout(250);
        }
        return last;
      };
      const shown = async () => {
        const text = page.locator('.ant-pagination-total-text');
        if (!(await text.count())) return 0; // an empty table may show no pager
        return Number((await text.textContent())?.match(/共 (\d+) 件/)?.[1] ?? 0);
      };

      // the version of a process the area has cases of
      const any = await apiCall<{ items: { processId: string; definitionVersion: number }[] }>(
        server!.base,
        'GET',
        '/instances?pageSize=1',
        { token },
      );
      const { processId, definitionVersion } = any.body.items[0]!;
      await page.goto(`${server!.base}/admin/cases?processId=${processId}&version=${definitionVersion}`);
      await page.locator('#filter-version').waitFor();
      const ofVersion = await total(`processId=${processId}&version=${definitionVersion}`);
      expect(ofVersion).toBeGreaterThan(0);
      expect(await settled(ofVersion)).toBe(ofVersion);
      expect(await total(`processId=${processId}&version=${definitionVersion + 1}`)).toBe(0);

      // with a step past due, anywhere in the area
      await page.goto(`${server!.base}/admin/cases`);
      await page.locator('#filter-overdue').click();
      await page.waitForURL(/overdue=true/);
      const overdue = await total('overdue=true');
      expect(await settled(overdue)).toBe(overdue);

      // the cases of one grid: what the API counts for that unit
      const me = await apiCall<{ roles: { orgUnitId: string }[] }>(server!.base, 'GET', '/me', {
        token: await tokenOf(server!.base, 'grid1'),
      });
      const grid = me.body.roles[0]!.orgUnitId;
      await page.goto(`${server!.base}/admin/cases?orgUnitId=${grid}`);
      await page.locator('#filter-org').waitFor();
      const inGrid = await total(`orgUnitId=${grid}`);
      expect(await settled(inGrid)).toBe(inGrid);
      await screenshot(page, '08-cases-filtered');
      await page.close();
    },
    JOURNEY_MS,
  );
});
