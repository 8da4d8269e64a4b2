import { readdirSync, readFileSync } from 'node:fs';
import type { Problem, ValidationContext, ValidationResult } from './types.js';
import { validateDefinition } from './validate.js';

const FIXTURES = new URL('../../../bpmn/fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(`${name}.bpmn`, FIXTURES), 'utf8');
const ctx: ValidationContext = { handlers: new Set(['test.record']) };

function problemsOf(result: ValidationResult): Problem[] {
  if (result.ok) throw new Error('expected the definition to be refused');
  return result.problems;
}

describe('validateDefinition', () => {
  it('accepts a valid diagram and hands back the parsed definition', async () => {
    // when
    const result = await validateDefinition(fixture('repair-shaped'), ctx);

    // then
    expect(result).toMatchObject({ ok: true, warnings: [] });
    expect(result.ok && result.definition.processId).toBe('repair-shaped');
  });

  const validFixtures = readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.bpmn') && !file.startsWith('invalid-'))
    .map((file) => file.replace(/\.bpmn$/, ''));

  it.each(validFixtures)('accepts the fixture %s with handlers {test.record}', async (name) => {
    const result = await validateDefinition(fixture(name), ctx);

    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each([
    ['invalid-broken-xml', undefined, 'xml', 'line 9'],
    ['invalid-two-processes', 'repair-review', 'single-process', 'exactly one'],
    [
      'invalid-service-no-handler',
      'Task_Notify',
      'service-task-handler',
      'Service task "通知居民" names no handler',
    ],
    ['invalid-unknown-handler', 'Task_Sms', 'unknown-handler', 'handler "sms.send", which is not registered'],
    [
      'invalid-user-no-assignment',
      'Task_Review',
      'user-task-assignment',
      'User task "审核" has no assignment rule',
    ],
    ['invalid-timer', 'Boundary_Late', 'timer', '"PT10X" is not an ISO 8601 duration'],
    ['invalid-script-task', 'Task_Script', 'unsupported-element', 'script tasks are not supported'],
    ['invalid-call-activity', 'Call_Approval', 'unsupported-element', 'call activities are not supported'],
    ['invalid-expression', 'Flow_Accept', 'expression', 'is never closed'],
    [
      'invalid-lint',
      'Task_Unnamed',
      'bpmnlint/label-required',
      'User task Task_Unnamed: Element is missing label/name',
    ],
  ])('refuses %s with exactly its problem', async (name, elementId, rule, message) => {
    // when
    const problems = problemsOf(await validateDefinition(fixture(name), ctx));

    // then
    expect(problems).toEqual([
      { ...(elementId ? { elementId } : {}), rule, message: expect.stringContaining(message) as unknown },
    ]);
  });

  it('refuses a user-task form the platform cannot show or check, naming the field and the problem', async () => {
    // given: a custom type, a duplicate id, an id that is no variable name, an enum without values, a custom
    // validator, a max that is not a number, a default outside its type
    const xml = fixture('task-form')
      .replace('id="note" label="情况说明" type="string"', 'id="note" label="情况说明" type="richtext"')
      .replace('id="recheckOn"', 'id="result"')
      .replace(
        'id="reported" label="已告知物业" type="boolean" defaultValue="false"',
        'id="2nd" label="第二" type="boolean" defaultValue="yes"',
      )
      .replace('<camunda:value id="normal" name="正常" />', '')
      .replace('<camunda:value id="problem" name="发现隐患" />', '')
      .replace(
        '<camunda:constraint name="max" config="99" />',
        '<camunda:constraint name="max" config="很多" /><camunda:constraint name="validator" config="com.acme.Check" />',
      );

    // when
    const problems = problemsOf(await validateDefinition(xml, ctx));

    // then
    expect(problems.every((p) => p.elementId === 'Task_Inspect' && p.rule === 'user-task-form')).toBe(true);
    expect(problems.map((p) => p.message)).toEqual([
      'User task "登记巡查结果", form field "result" (巡查结论): an enum field needs at least one value',
      'User task "登记巡查结果", form field "extinguishers" (灭火器数量): max needs a number as its config',
      'User task "登记巡查结果", form field "extinguishers" (灭火器数量): constraint "validator" is not supported; use required, readonly, minlength, maxlength, min, max',
      'User task "登记巡查结果", form field "note" (情况说明): type "richtext" is not supported; use string, long, boolean, date, enum',
      'User task "登记巡查结果": two form fields have the id "result"',
      'User task "登记巡查结果", form field "2nd" (第二): the id must be a variable name (letters, digits, _; not starting with a digit)',
      'User task "登记巡查结果", form field "2nd" (第二): the default value must be true or false',
    ]);
  });

  it('refuses a form on a start event: cases start from their own screens', async () => {
    // given
    const xml = fixture('task-form').replace(
      '<bpmn:startEvent id="StartEvent_1" name="开始巡查">',
      '<bpmn:startEvent id="StartEvent_1" name="开始巡查"><bpmn:extensionElements><camunda:formData><camunda:formField id="a" type="string" /></camunda:formData></bpmn:extensionElements>',
    );

    // when
    const problems = problemsOf(await validateDefinition(xml, ctx));

    // then
    expect(problems).toEqual([
      {
        elementId: 'StartEvent_1',
        rule: 'unsupported-extension',
        message: expect.stringContaining('forms are supported on user tasks only') as unknown,
      },
    ]);
  });

  it('lists every problem in one pass, each on its element', async () => {
    // given: the repair diagram with no group for 派单, an unregistered topic and a bad due date
    const xml = fixture('repair-shaped')
      .replace('camunda:candidateGroups="dispatcher" camunda:dueDate="PT2H"', 'camunda:dueDate="两小时"')
      .replace('camunda:topic="test.record"', 'camunda:topic="repair.record"');

    // when
    const problems = problemsOf(await validateDefinition(xml, ctx));

    // then
    expect(problems.map((p) => [p.elementId, p.rule])).toEqual([
      ['Task_Dispatch', 'user-task-assignment'],
      ['Task_Dispatch', 'user-task-attribute'],
      ['Task_Record', 'unknown-handler'],
    ]);
  });

  it('checks the source inside each ${…} with the runtime expression checker', async () => {
    // given
    const seen: string[] = [];
    const checkExpression = (src: string) => {
      seen.push(src);
      return src.includes('==') ? 'comparison is not supported' : undefined;
    };

    // when
    const problems = problemsOf(
      await validateDefinition(fixture('repair-shaped'), { ...ctx, checkExpression }),
    );

    // then
    expect(seen).toEqual(expect.arrayContaining(['initiator', "outcome == 'accept'"]));
    expect(problems).toEqual([
      {
        elementId: 'Flow_Accept',
        rule: 'expression',
        message: `Sequence flow "接单", condition: \${outcome == 'accept'} is not a valid expression: comparison is not supported`,
      },
    ]);
  });

  it('uses the runtime timer checker instead of the built-in ISO 8601 one when given', async () => {
    // given: a runtime that only schedules durations of whole days
    const checkTimer = (_kind: string, value: string) =>
      /^P\d+D$/.test(value) ? ({ ok: true } as const) : ({ ok: false, message: 'whole days only' } as const);

    // when
    const problems = problemsOf(await validateDefinition(fixture('timer-boundary'), { ...ctx, checkTimer }));

    // then
    expect(problems.map((p) => [p.elementId, p.rule, p.message])).toEqual([
      ['Boundary_Remind', 'timer', 'Boundary event "30分钟未处理", timeDuration: whole days only'],
      ['Boundary_Timeout', 'timer', 'Boundary event "1小时超时", timeDuration: whole days only'],
    ]);
  });

  it('passes a timer given as an expression to the expression checker, not the timer checker', async () => {
    const xml = fixture('timer-long').replace('>P30D<', '>${revisitAfter}<');
    const checked: string[] = [];

    const result = await validateDefinition(xml, {
      ...ctx,
      checkExpression: (src) => void checked.push(src),
    });

    expect(result.ok).toBe(true);
    expect(checked).toContain('revisitAfter');
  });

  it('returns bpmnlint warnings without failing the deploy', async () => {
    // given: a terminate end event where a plain one would do, which bpmnlint:recommended only warns about
    const xml = fixture('service-task').replace(
      '<bpmn:incoming>Flow_2</bpmn:incoming>',
      '<bpmn:incoming>Flow_2</bpmn:incoming><bpmn:terminateEventDefinition id="Terminate_1" />',
    );

    // when
    const result = await validateDefinition(xml, ctx);

    // then
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      {
        elementId: 'EndEvent_1',
        rule: 'bpmnlint/superfluous-termination',
        message: 'End event "办结": Termination is superfluous.',
      },
    ]);
  });

  it('fails the deploy on bpmnlint errors, naming the element', async () => {
    // given: the flow into 办结 turned back onto the task, so the end event hangs loose
    const xml = fixture('service-task').replace('targetRef="EndEvent_1"', 'targetRef="Task_Record"');

    // when
    const problems = problemsOf(await validateDefinition(xml, ctx));

    // then
    expect(problems).toContainEqual({
      elementId: 'EndEvent_1',
      rule: 'bpmnlint/no-disconnected',
      message: 'End event "办结": Element is not connected',
    });
  });

  it('refuses script conditions, conditions that are not expressions and listeners', async () => {
    const xml = fixture('repair-shaped')
      .replace(
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">',
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">',
      )
      .replace(
        '<bpmn:incoming>Flow_ToDispatch</bpmn:incoming>',
        '<bpmn:extensionElements><camunda:taskListener event="create" class="com.example.Notify" /></bpmn:extensionElements><bpmn:incoming>Flow_ToDispatch</bpmn:incoming>',
      );

    const problems = problemsOf(await validateDefinition(xml, ctx));

    expect(problems.map((p) => [p.elementId, p.rule])).toEqual([
      ['Task_Dispatch', 'unsupported-extension'],
      ['Flow_Accept', 'condition'],
    ]);
    expect(problems[1]?.message).toContain('javascript script');
  });

  it('refuses a message event that names no message', async () => {
    const xml = fixture('message-catch').replace(' messageRef="Message_AlertAck"', '');

    const problems = problemsOf(await validateDefinition(xml, ctx));

    expect(problems.map((p) => [p.elementId, p.rule])).toContainEqual(['Catch_Ack', 'message-name']);
  });
});
