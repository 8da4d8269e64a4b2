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
  ServiceHandlerList,
  type ServiceHandlerInfo,
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

/**
 * What each registered service-task handler does, in Chinese, for the flow editor's picker, with the input
 * parameters it reads. A handler registered without a line here is still listed (the route test names it).
 */
export const HANDLER_DESCRIPTIONS: Record<string, { description: string; inputs?: string[] }> = {
  notify: {
    description: '发送通知：通过消息中心和聊天渠道告知指定人员（收件人、标题、正文由输入参数给出）',
    inputs: ['to', 'title', 'body', 'template'],
  },
  'repair.autoDispatch': {
    description: '自动派单：派给当班且在办工单最少的维修工，无人值班时转物业调度人工派单',
    inputs: ['acceptLimit', 'confirmLimit'],
  },
  'repair.acceptTimeout': { description: '接单超时：维修工未在时限内接单，退回物业调度重新派单' },
  'repair.close': { description: '报修办结：按办结方式结案并告知报修人', inputs: ['closedAs'] },
  'dispute.escalate': {
    description: '调解督办：受理、调解或回访超过时限时督办',
    inputs: ['step'],
  },
  'dispute.agreement': { description: '生成调解协议书：按约定条款生成协议书并归档' },
  'dispute.record': { description: '生成调解卷宗：移交街道或法院时随案附上的卷宗' },
  'dispute.close': {
    description: '调解结案：写入结果（结案、不予受理、转街道、引导诉讼）并告知当事人',
    inputs: ['result'],
  },
  'approval.clock': {
    description: '办件计时：开始、暂停或恢复承诺时限（按工作日计算）',
    inputs: ['action'],
  },
  'approval.check': { description: '材料检查：预审认为材料不齐时转入补正' },
  'approval.warn': { description: '异常预警：时限用去八成时标记办件并提醒经办人' },
  'approval.overdue': { description: '超期督办：超过承诺时限时标记办件并告知经办人和督办人' },
  'approval.conclude': { description: '办结归档：记录办理结果、用时和是否按时办结，告知申请人' },
  'volunteer.publish': { description: '发布心愿或活动：审核通过后开放认领或报名，并告知相关人员' },
  'volunteer.reject': { description: '告知未通过：记录不通过的原因并告知发布人' },
  'volunteer.release': { description: '重新发布心愿：心愿人确认服务未完成时重新开放认领' },
  'volunteer.creditPoints': { description: '发放志愿积分：给每位确认参与的志愿者记一次积分' },
  'events.dispatch': {
    description: '事件派单：按事件分类和位置派给处置人员并设定时限，或转为报修、调解',
  },
  'events.to_repair': { description: '转为物业报修：由事件生成一张报修单' },
  'events.to_dispute': { description: '转为矛盾调解：由事件生成一件调解案件' },
  'events.escalate': {
    description: '事件督办：超时后上报社区管理员（1 级）或街道管理员（2 级）',
    inputs: ['level'],
  },
  'events.feedback': { description: '反馈上报人：告知处置结果并请其评价' },
  'events.hotline_reply': { description: '回复 12345 热线：生成热线系统读取的答复' },
  'events.close': { description: '事件办结：按评价结果或默认满意结案', inputs: ['reason'] },
  'alert.escalate': { description: '告警升级：无人确认时按顺序指派给下一位网格员或社区管理员并立即通知' },
  'alert.repeat': { description: '记录重复报警：同一告警再次触发时记在告警上' },
  'alert.close': { description: '告警办结：记录处置结果并关闭告警' },
};

const HANDLER_GROUPS: Record<string, string> = {
  repair: '物业报修',
  dispute: '矛盾调解',
  approval: '审批 · 事项代办',
  volunteer: '志愿服务',
  events: '事件处置',
  alert: '告警处置',
};

const GROUP_ORDER = ['通用', ...Object.values(HANDLER_GROUPS)];
const groupRank = (group: string) => {
  const i = GROUP_ORDER.indexOf(group);
  return i < 0 ? GROUP_ORDER.length : i;
};

/** The registered handlers with their descriptions: the shared ones first, then by process, then by name. */
export function describeHandlers(names: Iterable<string>): ServiceHandlerInfo[] {
  return [...names]
    .map((name) => {
      const known = HANDLER_DESCRIPTIONS[name];
      const prefix = name.includes('.') ? name.slice(0, name.indexOf('.')) : '';
      return {
        name,
        description: known?.description ?? '（暂无说明）',
        group: HANDLER_GROUPS[prefix] ?? (prefix ? prefix : '通用'),
        inputs: known?.inputs ?? [],
      };
    })
    .sort((a, b) => groupRank(a.group) - groupRank(b.group) || a.name.localeCompare(b.name));
}

const handlers = defineRoute({
  method: 'get',
  path: '/definitions/handlers',
  summary: 'The service-task handlers a diagram may name as camunda:topic, each with what it does (zh-CN)',
  tag: 'workflow',
  auth: 'user',
  response: ServiceHandlerList,
  handler: async ({ principal, services: s }) => {
    requirePermission(principal, 'definitions', 'read');
    return { items: describeHandlers(s.workflow.runtime.handlerNames) };
  },
});

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

// `handlers` before `get`: the router tries patterns in order and /definitions/:id would take the word
export const definitionRoutes: RouteDef[] = [list, handlers, deploy, get, xml, diff];
