// 督办 in a real browser against the real server (demo community 凤凰社区, embedded PGlite):
// - two cases whose step was due three hours ago (a diagram deployed by the admin with a due date already past,
//   started by the demo resident) show under 已超时 with a red tag; a repair (接单 within 30 minutes, or the
//   dispatcher's hour) shows under 即将到期;
// - the admin selects both late tasks and urges them at once with a message: "已催办 2 件", each task's events
//   now hold the urge with that message, and the list counts it;
// - the admin hands the repair's step to another technician (转办) and the list shows the new holder.
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

const PROCESS_NAME = '督办测试事项';
const URGE_TEXT = '已超时，请今天内处理';
const lateTasks: string[] = [];
let repairInstance = '';

/** One grid-worker step whose due time is a fixed moment three hours ago, so it is late as soon as it opens. */
function lateDiagram(): string {
  const due = new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString();
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="supervision-late" name="${PROCESS_NAME}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="开始"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Handle" name="上门核实" camunda:candidateGroups="grid_worker" camunda:dueDate="${due}"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1" name="结束"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Handle" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Handle" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="supervision-late">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="100" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Handle_di" bpmnElement="Task_Handle"><dc:Bounds x="200" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1"><dc:Bounds x="360" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="136" y="120" /><di:waypoint x="200" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2"><di:waypoint x="300" y="120" /><di:waypoint x="360" y="120" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

beforeAll(async () => {
  if (!hasChromium) return;
  ui = await openConsole();
  ({ server, page } = ui);

  const admin = await tokenOf(server.base, 'community.admin');
  const deployed = await fetch(`${server.base}/api/v1/definitions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/xml' },
    body: lateDiagram(),
  });
  if (deployed.status !== 201)
    throw new Error(`deploying failed: ${deployed.status} ${await deployed.text()}`);
  const resident = await tokenOf(server.base, 'resident1');
  for (const businessKey of ['DB-2026-001', 'DB-2026-002']) {
    const started = await apiCall<{ openTasks: { id: string }[] }>(server.base, 'POST', '/instances', {
      token: resident,
      body: { processId: 'supervision-late', businessKey },
    });
    if (started.status !== 201) throw new Error(`starting a case failed: ${started.status}`);
    lateTasks.push(started.body.openTasks[0]!.id);
  }
  // a repair: its first step is due within the hour
  const rooms = await apiCall<{ items: { id: string }[] }>(server.base, 'GET', '/rooms?pageSize=1', {
    token: admin,
  });
  const repair = await apiCall<{ instanceId: string }>(server.base, 'POST', '/repairs', {
    token: admin,
    body: { roomId: rooms.body.items[0]!.id, category: 'water', description: '厨房水龙头一直滴水' },
  });
  if (repair.status !== 201) throw new Error(`reporting a repair failed: ${repair.status}`);
  repairInstance = repair.body.instanceId;
  // its first step opens in the background worker: wait for it, so the list has it when the test looks
  for (let i = 0; i < 240; i++) {
    const c = await apiCall<{ openTasks: unknown[] }>(server.base, 'GET', `/instances/${repairInstance}`, {
      token: admin,
    });
    if (c.body.openTasks.length) break;
    await new Promise((r) => setTimeout(r, 500));
  }
}, 1_200_000);

afterAll(() => closeConsole(ui));

const rowOf = (taskId: string) => page.locator(`#supervision-table tr[data-row-key="${taskId}"]`);

function signIn(username: string): Promise<void> {
  return signInConsole(page, server!.base, username);
}

run('督办 (community admin)', () => {
  it('lists the late tasks, urges two at once with a message, and each task records the urge', async () => {
    await signIn('community.admin');
    await page.click('#menu-supervision');
    await page.waitForURL(/\/admin\/supervision/);
    for (const id of lateTasks) await rowOf(id).waitFor();
    const first = rowOf(lateTasks[0]!);
    await expect(first.textContent()).resolves.toContain(PROCESS_NAME);
    await expect(first.textContent()).resolves.toContain('上门核实');
    await expect(first.textContent()).resolves.toContain('DB-2026-001');
    await expect(first.textContent()).resolves.toContain('网格员');
    await expect(first.locator('.due-tag').textContent()).resolves.toMatch(/^已超时 (3小时|2小时5\d分钟)/);
    await expect(first.locator('.urge-count').textContent()).resolves.toBe('0 次');

    for (const id of lateTasks) await rowOf(id).locator('.ant-checkbox-input').check();
    await page.click('#urge-selected');
    await page.fill('#urge-message', URGE_TEXT);
    await page.click('#urge-confirm');
    await expect(page.locator('#urge-result').textContent()).resolves.toContain('已催办 2 件');
    // the list is read again: each row now counts one urge
    for (const id of lateTasks) await rowOf(id).locator('.urge-count', { hasText: '1 次' }).waitFor();
    // the dialog's mask fades out after it closes: the screenshot shows the page, not the fade
    await page.locator('.ant-modal-mask').waitFor({ state: 'hidden' });
    await screenshot(page, 'supervision');

    const admin = await tokenOf(server!.base, 'community.admin');
    for (const id of lateTasks) {
      const events = await apiCall<{ kind: string; body: Record<string, unknown> }[]>(
        server!.base,
        'GET',
        `/tasks/${id}/events`,
        { token: admin },
      );
      expect(events.status).toBe(200);
      const urges = events.body.filter((e) => e.kind === 'urge');
      expect(urges).toHaveLength(1);
      expect(Object.values(urges[0]!.body)).toContain(URGE_TEXT);
    }

    // the case link opens the case
    await first.locator('.case-link').click();
    await page.waitForURL(/\/admin\/cases\//);
    await page.locator('#case-title').waitFor();
  }, 600_000);

  it('lists the repair due within the hour under 即将到期, not under 已超时', async () => {
    await page.click('#menu-supervision');
    await page.locator('#supervision-table').waitFor();
    await page.locator('#supervision-tabs .ant-tabs-tab', { hasText: '即将到期' }).click();
    const row = page
      .locator('#supervision-table tr.ant-table-row', { hasText: '接单' })
      .or(page.locator('#supervision-table tr.ant-table-row', { hasText: '人工派单' }));
    await row.first().waitFor();
    await expect(row.first().locator('.due-tag').textContent()).resolves.toMatch(/^剩余 /);
    await expect(page.locator('#supervision-table').textContent()).resolves.not.toContain(PROCESS_NAME);
    await screenshot(page, 'supervision-soon');
  }, 600_000);

  it('hands the repair step over to another technician (转办), who then holds it', async () => {
    const admin = await tokenOf(server!.base, 'community.admin');
    const open = await apiCall<{ openTasks: { id: string; assignee: string | null }[] }>(
      server!.base,
      'GET',
      `/instances/${repairInstance}`,
      { token: admin },
    );
    const task = open.body.openTasks[0]!;
    const techs = await apiCall<{ items: { id: string; displayName: string }[] }>(
      server!.base,
      'GET',
      '/users?role=technician&pageSize=50',
      { token: admin },
    );
    const to = techs.body.items.find((u) => u.id !== task.assignee)!;
    await rowOf(task.id).locator('.transfer-one').click();
    await page.locator('#transfer-to').fill(to.displayName);
    await page.locator('.ant-select-item-option', { hasText: to.displayName }).first().click();
    await page.fill('#transfer-reason', '原维修工今天请假');
    await page.click('#transfer-confirm');
    await rowOf(task.id).locator('td', { hasText: to.displayName }).waitFor();
    const now = await apiCall<{ assignee: string | null }>(server!.base, 'GET', `/tasks/${task.id}`, {
      token: admin,
    });
    expect(now.body.assignee).toBe(to.id);
    await page.locator('#transfer-confirm').waitFor({ state: 'hidden' });
    await screenshot(page, 'supervision-transfer');
  }, 600_000);
});
