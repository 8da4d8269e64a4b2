// 分配与处理程序 in the flow editor: an admin opens a deployed flow (楼道堆物清理, copied from the event process and
// still handled by 物业客服 within 4 hours, closing with the event handler), picks 网格员 + 社区管理员 as the step's
// candidate groups and 3 个工作日 as its time limit from the roles and quick choices, picks 发送通知 from the
// registered handlers for the service task, and deploys version 2. The XML holds the attributes the runtime
// reads, and a case on version 2 gives the step to those roles with a working-day due time.
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

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_corridor" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="corridor-clearance" name="楼道堆物清理" isExecutable="true">
    <bpmn:startEvent id="Start" name="发现堆物"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Check" name="上门核查" camunda:candidateGroups="property_staff" camunda:dueDate="PT4H"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:serviceTask id="Task_Notify" name="告知发起人" camunda:type="external" camunda:topic="events.close"><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="End" name="办结"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="Task_Notify" />
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Notify" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="corridor-clearance">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Check_di" bpmnElement="Task_Check"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Notify_di" bpmnElement="Task_Notify"><dc:Bounds x="360" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="520" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F3_di" bpmnElement="F3"><di:waypoint x="460" y="118" /><di:waypoint x="520" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

let c: ConsoleUnderTest | undefined;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  c = await openConsole();
  page = c.page;
}, 1_200_000);
afterAll(async () => closeConsole(c));

/** Select a diagram element the way a user does: click the middle of its shape. */
async function clickElement(id: string, name: string): Promise<void> {
  const box = await page
    .locator(`.djs-element.djs-shape[data-element-id="${id}"] .djs-hit`)
    .first()
    .boundingBox();
  if (!box) throw new Error(`${id} is not on screen`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('.bio-properties-panel-header', { hasText: name }).waitFor();
}

/** the open dropdown of an antd select (a closed one stays in the page, hidden) */
const dropdown = () => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').last();

/** Open a select by its control id (unless it is open) and click the option carrying this value. */
async function pick(selectId: string, value: string): Promise<void> {
  if ((await page.getAttribute(selectId, 'aria-expanded')) !== 'true') await page.click(selectId);
  await page.locator(`.ant-select-dropdown [data-value="${value}"]`).locator('visible=true').click();
}

interface Handler {
  name: string;
  description: string;
}

run('pickers in the flow editor', () => {
  it('picks roles, a working-day limit and a registered handler, and version 2 holds them', async () => {
    // given: the flow deployed as version 1
    const base = c!.server.base;
    const admin = await tokenOf(base, 'community.admin');
    const deployed = await fetch(`${base}/api/v1/definitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/xml' },
      body: XML,
    });
    expect(deployed.status).toBe(201);
    const handlers = await apiCall<{ items: Handler[] }>(base, 'GET', '/definitions/handlers', {
      token: admin,
    });
    expect(handlers.status).toBe(200);

    // when: the admin opens it and selects the user task
    await signInConsole(page, base, 'community.admin');
    await page.goto(`${base}/admin/flows/corridor-clearance`);
    await page.locator('#flow-title', { hasText: '楼道堆物清理' }).waitFor();
    await page.locator('#picker-hint').waitFor();
    await clickElement('Task_Check', '上门核查');
    await page.locator('#picker-user-task').waitFor();

    // then: the step's groups and limit are shown in Chinese
    const groups = page.locator('#picker-panel .ant-select', {
      has: page.locator('#picker-candidate-groups'),
    });
    await expect(groups.textContent()).resolves.toContain('物业客服');
    await expect(page.locator('#picker-due-help').textContent()).resolves.toContain('4 小时');

    // when: 物业客服 is taken away, nobody can do the step: the panel and the lint say so
    await page.click('#picker-candidate-groups');
    await page.keyboard.press('Backspace');
    await page.locator('#picker-user-task .ant-alert', { hasText: '还没有人能处理这一步' }).waitFor();
    await page.locator('#lint-summary', { hasText: '1 个错误' }).waitFor();
    await expect(page.locator('#deploy-button').isDisabled()).resolves.toBe(true);

    // when: 网格员 and 社区管理员 are picked from the roles
    await pick('#picker-candidate-groups', 'grid_worker');
    // (the second one typed by its Chinese name)
    await page.keyboard.type('社区管理员');
    await page.keyboard.press('Enter');
    await screenshot(page, 'pickers-01-candidate-groups');
    await page.keyboard.press('Escape');

    // then: the tags read in Chinese, the properties panel shows the same attribute, the lint passes
    await expect(groups.textContent()).resolves.toMatch(/网格员.*社区管理员/);
    await page.locator('#lint-summary', { hasText: '检查通过' }).waitFor();
    await page.locator('#picker-user-task .ant-alert').waitFor({ state: 'detached' });
    const groupsField = page.locator('#bio-properties-panel-candidateGroups');
    if (!(await groupsField.isVisible()))
      await page.locator('.bio-properties-panel-group-header', { hasText: '任务分配' }).first().click();
    await expect(groupsField.inputValue()).resolves.toBe('grid_worker,community_admin');

    // when: a grid worker is found by name and added as a candidate user; 发起人 is offered as the handler
    const worker = await tokenOf(base, 'grid1');
    const me = await apiCall<{
      id: string;
      displayName: string;
      roles: { role: string; orgUnitId: string }[];
    }>(base, 'GET', '/me', { token: worker });
    await page.click('#picker-candidate-users');
    await page.keyboard.type(me.body.displayName);
    await pick('#picker-candidate-users', me.body.id);
    await page.keyboard.press('Escape');
    const users = page.locator('#picker-panel .ant-select', { has: page.locator('#picker-candidate-users') });
    await expect(users.textContent()).resolves.toContain(me.body.displayName);
    await page.click('#picker-assignee');
    await expect(dropdown().textContent()).resolves.toContain('发起人');
    await page.keyboard.press('Escape');

    // when: 3 个工作日 is chosen as the time limit
    await pick('#picker-due', '${workingDays(3)}');
    await page.locator('#picker-due-help', { hasText: '3 个工作日' }).waitFor();
    await dropdown().waitFor({ state: 'hidden' });

    // and: a made-up limit is refused with a Chinese message, changing nothing
    await page.fill('#picker-due-custom', '三天内');
    await page.click('#picker-due-apply');
    await expect(page.locator('#picker-due-error').textContent()).resolves.toContain('时限须是时长');
    await screenshot(page, 'pickers-02-user-task-done');
    await page.fill('#picker-due-custom', '');

    // when: the service task is selected, its handler list is the server's, with descriptions
    await clickElement('Task_Notify', '告知发起人');
    await page.locator('#picker-service-task').waitFor();
    await expect(page.locator('#picker-handler-detail').textContent()).resolves.toContain('事件办结');
    await page.click('#picker-handler');
    await dropdown().locator('[data-value="notify"]').waitFor();
    await dropdown().locator('[data-value="notify"]').scrollIntoViewIfNeeded();
    await expect(dropdown().locator('.picker-handler-option').count()).resolves.toBe(
      handlers.body.items.length,
    );
    await screenshot(page, 'pickers-03-handler-list');
    // typing part of a description finds it
    await page.keyboard.type('发送通知');
    await expect(dropdown().locator('.picker-handler-option').count()).resolves.toBe(1);
    await dropdown().locator('[data-value="notify"]').click();
    await expect(page.locator('#picker-handler-detail').textContent()).resolves.toContain(
      handlers.body.items.find((h) => h.name === 'notify')!.description,
    );
    await screenshot(page, 'pickers-04-handler-picked');

    // and: deployed as version 2
    await page.click('#deploy-button');
    await page.locator('.ant-message', { hasText: '已部署为版本 2' }).waitFor();
    await screenshot(page, 'pickers-05-deployed-v2');

    // then: version 2's XML holds what was picked
    const versions = await apiCall<{ items: { id: string; version: number }[] }>(
      base,
      'GET',
      '/definitions?processId=corridor-clearance',
      { token: admin },
    );
    expect(versions.body.items.map((d) => d.version)).toEqual([2, 1]);
    const xml = await fetch(`${base}/api/v1/definitions/${versions.body.items[0]!.id}/xml`, {
      headers: { authorization: `Bearer ${admin}` },
    }).then((r) => r.text());
    const check = /<bpmn:userTask id="Task_Check"[^>]*>/.exec(xml)![0];
    expect(check).toContain('camunda:candidateGroups="grid_worker,community_admin"');
    expect(check).toContain('camunda:dueDate="${workingDays(3)}"');
    expect(check).toContain(`camunda:candidateUsers="${me.body.id}"`);
    expect(check).not.toContain('camunda:assignee');
    const notify = /<bpmn:serviceTask id="Task_Notify"[^>]*>/.exec(xml)![0];
    expect(notify).toContain('camunda:type="external"');
    expect(notify).toContain('camunda:topic="notify"');

    // and: a case on version 2 gives the step to grid workers, community admins and the picked worker, due in working days
    const grid = me.body.roles.find((g) => g.role === 'grid_worker')!.orgUnitId;
    const started = await apiCall<{
      openTasks: {
        candidateGroups: string[];
        candidateUsers: string[];
        dueAt: string | null;
        createdAt: string;
      }[];
    }>(base, 'POST', '/instances', {
      token: admin,
      body: { processId: 'corridor-clearance', orgUnitId: grid },
    });
    expect(started.status).toBe(201);
    const task = started.body.openTasks[0]!;
    expect(task.candidateGroups).toEqual(['grid_worker', 'community_admin']);
    expect(task.candidateUsers).toEqual([me.body.id]);
    // three working days end at least two calendar days after the step opens (4 hours before)
    const hours = (Date.parse(task.dueAt!) - Date.parse(task.createdAt)) / 3_600_000;
    expect(hours).toBeGreaterThan(48);
  }, 900_000);
});
