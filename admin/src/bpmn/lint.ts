// The editor's lint: `bpmnlint:recommended` (the same rules the server's deploy check runs, bpmnlint 11) plus
// browser versions of the runtime's own rules (a user task needs someone to do it, a service task a handler, a
// timer a value), every message in Chinese. The server's deploy check stays the final word.
import StaticResolver from 'bpmnlint/lib/resolver/static-resolver';
import recommended from 'bpmnlint/config/recommended';
import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process';
import conditionalFlows from 'bpmnlint/rules/conditional-flows';
import endEventRequired from 'bpmnlint/rules/end-event-required';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event';
import fakeJoin from 'bpmnlint/rules/fake-join';
import global from 'bpmnlint/rules/global';
import labelRequired from 'bpmnlint/rules/label-required';
import linkEvent from 'bpmnlint/rules/link-event';
import noBpmndi from 'bpmnlint/rules/no-bpmndi';
import noComplexGateway from 'bpmnlint/rules/no-complex-gateway';
import noDisconnected from 'bpmnlint/rules/no-disconnected';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start';
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition';
import startEventRequired from 'bpmnlint/rules/start-event-required';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway';
import superfluousLabel from 'bpmnlint/rules/superfluous-label';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination';

/** What each rule means, in Chinese: shown on the diagram and in the problem list (server problems too). */
export const RULE_TEXT: Record<string, string> = {
  'ad-hoc-sub-process': '自由子流程的内容不符合要求',
  'conditional-flows': '分支连线缺少条件',
  'end-event-required': '流程缺少结束事件',
  'event-based-gateway': '事件网关之后只能接事件',
  'event-sub-process-typed-start-event': '事件子流程的开始事件需要类型',
  'fake-join': '多条连线直接汇入同一步骤，请用网关合并',
  global: '消息、信号等全局元素有问题',
  'label-required': '缺少名称',
  'link-event': '链接事件不成对',
  'no-bpmndi': '元素没有图形',
  'no-complex-gateway': '不支持复杂网关',
  'no-disconnected': '元素没有连接',
  'no-duplicate-sequence-flows': '重复的连线',
  'no-gateway-join-fork': '同一网关不能既合并又分支',
  'no-implicit-split': '从一个步骤直接分出多条连线，请用网关',
  'no-implicit-end': '步骤没有后续，请连到结束事件',
  'no-implicit-start': '步骤没有来源，请从开始事件连入',
  'no-inclusive-gateway': '不建议使用包容网关',
  'no-overlapping-elements': '元素重叠',
  'single-blank-start-event': '只能有一个空白开始事件',
  'single-event-definition': '一个事件只能有一种定义',
  'start-event-required': '流程缺少开始事件',
  'sub-process-blank-start-event': '子流程需要空白开始事件',
  'superfluous-gateway': '多余的网关',
  'superfluous-label': '多余的标签',
  'superfluous-termination': '多余的终止结束事件',
  // the runtime's own rules (workflows/src/definitions/rules.ts)
  'user-task-assignment': '用户任务没有处理人：请设置处理人、候选用户或候选组',
  'user-task-attribute': '用户任务的期限或优先级格式不正确',
  'service-task-handler': '服务任务没有可用的处理程序（请选择已注册的处理程序）',
  'unknown-handler': '服务任务的处理程序未注册',
  timer: '定时器没有时间或格式不正确',
  condition: '连线条件必须是 ${…} 表达式',
  expression: '表达式有误',
  'message-name': '消息事件没有消息名称',
  'unsupported-element': '运行时不支持此元素',
  'single-process': '文件中必须恰好有一个流程',
  xml: 'BPMN 文件无法解析',
  bpmn: 'BPMN 结构有误',
};

/** A rule's Chinese text from its id as bpmnlint or the server reports it (`bpmnlint/label-required`). */
export function ruleText(rule: string): string {
  const name = rule.replace(/^bpmnlint\//, '').replace(/^linli\//, '');
  return RULE_TEXT[name] ?? rule;
}

type Reporter = { report: (id: string, message: string, ...rest: unknown[]) => void };
type Check = (node: unknown, reporter: Reporter) => void;
type Rule = { check: Check | { enter?: Check; leave?: Check }; meta?: unknown };

/** Wrap a rule so that what it reports reads in Chinese. */
function chinese(name: string, factory: () => unknown): () => Rule {
  const text = RULE_TEXT[name];
  return () => {
    const rule = factory() as Rule;
    if (!text) return rule;
    const wrap =
      (check: Check): Check =>
      (node, reporter) =>
        check(node, { report: (id, _message, ...rest) => reporter.report(id, text, ...rest) });
    const check =
      typeof rule.check === 'function'
        ? wrap(rule.check)
        : {
            ...(rule.check.enter ? { enter: wrap(rule.check.enter) } : {}),
            ...(rule.check.leave ? { leave: wrap(rule.check.leave) } : {}),
          };
    return { ...rule, check };
  };
}

interface ModdleNode {
  id: string;
  get(name: string): unknown;
  $instanceOf(type: string): boolean;
  eventDefinitions?: ModdleNode[];
}

const is = (node: ModdleNode, type: string): boolean => node.$instanceOf(type);

const attr = (node: ModdleNode, name: string): string => {
  const value = node.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

function userTaskAssignment() {
  return {
    check(node: ModdleNode, reporter: Reporter) {
      if (!is(node, 'bpmn:UserTask')) return;
      if (
        !attr(node, 'camunda:assignee') &&
        !attr(node, 'camunda:candidateUsers') &&
        !attr(node, 'camunda:candidateGroups')
      )
        reporter.report(node.id, RULE_TEXT['user-task-assignment']!);
    },
  };
}

function serviceTaskHandler() {
  return {
    check(node: ModdleNode, reporter: Reporter) {
      if (!is(node, 'bpmn:ServiceTask') && !is(node, 'bpmn:SendTask')) return;
      const topic = attr(node, 'camunda:type') === 'external' && attr(node, 'camunda:topic');
      const expression = /^\$\{\s*[\w.]+\s*\}$/.test(attr(node, 'camunda:expression'));
      if (!topic && !expression) reporter.report(node.id, RULE_TEXT['service-task-handler']!);
    },
  };
}

function timerValue() {
  return {
    check(node: ModdleNode, reporter: Reporter) {
      for (const def of node.eventDefinitions ?? []) {
        if (!is(def, 'bpmn:TimerEventDefinition')) continue;
        const value = ['timeDuration', 'timeDate', 'timeCycle']
          .map((k) => def.get(k) as { body?: string } | undefined)
          .find((v) => v?.body?.trim());
        if (!value) reporter.report(node.id, '定时器没有时间：请选择时长、日期或周期并填写');
      }
    },
  };
}

const RULES: Record<string, () => unknown> = {
  'ad-hoc-sub-process': adHocSubProcess,
  'conditional-flows': conditionalFlows,
  'end-event-required': endEventRequired,
  'event-based-gateway': eventBasedGateway,
  'event-sub-process-typed-start-event': eventSubProcessTypedStartEvent,
  'fake-join': fakeJoin,
  global,
  'label-required': labelRequired,
  'link-event': linkEvent,
  'no-bpmndi': noBpmndi,
  'no-complex-gateway': noComplexGateway,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'no-gateway-join-fork': noGatewayJoinFork,
  'no-implicit-split': noImplicitSplit,
  'no-implicit-end': noImplicitEnd,
  'no-implicit-start': noImplicitStart,
  'no-inclusive-gateway': noInclusiveGateway,
  'no-overlapping-elements': noOverlappingElements,
  'single-blank-start-event': singleBlankStartEvent,
  'single-event-definition': singleEventDefinition,
  'start-event-required': startEventRequired,
  'sub-process-blank-start-event': subProcessBlankStartEvent,
  'superfluous-gateway': superfluousGateway,
  'superfluous-label': superfluousLabel,
  'superfluous-termination': superfluousTermination,
};

const cache: Record<string, unknown> = { 'config:bpmnlint/recommended': recommended };
for (const [name, factory] of Object.entries(RULES)) cache[`rule:bpmnlint/${name}`] = chinese(name, factory);
cache['rule:bpmnlint-plugin-linli/user-task-assignment'] = userTaskAssignment;
cache['rule:bpmnlint-plugin-linli/service-task-handler'] = serviceTaskHandler;
cache['rule:bpmnlint-plugin-linli/timer'] = timerValue;

/** The `linting.bpmnlint` option of the modeler (bpmn-js-bpmnlint). */
export const lintConfig = {
  resolver: new StaticResolver(cache),
  config: {
    extends: 'bpmnlint:recommended',
    rules: {
      'linli/user-task-assignment': 'error',
      'linli/service-task-handler': 'error',
      'linli/timer': 'error',
    },
  },
};
