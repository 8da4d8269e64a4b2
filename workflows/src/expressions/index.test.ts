import { EventEmitter } from 'node:events';

import { Engine } from 'bpmn-engine';

import { createChineseCalendar } from '../time/index.js';
import { bpmnExpressions, createFunctions, SAFE_FUNCTIONS } from './index.js';

const calendar = createChineseCalendar();

const gatewayDiagram = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://linli.example/bpmn">
  <process id="review" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="toDecide" sourceRef="start" targetRef="decide" />
    <exclusiveGateway id="decide" default="toFile" />
    <sequenceFlow id="toApprove" sourceRef="decide" targetRef="approve">
      <conditionExpression xsi:type="tFormalExpression">\${approved == true}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="toEscalate" sourceRef="decide" targetRef="escalate">
      <conditionExpression xsi:type="tFormalExpression">\${amount &gt; 1000 &amp;&amp; level == 'high'}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="toFile" sourceRef="decide" targetRef="file" />
    <task id="approve" />
    <task id="escalate" />
    <task id="file" />
    <sequenceFlow id="approveDone" sourceRef="approve" targetRef="end" />
    <sequenceFlow id="escalateDone" sourceRef="escalate" targetRef="end" />
    <sequenceFlow id="fileDone" sourceRef="file" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;

async function activitiesRun(
  source: string,
  variables: Record<string, unknown>,
  services = {},
): Promise<string[]> {
  const engine = new Engine({ name: 'test', source, expressions: bpmnExpressions(SAFE_FUNCTIONS), services });
  const listener = new EventEmitter();
  const ran: string[] = [];
  listener.on('activity.end', (api: { id: string }) => ran.push(api.id));
  // Subscribe before executing: a process without wait states can finish inside execute().
  const ended = engine.waitFor('end');
  await engine.execute({ listener, variables });
  await ended;
  return ran;
}

describe('bpmnExpressions in a real bpmn-engine run', () => {
  it('takes the approve flow when ${approved == true}', async () => {
    const ran = await activitiesRun(gatewayDiagram, { approved: true, amount: 5000, level: 'high' });
    expect(ran).toContain('approve');
    expect(ran).not.toContain('escalate');
    expect(ran).not.toContain('file');
  });

  it('takes the escalate flow when the amount is over 1000 and the level is high', async () => {
    const ran = await activitiesRun(gatewayDiagram, { approved: false, amount: 1500, level: 'high' });
    expect(ran).toEqual(expect.arrayContaining(['escalate', 'end']));
    expect(ran).not.toContain('approve');
  });

  it('takes the default flow when no condition holds', async () => {
    const ran = await activitiesRun(gatewayDiagram, { approved: false, amount: 800, level: 'high' });
    expect(ran).toContain('file');
    expect(ran).not.toContain('escalate');
  });

  it('stops the run with an error naming the variable when a condition reads an unknown variable', async () => {
    await expect(activitiesRun(gatewayDiagram, { approved: false, level: 'high' })).rejects.toThrow(
      /Unknown variable "amount"/,
    );
  });

  it('resolves a service task implementation ${environment.services.notify} to the registered service', async () => {
    const source = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://linli.example/bpmn">
  <process id="notifying" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="notify" />
    <serviceTask id="notify" implementation="\${environment.services.notify}" />
    <sequenceFlow id="f2" sourceRef="notify" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;
    const calls: string[] = [];
    const notify = (_scope: unknown, done: (error: Error | null) => void) => {
      calls.push('notified');
      done(null);
    };
    const ran = await activitiesRun(source, {}, { notify });
    expect(calls).toEqual(['notified']);
    expect(ran).toContain('end');
  });

  it('arms a timer whose timeDuration is ${workingDays(1)} to expire one working day later', async () => {
    const source = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://linli.example/bpmn">
  <process id="waiting" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="limit" />
    <intermediateCatchEvent id="limit">
      <timerEventDefinition><timeDuration>\${workingDays(1)}</timeDuration></timerEventDefinition>
    </intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="limit" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;
    const fns = createFunctions({ now: () => new Date(), calendar });
    const engine = new Engine({ name: 'timer', source, expressions: bpmnExpressions(fns) });
    const listener = new EventEmitter();
    const timer = new Promise<{ expireAt: Date; timeDuration: string }>((resolve) =>
      listener.once('activity.timer', (api: { content: { expireAt: Date; timeDuration: string } }) =>
        resolve(api.content),
      ),
    );
    const before = new Date();
    await engine.execute({ listener });
    const armed = await timer;
    await engine.stop();

    expect(armed.timeDuration).toMatch(/^PT\d+(\.\d+)?S$/);
    const expected = calendar.addWorkingDays(before, 1).getTime();
    expect(Math.abs(new Date(armed.expireAt).getTime() - expected)).toBeLessThan(5000);
  });
});

describe('bpmnExpressions resolution rules', () => {
  const expressions = bpmnExpressions(SAFE_FUNCTIONS);
  const notify = () => undefined;
  const context = {
    environment: { variables: { amount: 1200, content: 'a variable' }, services: { notify }, output: {} },
    content: { id: 'task', output: { decision: 'approve' } },
    properties: { messageId: 'm1' },
  };

  it('looks a bare name up among the process variables first', () => {
    expect(expressions.resolveExpression('${amount}', context)).toBe(1200);
    expect(expressions.resolveExpression('${content}', context)).toBe('a variable');
  });

  it('falls back to the message context for names that are not variables', () => {
    expect(expressions.resolveExpression('${properties.messageId}', context)).toBe('m1');
    expect(expressions.resolveExpression('${environment.variables.amount}', context)).toBe(1200);
  });

  it('reads content.output when no variable shadows content', () => {
    const { content: _shadow, ...variables } = context.environment.variables;
    const unshadowed = { ...context, environment: { ...context.environment, variables } };
    expect(expressions.resolveExpression('${content.output.decision}', unshadowed)).toBe('approve');
  });

  it('returns a registered service function but never calls anything outside the function set', () => {
    expect(expressions.resolveExpression('${environment.services.notify}', context)).toBe(notify);
    expect(() => expressions.resolveExpression('${environment.services.notify()}', context)).toThrow(
      /only functions/,
    );
  });

  it('interpolates mixed text into a string and leaves plain text alone', () => {
    expect(expressions.resolveExpression('Amount: ${amount}', context)).toBe('Amount: 1200');
    expect(expressions.resolveExpression('no expression', context)).toBe('no expression');
  });

  it('tells bpmn-elements which texts are expressions', () => {
    expect(expressions.isExpression('${a}')).toBe(true);
    expect(expressions.isExpression('x ${a}')).toBe(false);
    expect(expressions.isExpression(undefined)).toBe(false);
    expect(expressions.hasExpression('x ${a}')).toBe(true);
    expect(expressions.hasExpression('plain')).toBe(false);
  });
});
