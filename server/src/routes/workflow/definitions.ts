// Process definitions: BPMN diagrams deployed as numbered versions. Deploy takes the raw XML
// (`curl -H 'content-type: application/xml' --data-binary @repair.bpmn`); a diagram that cannot run is
// refused with every problem at once and nothing stored.
import { z } from 'zod';
import {
  Definition,
  DefinitionDiff,
  DefinitionQuery,
  DeployResult,
  DiffQuery,
  IdParams,
  pageOf as pageSchema,
} from '@linli/contracts';
import { diffDefinitions, parseDefinition } from '@linli/workflows';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { requirePermission } from '../../policy/policy.js';
import { deployDefinition, getDefinition } from '../../workflow/cases.js';
import { listDefinitions } from '../../workflow/queries.js';
import { presentDefinition } from '../../workflow/present.js';

/** A one-step process for the authorisation matrix: the first admin deploys it, later ones find it deployed. */
const MATRIX_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_matrix" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="matrix-deploy" name="矩阵测试" isExecutable="true">
    <bpmn:startEvent id="Start" name="开始"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task" name="处理" camunda:candidateGroups="grid_worker"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="结束"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="matrix-deploy">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_di" bpmnElement="Task"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="360" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const deploy = defineRoute({
  method: 'post',
  path: '/definitions',
  summary:
    'Deploy a BPMN diagram: a new version (201), the same XML again (200), or 422 listing every problem',
  tag: 'workflow',
  auth: 'user',
  body: z.object({ contentType: z.string(), data: z.instanceof(Buffer) }),
  bodyKind: 'raw',
  rawTypes: ['application/xml', 'text/xml', 'application/bpmn+xml'],
  response: DeployResult,
  matrix: { body: () => MATRIX_XML },
  handler: async ({ body, principal, services: s, requestId, koa }) => {
    const { definition, created } = await deployDefinition(
      s,
      principal,
      body.data.toString('utf8'),
      requestId,
    );
    if (created) koa.state.successStatus = 201;
    return { definition: presentDefinition(definition), created };
  },
});

const list = defineRoute({
  method: 'get',
  path: '/definitions',
  summary: 'The latest version of every process, or every version of one (?processId)',
  tag: 'workflow',
  auth: 'user',
  query: DefinitionQuery,
  response: pageSchema(Definition),
  handler: async ({ query, principal, services: s }) => {
    requirePermission(principal, 'definitions', 'read');
    const page = await listDefinitions(s.db, query);
    return { ...page, items: page.items.map(presentDefinition) };
  },
});

const get = defineRoute({
  method: 'get',
  path: '/definitions/:id',
  summary: 'Read one version of a process',
  tag: 'workflow',
  auth: 'user',
  params: IdParams,
  response: Definition,
  matrix: { target: 'definition' },
  handler: async ({ params, principal, services: s }) =>
    presentDefinition(await getDefinition(s, principal, params.id)),
});

const xml = defineRoute({
  method: 'get',
  path: '/definitions/:id/xml',
  summary: 'The diagram of one version, as deployed (application/xml)',
  tag: 'workflow',
  auth: 'user',
  params: IdParams,
  matrix: { target: 'definition' },
  handler: async ({ params, principal, services: s, koa }) => {
    const def = await getDefinition(s, principal, params.id);
    // attachment() derives a type from the file name, which .bpmn has none of: set ours after it
    koa.attachment(`${def.processId}-v${def.version}.bpmn`, { type: 'inline' });
    koa.type = 'application/xml';
    return def.xml;
  },
});

const diff = defineRoute({
  method: 'get',
  path: '/definitions/:id/diff',
  summary: 'What changed from version ?with to this one, element by element',
  tag: 'workflow',
  auth: 'user',
  params: IdParams,
  query: DiffQuery,
  response: DefinitionDiff,
  matrix: { target: 'definition', query: (fx) => ({ with: fx.definition! }) },
  handler: async ({ params, query, principal, services: s }) => {
    const to = await getDefinition(s, principal, params.id);
    const from = await getDefinition(s, principal, query.with);
    const changes = diffDefinitions(await parseDefinition(from.xml), await parseDefinition(to.xml));
    return { from: presentDefinition(from), to: presentDefinition(to), ...changes };
  },
});

export const definitionRoutes: RouteDef[] = [list, deploy, get, xml, diff];
