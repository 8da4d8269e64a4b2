// 表单字段 of a step, edited in the flow editor without code and versioned with the flow: an admin opens a
// deployed inspection flow, sees the fields its step asks for in the properties panel, adds one (巡查人, required
// text), deploys version 2; a case started on version 2 asks for the new field and refuses a completion without
// it, a case still running on version 1 keeps the form it started with.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  apiCall,
  closeConsole,
  hasChromium,
  openConsole,
  root,
  screenshot,
  tokenOf,
  type ConsoleUnderTest,
  signInConsole,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;

const xml = readFileSync(path.join(root, 'bpmn', 'fixtures', 'task-form.bpmn'), 'utf8');

let c: ConsoleUnderTest | undefined;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  c = await openConsole();
  page = c.page;
}, 1_200_000);
afterAll(async () => closeConsole(c));

interface FormField {
  id: string;
  label: string | null;
  type: string;
  required: boolean;
}
interface TaskView {
  id: string;
  status: string;
  form: FormField[];
}

/** a case in grid1's grid, so that its grid worker (a candidate of the step) works it */
async function startInspection(token: string, orgUnitId: string): Promise<string> {
  const res = await apiCall<{ openTasks: { id: string }[] }>(c!.server.base, 'POST', '/instances', {
    token,
    body: { processId: 'task-form', orgUnitId },
  });
  expect(res.status).toBe(201);
  return res.body.openTasks[0]!.id;
}

run('step forms in the flow editor', () => {
  it('adds a required field to a step, deploys version 2, and only the new cases ask for it', async () => {
    // given: the inspection flow deployed as version 1, with a case running on it
    const base = c!.server.base;
    const admin = await tokenOf(base, 'community.admin');
    const deployed = await fetch(`${base}/api/v1/definitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/xml' },
      body: xml,
    });
    expect(deployed.status).toBe(201);
    const worker = await tokenOf(base, 'grid1');
    const me = await apiCall<{ roles: { role: string; orgUnitId: string }[] }>(base, 'GET', '/me', {
      token: worker,
    });
    const grid = me.body.roles.find((g) => g.role === 'grid_worker')!.orgUnitId;
    const onVersion1 = await startInspection(admin, grid);

    // when: the admin opens the step in the editor
    await signInConsole(page, base, 'community.admin');
    await page.goto(`${base}/admin/flows/task-form`);
    await page.locator('#flow-title', { hasText: '消防设施巡查' }).waitFor();
    const box = await page
      .locator('.djs-element.djs-shape[data-element-id="Task_Inspect"] .djs-hit')
      .first()
      .boundingBox();
    await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
    await page.locator('.bio-properties-panel-header', { hasText: '登记巡查结果' }).waitFor();
    const fieldsGroup = page.locator('.bio-properties-panel-group', {
      has: page.locator('.bio-properties-panel-group-header', { hasText: '表单字段' }),
    });
    await fieldsGroup.locator('.bio-properties-panel-group-header').click();

    // then: the fields of version 1 are listed (by id, with their choices and checks)
    const listed = await fieldsGroup
      .locator('.bio-properties-panel-collapsible-entry-header')
      .allTextContents();
    expect(listed.join(' ')).toMatch(/result.*extinguishers.*note.*recheckOn.*reported/);

    // when: a sixth field is added — 巡查人, text, required — and the flow deployed
    await fieldsGroup.locator('.bio-properties-panel-group-header .bio-properties-panel-add-entry').click();
    const prefix = '#bio-properties-panel-Task_Inspect-formField-5';
    await page.locator(`${prefix}-formFieldID`).fill('inspector');
    await page.locator(`${prefix}-formFieldLabel`).fill('巡查人');
    await page.locator(`${prefix}-formFieldType`).selectOption('string');
    await page
      .locator(
        '[data-entry-id="Task_Inspect-formField-5-formFieldConstraints"] .bio-properties-panel-add-entry',
      )
      .click();
    await page.locator(`${prefix}-formFieldConstraints-constraint-0-name`).fill('required');
    await screenshot(page, 'task-forms-01-field-added');
    await page.click('#deploy-button');
    await page.locator('.ant-message', { hasText: '已部署为版本 2' }).waitFor();
    await screenshot(page, 'task-forms-02-deployed-v2');

    // then: a new case's step asks for 巡查人 and refuses a completion without it
    const onVersion2 = await startInspection(admin, grid);
    const v2 = await apiCall<TaskView>(base, 'GET', `/tasks/${onVersion2}`, { token: worker });
    expect(v2.body.form.map((f) => f.id)).toEqual([
      'result',
      'extinguishers',
      'note',
      'recheckOn',
      'reported',
      'inspector',
    ]);
    expect(v2.body.form[5]).toMatchObject({ label: '巡查人', type: 'string', required: true });
    const refused = await apiCall<{ error: { id: string; details: { fields: { field: string }[] } } }>(
      base,
      'POST',
      `/tasks/${onVersion2}/complete`,
      { token: worker, body: { variables: { result: 'normal', extinguishers: 4 } } },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.fields.map((f) => f.field)).toEqual(['inspector']);

    // and the case on version 1 keeps its form
    const v1 = await apiCall<TaskView>(base, 'GET', `/tasks/${onVersion1}`, { token: worker });
    expect(v1.body.form.map((f) => f.id)).not.toContain('inspector');
    const done = await apiCall<TaskView>(base, 'POST', `/tasks/${onVersion1}/complete`, {
      token: worker,
      body: { variables: { result: 'normal', extinguishers: 4 } },
    });
    expect(done.status).toBe(200);
  }, 900_000);
});
