// Live updates in the console (admin/src/live.ts over the server's /ws hub), in a real browser against the real
// server (demo community 凤凰社区, embedded PGlite):
// - the community admin has 流程监控 open, filtered to one process; a resident starts a case through the API and
//   its row appears without a reload, the filter still in the URL; the header says 实时;
// - the admin has the case open; the case's first step is completed through the API and the open tasks, the
//   highlighted current step and the timeline move on without a reload.
// Skips when Debian's Chromium is absent. Screenshots go to test/admin/screenshots/.
import type { Page } from 'playwright-core';
import {
  apiCall,
  closeConsole,
  hasChromium,
  openConsole,
  screenshot,
  screenshotDir,
  signInConsole,
  tokenOf,
  type ConsoleUnderTest,
  type Running,
} from './harness.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn('test/admin: /usr/bin/chromium is absent; the browser tests are skipped');

const JOURNEY_MS = 600_000;
const PROCESS = 'live-watch';
const BUSINESS_KEY = 'SS-2026-0001';

let server: Running | undefined;
let ui: ConsoleUnderTest | undefined;
let page: Page;
let instanceId = '';

/** two steps for the community's admins: 上门核实, then 回访办结 */
function diagram(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${PROCESS}" name="实时监控演示" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="开始"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Check" name="上门核实" camunda:candidateGroups="community_admin"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="Task_Close" name="回访办结" camunda:candidateGroups="community_admin"><bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1" name="结束"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Check" targetRef="Task_Close" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Close" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${PROCESS}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="100" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Check_di" bpmnElement="Task_Check"><dc:Bounds x="200" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Close_di" bpmnElement="Task_Close"><dc:Bounds x="360" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1"><dc:Bounds x="520" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="136" y="120" /><di:waypoint x="200" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2"><di:waypoint x="300" y="120" /><di:waypoint x="360" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_3_di" bpmnElement="Flow_3"><di:waypoint x="460" y="120" /><di:waypoint x="520" y="120" /></bpmndi:BPMNEdge>
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
    body: diagram(),
  });
  if (deployed.status !== 201)
    throw new Error(`deploying failed: ${deployed.status} ${await deployed.text()}`);
}, 1_200_000);

afterAll(() => closeConsole(ui));

/** marks the document: still there later means the page was not reloaded */
const markDocument = () =>
  page.evaluate(() => ((globalThis as unknown as { __kept: boolean }).__kept = true));
const documentKept = () =>
  page.evaluate(() => (globalThis as unknown as { __kept?: boolean }).__kept === true);

run('live updates (community admin)', () => {
  test(
    'a case started elsewhere appears on 流程监控 without a reload, and the header says 实时',
    async () => {
      await signInConsole(page, server!.base, 'community.admin');
      await page.goto(`${server!.base}/admin/cases?processId=${PROCESS}`);
      await page.locator('#live-status[data-state="open"]').waitFor();
      await expect(page.locator('#live-status').textContent()).resolves.toBe('实时');
      // nothing of this process yet
      await page.locator('#cases-table .ant-empty').waitFor();
      await markDocument();

      const resident = await tokenOf(server!.base, 'resident1');
      const started = await apiCall<{ id: string }>(server!.base, 'POST', '/instances', {
        token: resident,
        body: { processId: PROCESS, businessKey: BUSINESS_KEY },
      });
      expect(started.status).toBe(201);
      instanceId = started.body.id;

      const row = page.locator(`#cases-table tbody tr[data-row-key="${instanceId}"]`);
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain(BUSINESS_KEY);
      await expect(row.textContent()).resolves.toContain('进行中');
      expect(await documentKept()).toBe(true);
      // the filter and the page stayed as they were
      expect(new URL(page.url()).searchParams.get('processId')).toBe(PROCESS);
      await expect(page.locator('#cases-table tbody tr.ant-table-row').count()).resolves.toBe(1);
      await screenshot(page, 'live-cases');
      await page.locator('.header').screenshot({ path: `${screenshotDir}/live-status-header.png` });
    },
    JOURNEY_MS,
  );

  test(
    "the case view moves on to the next step when the case's task is completed elsewhere",
    async () => {
      await page.click(`#cases-table tbody tr[data-row-key="${instanceId}"]`);
      await page.waitForURL(new RegExp(`/admin/cases/${instanceId}`));
      await page.locator('.djs-element.linli-current[data-element-id="Task_Check"]').waitFor();
      await expect(page.locator('#open-tasks tbody').textContent()).resolves.toContain('上门核实');
      await expect(
        page.locator('#case-timeline .timeline-entry[data-kind^="task.completed"]').count(),
      ).resolves.toBe(0);
      await markDocument();

      // another admin's hands: claim and complete the first step through the API
      const token = await tokenOf(server!.base, 'community.admin');
      const detail = await apiCall<{ openTasks: { id: string }[] }>(
        server!.base,
        'GET',
        `/instances/${instanceId}`,
        { token },
      );
      const taskId = detail.body.openTasks[0]!.id;
      expect((await apiCall(server!.base, 'POST', `/tasks/${taskId}/claim`, { token })).status).toBe(200);
      const done = await apiCall(server!.base, 'POST', `/tasks/${taskId}/complete`, {
        token,
        body: { comment: '已上门核实，情况属实' },
      });
      expect(done.status).toBe(200);

      await page.locator('.djs-element.linli-current[data-element-id="Task_Close"]').waitFor();
      await page.locator('.djs-element.linli-done[data-element-id="Task_Check"]').waitFor();
      await page.locator('#open-tasks tbody', { hasText: '回访办结' }).waitFor();
      await expect(page.locator('#open-tasks tbody').textContent()).resolves.not.toContain('上门核实');
      await page.locator('#case-timeline .timeline-entry[data-kind^="task.completed"]').first().waitFor();
      await expect(page.locator('#case-timeline').textContent()).resolves.toContain('已上门核实，情况属实');
      expect(await documentKept()).toBe(true);
      await expect(page.locator('#live-status').textContent()).resolves.toBe('实时');
      await screenshot(page, 'live-case-view');
    },
    JOURNEY_MS,
  );
});
