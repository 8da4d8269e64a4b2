import { readFileSync } from 'node:fs';
import { DefinitionError, hashDefinitionXml, parseDefinition } from './parse.js';
import type { ElementInfo, ParsedDefinition } from './types.js';

const FIXTURES = new URL('../../../bpmn/fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(`${name}.bpmn`, FIXTURES), 'utf8');

function element(definition: ParsedDefinition, id: string): ElementInfo {
  const found = definition.elements.find((el) => el.id === id);
  if (!found) throw new Error(`no element ${id}`);
  return found;
}

/** A process without diagram info: enough for parsing, which does not lint. */
function processXml(body: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="inline" isExecutable="true">${body}</bpmn:process>${extra}
</bpmn:definitions>`;
}

async function parseError(xml: string): Promise<DefinitionError> {
  const error = await parseDefinition(xml).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DefinitionError))
    throw new Error(`expected a DefinitionError, got ${String(error)}`);
  return error;
}

describe('parseDefinition', () => {
  it('reads the process id, name and every flow element of a user-task diagram', async () => {
    // given
    const xml = fixture('user-task');

    // when
    const definition = await parseDefinition(xml);

    // then
    expect(definition.processId).toBe('user-task');
    expect(definition.name).toBe('受理申请');
    expect(definition.xml).toBe(xml);
    expect(definition.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(definition.elements.map((el) => [el.id, el.type])).toEqual([
      ['StartEvent_1', 'bpmn:StartEvent'],
      ['Task_Accept', 'bpmn:UserTask'],
      ['EndEvent_1', 'bpmn:EndEvent'],
      ['Flow_1', 'bpmn:SequenceFlow'],
      ['Flow_2', 'bpmn:SequenceFlow'],
    ]);
  });

  it('reads who may start a case (camunda:candidateStarterGroups and candidateStarterUsers)', async () => {
    // given
    const xml = processXml('<bpmn:startEvent id="S" />').replace(
      'isExecutable="true"',
      'isExecutable="true" camunda:candidateStarterGroups="grid_worker, community_admin" camunda:candidateStarterUsers="u-1"',
    );

    // when
    const definition = await parseDefinition(xml);

    // then
    expect(definition.candidateStarterGroups).toEqual(['grid_worker', 'community_admin']);
    expect(definition.candidateStarterUsers).toEqual(['u-1']);
    expect((await parseDefinition(fixture('user-task'))).candidateStarterGroups).toBeUndefined();
  });

  it('reads the Camunda assignment, dates, priority, form key and input/output of a user task', async () => {
    // when
    const task = element(await parseDefinition(fixture('user-task')), 'Task_Accept');

    // then
    expect(task).toMatchObject({
      name: '受理',
      assignee: '${initiator}',
      candidateUsers: ['zhangsan', '${manager}'],
      candidateGroups: ['property_staff', 'grid_worker'],
      dueDate: 'P3D',
      followUpDate: 'P2D',
      priority: '60',
      formKey: 'repair/accept',
      incoming: ['Flow_1'],
      outgoing: ['Flow_2'],
      inputParameters: [
        { name: 'title', kind: 'text', value: '报修受理' },
        { name: 'houseId', kind: 'text', value: '${houseId}' },
      ],
      outputParameters: [{ name: 'accepted', kind: 'text', value: '${accepted}' }],
    });
    expect(task.attrs).toMatchObject({ 'camunda:assignee': '${initiator}', 'camunda:priority': '60' });
  });

  it('reads the form of a user task (camunda:formData): fields, types, choices, defaults and constraints', async () => {
    // when
    const task = element(await parseDefinition(fixture('task-form')), 'Task_Inspect');

    // then
    expect(task.form).toEqual([
      {
        id: 'result',
        label: '巡查结论',
        type: 'enum',
        values: [
          { id: 'normal', name: '正常' },
          { id: 'problem', name: '发现隐患' },
        ],
        constraints: [{ name: 'required' }],
      },
      {
        id: 'extinguishers',
        label: '灭火器数量',
        type: 'long',
        defaultValue: '4',
        constraints: [{ name: 'required' }, { name: 'min', config: '0' }, { name: 'max', config: '99' }],
      },
      { id: 'note', label: '情况说明', type: 'string', constraints: [{ name: 'maxlength', config: '200' }] },
      { id: 'recheckOn', label: '复查日期', type: 'date', constraints: [] },
      { id: 'reported', label: '已告知物业', type: 'boolean', defaultValue: 'false', constraints: [] },
    ]);
    expect(task.extensions).toBeUndefined();
    expect(element(await parseDefinition(fixture('task-form')), 'Task_Fix').form).toBeUndefined();
  });

  it('names the handler of an external service task after its topic', async () => {
    const task = element(await parseDefinition(fixture('service-task')), 'Task_Record');

    expect(task).toMatchObject({ type: 'bpmn:ServiceTask', handler: 'test.record', handlerSource: 'topic' });
    expect(task.attrs).toMatchObject({ 'camunda:type': 'external', 'camunda:topic': 'test.record' });
  });

  it.each([
    ['camunda:expression="${notify.resident}"', 'notify.resident', 'expression'],
    ['camunda:delegateExpression="${ sendSms }"', 'sendSms', 'delegateExpression'],
    ['implementation="points.award"', 'points.award', 'implementation'],
  ])('names the handler of a service task with %s', async (attribute, handler, handlerSource) => {
    // given
    const xml = processXml(`<bpmn:serviceTask id="Task_1" name="通知" ${attribute} />`);

    // when
    const task = element(await parseDefinition(xml), 'Task_1');

    // then
    expect(task).toMatchObject({ handler, handlerSource });
  });

  it('names no handler for an expression that is more than ${handlerName}, nor for BPMN technology markers', async () => {
    const xml = processXml(`
      <bpmn:serviceTask id="Task_1" name="a" camunda:expression="\${notify.send(execution)}" />
      <bpmn:serviceTask id="Task_2" name="b" implementation="##WebService" />`);

    const definition = await parseDefinition(xml);

    expect(element(definition, 'Task_1').handler).toBeUndefined();
    expect(element(definition, 'Task_2').handler).toBeUndefined();
  });

  it('reads candidate lists without splitting inside ${…}', async () => {
    const xml = processXml(
      `<bpmn:userTask id="Task_1" name="派单" camunda:candidateGroups="dispatcher, \${groupsOf('a,b')} ,," />`,
    );

    const task = element(await parseDefinition(xml), 'Task_1');

    expect(task.candidateGroups).toEqual(['dispatcher', "${groupsOf('a,b')}"]);
  });

  it('reads gateway conditions, the default flow and the links between nodes of the repair diagram', async () => {
    // when
    const definition = await parseDefinition(fixture('repair-shaped'));

    // then
    expect(element(definition, 'Task_Dispatch')).toMatchObject({
      name: '派单',
      candidateGroups: ['dispatcher'],
    });
    expect(element(definition, 'Task_Confirm')).toMatchObject({ name: '确认', assignee: '${initiator}' });
    expect(element(definition, 'Gateway_Accepted')).toMatchObject({
      attrs: { default: 'Flow_Reject' },
      incoming: ['Flow_ToGateway'],
      outgoing: ['Flow_Accept', 'Flow_Reject'],
    });
    expect(element(definition, 'Flow_Accept')).toMatchObject({
      name: '接单',
      sourceRef: 'Gateway_Accepted',
      targetRef: 'Task_Record',
      condition: "${outcome == 'accept'}",
    });
    expect(element(definition, 'Flow_Accept').isDefault).toBeUndefined();
    expect(element(definition, 'Flow_Reject')).toMatchObject({ isDefault: true, targetRef: 'Gateway_Merge' });
  });

  it('reads interrupting and non-interrupting boundary timers with what they are attached to', async () => {
    const definition = await parseDefinition(fixture('timer-boundary'));

    expect(element(definition, 'Boundary_Timeout')).toMatchObject({
      type: 'bpmn:BoundaryEvent',
      attachedToRef: 'Task_Repair',
      cancelActivity: true,
      eventDefinitions: ['bpmn:TimerEventDefinition'],
      timer: { kind: 'timeDuration', value: 'PT1H' },
    });
    expect(element(definition, 'Boundary_Remind')).toMatchObject({
      attachedToRef: 'Task_Repair',
      cancelActivity: false,
      timer: { kind: 'timeDuration', value: 'PT30M' },
      outgoing: ['Flow_Remind'],
    });
    expect(element(definition, 'Task_Escalate')).toMatchObject({ name: '升级处理' });
  });

  it.each([
    ['timer-intermediate', 'Timer_Wait', { kind: 'timeDuration', value: 'PT2S' }],
    ['timer-long', 'Timer_30Days', { kind: 'timeDuration', value: 'P30D' }],
    ['timer-start-cycle', 'StartEvent_Hourly', { kind: 'timeCycle', value: 'R3/PT1H' }],
  ])('reads the timer of %s', async (name, id, timer) => {
    const definition = await parseDefinition(fixture(name));

    expect(element(definition, id).timer).toEqual(timer);
  });

  it('reads the message name of a message catch event', async () => {
    const definition = await parseDefinition(fixture('message-catch'));

    expect(element(definition, 'Catch_Ack')).toMatchObject({
      type: 'bpmn:IntermediateCatchEvent',
      eventDefinitions: ['bpmn:MessageEventDefinition'],
      messageName: 'alert.acknowledged',
    });
  });

  it('reads a parallel split and join', async () => {
    const definition = await parseDefinition(fixture('parallel'));

    expect(element(definition, 'Gateway_Split')).toMatchObject({
      type: 'bpmn:ParallelGateway',
      outgoing: ['Flow_2', 'Flow_3'],
    });
    expect(element(definition, 'Gateway_Join')).toMatchObject({ incoming: ['Flow_4', 'Flow_5'] });
  });

  it('lists sub-process contents after the sub-process, with their parent, and reads error codes', async () => {
    const definition = await parseDefinition(fixture('subprocess'));
    const ids = definition.elements.map((el) => el.id);

    expect(ids.indexOf('Sub_Repair')).toBeGreaterThan(ids.indexOf('SubProcess_Repair'));
    expect(element(definition, 'Sub_Repair')).toMatchObject({
      parentId: 'SubProcess_Repair',
      assignee: '${technician}',
    });
    expect(element(definition, 'Sub_Record')).toMatchObject({
      parentId: 'SubProcess_Repair',
      handler: 'test.record',
    });
    expect(element(definition, 'SubProcess_Repair').parentId).toBeUndefined();
    expect(element(definition, 'Boundary_Failed')).toMatchObject({
      attachedToRef: 'SubProcess_Repair',
      errorCode: 'REPAIR_FAILED',
    });
  });

  it('links flow nodes from the flows even when the XML leaves out <bpmn:incoming>/<bpmn:outgoing>', async () => {
    const xml = processXml(`
      <bpmn:startEvent id="Start" name="开始" />
      <bpmn:endEvent id="End" name="结束" />
      <bpmn:sequenceFlow id="Flow" sourceRef="Start" targetRef="End" />`);

    const definition = await parseDefinition(xml);

    expect(element(definition, 'Start').outgoing).toEqual(['Flow']);
    expect(element(definition, 'End').incoming).toEqual(['Flow']);
  });

  describe('refuses what it cannot read', () => {
    it('lists where XML that is not well-formed breaks', async () => {
      const error = await parseError(fixture('invalid-broken-xml'));

      expect(error.id).toBe('invalid_definition');
      expect(error.problems).toEqual([
        { rule: 'xml', message: expect.stringContaining('line 9, column 3') as unknown },
      ]);
      expect(error.message).toContain('closing tag mismatch');
    });

    it('says an empty file is empty', async () => {
      const error = await parseError('  \n');

      expect(error.problems).toEqual([{ rule: 'xml', message: 'The file is empty' }]);
    });

    it('says a well-formed file that is not BPMN is not BPMN', async () => {
      const error = await parseError('<?xml version="1.0"?><diagram xmlns="urn:drawio"><cell/></diagram>');

      expect(error.problems).toEqual([
        { rule: 'bpmn', message: expect.stringContaining('not a BPMN 2.0 file') as unknown },
      ]);
    });

    it('refuses a file with two executable processes, naming the second', async () => {
      const error = await parseError(fixture('invalid-two-processes'));

      expect(error.problems).toEqual([
        {
          elementId: 'repair-review',
          rule: 'single-process',
          message: expect.stringContaining('exactly one') as unknown,
        },
      ]);
    });

    it('refuses a file whose only process is not executable', async () => {
      const xml = processXml('<bpmn:startEvent id="Start" />').replace(
        'isExecutable="true"',
        'isExecutable="false"',
      );

      const error = await parseError(xml);

      expect(error.problems).toEqual([
        {
          elementId: 'inline',
          rule: 'single-process',
          message: expect.stringContaining('not executable') as unknown,
        },
      ]);
    });

    it('refuses an attribute the element cannot have, such as a misspelt Camunda one', async () => {
      const xml = processXml('<bpmn:userTask id="Task_1" name="派单" camunda:asignee="zhangsan" />');

      const error = await parseError(xml);

      expect(error.problems).toEqual([
        {
          elementId: 'Task_1',
          rule: 'bpmn',
          message: 'camunda:asignee is not an attribute this element can have (misspelt?)',
        },
      ]);
    });

    it('refuses references to elements that are not in the file', async () => {
      const xml = processXml('<bpmn:sequenceFlow id="Flow_1" sourceRef="Nowhere" targetRef="Nowhere" />');

      const error = await parseError(xml);

      expect(error.problems).toContainEqual({
        elementId: 'Flow_1',
        rule: 'bpmn',
        message: 'sourceRef points at "Nowhere", which is not in this file',
      });
    });
  });
});

describe('hashDefinitionXml', () => {
  it('gives identical XML the same hash', async () => {
    const [a, b] = await Promise.all([
      parseDefinition(fixture('user-task')),
      parseDefinition(fixture('user-task')),
    ]);

    expect(a.hash).toBe(b.hash);
  });

  it('ignores line endings and trailing whitespace', () => {
    // given
    const xml = fixture('repair-shaped');
    const reformatted = '\uFEFF' + xml.replace(/\n/g, '  \r\n') + '\r\n\r\n';

    // then
    expect(hashDefinitionXml(reformatted)).toBe(hashDefinitionXml(xml));
  });

  it('changes when the content changes', () => {
    const xml = fixture('repair-shaped');

    expect(hashDefinitionXml(xml.replace('dispatcher', 'dispatchers'))).not.toBe(hashDefinitionXml(xml));
  });
});
