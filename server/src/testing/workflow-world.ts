// Workflow fixtures for a test world: a two-step grid process (受理 → 办理, both for the grid's grid workers)
// and cases of it in every state an operation needs, plus a service task that always fails (an incident).
// Both worlds share the processes, as every district does; their cases are their own.
import { eq } from 'drizzle-orm';
import type { Actor, ServiceHandler } from '@linli/workflows';
import { files, residents } from '../db/schema.js';
import type { Services } from '../services.js';
import type { World } from './world.js';

type Step =
  | { kind: 'user'; id: string; name: string; attrs: Record<string, string> }
  | { kind: 'service'; id: string; name: string; topic: string };

/** A linear process (start → steps → end) with the diagram interchange bpmnlint requires. */
export function linearProcessXml(processId: string, name: string, steps: Step[]): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const nodes = [
    { id: 'StartEvent_1', tag: 'startEvent', name: '开始', attrs: '' },
    ...steps.map((s) => ({
      id: s.id,
      tag: s.kind === 'user' ? 'userTask' : 'serviceTask',
      name: s.name,
      attrs:
        s.kind === 'user'
          ? Object.entries(s.attrs)
              .map(([k, v]) => ` camunda:${k}="${esc(v)}"`)
              .join('')
          : ` camunda:type="external" camunda:topic="${esc(s.topic)}"`,
    })),
    { id: 'EndEvent_1', tag: 'endEvent', name: '结束', attrs: '' },
  ];
  const flows = nodes.slice(1).map((n, i) => ({ id: `Flow_${i + 1}`, from: nodes[i]!, to: n }));
  const x = (i: number) => 100 + i * 160;
  const body = nodes.map((n, i) => {
    const incoming = i > 0 ? `<bpmn:incoming>Flow_${i}</bpmn:incoming>` : '';
    const outgoing = i < nodes.length - 1 ? `<bpmn:outgoing>Flow_${i + 1}</bpmn:outgoing>` : '';
    return `    <bpmn:${n.tag} id="${n.id}" name="${esc(n.name)}"${n.attrs}>${incoming}${outgoing}</bpmn:${n.tag}>`;
  });
  const shapes = nodes.map((n, i) => {
    const event = n.tag.endsWith('Event');
    const [w, h] = event ? [36, 36] : [100, 80];
    return `      <bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}"><dc:Bounds x="${x(i)}" y="${event ? 102 : 80}" width="${w}" height="${h}" /></bpmndi:BPMNShape>`;
  });
  const edges = flows.map(
    (f, i) =>
      `      <bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}"><di:waypoint x="${x(i) + 100}" y="120" /><di:waypoint x="${x(i + 1)}" y="120" /></bpmndi:BPMNEdge>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" name="${esc(name)}" isExecutable="true">
${body.join('\n')}
${flows.map((f) => `    <bpmn:sequenceFlow id="${f.id}" sourceRef="${f.from.id}" targetRef="${f.to.id}" />`).join('\n')}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${processId}">
${shapes.join('\n')}
${edges.join('\n')}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** 受理 then 办理, both for the grid workers of the case's grid. */
export const GRID_CASE_XML = linearProcessXml('matrix-case', '网格事项', [
  { kind: 'user', id: 'Task_Handle', name: '受理', attrs: { candidateGroups: 'grid_worker' } },
  { kind: 'user', id: 'Task_Review', name: '办理', attrs: { candidateGroups: 'grid_worker' } },
]);

export const FAILING_JOB_XML = linearProcessXml('matrix-job', '总是失败', [
  { kind: 'service', id: 'Task_Fail', name: '调用外部系统', topic: 'matrix.fail' },
]);

/** Handlers the fixtures' processes need: pass them to createTestServer. */
export const WORKFLOW_TEST_HANDLERS: Record<string, ServiceHandler> = {
  'matrix.fail': async () => {
    throw new Error('the external system is down');
  },
};

/**
 * Deploys the fixture processes and starts, as the world's resident, one case per operation the
 * authorisation matrix tries, each left in the state that operation needs. Adds their ids to `world.ids`.
 */
export async function addWorkflowFixtures(s: Services, world: World): Promise<void> {
  const { runtime, tasks, store } = s.workflow;
  const ids = world.ids;
  const [home] = await s.db
    .select({ orgPath: residents.orgPath })
    .from(residents)
    .where(eq(residents.id, ids.resident!));
  ids.definition = (await runtime.deploy(GRID_CASE_XML, null)).definition.id;
  await runtime.deploy(FAILING_JOB_XML, null);

  const gridWorker: Actor = { userId: world.users.grid_worker, groups: ['grid_worker'] };
  const admin: Actor = { userId: world.users.community_admin, groups: ['community_admin'], supervisor: true };
  const start = async (processId = 'matrix-case') => {
    const instance = await runtime.start({
      processId,
      initiator: world.users.resident,
      orgPath: home!.orgPath,
      businessKey: `fixture-${processId}`,
    });
    const open = await store.queryTasks({ instanceId: instance.id, status: 'open', limit: 10, offset: 0 });
    return { instance, task: open.items[0] };
  };
  const reviewOf = async (instanceId: string) =>
    (await store.queryTasks({ instanceId, status: 'open', limit: 10, offset: 0 })).items[0]!;

  const first = await start();
  ids.instance = first.instance.id;
  ids.task = first.task!.id;
  ids.completeTask = (await start()).task!.id;

  ids.transferTask = (await start()).task!.id;
  await tasks.claim(ids.transferTask, gridWorker);
  ids.delegateTask = (await start()).task!.id;
  await tasks.claim(ids.delegateTask, gridWorker);
  ids.resolveTask = (await start()).task!.id;
  await tasks.claim(ids.resolveTask, admin);
  await tasks.delegate(ids.resolveTask, admin, world.users.grid_worker, null);

  // 退回: the second step, held by the grid worker, goes back to the first
  const returning = await start();
  await tasks.complete(returning.task!.id, gridWorker, { outcome: 'accept' });
  ids.returnTask = (await reviewOf(returning.instance.id)).id;
  await tasks.claim(ids.returnTask, gridWorker);

  // 撤回: the first step, completed by the grid worker; nobody has started the second
  const withdrawing = await start();
  await tasks.complete(withdrawing.task!.id, gridWorker, { outcome: 'accept' });
  ids.withdrawTask = withdrawing.task!.id;

  ids.cancelInstance = (await start()).instance.id;

  // a photo the resident filed with their first case
  const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
  const stored = await s.files.put(photo);
  const [file] = await s.db
    .insert(files)
    .values({
      name: '现场照片.jpg',
      kind: 'image',
      contentType: 'image/jpeg',
      size: photo.length,
      sha256: stored.sha256,
      storageKey: stored.key,
      uploadedBy: world.users.resident,
      instanceId: ids.instance,
      orgPath: home!.orgPath,
    })
    .returning();
  ids.file = file!.id;

  // the first attempt runs inline; run the retries now rather than waiting for their backoff
  const failing = await start('matrix-job');
  for (let attempt = 2; attempt <= 3; attempt++) {
    const [job] = await store.jobsOf(failing.instance.id);
    await runtime.runJob(job!);
  }
  ids.incident = (await store.jobsOf(failing.instance.id))[0]!.id;
}
