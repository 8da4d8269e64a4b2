import { readFileSync } from 'node:fs';
import { diffDefinitions } from './diff.js';
import { parseDefinition } from './parse.js';

const FIXTURES = new URL('../../../bpmn/fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(`${name}.bpmn`, FIXTURES), 'utf8');

describe('diffDefinitions', () => {
  it('finds nothing between a definition and itself', async () => {
    const a = await parseDefinition(fixture('repair-shaped'));

    expect(diffDefinitions(a, a)).toEqual({ added: [], removed: [], changed: [] });
  });

  it('shows a changed task form as changes of the task, field by field', async () => {
    // given: version 2 raises a limit and adds a field
    const v1 = await parseDefinition(fixture('task-form'));
    const v2 = await parseDefinition(
      fixture('task-form')
        .replace(
          '<camunda:constraint name="max" config="99" />',
          '<camunda:constraint name="max" config="200" />',
        )
        .replace(
          '</camunda:formData>',
          '<camunda:formField id="inspector" label="巡查人" type="string" /></camunda:formData>',
        ),
    );

    // when
    const diff = diffDefinitions(v1, v2);

    // then
    expect(diff.changed).toEqual([
      {
        id: 'Task_Inspect',
        type: 'bpmn:UserTask',
        changes: [
          {
            field: 'form field extinguishers',
            from: 'long 灭火器数量 4 required min=0 max=99',
            to: 'long 灭火器数量 4 required min=0 max=200',
          },
          { field: 'form field inspector', to: 'string 巡查人' },
        ],
      },
    ]);
  });

  it('lists the added, removed and changed elements of a new version of the repair flow', async () => {
    // given
    const v1 = await parseDefinition(fixture('repair-shaped'));
    const v2 = await parseDefinition(fixture('repair-shaped-v2'));

    // when
    const diff = diffDefinitions(v1, v2);

    // then
    expect(diff.added).toEqual([
      { id: 'Task_Repair', type: 'bpmn:UserTask', name: '维修' },
      { id: 'Flow_ToConfirm_v2', type: 'bpmn:SequenceFlow' },
    ]);
    expect(diff.removed).toEqual([
      { id: 'Task_Record', type: 'bpmn:ServiceTask', name: '记录派单' },
      { id: 'Flow_ToConfirm', type: 'bpmn:SequenceFlow' },
    ]);
    expect(diff.changed).toEqual([
      {
        id: 'Task_Dispatch',
        type: 'bpmn:UserTask',
        changes: [{ field: 'camunda:candidateGroups', from: 'dispatcher', to: 'dispatcher,property_staff' }],
      },
      {
        id: 'Gateway_Accepted',
        type: 'bpmn:ExclusiveGateway',
        changes: [
          { field: 'outgoing', from: 'Gateway_Merge, Task_Record', to: 'Gateway_Merge, Task_Repair' },
        ],
      },
      {
        id: 'Task_Confirm',
        type: 'bpmn:UserTask',
        changes: [
          { field: 'incoming', from: 'Task_Record', to: 'Task_Repair' },
          { field: 'camunda:dueDate', to: 'P7D' },
        ],
      },
      {
        id: 'Flow_Accept',
        type: 'bpmn:SequenceFlow',
        changes: [
          { field: 'condition', from: "${outcome == 'accept'}", to: "${outcome == 'accepted'}" },
          { field: 'targetRef', from: 'Task_Record', to: 'Task_Repair' },
        ],
      },
    ]);
  });

  it('reports a changed timer value and a boundary event turned non-interrupting', async () => {
    // given
    const v1 = await parseDefinition(fixture('timer-boundary'));
    const xml = fixture('timer-boundary')
      .replace('>PT1H<', '>PT2H<')
      .replace(
        '<bpmn:boundaryEvent id="Boundary_Timeout" name="1小时超时"',
        '<bpmn:boundaryEvent id="Boundary_Timeout" name="1小时超时" cancelActivity="false"',
      );
    const v2 = await parseDefinition(xml);

    // when
    const diff = diffDefinitions(v1, v2);

    // then
    expect(diff.changed).toEqual([
      {
        id: 'Boundary_Timeout',
        type: 'bpmn:BoundaryEvent',
        changes: [
          { field: 'timer', from: 'timeDuration PT1H', to: 'timeDuration PT2H' },
          { field: 'cancelActivity', from: 'true', to: 'false' },
        ],
      },
    ]);
  });

  it('treats a changed element type on the same id as a change, not a removal and an addition', async () => {
    const v1 = await parseDefinition(fixture('service-task'));
    const v2 = await parseDefinition(fixture('service-task').replace(/serviceTask/g, 'sendTask'));

    const diff = diffDefinitions(v1, v2);

    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed[0]?.changes[0]).toEqual({
      field: 'type',
      from: 'bpmn:ServiceTask',
      to: 'bpmn:SendTask',
    });
  });
});
